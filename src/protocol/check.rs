//! Reading a protocol file and checking it: every problem is found and reported with its line and step, so an
//! area can fix its file in one go. Nothing here panics, whatever the input.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::{Answer, FACTS, MAX_BYTES, Problem, Protocol, Step};
use crate::domain::Response;

const TOP_KEYS: [&str; 5] = ["id", "version", "title", "start", "step"];
const STEP_KEYS: [&str; 5] = ["id", "question", "help", "fact", "answer"];
const ANSWER_KEYS: [&str; 5] = ["id", "label", "next", "recommend", "reason"];

/// A step as read, with where its parts are in the file.
struct Read {
    step: Step,
    line: usize,
    id_line: usize,
    /// Per answer: the line of the answer and the line of its `next`.
    answer_lines: Vec<(usize, usize)>,
}

struct Checker<'t> {
    text: &'t str,
    /// Where each line after the first starts (byte offsets), so a span's line is a binary search, not a count
    /// from the top of the file for every value read.
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        // Lines that start at or before `end`, plus the first.
        self.line_starts.partition_point(|&s| s <= end) + 1
    }

    fn push(&mut self, line: Option<usize>, step: Option<&str>, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            step: step.map(str::to_string),
            message: message.into(),
        });
    }

    /// A text value: `Some` if present and a string; a problem if it is missing (when required) or not text.
    fn text(
        &mut self,
        table: &DeTable<'_>,
        at: usize,
        key: &str,
        step: Option<&str>,
        required: bool,
    ) -> Option<(String, usize)> {
        match table.get(key) {
            None => {
                if required {
                    self.push(Some(at), step, format!("'{key}' is missing"));
                }
                None
            }
            Some(v) => {
                let line = self.line(&v.span());
                match v.get_ref() {
                    DeValue::String(s) => Some((s.to_string(), line)),
                    other => {
                        self.push(
                            Some(line),
                            step,
                            format!("'{key}' must be text in quotes, not {}", describe(other)),
                        );
                        None
                    }
                }
            }
        }
    }

    /// A display text (question, label, reason): cleaned of control characters, trimmed, not empty.
    fn words(
        &mut self,
        table: &DeTable<'_>,
        at: usize,
        key: &str,
        step: Option<&str>,
        multiline: bool,
    ) -> Option<String> {
        let (raw, line) = self.text(table, at, key, step, true)?;
        let cleaned = crate::text::clean(&raw, multiline, usize::MAX);
        let cleaned = cleaned.trim();
        if cleaned.is_empty() {
            self.push(Some(line), step, format!("'{key}' is empty"));
            return None;
        }
        Some(cleaned.to_string())
    }

    /// An identifier: letters, digits, '_' and '-'.
    fn ident(&mut self, table: &DeTable<'_>, at: usize, key: &str, step: Option<&str>) -> Option<(String, usize)> {
        let (raw, line) = self.text(table, at, key, step, true)?;
        if raw.is_empty() {
            self.push(Some(line), step, format!("'{key}' is empty"));
            return None;
        }
        if !raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.push(
                Some(line),
                step,
                format!(
                    "'{key}' is {:?}: use only letters, digits, '_' and '-'",
                    crate::text::clean_line(&raw, 40)
                ),
            );
            return None;
        }
        Some((raw, line))
    }

    fn unknown_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], step: Option<&str>, what: &str) {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let line = self.line(&k.span());
                self.push(
                    Some(line),
                    step,
                    format!(
                        "unknown key '{}' in {what} (expected one of: {})",
                        crate::text::clean_line(key, 40),
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// An array of tables (`[[step]]`, `[[step.answer]]`), or a problem.
    fn tables<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        at: usize,
        key: &str,
        step: Option<&str>,
        header: &str,
        empty: &str,
    ) -> Vec<(&'a DeTable<'i>, usize)> {
        let Some(v) = table.get(key) else {
            self.push(Some(at), step, format!("{empty}: add at least one {header}"));
            return vec![];
        };
        let line = self.line(&v.span());
        let DeValue::Array(items) = v.get_ref() else {
            self.push(Some(line), step, format!("'{key}' must be written as {header} tables"));
            return vec![];
        };
        let mut out = vec![];
        for item in items.iter() {
            let item_line = self.line(&item.span());
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item_line)),
                other => self.push(
                    Some(item_line),
                    step,
                    format!("each '{key}' must be a {header} table, not {}", describe(other)),
                ),
            }
        }
        if items.is_empty() {
            self.push(Some(line), step, format!("{empty}: add at least one {header}"));
        }
        out
    }
}

