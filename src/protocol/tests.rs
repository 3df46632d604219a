//! Tests for reading, checking and walking protocols.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::domain::Response;

/// A small valid protocol; the line numbers below refer to it.
const VALID: &str = r#"id = "t"
version = "1"
title = "Test"
start = "a"

[[step]]
id = "a"
question = "Q?"
help = "H"

[[step.answer]]
id = "p"
label = "P"
recommend = "police"
reason = "R"

[[step.answer]]
id = "n"
label = "N"
next = "b"

[[step]]
id = "b"
question = "Q2?"
help = "H"

[[step.answer]]
id = "r"
label = "R"
recommend = "restorative"
reason = "R"

[[step.answer]]
id = "i"
label = "I"
recommend = "in_house"
reason = "R"
"#;

fn with(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "test fixture lacks {from:?}");
    VALID.replacen(from, to, 1)
}

fn problems(text: &str) -> Vec<Problem> {
    match parse(text) {
        Ok(_) => panic!("expected problems, the protocol was accepted"),
        Err(ps) => ps,
    }
}

/// Asserts that a problem with this line, step and message part was reported.
#[track_caller]
fn expect(text: &str, line: Option<usize>, step: Option<&str>, part: &str) {
    let ps = problems(text);
    assert!(
        ps.iter()
            .any(|p| p.line == line && p.step.as_deref() == step && p.message.contains(part)),
        "no problem at line {line:?} step {step:?} containing {part:?}; got:\n{}",
        ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn valid_protocol_parses_with_its_hash() {
    let p = parse(VALID).expect("valid");
    assert_eq!(p.id, "t");
    assert_eq!(p.start, "a");
    assert_eq!(p.steps.len(), 2);
    assert_eq!(p.steps[0].answers[1].next.as_deref(), Some("b"));
    assert_eq!(p.steps[1].answers[0].recommend, Some(Response::Restorative));
    assert_eq!(p.sha256, crate::hash::sha256_hex(VALID.as_bytes()));
    assert_eq!(p.sha256.len(), 64);
    // A different file, a different hash.
    let q = parse(&with("title = \"Test\"", "title = \"Test 2\"")).expect("valid");
    assert_ne!(p.sha256, q.sha256);
}

#[test]
fn syntax_error_has_its_line() {
    let ps = problems(&with("question = \"Q?\"", "question = \"Q?"));
    assert_eq!(ps[0].line, Some(8), "{ps:?}");
    assert!(ps[0].message.starts_with("TOML syntax:"), "{ps:?}");
    expect("id = \"t\"\nversion = \n", Some(2), None, "TOML syntax");
}

#[test]
fn missing_required_keys() {
    expect(
        &with("question = \"Q2?\"\n", ""),
        Some(22),
        Some("b"),
        "'question' is missing",
    );
    expect(&with("help = \"H\"\n", ""), Some(6), Some("a"), "'help' is missing");
    expect(&with("label = \"P\"\n", ""), Some(11), Some("a"), "'label' is missing");
    expect(&with("title = \"Test\"\n", ""), Some(1), None, "'title' is missing");
    expect(&with("start = \"a\"\n", ""), Some(1), None, "'start' is missing");
    expect(
        &with("reason = \"R\"\n", ""),
        Some(11),
        Some("a"),
        "answer 'p' recommends a response but has no 'reason'",
    );
    // A step without an id is still reported, by its line.
    expect(&with("id = \"b\"\n", ""), Some(22), None, "'id' is missing");
}

#[test]
fn wrong_types_and_empty_text() {
    expect(
        &with("version = \"1\"", "version = 1"),
        Some(2),
        None,
        "'version' must be text in quotes, not a number",
    );
    expect(
        &with("question = \"Q?\"", "question = \"  \""),
        Some(8),
        Some("a"),
        "'question' is empty",
    );
    expect(
        &with("id = \"a\"", "id = \"a b\""),
        Some(7),
        None,
        "use only letters, digits",
    );
    expect(
        "[step]\nid = \"a\"\n",
        Some(1),
        None,
        "'step' must be written as [[step]] tables",
    );
}

#[test]
fn duplicate_ids() {
    let dup_step = format!(
        "{VALID}\n[[step]]\nid = \"b\"\nquestion = \"Again?\"\nhelp = \"H\"\n\n[[step.answer]]\nid = \"x\"\nlabel = \"X\"\nrecommend = \"police\"\nreason = \"R\"\n"
    );
    expect(
        &dup_step,
        Some(40),
        Some("b"),
        "step id 'b' is used twice (first on line 23)",
    );
    expect(
        &with("id = \"i\"", "id = \"r\""),
        Some(34),
        Some("b"),
        "answer id 'r' is used twice (first on line 28)",
    );
}

#[test]
fn unknown_steps_named() {
    expect(
        &with("start = \"a\"", "start = \"zz\""),
        Some(4),
        None,
        "start names step 'zz', which does not exist",
    );
    let t = with("next = \"b\"", "next = \"zz\"");
    expect(
        &t,
        Some(20),
        Some("a"),
        "answer 'n' goes to step 'zz', which does not exist",
    );
    expect(&t, Some(22), Some("b"), "cannot be reached from the start");
}

#[test]
fn answer_needs_exactly_one_of_next_and_recommend() {
    expect(
        &with("next = \"b\"\n", ""),
        Some(17),
        Some("a"),
        "answer 'n' needs either next",
    );
    expect(
        &with("next = \"b\"\n", "next = \"b\"\nrecommend = \"police\"\n"),
        Some(17),
        Some("a"),
        "answer 'n' has both 'next' and 'recommend'",
    );
    expect(
        &with("next = \"b\"\n", "next = \"b\"\nreason = \"why\"\n"),
        Some(21),
        Some("a"),
        "'reason' is only used with 'recommend'",
    );
}

#[test]
fn unknown_response_names_and_keys_and_facts() {
    expect(
        &with("recommend = \"police\"", "recommend = \"caution\""),
        Some(14),
        Some("a"),
        "unknown response 'caution' (use one of: in_house, restorative, police)",
    );
    expect(
        &with("help = \"H\"\n", "help = \"H\"\ncolour = \"red\"\n"),
        Some(10),
        Some("a"),
        "unknown key 'colour'",
    );
    expect(
        &with("label = \"P\"", "lable = \"P\""),
        Some(13),
        Some("a"),
        "unknown key 'lable'",
    );
    expect(
        &with("title = \"Test\"", "title = \"Test\"\nauthor = \"me\""),
        Some(4),
        None,
        "unknown key 'author'",
    );
    expect(
        &with("help = \"H\"\n", "help = \"H\"\nfact = \"mood\"\n"),
        Some(10),
        Some("a"),
        "unknown fact 'mood'",
    );
    expect(
        &with("help = \"H\"\n", "help = \"H\"\nfact = \"weapon\"\n"),
        Some(6),
        Some("a"),
        "missing: yes, no",
    );
}

#[test]
fn unreachable_step() {
    let t = format!(
        "{VALID}\n[[step]]\nid = \"c\"\nquestion = \"Lost?\"\nhelp = \"H\"\n\n[[step.answer]]\nid = \"x\"\nlabel = \"X\"\nrecommend = \"police\"\nreason = \"R\"\n"
    );
    expect(&t, Some(39), Some("c"), "cannot be reached from the start");
}

#[test]
fn loops_are_refused() {
    let t = with("recommend = \"restorative\"\nreason = \"R\"", "next = \"a\"");
    expect(
        &t,
        Some(30),
        Some("b"),
        "answer 'r' goes back to step 'a', making a loop: a -> b -> a",
    );
    let own = with("recommend = \"restorative\"\nreason = \"R\"", "next = \"b\"");
    expect(&own, Some(30), Some("b"), "making a loop: b -> b");
}

#[test]
fn steps_without_answers_or_without_an_end() {
    let cut = VALID.find("[[step.answer]]\nid = \"r\"").expect("fixture");
    let no_answers = &VALID[..cut];
    expect(no_answers, Some(22), Some("b"), "has no answers");
    expect(no_answers, None, None, "no answer recommends 'in_house'");
    // b only leads to c, which has no answers: b can never end in a recommendation.
    let t = format!(
        "{}next = \"c\"\n\n[[step]]\nid = \"c\"\nquestion = \"C?\"\nhelp = \"H\"\nanswer = []\n",
        &VALID[..VALID.find("recommend = \"restorative\"").expect("fixture")]
    );
    expect(
        &t,
        Some(22),
        Some("b"),
        "no answer here ever leads to a recommended response",
    );
    expect(&t, Some(36), Some("c"), "has no answers");
}

#[test]
fn every_problem_is_reported_at_once() {
    let t = with("version = \"1\"", "version = 1")
        .replacen("recommend = \"police\"", "recommend = \"caution\"", 1)
        .replacen("next = \"b\"", "next = \"zz\"", 1)
        .replacen("id = \"i\"", "id = \"r\"", 1);
    let ps = problems(&t);
    assert!(ps.len() >= 5, "{ps:?}");
    let lines: Vec<usize> = ps.iter().filter_map(|p| p.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "problems are in file order");
}

#[test]
fn empty_and_odd_files() {
    expect("", Some(1), None, "'id' is missing");
    expect("", Some(1), None, "there are no steps");
    expect("step = 3\n", Some(1), None, "'step' must be written as [[step]] tables");
    expect("\u{feff}id = [\n", Some(1), None, "TOML syntax");
}

#[test]
fn text_is_cleaned_of_control_characters() {
    let p = parse(&with("question = \"Q?\"", "question = \"Q\\u001b[2J?\"")).expect("valid");
    assert!(!p.steps[0].question.contains('\u{1b}'), "{:?}", p.steps[0].question);
}

#[test]
fn load_reports_unreadable_files_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.toml");
    let e = load(&missing).expect_err("missing");
    assert!(
        e.starts_with("Cannot read the protocol") && e.contains("nope.toml"),
        "{e}"
    );
    let e = load(dir.path()).expect_err("folder");
    assert!(e.contains("it is a folder"), "{e}");
    let bin = dir.path().join("bin.toml");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    assert!(load(&bin).expect_err("binary").contains("not UTF-8"));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, with("next = \"b\"", "next = \"zz\"")).expect("write");
    let e = load(&bad).expect_err("bad");
    assert!(
        e.contains("is not valid (2 problems)") && e.contains("line 20: step 'a':"),
        "{e}"
    );
    let e = resolve(Some(&bad)).expect_err("bad");
    assert!(
        e.contains("will not start") && e.contains("concordat protocol check"),
        "{e}"
    );
    let good = dir.path().join("good.toml");
    std::fs::write(&good, VALID).expect("write");
    assert_eq!(load(&good).expect("good").id, "t");
}

