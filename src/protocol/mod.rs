//! The area's Concordat protocol as data (`assets/protocol.toml`), checked before use and walked by a small
//! pure engine ([`engine`]). An area changes the file, not the code.

pub mod engine;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::Response;

pub use engine::{Recommendation, Shown, Walk, walk};

/// The default protocol, written from the 2018 national protocol's steps.
pub const DEFAULT_TOML: &str = include_str!("../../assets/protocol.toml");

/// A checked protocol, ready to walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protocol {
    pub id: String,
    pub version: String,
    pub title: String,
    pub start: String,
    pub steps: Vec<Step>,
    /// SHA-256 of the file's bytes, hex: stored with every incident.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: String,
    pub question: String,
    /// Guidance for staff: what a reasonable parent would do, who the victim is.
    pub help: String,
    /// When set, the step is answered from what staff already recorded (e.g. "immediate_danger").
    pub fact: Option<String>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub id: String,
    pub label: String,
    /// The next step, or …
    pub next: Option<String>,
    /// … the recommended response, with its reason.
    pub recommend: Option<Response>,
    pub reason: String,
}

/// One thing wrong with a protocol file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub step: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        if let Some(s) = &self.step {
            write!(f, "step '{s}': ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Parse and check a protocol. Either the whole protocol is valid, or every problem is returned.
pub fn parse(_text: &str) -> Result<Protocol, Vec<Problem>> {
    Err(vec![Problem {
        line: None,
        step: None,
        message: "protocol parsing not implemented yet".into(),
    }])
}

/// Read and check a protocol file.
pub fn load(path: &Path) -> Result<Protocol, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("Cannot read the protocol {}: {e}", path.display()))?;
    parse(&text).map_err(|ps| {
        let mut s = format!("The protocol {} is not valid:", path.display());
        for p in ps {
            s.push_str(&format!("\n  {p}"));
        }
        s
    })
}

/// The protocol the app uses: `--protocol PATH` if given, else `protocol.toml` in the config folder, else
/// the built-in default.
pub fn resolve(explicit: Option<&Path>) -> Result<Protocol, String> {
    if let Some(p) = explicit {
        return load(p);
    }
    if let Some(p) = area_protocol_path()
        && p.exists()
    {
        return load(&p);
    }
    parse(DEFAULT_TOML).map_err(|ps| format!("The built-in protocol is not valid: {}", ps[0]))
}

/// Where an area puts its own protocol: `<config folder>/protocol.toml`.
pub fn area_protocol_path() -> Option<PathBuf> {
    crate::store::default_config_dir().map(|d| d.join("protocol.toml"))
}
