//! A form: labelled fields, one focused, each with its own limit, count and inline error.
//!
//! Enter and Tab move to the next field; a save key (Ctrl+S) saves. So a pasted newline never submits a form.
//! Everything typed or pasted is cleaned ([`crate::text`]) before it is kept, and limited in length.
//! A form's values can be taken out and put back ([`Form::values`], [`Form::restore`]): that is how a form
//! survives an idle lock as its author's draft.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::text::{clean_line, clean_text};

mod draw;
mod keys;
#[cfg(test)]
mod tests;

// A form has a handful of fields: boxing the text area would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Value {
    Text {
        area: TextArea<'static>,
        max: usize,
        multiline: bool,
        mask: bool,
    },
    Choice {
        options: Vec<(String, String)>,
        selected: Option<usize>,
    },
    Multi {
        options: Vec<(String, String)>,
        on: Vec<bool>,
        cursor: usize,
    },
    Toggle(bool),
    /// Read-only text shown in the form (a computed deadline, a note).
    Info(String),
}

/// What a text field holds, for the keys that only make sense there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Plain,
    /// A date: `y` puts yesterday, `t` today; what is typed over a filled-in date replaces it.
    Date,
    /// A time: what is typed over a filled-in time replaces it. With a date field's key, the time is the most
    /// recent one: a time later than now today moves that date to yesterday (while the app filled it in).
    Time(Option<&'static str>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub value: Value,
    pub required: bool,
    pub error: Option<String>,
    /// A short hint shown under the focused field.
    pub hint: String,
    pub kind: Kind,
    /// The value was filled in (not typed): the first character typed replaces it.
    pub fresh: bool,
    /// A date the app filled in and may move (today or yesterday, from the time typed).
    pub auto: bool,
}

impl Field {
    fn new(key: &'static str, label: &str, value: Value) -> Field {
        Field {
            key,
            label: label.to_string(),
            value,
            required: false,
            error: None,
            hint: String::new(),
            kind: Kind::Plain,
            fresh: false,
            auto: false,
        }
    }

    /// A date, day/month/year: `y` yesterday, `t` today, typing over a filled-in date replaces it.
    pub fn date(key: &'static str, label: &str) -> Field {
        let mut f = Field::text(key, label, 10);
        f.kind = Kind::Date;
        f
    }

    /// A time, hh:mm: typing over a filled-in time replaces it. With `date` (the key of the date field it
    /// belongs to), a time later than now moves a filled-in date to yesterday: `23:20` typed at 02:00 is last night.
    pub fn time(key: &'static str, label: &str, date: Option<&'static str>) -> Field {
        let mut f = Field::text(key, label, 5);
        f.kind = Kind::Time(date);
        f
    }

    pub fn text(key: &'static str, label: &str, max: usize) -> Field {
        Field::text_kind(key, label, max, false, false)
    }

    pub fn multiline(key: &'static str, label: &str, max: usize) -> Field {
        Field::text_kind(key, label, max, true, false)
    }

    /// A passphrase: shown as dots.
    pub fn secret(key: &'static str, label: &str, max: usize) -> Field {
        Field::text_kind(key, label, max, false, true)
    }

    fn text_kind(key: &'static str, label: &str, max: usize, multiline: bool, mask: bool) -> Field {
        let mut area = new_area("");
        if multiline {
            area.set_wrap_mode(WrapMode::WordOrGlyph);
        }
        if mask {
            area.set_mask_char('•');
        }
        Field::new(
            key,
            label,
            Value::Text {
                area,
                max,
                multiline,
                mask,
            },
        )
    }

    pub fn choice(key: &'static str, label: &str, options: Vec<(String, String)>) -> Field {
        Field::new(
            key,
            label,
            Value::Choice {
                options,
                selected: None,
            },
        )
    }

    pub fn multi(key: &'static str, label: &str, options: Vec<(String, String)>) -> Field {
        let n = options.len();
        Field::new(
            key,
            label,
            Value::Multi {
                options,
                on: vec![false; n],
                cursor: 0,
            },
        )
    }

    pub fn toggle(key: &'static str, label: &str) -> Field {
        Field::new(key, label, Value::Toggle(false))
    }