// ---- the default protocol ----

fn default() -> Protocol {
    parse(DEFAULT_TOML).unwrap_or_else(|ps| panic!("default protocol invalid: {ps:?}"))
}

/// Every complete path through a protocol (ignoring facts): the answers given and where it ends.
fn all_paths(p: &Protocol) -> Vec<(BTreeMap<String, String>, Recommendation)> {
    fn go(
        p: &Protocol,
        id: &str,
        answers: &mut BTreeMap<String, String>,
        out: &mut Vec<(BTreeMap<String, String>, Recommendation)>,
    ) {
        let step = p.step(id).expect("step exists");
        for a in &step.answers {
            answers.insert(step.id.clone(), a.id.clone());
            match (&a.next, a.recommend) {
                (_, Some(r)) => out.push((
                    answers.clone(),
                    Recommendation {
                        response: r,
                        reason: a.reason.clone(),
                    },
                )),
                (Some(n), None) => go(p, n, answers, out),
                (None, None) => panic!("dead end"),
            }
            answers.remove(&step.id);
        }
    }
    let mut out = vec![];
    go(p, &p.start, &mut BTreeMap::new(), &mut out);
    out
}

#[test]
fn default_protocol_reaches_every_response_and_step() {
    let p = default();
    let paths = all_paths(&p);
    let reached: BTreeSet<Response> = paths.iter().map(|(_, r)| r.response).collect();
    assert_eq!(reached, Response::ALL.into_iter().collect::<BTreeSet<_>>());
    let steps: BTreeSet<&String> = paths.iter().flat_map(|(a, _)| a.keys()).collect();
    assert_eq!(steps.len(), p.steps.len(), "every step is on some path");
    for (answers, expected) in &paths {
        let w = walk(&p, &BTreeMap::new(), answers);
        assert_eq!(w.outcome.as_ref(), Some(expected), "{answers:?}");
        assert!(w.pending.is_none());
        assert!(!expected.reason.is_empty());
        assert!(w.path.iter().all(|s| !s.automatic));
    }
}

