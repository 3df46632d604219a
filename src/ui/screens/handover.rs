//! The handover (issue 4): what happened since the last acknowledged handover, and what is outstanding.
//! The first screen after signing in. The incoming member of staff acknowledges it (a); the outgoing shift
//! leaves a note (n); it prints for the paper file (p).

use std::collections::HashSet;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::form_page::FormSpec;
use super::widgets::safe;
use super::{Page, Screen};
use crate::domain::outstanding::ActionKind;
use crate::print::{categories_text, cell, due_text, response_text};
use crate::store::handover::{NOTE_MAX, Seen, Sheet, Window};
use crate::ui::form::{Field, Form};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, PGDN, PGUP, UP, c};
use crate::ui::keymap::{self, Binding, Hint, bind, hint};
use crate::ui::page::{Ctx, Done, Effect, FormDraft, Outcome, PrintJob};
use crate::ui::theme::Theme;

pub struct HandoverScreen {
    window: Window,
    sheet: Option<Sheet>,
    error: Option<String>,
    /// Index into the selectable lines (missing children, notes, incidents, outstanding groups and items).
    selected: usize,
    /// The lines, built when the sheet is read or a group opens (not on every key: a big home has hundreds of
    /// open items).
    cache: Vec<Row>,
    /// The outstanding groups opened (Enter) to show their items.
    open: HashSet<ActionKind>,
    /// The children in "What happened" opened or closed (Enter) from how they first show.
    toggled_children: HashSet<i64>,
    /// A note open in full (its index in the sheet's notes) and how far it is scrolled.
    reading: Option<(usize, u16)>,
    /// Asking to confirm an acknowledgement of what is shown.
    confirm: Option<Seen>,
}

/// What Enter does on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Incident(i64),
    Group(ActionKind),
    Note(usize),
    Child(i64),
}

/// Up to this many incidents, "What happened" shows them all; beyond it, one line per child until opened.
const INCIDENTS_OPEN: usize = 5;

/// One drawn line: its text and, when it can be chosen, what it opens.
struct Row {
    line: Line<'static>,
    target: Option<Target>,
}

