//! The area's Concordat protocol as data (`assets/protocol.toml`), checked before use and walked by a small
//! pure engine ([`engine`]). An area changes the file, not the code.

mod check;
pub mod engine;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::Response;

pub use engine::{Recommendation, Shown, Walk, walk};

/// The default protocol, written from the 2018 national protocol's steps.
pub const DEFAULT_TOML: &str = include_str!("../../assets/protocol.toml");

/// The London protocol (2025), written from its approach ("would this response be good enough for my child?").
pub const LONDON_TOML: &str = include_str!("../../assets/london-protocol.toml");

/// The protocols built into the app, by id, with a short name for the settings screen. A manager chooses one
/// in settings (the `protocol` setting); [`AUTO`] keeps the area's own file, or the national one.
pub const EMBEDDED: &[(&str, &str, &str)] = &[
    ("national-2018", "National protocol (2018)", DEFAULT_TOML),
    ("london-2025", "London protocol (2025)", LONDON_TOML),
];

/// The `protocol` setting's default: the area's own file (`--protocol`, or protocol.toml in the config
/// folder) when there is one, else the national protocol.
pub const AUTO: &str = "auto";

/// The setting's values a manager can choose, with their names: [`AUTO`] first, then every embedded protocol.
pub fn choices() -> Vec<(String, String)> {
    let mut v = vec![(AUTO.to_string(), "The area's own file, else national".to_string())];
    v.extend(EMBEDDED.iter().map(|(id, name, _)| (id.to_string(), name.to_string())));
    v
}

/// The embedded protocol with this id, checked.
pub fn embedded(id: &str) -> Option<Protocol> {
    EMBEDDED
        .iter()
        .find(|(i, _, _)| *i == id)
        .and_then(|(_, _, text)| parse(text).ok())
}

/// The protocol to use for the `protocol` setting's value: an embedded protocol by id, else `fallback` (what
/// [`resolve`] found: the area's own file, or the national protocol). An unknown value falls back too.
pub fn chosen(setting: &str, fallback: &Protocol) -> Protocol {
    if setting == AUTO {
        return fallback.clone();
    }
    embedded(setting).unwrap_or_else(|| fallback.clone())
}

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

/// Facts the wizard supplies from what staff already recorded, with the answer ids each can take. A step with
/// `fact = "<name>"` is answered automatically by the answer whose id equals the fact's value.
pub const FACTS: &[(&str, &[&str])] = &[
    ("immediate_danger", &["yes", "no"]),
    ("missing_or_absent", &["yes", "no"]),
    ("weapon", &["yes", "no"]),
    ("injury", &["yes", "no"]),
    ("victim", &["none", "home", "staff", "child", "public"]),
    ("yos_open", &["yes", "no"]),
];

/// The largest protocol file accepted (a protocol is a few kilobytes).
pub const MAX_BYTES: usize = 1024 * 1024;

impl Protocol {
    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

impl Step {
    /// The answer with this id.
    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.id == id)
    }
}

/// Parse and check a protocol. Either the whole protocol is valid, or every problem is returned.
pub fn parse(text: &str) -> Result<Protocol, Vec<Problem>> {
    check::parse(text)
}

/// Read and check a protocol file.
pub fn load(path: &Path) -> Result<Protocol, String> {
    let shown = path.display();
    if path.as_os_str().is_empty() {
        return Err("The protocol path is empty: give the protocol file's path.".into());
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("Cannot read the protocol {shown}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("Cannot read the protocol {shown}: it is a folder, not a file."));
    }
    if meta.len() > MAX_BYTES as u64 {
        return Err(format!(
            "Cannot read the protocol {shown}: it is {} bytes, larger than a protocol can be ({MAX_BYTES}).",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("Cannot read the protocol {shown}: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("Cannot read the protocol {shown}: it is not UTF-8 text (save it as UTF-8)."))?;
    parse(&text).map_err(|ps| {
        let mut s = format!("The protocol {shown} is not valid ({}):", problems(ps.len()));
        for p in ps {
            s.push_str(&format!("\n  {p}"));
        }
        s
    })
}

fn problems(n: usize) -> String {
    if n == 1 {
        "1 problem".into()
    } else {
        format!("{n} problems")
    }
}

/// The protocol the app uses: `--protocol PATH` if given, else `protocol.toml` in the config folder, else
/// the built-in default. The app does not start with a protocol that is not valid.
pub fn resolve(explicit: Option<&Path>) -> Result<Protocol, String> {
    let refuse = |p: &Path, e: String| {
        format!(
            "{e}\nThe app will not start until the protocol is fixed. Check it with: concordat protocol check {}",
            p.display()
        )
    };
    if let Some(p) = explicit {
        return load(p).map_err(|e| refuse(p, e));
    }
    if let Some(p) = area_protocol_path()
        && p.exists()
    {
        return load(&p).map_err(|e| refuse(&p, e));
    }
    parse(DEFAULT_TOML).map_err(|ps| {
        let all: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        format!("The built-in protocol is not valid: {}", all.join("; "))
    })
}

/// Where an area puts its own protocol: `<config folder>/protocol.toml`.
pub fn area_protocol_path() -> Option<PathBuf> {
    crate::store::default_config_dir().map(|d| d.join("protocol.toml"))
}
