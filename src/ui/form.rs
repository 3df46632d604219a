//! A form: labelled fields, one focused, each with its own limit, count and inline error.
//!
//! Enter and Tab move to the next field; a save key (Ctrl+S) saves. So a pasted newline never submits a form.
//! Everything typed or pasted is cleaned ([`crate::text`]) before it is kept, and limited in length.
//! A form's values can be taken out and put back ([`Form::values`], [`Form::restore`]): that is how a form
//! survives an idle lock as its author's draft.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::keymap::{is_save, plain_char};
use super::theme::Theme;
use crate::text::{clean_line, clean_text, is_hidden};

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
        Field::new(
            key,
            label,
            Value::Text {
                area: new_area(""),
                max,
                multiline: false,
                mask: false,
            },
        )
    }

    pub fn multiline(key: &'static str, label: &str, max: usize) -> Field {
        let mut area = new_area("");
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        Field::new(
            key,
            label,
            Value::Text {
                area,
                max,
                multiline: true,
                mask: false,
            },
        )
    }

    pub fn secret(key: &'static str, label: &str, max: usize) -> Field {
        let mut area = new_area("");
        area.set_mask_char('•');
        Field::new(
            key,
            label,
            Value::Text {
                area,
                max,
                multiline: false,
                mask: true,
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

    pub fn handle_key(&mut self, k: KeyEvent) -> FormEvent {
        // Letters typed in a row build a prefix; any other key starts afresh.
        let typed = std::mem::take(&mut self.typed);
        if is_save(&k) {
            return FormEvent::Save;
        }
        match k.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Tab => return if self.next() { FormEvent::None } else { FormEvent::Done },
            KeyCode::BackTab => {
                self.prev();
                return FormEvent::None;
            }
            _ => {}
        }
        let focus = self.focus;
        let today = self.today();
        let Some(f) = self.fields.get_mut(focus) else {
            return FormEvent::None;
        };
        // Ctrl+U empties the field (text, choice or ticks), whatever it holds.
        if super::keymap::is_ctrl(&k, 'u') {
            match &mut f.value {
                Value::Text { area, .. } => *area = fresh_area(area),
                Value::Choice { selected, .. } => *selected = None,
                Value::Multi { on, .. } => on.iter_mut().for_each(|x| *x = false),
                Value::Toggle(b) => *b = false,
                Value::Info(_) => return FormEvent::None,
            }
            f.fresh = false;
            f.auto = false;
            f.error = None;
            self.dirty = true;
            return FormEvent::Changed;
        }
        if f.kind == Kind::Date
            && let Some(c @ ('y' | 'Y' | 't' | 'T')) = plain_char(&k)
        {
            let d = if c.eq_ignore_ascii_case(&'y') {
                today.pred_opt().unwrap_or(today)
            } else {
                today
            };
            f.set(&crate::time::show_date(d));
            f.auto = false;
            f.error = None;
            self.dirty = true;
            return FormEvent::Changed;
        }
        let edits = matches!(
            k.code,
            KeyCode::Char(_)
                | KeyCode::Backspace
                | KeyCode::Delete
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Home
                | KeyCode::End
        );
        let was_fresh = f.fresh && edits;
        if edits {
            f.fresh = false;
        }
        if was_fresh
            && let Value::Text { area, .. } = &mut f.value
            && plain_char(&k).is_some_and(|c| !is_hidden(c))
        {
            // Typing over a filled-in date or time replaces it.
            *area = fresh_area(area);
        }
        if matches!(f.kind, Kind::Date) && matches!(k.code, KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete) {
            f.auto = false;
        }
        let changed = match &mut f.value {
            Value::Text {
                area, max, multiline, ..
            } => {
                let count: usize =
                    area.lines().iter().map(|l| l.chars().count()).sum::<usize>() + area.lines().len() - 1;
                match k.code {
                    KeyCode::Enter if *multiline && k.modifiers.contains(KeyModifiers::ALT) && count < *max => {
                        area.insert_newline();
                        true
                    }
                    KeyCode::Enter if *multiline && k.modifiers.contains(KeyModifiers::ALT) => false,
                    KeyCode::Enter => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Down if *multiline && area.cursor().0 + 1 < area.lines().len() => {
                        area.move_cursor(CursorMove::Down);
                        false
                    }
                    KeyCode::Up if *multiline && area.cursor().0 > 0 => {
                        area.move_cursor(CursorMove::Up);
                        false
                    }
                    KeyCode::Down => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Up => {
                        self.prev();
                        return FormEvent::None;
                    }
                    KeyCode::Char(_) => match plain_char(&k) {
                        Some(c) if !is_hidden(c) && count < *max => {
                            area.insert_char(c);
                            true
                        }
                        Some(c) if !is_hidden(c) => {
                            f.error = Some(format!("This field holds {max} characters: it is full."));
                            return FormEvent::Changed;
                        }
                        _ => false,
                    },
                    KeyCode::Backspace if k.modifiers.contains(KeyModifiers::CONTROL) => area.delete_word(),
                    KeyCode::Backspace => area.delete_char(),
                    KeyCode::Delete => area.delete_next_char(),
                    KeyCode::Left => {
                        area.move_cursor(CursorMove::Back);
                        false
                    }
                    KeyCode::Right => {
                        area.move_cursor(CursorMove::Forward);
                        false
                    }
                    KeyCode::Home => {
                        area.move_cursor(CursorMove::Head);
                        false
                    }
                    KeyCode::End => {
                        area.move_cursor(CursorMove::End);
                        false
                    }
                    _ => false,
                }
            }
            Value::Choice { options, selected } => {
                let n = options.len();
                match k.code {
                    KeyCode::Enter => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Down => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Up => {
                        self.prev();
                        return FormEvent::None;
                    }
                    _ if n == 0 => false,
                    KeyCode::Char(c) if (c.is_alphanumeric() || c == ' ') && plain_char(&k).is_some() => {
                        match type_ahead(options, *selected, &typed, c) {
                            Some((j, prefix)) => {
                                self.typed = prefix;
                                let changed = *selected != Some(j);
                                *selected = Some(j);
                                changed
                            }
                            None if c == ' ' => {
                                *selected = Some(selected.map_or(0, |i| (i + 1) % n));
                                true
                            }
                            None => false,
                        }
                    }
                    KeyCode::Right => {
                        *selected = Some(selected.map_or(0, |i| (i + 1) % n));
                        true
                    }
                    KeyCode::Left => {
                        *selected = Some(selected.map_or(n - 1, |i| (i + n - 1) % n));
                        true
                    }
                    _ => false,
                }
            }
            Value::Multi { options, on, cursor } => {
                let n = options.len();
                match k.code {
                    KeyCode::Enter => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Down => return if self.next() { FormEvent::None } else { FormEvent::Done },
                    KeyCode::Up => {
                        self.prev();
                        return FormEvent::None;
                    }
                    _ if n == 0 => false,
                    KeyCode::Right => {
                        *cursor = (*cursor + 1) % n;
                        false
                    }
                    KeyCode::Left => {
                        *cursor = (*cursor + n - 1) % n;
                        false
                    }
                    KeyCode::Char(' ') | KeyCode::Char('x') => {
                        on[*cursor] = !on[*cursor];
                        true
                    }
                    KeyCode::Char(c) if c.is_ascii_digit() => {
                        let i = if c == '0' { 9 } else { c as usize - '1' as usize };
                        if i < n {
                            on[i] = !on[i];
                            *cursor = i;
                            true
                        } else {
                            false
                        }
                    }
                    _ => false,
                }
            }
            Value::Toggle(b) => match k.code {
                KeyCode::Enter | KeyCode::Down => return if self.next() { FormEvent::None } else { FormEvent::Done },
                KeyCode::Up => {
                    self.prev();
                    return FormEvent::None;
                }
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *b = !*b;
                    true
                }
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    *b = true;
                    true
                }
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    *b = false;
                    true
                }
                _ => false,
            },
            Value::Info(_) => false,
        };
        if changed {
            f.error = None;
            self.dirty = true;
            self.follow_time(focus);
            FormEvent::Changed
        } else {
            FormEvent::None
        }
    }

    /// Height of a field's rows when drawn at `width`: its value, then its error in full (wrapped).
    fn field_height(f: &Field, width: u16) -> u16 {
        let w = width.saturating_sub(LABEL_W + 1).max(10);
        let base = match &f.value {
            Value::Text { multiline: true, .. } => 4,
            Value::Multi { options, .. } => multi_lines(options, &[], None, w).len().clamp(1, 6) as u16,
            _ => 1,
        };
        base + Self::error_height(f, w)
    }

    fn error_height(f: &Field, w: u16) -> u16 {
        f.error
            .as_ref()
            .map(|e| wrapped_height(&format!("! {e}"), w))
            .unwrap_or(0)
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        if area.height == 0 || area.width < 20 {
            return;
        }
        // Scroll so that the focused field is visible.
        let heights: Vec<u16> = self.fields.iter().map(|f| Self::field_height(f, area.width)).collect();
        let mut start = 0;
        loop {
            let used: u16 = heights[start..=self.focus.min(heights.len().saturating_sub(1))]
                .iter()
                .sum();
            if used <= area.height || start >= self.focus {
                break;
            }
            start += 1;
        }
        let mut y = area.y;
        // The focused field's hint, wrapped whole (never cut off at 80 columns), at most three lines.
        let hint_h: u16 = match self.fields.get(self.focus) {
            Some(f) if !f.hint.is_empty() && area.height > 4 => {
                wrapped_lines(&format!("  {}", f.hint), area.width as usize).clamp(1, 3) as u16
            }
            _ => 0,
        };
        let bottom = area.y + area.height - hint_h;
        for (i, f) in self.fields.iter().enumerate().skip(start) {
            let h = heights[i];
            if y + h > bottom {
                break;
            }
            let focused = i == self.focus;
            let marker = if focused { "▸ " } else { "  " };
            let label_style = if focused { theme.focus_label() } else { theme.heading() };
            let req = if f.required { "*" } else { "" };
            let label = format!("{marker}{}{req}", f.label);
            let label_rect = Rect {
                x: area.x,
                y,
                width: LABEL_W.min(area.width),
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(truncate(&label, LABEL_W as usize), label_style)),
                label_rect,
            );
            let vx = area.x + LABEL_W + 1;
            let vw = area.width.saturating_sub(LABEL_W + 1);
            let eh = Self::error_height(f, vw.max(10));
            let vh = h - eh;
            let vrect = Rect {
                x: vx,
                y,
                width: vw,
                height: vh,
            };
            self.render_value(frame, f, focused, vrect, theme);
            if let Some(e) = &f.error {
                let er = Rect {
                    x: vx,
                    y: y + vh,
                    width: vw,
                    height: eh,
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("! {e}"), theme.error()))
                        .wrap(ratatui::widgets::Wrap { trim: false }),
                    er,
                );
            }
            y += h;
        }
        if hint_h > 0 {
            let f = &self.fields[self.focus];
            let r = Rect {
                x: area.x,
                y: area.y + area.height - hint_h,
                width: area.width,
                height: hint_h,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("  {}", f.hint), theme.muted()))
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                r,
            );
        }
    }

    /// "today" or "yesterday" beside a date field that holds one of them.
    fn day_word(&self, f: &Field) -> Option<&'static str> {
        if f.kind != Kind::Date {
            return None;
        }
        let d = crate::time::parse_date(&f.get()).ok()?;
        let today = self.today();
        if d == today {
            Some("today")
        } else if Some(d) == today.pred_opt() {
            Some("yesterday")
        } else {
            None
        }
    }

    fn render_value(&self, frame: &mut Frame<'_>, f: &Field, focused: bool, r: Rect, theme: &Theme) {
        match &f.value {
            Value::Text { area, mask, .. } => {
                let (n, max) = f.char_count().unwrap_or((0, 0));
                let count = format!(" {n}/{max}");
                let cw = count.chars().count() as u16;
                let tr = Rect {
                    width: r.width.saturating_sub(cw),
                    ..r
                };
                if focused && f.fresh {
                    // Filled in: shown marked, since the first key typed replaces it.
                    let mut spans = vec![Span::styled(area.lines().join(" "), theme.selected())];
                    spans.push(Span::styled(" type to replace", theme.muted()));
                    frame.render_widget(Paragraph::new(Line::from(spans)), tr);
                } else if focused {
                    frame.render_widget(area, tr);
                } else {
                    let text = area.lines().join("\n");
                    let shown = if *mask {
                        "•".repeat(text.chars().count())
                    } else {
                        text
                    };
                    let mut spans = vec![Span::raw(shown)];
                    if let Some(day) = self.day_word(f) {
                        spans.push(Span::styled(format!(" ({day})"), theme.muted()));
                    }
                    frame.render_widget(
                        Paragraph::new(Line::from(spans)).wrap(ratatui::widgets::Wrap { trim: false }),
                        tr,
                    );
                }
                // A passphrase's length is not shown.
                if !*mask && (focused || n * 10 >= max * 9) {
                    let cr = Rect {
                        x: r.x + r.width.saturating_sub(cw),
                        y: r.y,
                        width: cw.min(r.width),
                        height: 1,
                    };
                    let st = if n >= max { theme.warning() } else { theme.muted() };
                    frame.render_widget(Paragraph::new(Span::styled(count, st)), cr);
                }
            }
            Value::Choice { options, selected } => {
                let text = selected
                    .and_then(|i| options.get(i))
                    .map(|o| o.1.as_str())
                    .unwrap_or("(choose)");
                let line = if focused {
                    Line::from(vec![
                        Span::styled("◂ ", theme.key()),
                        Span::styled(text.to_string(), theme.selected()),
                        Span::styled(" ▸", theme.key()),
                        Span::styled(format!("  ({} options)", options.len()), theme.muted()),
                    ])
                } else {
                    Line::from(text.to_string())
                };
                frame.render_widget(Paragraph::new(line), r);
            }
            Value::Multi { options, on, cursor } => {
                // Each box with its number key, the cursor (▸) on the one Space ticks; whole boxes per line.
                let cur = focused.then_some(*cursor);
                let rows = multi_lines(options, on, cur, r.width);
                let lines: Vec<Line<'static>> = rows
                    .into_iter()
                    .map(|row| {
                        Line::from(
                            row.into_iter()
                                .flat_map(|(i, text)| {
                                    let st = if cur == Some(i) {
                                        theme.selected()
                                    } else {
                                        ratatui::style::Style::default()
                                    };
                                    [Span::styled(text, st), Span::raw(" ")]
                                })
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                let more = lines.len() > r.height as usize;
                let mut lines = lines;
                if more && r.height > 0 {
                    lines.truncate(r.height as usize);
                    if let Some(l) = lines.last_mut() {
                        l.spans.push(Span::styled("↓ more", theme.muted()));
                    }
                }
                frame.render_widget(Paragraph::new(lines), r);
            }
            Value::Toggle(b) => {
                let text = if *b { "[x] Yes" } else { "[ ] No" };
                let st = if focused {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                };
                frame.render_widget(Paragraph::new(Span::styled(text, st)), r);
            }
            Value::Info(s) => {
                frame.render_widget(Paragraph::new(Span::styled(s.clone(), theme.muted())), r);
            }
        }
    }

    /// Keys for the focused field, for the help bar.
    pub fn field_hints(&self) -> &'static [super::keymap::Hint] {
        use super::keymap::hint;
        const CHOICE: &[super::keymap::Hint] = &[hint("←/→", "choose"), hint("letter", "jump")];
        const MULTI: &[super::keymap::Hint] =
            &[hint("←/→", "move"), hint("Space/1-9", "tick"), hint("Ctrl+U", "clear")];
        const DATE: &[super::keymap::Hint] = &[hint("y", "yesterday"), hint("t", "today"), hint("Ctrl+U", "clear")];
        const TEXT: &[super::keymap::Hint] = &[hint("Ctrl+U", "clear")];
        const TOGGLE: &[super::keymap::Hint] = &[hint("Space/y/n", "yes or no")];
        const MULTILINE: &[super::keymap::Hint] = &[hint("Alt+Enter", "new line")];
        match self.fields.get(self.focus).map(|f| &f.value) {
            Some(Value::Choice { .. }) => CHOICE,
            Some(Value::Multi { .. }) => MULTI,
            Some(Value::Toggle(_)) => TOGGLE,
            Some(Value::Text { multiline: true, .. }) => MULTILINE,
            Some(Value::Text { .. }) if self.fields.get(self.focus).is_some_and(|f| f.kind == Kind::Date) => DATE,
            Some(Value::Text { mask: false, .. }) => TEXT,
            _ => &[],
        }
    }
}

/// Type-ahead on a choice: the option that `typed` (letters typed in a row, lower case) and then `c` pick, with the
/// prefix it leaves. The longer prefix is looked for from the option shown on, so "o", "a" finds "Oak House" and
/// stays there, and a space belongs to it ("willow house 2"). Otherwise, the next option after the one shown that
/// starts with `c`, so the same letter again steps through the options that start with it. None: nothing matches
/// (a space then means "next", as it always has).
fn type_ahead(options: &[(String, String)], selected: Option<usize>, typed: &str, c: char) -> Option<(usize, String)> {
    let n = options.len();
    let starts = |j: &usize, p: &str| options[*j].1.to_lowercase().starts_with(p);
    let from = |start: usize| (0..n).map(move |j| (start + j) % n);
    let c: String = c.to_lowercase().collect();
    if let (false, Some(i)) = (typed.is_empty(), selected) {
        let longer = format!("{typed}{c}");
        if let Some(j) = from(i).find(|j| starts(j, &longer)) {
            return Some((j, longer));
        }
    }
    if c == " " {
        return None;
    }
    from(selected.map_or(0, |i| i + 1))
        .find(|j| starts(j, &c))
        .map(|j| (j, c))
}

const LABEL_W: u16 = 24;

/// Rows needed for `s` wrapped at `w` columns (words kept whole where they fit).
fn wrapped_height(s: &str, w: u16) -> u16 {
    let w = w.max(1) as usize;
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in s.split(' ') {
        let n = word.chars().count();
        let need = if used == 0 { n } else { used + 1 + n };
        if need <= w {
            used = need;
        } else if n <= w {
            rows += 1;
            used = n;
        } else {
            // A word longer than the line is broken.
            rows += (used + 1 + n).div_ceil(w) - 1;
            used = (used + 1 + n) % w;
        }
    }
    rows as u16
}

/// Tick boxes laid out in rows of `w` columns, each whole: `▸1 [x] Shouting`. The number is its key (1-9, 0);
/// the cursor, when focused, marks the box Space ticks.
fn multi_lines(options: &[(String, String)], on: &[bool], cursor: Option<usize>, w: u16) -> Vec<Vec<(usize, String)>> {
    let w = w.max(10) as usize;
    let mut rows: Vec<Vec<(usize, String)>> = vec![];
    let mut used = 0usize;
    for (i, o) in options.iter().enumerate() {
        let num = match i {
            0..=8 => char::from(b'1' + i as u8),
            9 => '0',
            _ => ' ',
        };
        let mark = if on.get(i).copied().unwrap_or(false) {
            "[x]"
        } else {
            "[ ]"
        };
        let cur = if cursor == Some(i) { '▸' } else { ' ' };
        let text = format!("{cur}{num} {mark} {}", o.1);
        let n = text.chars().count() + 1;
        if rows.is_empty() || (used + n > w && used > 0) {
            rows.push(vec![]);
            used = 0;
        }
        used += n;
        rows.last_mut().expect("a row").push((i, text));
    }
    rows
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

/// How many lines `text` takes when wrapped at word boundaries to `width` columns (as ratatui's `Wrap` does,
/// near enough to size the space for it).
fn wrapped_lines(text: &str, width: usize) -> usize {
    use unicode_width::UnicodeWidthStr;
    if width == 0 {
        return 1;
    }
    let (mut lines, mut used) = (1, 0usize);
    for word in text.split(' ') {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            lines += 1;
            used = w.min(width);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form::new(vec![
            Field::text("name", "Name", 5).required(),
            Field::multiline("account", "Account", 100),
            Field::choice(
                "g",
                "Gender",
                vec![("f".into(), "Female".into()), ("m".into(), "Male".into())],
            ),
            Field::toggle("yos", "Open to YOS"),
        ])
    }

    #[test]
    fn typing_is_limited_and_cleaned() {
        let mut f = form();
        for c in "abcdefgh".chars() {
            f.handle_key(key(KeyCode::Char(c)));
        }
        assert_eq!(f.get("name"), "abcde");
        assert!(
            f.fields[0].error.as_deref().unwrap().contains("holds 5"),
            "the limit is said"
        );
        f.handle_key(key(KeyCode::Backspace));
        // Too long for the room left: refused whole, never cut, and the field keeps what it had.
        assert_eq!(f.paste("\x1b[31mZZZ\nQ"), FormEvent::Changed);
        assert_eq!(f.get("name"), "abcd");
        let e = f.fields[0].error.clone().unwrap();
        assert!(e.contains("5 characters long") && e.contains("holds 5"), "{e}");
        f.paste("\x1b[31mZ");
        assert_eq!(f.get("name"), "abcdZ");
        assert_eq!(f.fields[0].error, None);
    }

    #[test]
    fn a_value_longer_than_its_field_is_kept_whole_and_said() {
        let mut f = form();
        f.fields[0].set("abcdefgh");
        assert_eq!(f.get("name"), "abcdefgh");
        let e = f.fields[0].error.clone().unwrap();
        assert!(e.contains("8 characters") && e.contains("holds 5"), "{e}");
    }

    #[test]
    fn enter_moves_on_and_paste_never_submits() {
        let mut f = form();
        assert_eq!(f.handle_key(key(KeyCode::Enter)), FormEvent::None);
        assert_eq!(f.focused_key(), "account");
        assert_eq!(f.paste("line one\r\nline two\n"), FormEvent::Changed);
        assert_eq!(f.get("account"), "line one\nline two\n");
        assert_eq!(f.focused_key(), "account");
        f.handle_key(key(KeyCode::Enter));
        f.handle_key(key(KeyCode::Char('m')));
        assert_eq!(f.get("g"), "m");
        f.handle_key(key(KeyCode::Enter));
        f.handle_key(key(KeyCode::Char('y')));
        assert!(f.yes("yos"));
        assert_eq!(f.handle_key(key(KeyCode::Enter)), FormEvent::Done);
        assert_eq!(
            f.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            FormEvent::Save
        );
    }

    #[test]
    fn values_round_trip_and_required() {
        let mut f = form();
        f.set("account", "a\nb");
        f.set("g", "f");
        let v = f.values();
        let mut g = form();
        g.restore(&v);
        assert_eq!(g.get("account"), "a\nb");
        assert_eq!(g.get("g"), "f");
        assert!(!g.check_required());
        assert_eq!(g.focused_key(), "name");
        assert!(g.field("name").unwrap().error.as_ref().unwrap().contains("required"));
    }

    /// A home among a hundred: letters typed in a row narrow the choice, the same letter again steps through the
    /// options that start with it, and any other key starts a new prefix.
    #[test]
    fn letters_typed_in_a_row_find_a_choice() {
        let homes = [
            "Any home",
            "Ash Lodge",
            "Holly House 1",
            "Holly House 2",
            "Hazel Court",
            "Oak House",
            "Oaklands",
        ];
        let mut f = Form::new(vec![Field::choice(
            "home",
            "Home",
            homes.iter().map(|h| (h.to_lowercase(), h.to_string())).collect(),
        )]);
        let typed = |f: &mut Form, keys: &str| {
            for c in keys.chars() {
                f.handle_key(key(KeyCode::Char(c)));
            }
            f.get("home")
        };
        assert_eq!(typed(&mut f, "o"), "oak house");
        assert_eq!(typed(&mut f, "akl"), "oaklands", "o-a-k-l narrows to Oaklands");
        assert_eq!(typed(&mut f, "x"), "oaklands", "no option starts with x: nothing moves");
        assert_eq!(
            typed(&mut f, "h"),
            "holly house 1",
            "a new letter after a miss starts afresh"
        );
        assert_eq!(typed(&mut f, "h"), "holly house 2", "the same letter again steps on");
        assert_eq!(typed(&mut f, "h"), "hazel court");
        assert_eq!(typed(&mut f, "h"), "holly house 1", "and round");
        assert_eq!(
            typed(&mut f, "A"),
            "hazel court",
            "h then A: capitals count, and \"ha\" is Hazel"
        );
        f.handle_key(key(KeyCode::Right));
        assert_eq!(f.get("home"), "oak house");
        assert_eq!(typed(&mut f, "ho"), "holly house 1", "after an arrow key, a new prefix");
        assert_eq!(
            typed(&mut f, "lly house 2"),
            "holly house 2",
            "a space within a name is part of it"
        );
        f.handle_key(key(KeyCode::Left));
        assert_eq!(
            typed(&mut f, " "),
            "holly house 2",
            "a space on its own is the next option, as before"
        );
        assert!(f.dirty);
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn when_form(now: DateTime<Utc>) -> Form {
        let l = now.with_timezone(&crate::time::ZONE);
        let mut f = Form::new(vec![
            Field::date("date", "Date"),
            Field::time("time", "Time", Some("date")),
            Field::text("where", "Where", 50),
        ]);
        f.set("date", &l.format("%d/%m/%Y").to_string());
        f.set("time", &l.format("%H:%M").to_string());
        f.set_now(now);
        f
    }

    fn type_in(f: &mut Form, now: DateTime<Utc>, s: &str) {
        for c in s.chars() {
            f.handle_key_at(key(KeyCode::Char(c)), now);
        }
    }

    /// 02:10 on 22/11 (GMT): 23:20 typed over the filled-in time replaces it and is last night, shown as
    /// yesterday; 01:50 then is today again.
    #[test]
    fn a_time_typed_over_the_filled_in_one_replaces_it_and_is_the_most_recent() {
        let now = at(2026, 11, 22, 2, 10);
        let mut f = when_form(now);
        f.handle_key(key(KeyCode::Tab));
        assert_eq!(f.focused_key(), "time");
        type_in(&mut f, now, "23:20");
        assert_eq!(f.get("time"), "23:20", "typing replaced 02:10, not appended");
        assert_eq!(f.get("date"), "21/11/2026", "23:20 at 02:10 is last night");
        assert_eq!(f.day_word(f.field("date").unwrap()), Some("yesterday"));
        f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(f.get("time"), "", "Ctrl+U clears the field");
        type_in(&mut f, now, "01:50");
        assert_eq!(f.get("date"), "22/11/2026", "01:50 at 02:10 is today");
        // Midnight wrap: at 00:05, 23:59 is yesterday and 00:05 (now) is today.
        let now = at(2026, 11, 22, 0, 5);
        let mut f = when_form(now);
        f.focus_on("time");
        type_in(&mut f, now, "23:59");
        assert_eq!(f.get("date"), "21/11/2026");
        f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        type_in(&mut f, now, "00:05");
        assert_eq!(f.get("date"), "22/11/2026");
    }

    /// A date the worker chose is theirs: the time no longer moves it.
    #[test]
    fn y_and_t_in_a_date_field_and_a_chosen_date_stays() {
        let now = at(2026, 11, 22, 2, 10);
        let mut f = when_form(now);
        assert_eq!(f.focused_key(), "date");
        f.handle_key_at(key(KeyCode::Char('y')), now);
        assert_eq!(f.get("date"), "21/11/2026");
        f.handle_key_at(key(KeyCode::Char('t')), now);
        assert_eq!(f.get("date"), "22/11/2026");
        f.handle_key(key(KeyCode::Tab));
        type_in(&mut f, now, "23:20");
        assert_eq!(f.get("date"), "22/11/2026", "t chose today: 23:20 does not move it");
        assert_eq!(FormEvent::None, f.handle_key(key(KeyCode::Tab)));
        // The hints say so.
        f.focus_on("date");
        assert!(f.field_hints().iter().any(|h| h.keys == "y" && h.action == "yesterday"));
        assert!(f.field_hints().iter().any(|h| h.keys == "Ctrl+U"));
    }

    /// Clock changes (Europe/London). 29 March 2026: 01:00-02:00 did not happen, so at 03:00 BST "01:30" was last
    /// seen yesterday; "00:30" is today. 25 October 2026: 01:30 happens twice; at 01:10 GMT (the second pass)
    /// 01:30 BST has already been, today.
    #[test]
    fn the_most_recent_time_on_clock_change_days() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // 03:00 BST on 29/03 is 02:00 UTC.
        let spring = at(2026, 3, 29, 2, 0);
        assert_eq!(most_recent_date(t(1, 30), spring), d(3, 28));
        assert_eq!(most_recent_date(t(0, 30), spring), d(3, 29));
        assert_eq!(most_recent_date(t(3, 0), spring), d(3, 29));
        assert_eq!(most_recent_date(t(3, 30), spring), d(3, 28));
        // 01:10 GMT on 25/10 is 01:10 UTC, after 01:30 BST (00:30 UTC).
        let autumn = at(2026, 10, 25, 1, 10);
        assert_eq!(most_recent_date(t(1, 30), autumn), d(10, 25));
        // 00:50 BST on 25/10 (23:50 UTC on the 24th): 01:30 is still to come, so yesterday's.
        let before = at(2026, 10, 24, 23, 50);
        assert_eq!(most_recent_date(t(1, 30), before), d(10, 24));
        assert_eq!(most_recent_date(t(0, 40), before), d(10, 25));
    }

    fn drawn(f: &Form, w: u16, h: u16) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        term.draw(|fr| f.render(fr, fr.area(), &Theme::plain())).unwrap();
        let buf = term.backend().buffer();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// At 80 columns: tick boxes carry their number keys and the cursor; a long error is shown whole, wrapped
    /// under the field it belongs to.
    #[test]
    fn numbered_tick_boxes_and_a_wrapped_error_at_80_columns() {
        let opts: Vec<(String, String)> = [
            "Violence to a person",
            "Criminal damage",
            "Threats",
            "Theft",
            "Public order",
            "Drugs",
            "Weapon",
            "Sexual behaviour",
            "Missing or absent",
            "Other",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("c{i}"), l.to_string()))
        .collect();
        let mut f = Form::new(vec![
            Field::multi("kinds", "What kind", opts),
            Field::time("time", "Time", None),
        ]);
        f.handle_key(key(KeyCode::Char('2')));
        f.handle_key(key(KeyCode::Right));
        f.set_error(
            "time",
            "'25:70' is not a time: use hh:mm, 24-hour. For example 02:15 for a quarter past two in the night, \
             or 23:20 for twenty past eleven at night.",
        );
        let s = drawn(&f, 80, 12);
        insta::assert_snapshot!("form_ticks_and_wrapped_error", s);
        assert!(s.contains("1 [ ] Violence to a person"), "{s}");
        assert!(s.contains("2 [x] Criminal damage"), "{s}");
        assert!(s.contains("▸3 [ ] Threats"), "the cursor is on the third: {s}");
        assert!(s.contains("0 [ ] Other"), "{s}");
        assert!(s.contains("twenty past eleven at night."), "the error is whole: {s}");
    }

    /// A hint longer than the window is wrapped whole under the form, never cut off ("Tick all that ap").
    #[test]
    fn a_long_hint_is_wrapped_never_cut_off_at_80_columns() {
        let f = Form::new(vec![
            Field::multi("kinds", "What kind", vec![("a".into(), "Violence".into())]).with_hint(
                "←/→ move, Space ticks (or the number 1-9, 0 for the tenth). Tick all that apply, as the record \
                 will be read by the manager.",
            ),
        ]);
        let s = drawn(&f, 80, 12);
        assert!(s.contains("Tick all that") && s.contains("apply, as the record"), "{s}");
        assert!(s.contains("read by the manager."), "the hint is whole: {s}");
        assert_eq!(wrapped_lines("  one two", 80), 1);
        assert_eq!(wrapped_lines("aaaa bbbb cccc", 9), 2);
    }
}