/// `text` cut into lines of at most `width` columns, at spaces where it can be (a word longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        let mut w = 0;
        for word in para.split(' ') {
            let ww: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
            let gap = usize::from(!line.is_empty());
            if w + gap + ww <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                w += gap + ww;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
                w = 0;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if w + cw > width {
                    out.push(std::mem::take(&mut line));
                    w = 0;
                }
                line.push(c);
                w += cw;
            }
        }
        out.push(line);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl HandoverScreen {
    pub fn new(ctx: &Ctx<'_>) -> HandoverScreen {
        let mut s = HandoverScreen {
            window: Window::SinceHandover,
            sheet: None,
            cache: Vec::new(),
            error: None,
            selected: 0,
            open: HashSet::new(),
            toggled_children: HashSet::new(),
            reading: None,
            confirm: None,
        };
        s.refresh(ctx);
        s
    }

    fn rows(&self, t: &Theme) -> Vec<Row> {
        let mut out = Vec::new();
        let Some(sheet) = &self.sheet else {
            return out;
        };
        let plain = |s: String, style: Style| Row {
            line: Line::from(Span::styled(s, style)),
            target: None,
        };
        // 1. What needs doing now: children missing now, and how much is overdue.
        let overdue = sheet.overdue_count();
        let promised = sheet.due_this_shift();
        if !sheet.missing_now.is_empty() || overdue > 0 || !promised.is_empty() {
            out.push(plain("Now".into(), t.heading()));
        }
        for m in &sheet.missing_now {
            let since = m.left_at.unwrap_or(m.occurred_at);
            out.push(Row {
                line: Line::from(Span::styled(
                    format!(
                        "! {} is {} now: gone since {}, no \"came back\" time recorded #{}",
                        crate::text::one_line(&m.child_name, 20),
                        if m.absent { "absent" } else { "MISSING" },
                        crate::time::show_short(since),
                        m.incident_id
                    ),
                    t.error(),
                )),
                target: Some(Target::Incident(m.incident_id)),
            });
        }
        // People to be told and return interviews due before this shift ends.
        for o in promised {
            out.push(Row {
                line: Line::from(Span::styled(
                    format!(
                        "! {}: {} - {} #{}",
                        o.action.kind.label(),
                        due_text(o).trim_start_matches("! "),
                        crate::text::one_line(&o.child_name, 20),
                        o.incident_id
                    ),
                    if o.overdue { t.error() } else { t.warning() },
                )),
                target: Some(Target::Incident(o.incident_id)),
            });
        }
        if overdue > 0 {
            out.push(plain(
                format!(
                    "! {} overdue: first under Outstanding below",
                    plural(overdue, "item", "items")
                ),
                t.error(),
            ));
        }
        // 2. The outgoing shift's notes, one line each (Enter reads one in full).
        if !sheet.notes.is_empty() {
            out.push(plain(
                format!(
                    "Notes from the outgoing shift: {} (Enter reads one in full)",
                    sheet.notes.len()
                ),
                t.heading(),
            ));
            for (i, n) in sheet.notes.iter().enumerate() {
                out.push(Row {
                    line: Line::from(format!(
                        "{} {}: {}",
                        crate::time::show_short(n.written_at),
                        crate::text::one_line(&n.written_by, 16),
                        crate::text::one_line(&n.text, 200)
                    )),
                    target: Some(Target::Note(i)),
                });
            }
        }
        // 3. What happened, by child.
        out.push(plain(
            format!(
                "What happened: {} recorded",
                plural(sheet.incidents.len(), "incident", "incidents")
            ),
            t.heading(),
        ));
        if sheet.incidents.is_empty() {
            out.push(plain("  Nothing recorded in this time.".into(), t.muted()));
        }
        // A busy handover shows one line per child (Enter opens it); a quiet one shows every incident.
        let open_by_default = sheet.incidents.len() <= INCIDENTS_OPEN;
        for (child, rows) in sheet.groups() {
            let child_id = rows[0].child_id;
            let opened = open_by_default != self.toggled_children.contains(&child_id);
            let count = |resp: crate::domain::Response| rows.iter().filter(|r| r.response == resp).count();
            let kinds = [
                (crate::domain::Response::Police, "police"),
                (crate::domain::Response::Restorative, "restorative"),
                (crate::domain::Response::InHouse, "in-house"),
            ]
            .iter()
            .filter(|(r, _)| count(*r) > 0)
            .map(|(r, l)| format!("{} {l}", count(*r)))
            .collect::<Vec<_>>()
            .join(", ");
            let last = rows.iter().map(|r| r.occurred_at).max().unwrap_or(sheet.since);
            out.push(Row {
                line: Line::from(Span::styled(
                    format!(
                        "{} {} - {} ({kinds}), last {}",
                        if opened { "-" } else { "+" },
                        safe(&child),
                        plural(rows.len(), "incident", "incidents"),
                        crate::time::show_short(last)
                    ),
                    t.heading(),
                )),
                target: Some(Target::Child(child_id)),
            });
            if !opened {
                continue;
            }
            for r in rows {
                out.push(Row {
                    line: Line::from(format!(
                        "{} {} {} {} {}",
                        cell(&crate::time::show_short(r.occurred_at), 11),
                        cell(&categories_text(r), 15),
                        cell(&response_text(r), 16),
                        cell(&r.recorded_by, 10),
                        crate::text::one_line(&r.summary, 60)
                    )),
                    target: Some(Target::Incident(r.id)),
                });
            }
        }
        if sheet.more_incidents {
            out.push(plain(
                "  More than fit here: see Incidents (i on the menu).".into(),
                t.muted(),
            ));
        }
        // 4. What is outstanding, by kind (most urgent first) and child, with counts; Enter opens a group.
        out.push(plain(
            format!(
                "Outstanding: {}, {} overdue (Enter opens a group)",
                plural(sheet.outstanding.len(), "item", "items"),
                overdue
            ),
            t.heading(),
        ));
        if sheet.outstanding.is_empty() {
            out.push(plain("  Nothing outstanding.".into(), t.muted()));
        }
        for g in sheet.outstanding_groups() {
            let opened = self.open.contains(&g.kind);
            let style = if g.overdue() > 0 { t.error() } else { Style::default() };
            out.push(Row {
                line: Line::from(vec![
                    Span::styled(format!("{} {}", if opened { "-" } else { "+" }, g.kind.label()), style),
                    Span::raw(format!(" - {}", g.summary())),
                ]),
                target: Some(Target::Group(g.kind)),
            });
            if !opened {
                continue;
            }
            for (child, items) in &g.children {
                out.push(plain(format!("     {}", safe(child)), t.heading()));
                for o in items {
                    let style = if o.overdue { t.error() } else { Style::default() };
                    out.push(Row {
                        line: Line::from(vec![
                            Span::raw("   "),
                            Span::styled(cell(&due_text(o), 30), style),
                            Span::raw(format!(
                                " #{} incident of {}",
                                o.incident_id,
                                crate::time::show_short(o.occurred_at)
                            )),
                        ]),
                        target: Some(Target::Incident(o.incident_id)),
                    });
                }
            }
        }
        out
    }

    fn selectable(&self) -> Vec<Target> {
        self.cache.iter().filter_map(|r| r.target).collect()
    }

    fn rebuild(&mut self, t: &Theme) {
        self.cache = self.rows(t);
        let n = self.selectable().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    fn update_reading(&mut self, key: KeyEvent) -> Outcome {
        let Some((i, scroll)) = self.reading else {
            return Outcome::None;
        };
        match keymap::lookup(READING, &key, |_| true) {
            Some(Act::Close) => self.reading = None,
            Some(Act::Up) => self.reading = Some((i, scroll.saturating_sub(1))),
            Some(Act::Down) => self.reading = Some((i, scroll.saturating_add(1))),
            Some(Act::PageUp) => self.reading = Some((i, scroll.saturating_sub(10))),
            Some(Act::PageDown) => self.reading = Some((i, scroll.saturating_add(10))),
            _ => {}
        }
        Outcome::None
    }

    fn view_note(&self, frame: &mut Frame<'_>, area: Rect, t: &Theme, i: usize, scroll: u16) {
        let Some(n) = self.sheet.as_ref().and_then(|s| s.notes.get(i)) else {
            return;
        };
        let block = Block::default().borders(Borders::ALL).title(format!(
            " Note from {} at {} ",
            crate::text::one_line(&n.written_by, 30),
            crate::time::show_short(n.written_at)
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = wrap(&safe(&n.text), inner.width as usize);
        let total = text.len() as u16;
        let h = inner.height;
        let scroll = scroll.min(total.saturating_sub(h));
        let lines: Vec<Line<'static>> = text
            .into_iter()
            .skip(scroll as usize)
            .take(h as usize)
            .map(Line::from)
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        if total > scroll + h && h > 0 {
            let more = total - scroll - h;
            let sign = Rect::new(inner.x, inner.y + h - 1, inner.width, 1);
            frame.render_widget(Clear, sign);
            frame.render_widget(
                Paragraph::new(Span::styled(format!("↓ {more} more (Down)"), t.muted())),
                sign,
            );
        }
    }
}

/// What a key does on the handover (the sheet, a note being read, the question before acknowledging).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Up,
    Down,
    PageUp,
    PageDown,
    Open,
    Acknowledge,
    Note,
    Period,
    Refresh,
    Print,
    Menu,
    Close,
    Yes,
    NotYet,
}

/// The sheet's keys: dispatch, help bar and F1 are all made from these tables.
const SHEET: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[UP], Act::Up, "↑↓", "move"),
    bind(&[DOWN], Act::Down, "", ""),
    bind(&[PGUP], Act::PageUp, "", ""),
    bind(&[PGDN], Act::PageDown, "", ""),
    bind(&[ENTER], Act::Open, "Enter", "open/close"),
    bind(&[c('a')], Act::Acknowledge, "a", "acknowledge"),
    bind(&[c('o')], Act::Note, "o", "write a note"),
    bind(&[c('w')], Act::Period, "w", "period"),
    bind(&[c('r')], Act::Refresh, "r", "refresh"),
    bind(&[c('p')], Act::Print, "p", "print"),
    bind(&[ESC, c('m')], Act::Menu, "Esc/m", "menu"),
];