#[test]
fn default_protocol_facts_and_wording() {
    let p = default();
    assert_eq!(p.start, "danger");
    for (fact, _) in FACTS {
        assert!(
            p.steps.iter().any(|s| s.fact.as_deref() == Some(*fact)),
            "no step uses fact {fact}"
        );
    }
    // Immediate danger: police, call 999 now, answered from the record.
    let facts = BTreeMap::from([("immediate_danger".to_string(), "yes".to_string())]);
    let w = walk(&p, &facts, &BTreeMap::new());
    let o = w.outcome.expect("outcome");
    assert_eq!(o.response, Response::Police);
    assert!(o.reason.contains("999"), "{}", o.reason);
    assert!(w.path[0].automatic);
    // A child who is absent (not missing) is handled in the home; a missing child is reported as missing.
    let facts = BTreeMap::from([
        ("immediate_danger".to_string(), "no".to_string()),
        ("missing_or_absent".to_string(), "yes".to_string()),
    ]);
    let absent = walk(
        &p,
        &facts,
        &BTreeMap::from([("missing_kind".to_string(), "absent".to_string())]),
    );
    assert_eq!(absent.outcome.expect("absent").response, Response::InHouse);
    let missing = walk(
        &p,
        &facts,
        &BTreeMap::from([("missing_kind".to_string(), "missing".to_string())]),
    );
    let o = missing.outcome.expect("missing");
    assert_eq!(o.response, Response::Police);
    assert!(o.reason.contains("missing"));
    // A member of staff who was harmed keeps the right to report.
    let facts = BTreeMap::from([
        ("immediate_danger".to_string(), "no".to_string()),
        ("missing_or_absent".to_string(), "no".to_string()),
        ("weapon".to_string(), "no".to_string()),
        ("injury".to_string(), "no".to_string()),
        ("victim".to_string(), "staff".to_string()),
    ]);
    let answers = BTreeMap::from([
        ("parent".to_string(), "no".to_string()),
        ("staff_wishes".to_string(), "report".to_string()),
    ]);
    let w = walk(&p, &facts, &answers);
    let o = w.outcome.expect("outcome");
    assert_eq!(o.response, Response::Police);
    assert!(o.reason.contains("right"), "{}", o.reason);
    assert_eq!(w.path.iter().filter(|s| s.automatic).count(), 5);
    let answers = BTreeMap::from([
        ("parent".to_string(), "no".to_string()),
        ("staff_wishes".to_string(), "restorative".to_string()),
    ]);
    assert_eq!(
        walk(&p, &facts, &answers).outcome.expect("r").response,
        Response::Restorative
    );
}

