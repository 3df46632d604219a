//! Walks a protocol: given the facts already recorded and the answers given so far, which questions were
//! shown (and answered), which one is next, and — once the walk ends — the recommended response.
//! Pure: no terminal, no SQL.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Protocol, Step};
use crate::domain::Response;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub response: Response,
    pub reason: String,
}

/// A question on the path, with its answer as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shown {
    pub step_id: String,
    pub question: String,
    pub answer_id: String,
    pub answer: String,
    pub automatic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk<'p> {
    pub path: Vec<Shown>,
    /// The next question to ask, if the walk has not ended.
    pub pending: Option<&'p Step>,
    pub outcome: Option<Recommendation>,
}

/// Walk from the start. `facts` answer steps that have a `fact`; `answers` maps step id to answer id.
/// Stale answers for steps no longer on the path are ignored (kept by the caller for going back).
///
/// A step with a fact is answered automatically when the fact is known and one of its answers has the fact's
/// value as id; otherwise it is asked. An answer id that is not one of the step's answers counts as no answer.
/// Never panics, and ends even on a protocol with a loop (which [`super::parse`] refuses anyway).
pub fn walk<'p>(p: &'p Protocol, facts: &BTreeMap<String, String>, answers: &BTreeMap<String, String>) -> Walk<'p> {
    let mut w = Walk {
        path: vec![],
        pending: None,
        outcome: None,
    };
    let mut current = p.step(&p.start);
    // Each step at most once on a path: a loop (or a step id used twice) cannot keep the walk going.
    let mut visited = std::collections::HashSet::new();
    while let Some(step) = current {
        if !visited.insert(step.id.as_str()) || w.path.len() > p.steps.len() {
            break;
        }
        let from_fact = step
            .fact
            .as_ref()
            .and_then(|f| facts.get(f))
            .and_then(|v| step.answer(v));
        let (answer, automatic) = match from_fact {
            Some(a) => (a, true),
            None => match answers.get(&step.id).and_then(|a| step.answer(a)) {
                Some(a) => (a, false),
                None => {
                    w.pending = Some(step);
                    break;
                }
            },
        };
        w.path.push(Shown {
            step_id: step.id.clone(),
            question: step.question.clone(),
            answer_id: answer.id.clone(),
            answer: answer.label.clone(),
            automatic,
        });
        if let Some(response) = answer.recommend {
            w.outcome = Some(Recommendation {
                response,
                reason: answer.reason.clone(),
            });
            break;
        }
        current = answer.next.as_deref().and_then(|n| p.step(n));
    }
    w
}

impl Walk<'_> {
    /// True when the walk has ended in a recommended response.
    pub fn is_complete(&self) -> bool {
        self.outcome.is_some()
    }
}
