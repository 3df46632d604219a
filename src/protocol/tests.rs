//! Tests for reading, checking and walking protocols.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::domain::Response;

mod defaults;
mod engine;
mod properties;

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