    pub fn info(key: &'static str, label: &str, text: &str) -> Field {
        Field::new(key, label, Value::Info(text.to_string()))
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn with_hint(mut self, h: &str) -> Field {
        self.hint = h.to_string();
        self
    }

    pub fn with(mut self, v: &str) -> Field {
        self.set(v);
        self
    }

    fn focusable(&self) -> bool {
        !matches!(self.value, Value::Info(_))
    }

    /// The value as one string (codes for choices, comma-separated codes for multi, "yes"/"no" for toggles).
    pub fn get(&self) -> String {
        match &self.value {
            Value::Text { area, .. } => area.lines().join("\n"),
            Value::Choice { options, selected } => selected
                .and_then(|i| options.get(i))
                .map(|o| o.0.clone())
                .unwrap_or_default(),
            Value::Multi { options, on, .. } => options
                .iter()
                .zip(on)
                .filter(|(_, on)| **on)
                .map(|(o, _)| o.0.clone())
                .collect::<Vec<_>>()
                .join(","),
            Value::Toggle(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Info(s) => s.clone(),
        }
    }

    /// Set from the string form of [`Field::get`]; values that do not fit are cleaned or ignored.
    pub fn set(&mut self, v: &str) {
        match &mut self.value {
            Value::Text {
                area,
                max,
                multiline,
                mask,
            } => {
                // Kept whole, never cut: a value longer than the field (a draft, a record from elsewhere) says so.
                let clean = if *multiline {
                    clean_text(v, usize::MAX)
                } else {
                    clean_line(v, usize::MAX)
                };
                let len = clean.chars().count();
                if len > *max {
                    self.error = Some(format!(
                        "This text is {len} characters long and the field holds {max}: shorten it before saving."
                    ));
                }
                let mut a = new_area(&clean);
                if *multiline {
                    a.set_wrap_mode(WrapMode::WordOrGlyph);
                }
                if *mask {
                    a.set_mask_char('•');
                }
                a.move_cursor(CursorMove::Bottom);
                a.move_cursor(CursorMove::End);
                *area = a;
                if self.kind != Kind::Plain {
                    self.fresh = !clean.is_empty();
                    self.auto = !clean.is_empty();
                }
            }
            Value::Choice { options, selected } => {
                // A draft kept before issue 18 may hold a code since renamed (outcome_22 is now outcome22).
                let v = crate::domain::current_code(v);
                *selected = options.iter().position(|o| o.0 == v)
            }
            Value::Multi { options, on, .. } => {
                let codes: Vec<&str> = v.split(',').collect();
                for (i, o) in options.iter().enumerate() {
                    on[i] = codes.contains(&o.0.as_str());
                }
            }
            Value::Toggle(b) => *b = v == "yes",
            Value::Info(s) => *s = v.to_string(),
        }
    }

    fn char_count(&self) -> Option<(usize, usize)> {
        match &self.value {
            Value::Text { area, max, .. } => {
                let n: usize = area.lines().iter().map(|l| l.chars().count()).sum::<usize>() + area.lines().len() - 1;
                Some((n, *max))
            }
            _ => None,
        }
    }
}

/// An empty text area with the same look (mask, wrapping) as `old`.
fn fresh_area(old: &TextArea<'static>) -> TextArea<'static> {
    let mut a = new_area("");
    if let Some(m) = old.mask_char() {
        a.set_mask_char(m);
    }
    a.set_wrap_mode(old.wrap_mode());
    a
}

/// The date of the most recent `t` (local time) at or before `now`: today, or yesterday when `t` is still to
/// come today (`23:20` at 02:00 is last night). A time the clocks skipped today (the spring hour) was last seen
/// yesterday. A minute ahead counts as now (a clock a little fast).
pub fn most_recent_date(t: NaiveTime, now: DateTime<Utc>) -> NaiveDate {
    let today = crate::time::local_date(now);
    let yesterday = today.pred_opt().unwrap_or(today);
    match crate::time::local_to_utc(today.and_time(t)) {
        Ok(x) if x <= now + chrono::Duration::minutes(1) => today,
        _ => yesterday,
    }
}

fn new_area(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.split('\n').map(str::to_string).collect()
    };
    let mut a = TextArea::new(lines);
    a.set_cursor_line_style(ratatui::style::Style::default());
    a
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Nothing the screen needs to know.
    None,
    /// A value changed.
    Changed,
    /// The save key.
    Save,
    /// Esc.
    Cancel,
    /// Enter or Tab on the last field.
    Done,
}

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Set when a value changed since the form was built or saved.
    pub dirty: bool,
    /// Letters typed in a row on the focused choice: "oa" finds "Oak House" among a hundred homes.
    typed: String,
    /// The time now, for "yesterday", "today" and the most recent time typed ([`Form::set_now`]).
    now: Option<DateTime<Utc>>,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        let mut f = Form {
            fields,
            focus: 0,
            dirty: false,
            typed: String::new(),
            now: None,
        };
        if !f.fields.is_empty() && !f.fields[0].focusable() {
            f.next();
        }
        f
    }