fn describe(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Parse and check a protocol (see [`super::parse`]).
pub(super) fn parse(text: &str) -> Result<Protocol, Vec<Problem>> {
    let line_starts = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    let mut c = Checker {
        text,
        line_starts,
        problems: vec![],
    };
    if text.len() > MAX_BYTES {
        c.push(
            None,
            None,
            format!("the file is too large ({} bytes; at most {MAX_BYTES})", text.len()),
        );
        return Err(c.problems);
    }
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in &errors {
            let line = e.span().map(|s| c.line(&s));
            let msg = crate::text::one_line(e.message(), 200);
            c.push(line, None, format!("TOML syntax: {msg}"));
        }
        let mut ps = c.problems;
        ps.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        return Err(ps);
    }
    let doc = doc.get_ref();
    c.unknown_keys(doc, &TOP_KEYS, None, "the protocol");
    let id = c.ident(doc, 1, "id", None);
    let version = c.text(doc, 1, "version", None, true).and_then(|(v, line)| {
        let v = crate::text::clean_line(&v, 100).trim().to_string();
        if v.is_empty() {
            c.push(Some(line), None, "'version' is empty");
            None
        } else {
            Some(v)
        }
    });
    let title = c.words(doc, 1, "title", None, false);
    let start = c.ident(doc, 1, "start", None);

    let mut read: Vec<Read> = vec![];
    for (t, line) in c.tables(doc, 1, "step", None, "[[step]]", "there are no steps") {
        if let Some(r) = read_step(&mut c, t, line) {
            read.push(r);
        }
    }
    check_graph(&mut c, start.as_ref(), &read);

    if !c.problems.is_empty() {
        let mut ps = c.problems;
        // Stable: problems without a line (whole-protocol ones) come last.
        ps.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        return Err(ps);
    }
    match (id, version, title, start) {
        (Some((id, _)), Some(version), Some(title), Some((start, _))) => Ok(Protocol {
            id,
            version,
            title,
            start,
            steps: read.into_iter().map(|r| r.step).collect(),
            sha256: crate::hash::sha256_hex(text.as_bytes()),
        }),
        // Unreachable in practice: a missing part is always reported as a problem above.
        _ => Err(vec![Problem {
            line: None,
            step: None,
            message: "the protocol is incomplete".into(),
        }]),
    }
}

