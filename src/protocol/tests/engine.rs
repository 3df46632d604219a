//! The engine: walking a protocol from the facts and answers known.

use super::defaults::default;
use super::*;

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