    /// The time now (the screen passes it on each key): `y`/`t` in a date field and the most recent time.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = Some(now);
    }

    /// Like [`Form::handle_key`], at `now`.
    pub fn handle_key_at(&mut self, k: KeyEvent, now: DateTime<Utc>) -> FormEvent {
        self.set_now(now);
        self.handle_key(k)
    }

    fn today(&self) -> NaiveDate {
        crate::time::local_date(self.now.unwrap_or_else(crate::time::now))
    }

    /// After a time field changed: a date the app filled in follows the most recent such time.
    fn follow_time(&mut self, i: usize) {
        let Some(f) = self.fields.get(i) else { return };
        let Kind::Time(Some(dk)) = f.kind else { return };
        let Ok(t) = crate::time::parse_time(&f.get()) else {
            return;
        };
        let now = self.now.unwrap_or_else(crate::time::now);
        let day = most_recent_date(t, now);
        if let Some(d) = self.field_mut(dk)
            && d.auto
            && d.get() != crate::time::show_date(day)
        {
            d.set(&crate::time::show_date(day));
            d.error = None;
        }
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Whether the form has a field with this key.
    pub fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn get(&self, key: &str) -> String {
        self.field(key).map(Field::get).unwrap_or_default()
    }

    /// A text value trimmed of surrounding space.
    pub fn text(&self, key: &str) -> String {
        self.get(key).trim().to_string()
    }

    pub fn yes(&self, key: &str) -> bool {
        self.get(key) == "yes"
    }

    pub fn set(&mut self, key: &str, v: &str) {
        if let Some(f) = self.field_mut(key) {
            f.set(v);
        }
    }

    pub fn focused_key(&self) -> &'static str {
        self.fields.get(self.focus).map(|f| f.key).unwrap_or("")
    }

    pub fn focus_on(&mut self, key: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.key == key) {
            self.focus = i;
        }
    }

    pub fn values(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|f| f.focusable())
            .map(|f| (f.key.to_string(), f.get()))
            .collect()
    }

    pub fn restore(&mut self, v: &BTreeMap<String, String>) {
        for f in &mut self.fields {
            if let Some(x) = v.get(f.key)
                && f.focusable()
            {
                f.set(x);
            }
        }
    }

    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
    }

    pub fn set_error(&mut self, key: &str, msg: impl Into<String>) {
        if let Some(f) = self.field_mut(key) {
            f.error = Some(msg.into());
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Mark required fields that are empty; focus the first field with an error. True when all is well.
    pub fn check_required(&mut self) -> bool {
        for f in &mut self.fields {
            if f.required && f.get().trim().is_empty() && f.error.is_none() {
                f.error = Some(format!("{} is required.", f.label));
            }
        }
        self.focus_first_error()
    }

    pub fn focus_first_error(&mut self) -> bool {
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
            false
        } else {
            true
        }
    }

    fn next(&mut self) -> bool {
        let mut i = self.focus;
        while i + 1 < self.fields.len() {
            i += 1;
            if self.fields[i].focusable() {
                self.focus = i;
                return true;
            }
        }
        false
    }

    fn prev(&mut self) {
        let mut i = self.focus;
        while i > 0 {
            i -= 1;
            if self.fields[i].focusable() {
                self.focus = i;
                return;
            }
        }
    }

    /// Text pasted (bracketed paste): inserted into a text field, cleaned; newlines kept only in multi-line
    /// fields. Never cut: a paste longer than the room left is refused whole, the field keeps what it had and
    /// says how long the paste was and what the limit is. Never submits.
    pub fn paste(&mut self, s: &str) -> FormEvent {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return FormEvent::None;
        };
        if let Some((n, max)) = f.char_count()
            && let Value::Text { area, multiline, .. } = &mut f.value
        {
            let room = max.saturating_sub(n);
            let clean = match crate::text::clean_checked(s, *multiline, room) {
                Ok(c) => c,
                Err(too_long) => {
                    f.error = Some(format!(
                        "Not pasted: the text is {} characters long and this field holds {max}{}.                          Nothing was changed: paste a shorter part.",
                        too_long.len,
                        if n > 0 { format!(" ({n} used)") } else { String::new() }
                    ));
                    return FormEvent::Changed;
                }
            };
            if clean.is_empty() {
                return FormEvent::None;
            }
            area.insert_str(&clean);
            f.error = None;
            self.dirty = true;
            return FormEvent::Changed;
        }
        FormEvent::None
    }
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Options from (code, label) pairs.
pub fn options<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&x| (code(x).to_string(), label(x).to_string()))
        .collect()
}