// ---- the embedded protocols ----

fn facts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// No danger, nobody missing, no weapon, nobody hurt, only the home's property (a door kicked).
const DOOR: &[(&str, &str)] = &[
    ("immediate_danger", "no"),
    ("missing_or_absent", "no"),
    ("weapon", "no"),
    ("injury", "no"),
    ("victim", "home"),
    ("yos_open", "no"),
];

#[test]
fn every_embedded_protocol_is_valid_and_comparable() {
    assert_eq!(EMBEDDED[0].0, "national-2018");
    for (id, _, text) in EMBEDDED {
        let p = parse(text).unwrap_or_else(|ps| panic!("{id} invalid: {ps:?}"));
        assert_eq!(&p.id, id);
        assert_eq!(embedded(id).as_ref(), Some(&p));
        // The same facts and the same three responses, so records stay comparable.
        for (fact, _) in FACTS {
            assert!(
                p.steps.iter().any(|s| s.fact.as_deref() == Some(*fact)),
                "{id}: no step uses {fact}"
            );
        }
        let reached: BTreeSet<Response> = all_paths(&p).iter().map(|(_, r)| r.response).collect();
        assert_eq!(reached, Response::ALL.into_iter().collect::<BTreeSet<_>>(), "{id}");
    }
    let ids: Vec<String> = choices().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["auto", "national-2018", "london-2025"]);
    let fallback = parse(VALID).unwrap();
    assert_eq!(chosen(AUTO, &fallback).id, "t");
    assert_eq!(chosen("london-2025", &fallback).id, "london-2025");
    assert_eq!(chosen("no-such-protocol", &fallback).id, "t");
}

