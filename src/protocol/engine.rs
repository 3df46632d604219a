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
pub fn walk<'p>(_p: &'p Protocol, _facts: &BTreeMap<String, String>, _answers: &BTreeMap<String, String>) -> Walk<'p> {
    Walk {
        path: vec![],
        pending: None,
        outcome: None,
    }
}