/// Read one `[[step]]`; `None` when it has no usable id (the problem is recorded).
fn read_step(c: &mut Checker<'_>, t: &DeTable<'_>, line: usize) -> Option<Read> {
    let id = c.ident(t, line, "id", None);
    let sid = id.as_ref().map(|(s, _)| s.as_str());
    c.unknown_keys(t, &STEP_KEYS, sid, "a step");
    let question = c.words(t, line, "question", sid, false);
    let help = c.words(t, line, "help", sid, true);
    let fact = c.text(t, line, "fact", sid, false).and_then(|(f, fline)| {
        if FACTS.iter().any(|(name, _)| *name == f) {
            Some(f)
        } else {
            let known: Vec<&str> = FACTS.iter().map(|(n, _)| *n).collect();
            c.push(
                Some(fline),
                sid,
                format!(
                    "unknown fact '{}' (known facts: {})",
                    crate::text::clean_line(&f, 40),
                    known.join(", ")
                ),
            );
            None
        }
    });
    let mut answers = vec![];
    let mut answer_lines = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (a, aline) in c.tables(t, line, "answer", sid, "[[step.answer]]", "has no answers") {
        let aid = c.ident(a, aline, "id", sid);
        c.unknown_keys(a, &ANSWER_KEYS, sid, "an answer");
        let label = c.words(a, aline, "label", sid, false);
        let next = c.ident_opt(a, "next", sid);
        let recommend = c.text(a, aline, "recommend", sid, false);
        let reason = c.text(a, aline, "reason", sid, false);
        let who = aid
            .as_ref()
            .map(|(s, _)| format!("answer '{s}'"))
            .unwrap_or_else(|| "an answer".into());
        let recommend = match recommend {
            None => None,
            Some((r, rline)) => match Response::from_code(&r) {
                Some(r) => Some(r),
                None => {
                    let codes: Vec<&str> = Response::ALL.iter().map(|r| r.code()).collect();
                    c.push(
                        Some(rline),
                        sid,
                        format!(
                            "{who}: unknown response '{}' (use one of: {})",
                            crate::text::clean_line(&r, 40),
                            codes.join(", ")
                        ),
                    );
                    // Counted as a recommendation so that no second problem is reported about it.
                    Some(Response::Police)
                }
            },
        };
        let mut reason_text = String::new();
        match (&next, &recommend) {
            (None, None) => c.push(
                Some(aline),
                sid,
                format!(
                    "{who} needs either next = \"<step id>\" or recommend = \"in_house\" | \"restorative\" | \"police\""
                ),
            ),
            (Some(_), Some(_)) => c.push(
                Some(aline),
                sid,
                format!("{who} has both 'next' and 'recommend': give only one"),
            ),
            (Some(_), None) => {
                if let Some((_, rline)) = &reason {
                    c.push(
                        Some(*rline),
                        sid,
                        format!("{who}: 'reason' is only used with 'recommend'"),
                    );
                }
            }
            (None, Some(_)) => match &reason {
                None => c.push(
                    Some(aline),
                    sid,
                    format!("{who} recommends a response but has no 'reason'"),
                ),
                Some((r, rline)) => {
                    let r = crate::text::clean(r, false, usize::MAX).trim().to_string();
                    if r.is_empty() {
                        c.push(Some(*rline), sid, format!("{who}: 'reason' is empty"));
                    }
                    reason_text = r;
                }
            },
        }
        let Some((aid, aid_line)) = aid else { continue };
        if let Some(first) = seen.get(&aid) {
            c.push(
                Some(aid_line),
                sid,
                format!("answer id '{aid}' is used twice (first on line {first})"),
            );
            continue;
        }
        seen.insert(aid.clone(), aid_line);
        answer_lines.push((aline, next.as_ref().map(|(_, l)| *l).unwrap_or(aline)));
        answers.push(Answer {
            id: aid,
            label: label.unwrap_or_default(),
            next: next.map(|(n, _)| n),
            recommend,
            reason: reason_text,
        });
    }
    if let (Some((sid, _)), Some((fact, values))) = (&id, FACTS.iter().find(|(n, _)| Some(*n) == fact.as_deref())) {
        let missing: Vec<&str> = values.iter().copied().filter(|v| !seen.contains_key(*v)).collect();
        if !missing.is_empty() && !answers.is_empty() {
            c.push(
                Some(line),
                Some(sid),
                format!(
                    "is answered from the fact '{fact}', so it needs an answer for each of its values; missing: {}",
                    missing.join(", ")
                ),
            );
        }
    }
    let (id, id_line) = id?;
    Some(Read {
        step: Step {
            id,
            question: question.unwrap_or_default(),
            help: help.unwrap_or_default(),
            fact,
            answers,
        },
        line,
        id_line,
        answer_lines,
    })
}

impl Checker<'_> {
    fn ident_opt(&mut self, table: &DeTable<'_>, key: &str, step: Option<&str>) -> Option<(String, usize)> {
        if table.contains_key(key) {
            self.ident(table, 0, key, step)
        } else {
            None
        }
    }
}