/// Repairing damage under the behaviour policy is in-house; restorative is a meeting with the person harmed.
/// The old wording ("making good the damage" under the restorative question) steered a worker who meant
/// in-house to restorative.
#[test]
fn repairing_damage_is_in_house_in_every_embedded_protocol() {
    for (id, _, text) in EMBEDDED {
        let p = parse(text).unwrap();
        for step in p
            .steps
            .iter()
            .filter(|s| s.answers.iter().any(|a| a.recommend == Some(Response::Restorative)))
        {
            assert!(!step.help.contains("making good"), "{id} {}: {}", step.id, step.help);
            for a in &step.answers {
                if a.recommend == Some(Response::Restorative) {
                    assert!(
                        !a.label.to_lowercase().contains("repair"),
                        "{id} {}: {}",
                        step.id,
                        a.label
                    );
                }
            }
        }
        for repair in ["repair", "repair_needs"] {
            let s = p.step(repair).unwrap_or_else(|| panic!("{id}: no step {repair}"));
            assert!(s.help.contains("in-house"), "{id} {repair}: {}", s.help);
            assert!(s.question.contains("person harmed"), "{id} {repair}: {}", s.question);
            let no = s.answer("no").expect("no");
            assert_eq!(no.recommend, Some(Response::InHouse));
            assert!(no.label.contains("repairing damage"), "{}", no.label);
        }
    }
    assert_eq!(default().version, "1.1");
}

#[test]
fn london_a_door_kicked_with_the_child_helping_repair_it_is_in_house() {
    let p = embedded("london-2025").unwrap();
    let answers = BTreeMap::from([
        ("good_enough".to_string(), "no".to_string()),
        ("needs".to_string(), "yes".to_string()),
        ("repair_needs".to_string(), "no".to_string()),
    ]);
    let w = walk(&p, &facts(DOOR), &answers);
    let o = w.outcome.expect("outcome");
    assert_eq!(o.response, Response::InHouse);
    assert!(o.reason.contains("repair"), "{}", o.reason);
    let asked: Vec<&str> = w
        .path
        .iter()
        .filter(|s| !s.automatic)
        .map(|s| s.question.as_str())
        .collect();
    assert_eq!(asked[0], "Would calling the police be good enough for my child?");
    assert_eq!(asked.len(), 3);
    // Not linked to needs: the same.
    let answers = BTreeMap::from([
        ("good_enough".to_string(), "unsure".to_string()),
        ("needs".to_string(), "no".to_string()),
        ("repair".to_string(), "no".to_string()),
    ]);
    assert_eq!(
        walk(&p, &facts(DOOR), &answers).outcome.unwrap().response,
        Response::InHouse
    );
}

#[test]
fn london_a_missing_child_is_reported_as_missing_not_as_a_crime() {
    let p = embedded("london-2025").unwrap();
    let f = facts(&[("immediate_danger", "no"), ("missing_or_absent", "yes")]);
    let w = walk(
        &p,
        &f,
        &BTreeMap::from([("missing_kind".to_string(), "missing".to_string())]),
    );
    let o = w.outcome.expect("outcome");
    assert_eq!(o.response, Response::Police);
    assert!(
        o.reason.contains("as missing") && o.reason.contains("not a crime"),
        "{}",
        o.reason
    );
    let absent = walk(
        &p,
        &f,
        &BTreeMap::from([("missing_kind".to_string(), "absent".to_string())]),
    );
    assert_eq!(absent.outcome.unwrap().response, Response::InHouse);
}