/// A note open to read.
const READING: &[Binding<Act>] = &[
    bind(&[UP], Act::Up, "↑↓/PgUp/PgDn", "scroll"),
    bind(&[DOWN], Act::Down, "", ""),
    bind(&[PGUP], Act::PageUp, "", ""),
    bind(&[PGDN], Act::PageDown, "", ""),
    bind(&[ESC, ENTER, c('q')], Act::Close, "Esc/Enter", "back"),
];

/// "Have you read it?" before the acknowledgement is recorded.
const CONFIRM: &[Binding<Act>] = &[
    bind(&[c('y'), c('Y')], Act::Yes, "y", "yes, acknowledge"),
    bind(&[ESC, c('n'), c('N')], Act::NotYet, "Esc/n", "not yet"),
];

impl HandoverScreen {
    fn keys(&self) -> &'static [Binding<Act>] {
        if self.reading.is_some() {
            READING
        } else if self.confirm.is_some() {
            CONFIRM
        } else {
            SHEET
        }
    }
}

impl Page for HandoverScreen {
    fn title(&self) -> String {
        "Handover".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        match ctx.store.handover_sheet(ctx.now, self.window) {
            Ok(s) => {
                self.sheet = Some(s);
                self.error = None;
            }
            Err(e) => self.error = Some(format!("Could not read the handover: {e}")),
        }
        if self
            .reading
            .is_some_and(|(i, _)| self.sheet.as_ref().is_none_or(|s| i >= s.notes.len()))
        {
            self.reading = None;
        }
        self.rebuild(&ctx.theme);
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if self.reading.is_some() {
            return self.update_reading(key);
        }
        if let Some(seen) = &self.confirm {
            return match keymap::lookup(CONFIRM, &key, |_| true) {
                Some(Act::Yes) => {
                    let seen = seen.clone();
                    self.confirm = None;
                    match &self.sheet {
                        Some(s) => Outcome::Effect(Effect::AcknowledgeHandover {
                            covers_from: s.since,
                            seen,
                        }),
                        None => Outcome::None,
                    }
                }
                Some(Act::NotYet) => {
                    self.confirm = None;
                    Outcome::Flash("Not acknowledged: nothing was recorded.".into())
                }
                _ => Outcome::None,
            };
        }
        let sel = self.selectable();
        let Some(act) = keymap::lookup(SHEET, &key, |_| true) else {
            return Outcome::None;
        };
        match act {
            Act::Menu => Outcome::Back,
            Act::Up => {
                self.selected = super::widgets::step(self.selected, sel.len(), false, 1);
                Outcome::None
            }
            Act::Down => {
                self.selected = super::widgets::step(self.selected, sel.len(), true, 1);
                Outcome::None
            }
            Act::PageUp => {
                self.selected = super::widgets::step(self.selected, sel.len(), false, 10);
                Outcome::None
            }
            Act::PageDown => {
                self.selected = super::widgets::step(self.selected, sel.len(), true, 10);
                Outcome::None
            }
            Act::Open => match sel.get(self.selected) {
                Some(Target::Incident(id)) => Outcome::Push(super::detail::open(ctx, *id)),
                Some(Target::Note(i)) => {
                    self.reading = Some((*i, 0));
                    Outcome::None
                }
                Some(Target::Child(c)) => {
                    if !self.toggled_children.remove(c) {
                        self.toggled_children.insert(*c);
                    }
                    self.rebuild(&ctx.theme);
                    Outcome::None
                }
                Some(Target::Group(k)) => {
                    if !self.open.remove(k) {
                        self.open.insert(*k);
                    }
                    self.rebuild(&ctx.theme);
                    Outcome::None
                }
                None => Outcome::None,
            },
            Act::Period => {
                self.window = self.window.next();
                self.selected = 0;
                self.refresh(ctx);
                Outcome::Flash(format!("Showing {}.", self.window.label()))
            }
            Act::Refresh => {
                self.refresh(ctx);
                Outcome::None
            }
            Act::Acknowledge => {
                // Read again first, so that what is confirmed is what is on the screen now.
                self.refresh(ctx);
                if let Some(s) = &self.sheet {
                    self.confirm = Some(s.seen());
                }
                Outcome::None
            }
            Act::NewIncident => super::new_incident(ctx),
            Act::Note => Outcome::Push(Screen::new(NoteScreen::new())),
            Act::Print => Outcome::Effect(Effect::Print(PrintJob::Handover(self.window))),
            Act::Close | Act::Yes | Act::NotYet => Outcome::None,
        }
    }