/// Whole-protocol checks: ids, links, reachability, loops, dead ends, responses.
fn check_graph(c: &mut Checker<'_>, start: Option<&(String, usize)>, read: &[Read]) {
    // Duplicate step ids: the first one counts.
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, r) in read.iter().enumerate() {
        if let Some(&first) = index.get(r.step.id.as_str()) {
            let first_line = read[first].id_line;
            c.push(
                Some(r.id_line),
                Some(&r.step.id),
                format!("step id '{}' is used twice (first on line {first_line})", r.step.id),
            );
        } else {
            index.insert(&r.step.id, i);
        }
    }
    let n = read.len();
    // Edges (only to known steps); unknown links reported.
    let mut edges: Vec<Vec<(usize, usize)>> = vec![vec![]; n]; // (target, answer index)
    for (i, r) in read.iter().enumerate() {
        if index.get(r.step.id.as_str()) != Some(&i) {
            continue; // a duplicate: already reported
        }
        for (k, a) in r.step.answers.iter().enumerate() {
            if let Some(next) = &a.next {
                match index.get(next.as_str()) {
                    Some(&j) => edges[i].push((j, k)),
                    None => c.push(
                        Some(r.answer_lines[k].1),
                        Some(&r.step.id),
                        format!("answer '{}' goes to step '{next}', which does not exist", a.id),
                    ),
                }
            }
        }
    }
    let start_ix = match start {
        Some((s, line)) => match index.get(s.as_str()) {
            Some(&i) => Some(i),
            None => {
                c.push(
                    Some(*line),
                    None,
                    format!("start names step '{s}', which does not exist"),
                );
                None
            }
        },
        None => None,
    };
    // Reachable from the start.
    if let Some(s) = start_ix {
        let mut seen = vec![false; n];
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for &(v, _) in &edges[u] {
                if !seen[v] {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        for (i, r) in read.iter().enumerate() {
            if !seen[i] && index.get(r.step.id.as_str()) == Some(&i) {
                c.push(
                    Some(r.line),
                    Some(&r.step.id),
                    "cannot be reached from the start: no answer leads here",
                );
            }
        }
    }
    // Loops: iterative depth-first search; each edge back to a step still being explored closes a loop.
    let mut colour = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    let mut path: Vec<usize> = vec![];
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        colour[root] = 1;
        path.push(root);
        while let Some(&mut (u, ref mut next_edge)) = stack.last_mut() {
            if let Some(&(v, k)) = edges[u].get(*next_edge) {
                *next_edge += 1;
                match colour[v] {
                    0 => {
                        colour[v] = 1;
                        path.push(v);
                        stack.push((v, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == v).unwrap_or(0);
                        let mut names: Vec<&str> = path[from..].iter().map(|&p| read[p].step.id.as_str()).collect();
                        names.push(read[v].step.id.as_str());
                        let r = &read[u];
                        c.push(
                            Some(r.answer_lines[k].1),
                            Some(&r.step.id),
                            format!(
                                "answer '{}' goes back to step '{}', making a loop: {}",
                                r.step.answers[k].id,
                                read[v].step.id,
                                names.join(" -> ")
                            ),
                        );
                    }
                    _ => {}
                }
            } else {
                colour[u] = 2;
                path.pop();
                stack.pop();
            }
        }
    }
    // Steps from which no answer leads, in the end, to a recommendation.
    let mut good: Vec<bool> = read
        .iter()
        .map(|r| r.step.answers.iter().any(|a| a.recommend.is_some()))
        .collect();
    loop {
        let mut changed = false;
        for i in 0..n {
            if !good[i] && edges[i].iter().any(|&(v, _)| good[v]) {
                good[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, r) in read.iter().enumerate() {
        if !good[i] && !r.step.answers.is_empty() && index.get(r.step.id.as_str()) == Some(&i) {
            c.push(
                Some(r.line),
                Some(&r.step.id),
                "no answer here ever leads to a recommended response",
            );
        }
    }
    // Every response should be possible: an area's protocol without, say, a restorative option is a mistake.
    if !read.is_empty() {
        let used: BTreeSet<&str> = read
            .iter()
            .flat_map(|r| r.step.answers.iter().filter_map(|a| a.recommend.map(|x| x.code())))
            .collect();
        for r in Response::ALL {
            if !used.contains(r.code()) {
                c.push(None, None, format!("no answer recommends '{}'", r.code()));
            }
        }
    }
}