#[test]
fn london_a_weapon_and_immediate_danger_go_to_the_police() {
    let p = embedded("london-2025").unwrap();
    let f = facts(&[
        ("immediate_danger", "no"),
        ("missing_or_absent", "no"),
        ("weapon", "yes"),
    ]);
    let w = walk(&p, &f, &BTreeMap::new());
    let o = w.outcome.expect("outcome");
    assert_eq!(o.response, Response::Police);
    assert!(o.reason.contains("weapon"), "{}", o.reason);
    assert!(w.path.iter().all(|s| s.automatic));
    let w = walk(&p, &facts(&[("immediate_danger", "yes")]), &BTreeMap::new());
    assert!(w.outcome.unwrap().reason.contains("999"));
}

// ---- the engine ----

#[test]
fn walk_asks_the_first_question_when_nothing_is_known() {
    let p = default();
    let w = walk(&p, &BTreeMap::new(), &BTreeMap::new());
    assert!(w.path.is_empty());
    assert_eq!(w.pending.map(|s| s.id.as_str()), Some("danger"));
    assert!(w.outcome.is_none());
}

#[test]
fn walk_shows_questions_and_answers_as_shown() {
    let p = parse(VALID).expect("valid");
    let w = walk(
        &p,
        &BTreeMap::new(),
        &BTreeMap::from([("a".to_string(), "n".to_string())]),
    );
    assert_eq!(
        w.path,
        vec![Shown {
            step_id: "a".into(),
            question: "Q?".into(),
            answer_id: "n".into(),
            answer: "N".into(),
            automatic: false,
        }]
    );
    assert_eq!(w.pending.map(|s| s.id.as_str()), Some("b"));
}

#[test]
fn walk_treats_unknown_answers_as_unanswered_and_ignores_stale_ones() {
    let p = parse(VALID).expect("valid");
    let w = walk(
        &p,
        &BTreeMap::new(),
        &BTreeMap::from([("a".to_string(), "maybe".to_string())]),
    );
    assert_eq!(w.pending.map(|s| s.id.as_str()), Some("a"));
    assert!(w.path.is_empty());
    // An answer for b, left over from going back and choosing police at a, is ignored.
    let answers = BTreeMap::from([("a".to_string(), "p".to_string()), ("b".to_string(), "r".to_string())]);
    let w = walk(&p, &BTreeMap::new(), &answers);
    assert_eq!(w.path.len(), 1);
    assert_eq!(w.outcome.expect("done").response, Response::Police);
}

#[test]
fn walk_asks_a_fact_step_when_the_fact_is_unknown_or_has_no_matching_answer() {
    let p = default();
    let facts = BTreeMap::from([("immediate_danger".to_string(), "perhaps".to_string())]);
    let w = walk(&p, &facts, &BTreeMap::new());
    assert_eq!(w.pending.map(|s| s.id.as_str()), Some("danger"));
    let w = walk(&p, &facts, &BTreeMap::from([("danger".to_string(), "yes".to_string())]));
    assert_eq!(w.outcome.expect("done").response, Response::Police);
    assert!(!w.path[0].automatic);
    // A known fact wins over an answer typed earlier.
    let facts = BTreeMap::from([("immediate_danger".to_string(), "no".to_string())]);
    let w = walk(&p, &facts, &BTreeMap::from([("danger".to_string(), "yes".to_string())]));
    assert_eq!(w.path[0].answer_id, "no");
    assert_eq!(w.pending.map(|s| s.id.as_str()), Some("missing"));
}

fn step(id: &str, answers: Vec<Answer>) -> Step {
    Step {
        id: id.into(),
        question: format!("{id}?"),
        help: String::new(),
        fact: None,
        answers,
    }
}