    fn done(&mut self, ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => {
                self.window = Window::SinceHandover;
                self.selected = 0;
                self.refresh(ctx);
                let who = ctx.session.map(|s| s.staff.name.clone()).unwrap_or_default();
                Outcome::Flash(format!(
                    "Handover acknowledged by {} at {}. The next handover starts from now.",
                    safe(&who),
                    ctx.now.with_timezone(&crate::time::ZONE).format("%H:%M")
                ))
            }
            Done::Err(e) => Outcome::Flash(format!("Not acknowledged: {e}")),
            Done::Fields(_) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        if let Some((i, scroll)) = self.reading {
            self.view_note(frame, area, t, i, scroll);
            return;
        }
        let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        let Some(sheet) = &self.sheet else {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("! {}", self.error.as_deref().unwrap_or("Loading…")),
                    t.error(),
                )),
                area,
            );
            return;
        };
        let covers = match (&sheet.window, &sheet.last) {
            (Window::SinceHandover, Some(h)) => format!(
                "Since the last handover, {} (acknowledged by {})",
                crate::time::show_short(h.acknowledged_at),
                crate::text::one_line(&h.acknowledged_by, 20)
            ),
            (Window::SinceHandover, None) => "No handover acknowledged yet: the last 24 hours".into(),
            (w, _) => format!("The {} (from {})", w.label(), crate::time::show_short(sheet.since)),
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(sheet.shift.describe(), t.heading())),
                Line::from(vec![Span::raw(covers), Span::styled("  (w changes)", t.muted())]),
            ]),
            head,
        );
        let block = Block::default().borders(Borders::TOP);
        let inner = block.inner(body);
        frame.render_widget(block, body);
        let rows = &self.cache;
        // The line of the selected item, to scroll it into view.
        let mut k = 0;
        let mut sel_line = None;
        for (i, r) in rows.iter().enumerate() {
            if r.target.is_some() {
                if k == self.selected {
                    sel_line = Some(i);
                }
                k += 1;
            }
        }
        let h = inner.height as usize;
        let total = rows.len();
        // When there is more than fits, a line at the foot (and, scrolled, at the head) says how much more.
        let (start, shown, top_sign) = if total <= h {
            (0, h, false)
        } else {
            let avail = h.saturating_sub(1).max(1);
            let start = match sel_line {
                Some(l) if l >= avail => l + 1 - avail,
                _ => 0,
            };
            if start == 0 {
                (0, avail, false)
            } else {
                let avail = h.saturating_sub(2).max(1);
                let start = match sel_line {
                    Some(l) if l >= avail => (l + 1 - avail).min(total.saturating_sub(avail)),
                    _ => 0,
                };
                (start, avail, start > 0)
            }
        };
        let mut lines: Vec<Line<'static>> = Vec::new();
        if top_sign {
            lines.push(Line::from(Span::styled(format!("↑ {start} more"), t.muted())));
        }
        lines.extend(rows.iter().enumerate().skip(start).take(shown).map(|(i, r)| {
            let line = r.line.clone();
            if Some(i) == sel_line {
                let mut spans = vec![Span::styled("▸ ", t.selected())];
                spans.extend(line.spans.into_iter().map(|s| s.patch_style(t.selected())));
                Line::from(spans)
            } else if r.target.is_some() {
                let mut spans = vec![Span::raw("  ")];
                spans.extend(line.spans);
                Line::from(spans)
            } else {
                line
            }
        }));
        let below = total.saturating_sub(start + shown);
        if below > 0 {
            lines.push(Line::from(Span::styled(format!("↓ {below} more"), t.muted())));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(seen) = &self.confirm {
            let hgt = 4.min(inner.height);
            let r = Rect::new(inner.x, inner.y + inner.height - hgt, inner.width, hgt);
            frame.render_widget(Clear, r);
            let b = Block::default()
                .borders(Borders::ALL)
                .title(" Acknowledge the handover? ");
            let ri = b.inner(r);
            frame.render_widget(b, r);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(format!("You have been shown {}.", seen.describe())),
                    Line::from(Span::styled("y: yes, I have read it    Esc: not yet", t.heading())),
                ])
                .wrap(Wrap { trim: true }),
                ri,
            );
        }
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(self.keys(), |b| Some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(self.keys(), |b| Some(b.label))
    }
}

