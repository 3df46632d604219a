//! The default protocol and the embedded ones: valid, complete, and what they recommend.

use super::*;

pub(super) fn default() -> Protocol {
    parse(DEFAULT_TOML).unwrap_or_else(|ps| panic!("default protocol invalid: {ps:?}"))
}

/// Every complete path through a protocol (ignoring facts): the answers given and where it ends.
pub(super) fn all_paths(p: &Protocol) -> Vec<(BTreeMap<String, String>, Recommendation)> {
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

pub(super) fn facts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// No danger, nobody missing, no weapon, nobody hurt, only the home's property (a door kicked).
pub(super) const DOOR: &[(&str, &str)] = &[
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