fn go(id: &str, next: &str) -> Answer {
    Answer {
        id: id.into(),
        label: id.into(),
        next: Some(next.into()),
        recommend: None,
        reason: String::new(),
    }
}

#[test]
fn walk_ends_on_a_loop_and_on_broken_links() {
    // Not a valid protocol (parse refuses it), built by hand to prove the engine cannot hang.
    let p = Protocol {
        id: "loop".into(),
        version: "1".into(),
        title: "Loop".into(),
        start: "a".into(),
        steps: vec![
            step("a", vec![go("x", "b")]),
            step("b", vec![go("x", "a"), go("y", "nowhere")]),
        ],
        sha256: String::new(),
    };
    let answers = BTreeMap::from([("a".to_string(), "x".to_string()), ("b".to_string(), "x".to_string())]);
    let w = walk(&p, &BTreeMap::new(), &answers);
    assert_eq!(w.path.len(), 2);
    assert!(w.pending.is_none() && w.outcome.is_none());
    let answers = BTreeMap::from([("a".to_string(), "x".to_string()), ("b".to_string(), "y".to_string())]);
    let w = walk(&p, &BTreeMap::new(), &answers);
    assert!(w.pending.is_none() && w.outcome.is_none());
    let empty = Protocol {
        start: "missing".into(),
        ..p
    };
    let w = walk(&empty, &BTreeMap::new(), &answers);
    assert!(w.path.is_empty() && w.pending.is_none() && w.outcome.is_none());
}

// ---- property tests ----

/// Where a generated answer goes: Ok(next step index) or Err(recommended response).
type Target = Result<usize, Response>;

/// A generated protocol: for each step, its fact and its answers as (id, target).
#[derive(Debug, Clone)]
struct Gen {
    steps: Vec<GenStep>,
}

/// One generated step: its fact, and its answers as (id, target).
type GenStep = (Option<&'static str>, Vec<(String, Target)>);

fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        Just(Response::InHouse),
        Just(Response::Restorative),
        Just(Response::Police)
    ]
}

/// Random valid protocols: a DAG (answers only go to later steps), every step reachable (each step after the
/// first has a parent before it), every step with answers, the last step offering all three responses.
fn gen_protocol() -> impl Strategy<Value = Gen> {
    (1usize..9)
        .prop_flat_map(|n| {
            let parents = (1..n).map(|i| 0..i).collect::<Vec<_>>();
            let extras = (0..n)
                .map(move |i| {
                    proptest::collection::vec(
                        prop_oneof![response().prop_map(Err), (i + 1..n.max(i + 2)).prop_map(Ok)],
                        0..4,
                    )
                })
                .collect::<Vec<_>>();
            let facts = proptest::collection::vec(any::<bool>(), n);
            (Just(n), parents, extras, facts)
        })
        .prop_map(|(n, parents, extras, facts)| {
            let mut links: Vec<Vec<Target>> = vec![vec![]; n];
            for (i, p) in parents.into_iter().enumerate() {
                links[p].push(Ok(i + 1));
            }
            for (i, ex) in extras.into_iter().enumerate() {
                for e in ex {
                    // Out-of-range targets (from the last step) become recommendations.
                    links[i].push(match e {
                        Ok(j) if j < n => Ok(j),
                        Ok(_) => Err(Response::InHouse),
                        Err(r) => Err(r),
                    });
                }
            }
            links[n - 1].extend([
                Err(Response::InHouse),
                Err(Response::Restorative),
                Err(Response::Police),
            ]);
            for l in links.iter_mut() {
                if l.is_empty() {
                    l.push(Err(Response::Police));
                }
            }
            let steps = links
                .into_iter()
                .zip(facts)
                .map(|(l, fact)| {
                    let with_fact = fact && l.len() >= 2;
                    let answers = l
                        .into_iter()
                        .enumerate()
                        .map(|(k, target)| {
                            let id = match (with_fact, k) {
                                (true, 0) => "yes".to_string(),
                                (true, 1) => "no".to_string(),
                                _ => format!("a{k}"),
                            };
                            (id, target)
                        })
                        .collect();
                    (with_fact.then_some("weapon"), answers)
                })
                .collect();
            Gen { steps }
        })
}