/// The outgoing shift's note for the next handover.
pub struct NoteScreen {
    form: Form,
}

impl Default for NoteScreen {
    fn default() -> Self {
        Self::new()
    }
}

impl NoteScreen {
    pub fn new() -> NoteScreen {
        NoteScreen {
            form: Form::new(vec![
                Field::multiline("text", "Note for the next shift", NOTE_MAX)
                    .required()
                    .with_hint("Who must be phoned, what to watch for. Alt+Enter starts a new line."),
            ]),
        }
    }
}

impl FormSpec for NoteScreen {
    fn title(&self) -> String {
        "Handover note".into()
    }
    fn form(&self) -> &Form {
        &self.form
    }
    fn form_mut(&mut self) -> &mut Form {
        &mut self.form
    }
    fn submit(&mut self, _ctx: &Ctx<'_>) -> Result<Effect, Outcome> {
        Ok(Effect::AddHandoverNote {
            text: self.form.get("text"),
        })
    }
    fn refusal_field(&self) -> &'static str {
        "text"
    }
    fn keys(&self) -> Vec<Hint> {
        vec![hint("Ctrl+S", "save note"), hint("Esc", "cancel")]
    }
    fn draft(&self) -> Option<(FormDraft, String)> {
        self.form.dirty.then(|| {
            (
                FormDraft {
                    screen: "handover_note".into(),
                    context: None,
                    values: self.form.values(),
                },
                "Handover note".into(),
            )
        })
    }
}

/// Back after a lock: a handover note being written.
pub fn restore(_ctx: &Ctx<'_>, d: &FormDraft) -> Option<Screen> {
    let mut s = NoteScreen::new();
    s.form.restore(&d.values);
    s.form.dirty = true;
    Some(Screen::new(s))
}