fn to_toml(g: &Gen) -> String {
    let mut s = String::from("id = \"gen\"\nversion = \"1\"\ntitle = \"Generated\"\nstart = \"s0\"\n");
    for (i, (fact, answers)) in g.steps.iter().enumerate() {
        s.push_str(&format!(
            "\n[[step]]\nid = \"s{i}\"\nquestion = \"Question {i}?\"\nhelp = \"Help {i}\"\n"
        ));
        if let Some(f) = fact {
            s.push_str(&format!("fact = \"{f}\"\n"));
        }
        for (id, target) in answers {
            s.push_str(&format!("\n[[step.answer]]\nid = \"{id}\"\nlabel = \"Answer {id}\"\n"));
            match target {
                Ok(j) => s.push_str(&format!("next = \"s{j}\"\n")),
                Err(r) => s.push_str(&format!("recommend = \"{}\"\nreason = \"Because {id}\"\n", r.code())),
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn walk_always_ends_in_a_response_when_answered(
        g in gen_protocol(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 9),
        weapon in prop_oneof![Just(None), Just(Some("yes")), Just(Some("no")), Just(Some("other"))],
    ) {
        let text = to_toml(&g);
        let p = match parse(&text) {
            Ok(p) => p,
            Err(ps) => return Err(TestCaseError::fail(format!("generated protocol refused: {ps:?}\n{text}"))),
        };
        let answers: BTreeMap<String, String> = p
            .steps
            .iter()
            .zip(&picks)
            .map(|(s, k)| (s.id.clone(), s.answers[k.index(s.answers.len())].id.clone()))
            .collect();
        let facts: BTreeMap<String, String> =
            weapon.map(|w| ("weapon".to_string(), w.to_string())).into_iter().collect();
        let w = walk(&p, &facts, &answers);
        prop_assert!(w.outcome.is_some(), "no outcome: {w:?}");
        prop_assert!(w.pending.is_none());
        prop_assert!(!w.path.is_empty() && w.path.len() <= p.steps.len());
        prop_assert_eq!(&w.path[0].step_id, &p.start);
        // Each shown answer is the given one, or the fact's, and the path follows the links.
        for pair in w.path.windows(2) {
            let s = p.step(&pair[0].step_id).expect("on path");
            let a = s.answer(&pair[0].answer_id).expect("answer");
            prop_assert_eq!(a.next.as_deref(), Some(pair[1].step_id.as_str()));
        }
        for shown in &w.path {
            if shown.automatic {
                prop_assert_eq!(Some(shown.answer_id.as_str()), weapon);
            } else {
                prop_assert_eq!(Some(&shown.answer_id), answers.get(&shown.step_id));
            }
        }
    }

    #[test]
    fn walk_never_panics_on_any_answers(
        g in gen_protocol(),
        answers in proptest::collection::btree_map("s[0-9]|x", "a[0-3]|yes|no|zz", 0..10),
    ) {
        let p = parse(&to_toml(&g)).expect("generated protocols are valid");
        let w = walk(&p, &BTreeMap::new(), &answers);
        prop_assert!(w.outcome.is_some() != w.pending.is_some(), "exactly one of outcome and pending: {w:?}");
    }

    #[test]
    fn parse_never_panics_on_tomlish_text(text in "[a-z_\\[\\]=\"' \n.{},0-9#\\\\-]{0,300}") {
        let _ = parse(&text);
    }

    #[test]
    fn parse_never_panics_on_damaged_protocols(
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..20, "[\\[\\]=\"\n a-z0-9]{0,5}"), 1..4),
    ) {
        let mut text = DEFAULT_TOML.to_string();
        for (at, len, insert) in cuts {
            let start = at.index(text.len() + 1);
            let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, &insert);
        }
        match parse(&text) {
            Ok(p) => prop_assert_eq!(p.sha256.len(), 64),
            Err(ps) => prop_assert!(!ps.is_empty()),
        }
    }
}
