//! The handover (issue 4): what happened since the last acknowledged handover, and what is outstanding.
//! The first screen after signing in. The incoming member of staff acknowledges it (a); the outgoing shift
//! leaves a note (n); it prints for the paper file (p).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::widgets::safe;
use super::{Page, Screen};
use crate::print::{categories_text, cell, due_text, response_text};
use crate::store::handover::{NOTE_MAX, Sheet, Window};
use crate::ui::app::{Ctx, Done, Effect, FormDraft, Outcome};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::{Hint, hint};
use crate::ui::theme::Theme;

pub struct HandoverScreen {
    window: Window,
    sheet: Option<Sheet>,
    error: Option<String>,
    /// Index into the selectable lines (incidents, then outstanding items).
    selected: usize,
    /// The lines, built when the sheet is read (not on every key: a big home has hundreds of open items).
    cache: Vec<Row>,
}

/// One drawn line: its text and, when it can be chosen, the incident it opens.
struct Row {
    line: Line<'static>,
    incident: Option<i64>,
}

impl HandoverScreen {
    pub fn new(ctx: &Ctx<'_>) -> HandoverScreen {
        let mut s = HandoverScreen {
            window: Window::SinceHandover,
            sheet: None,
            cache: Vec::new(),
            error: None,
            selected: 0,
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
            incident: None,
        };
        if !sheet.notes.is_empty() {
            out.push(plain("Notes from the outgoing shift".into(), t.heading()));
            for n in &sheet.notes {
                let mut first = true;
                for l in safe(&n.text).lines() {
                    let head = if first {
                        format!(
                            "{} {}: ",
                            crate::time::show_short(n.written_at),
                            crate::text::one_line(&n.written_by, 16)
                        )
                    } else {
                        " ".repeat(2)
                    };
                    first = false;
                    out.push(plain(format!("  {head}{l}"), Style::default()));
                }
            }
        }
        out.push(plain(
            format!(
                "What happened: {} incident{} recorded",
                sheet.incidents.len(),
                if sheet.incidents.len() == 1 { "" } else { "s" }
            ),
            t.heading(),
        ));
        if sheet.incidents.is_empty() {
            out.push(plain("  Nothing recorded in this time.".into(), t.muted()));
        }
        for (child, rows) in sheet.groups() {
            out.push(plain(format!(" {}", safe(&child)), t.heading()));
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
                    incident: Some(r.id),
                });
            }
        }
        if sheet.more_incidents {
            out.push(plain(
                "  More than fit here: see Incidents (i on the menu).".into(),
                t.muted(),
            ));
        }
        out.push(plain(
            format!(
                "Outstanding: {} item{}, {} overdue",
                sheet.outstanding.len(),
                if sheet.outstanding.len() == 1 { "" } else { "s" },
                sheet.overdue_count()
            ),
            t.heading(),
        ));
        if sheet.outstanding.is_empty() {
            out.push(plain("  Nothing outstanding.".into(), t.muted()));
        }
        for o in &sheet.outstanding {
            let style = if o.overdue { t.error() } else { Style::default() };
            out.push(Row {
                line: Line::from(vec![
                    Span::styled(cell(&due_text(o), 28), style),
                    Span::raw(format!(
                        " {} {} #{}",
                        cell(o.action.kind.label(), 28),
                        cell(&o.child_name, 12),
                        o.incident_id
                    )),
                ]),
                incident: Some(o.incident_id),
            });
        }
        out
    }

    fn selectable(&self) -> Vec<i64> {
        self.cache.iter().filter_map(|r| r.incident).collect()
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
        self.cache = self.rows(&ctx.theme);
        let n = self.selectable().len();
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let sel = self.selectable();
        match key.code {
            KeyCode::Esc | KeyCode::Char('m') => Outcome::Back,
            KeyCode::Up => {
                self.selected = super::widgets::step(self.selected, sel.len(), false, 1);
                Outcome::None
            }
            KeyCode::Down => {
                self.selected = super::widgets::step(self.selected, sel.len(), true, 1);
                Outcome::None
            }
            KeyCode::PageUp => {
                self.selected = super::widgets::step(self.selected, sel.len(), false, 10);
                Outcome::None
            }
            KeyCode::PageDown => {
                self.selected = super::widgets::step(self.selected, sel.len(), true, 10);
                Outcome::None
            }
            KeyCode::Enter => match sel.get(self.selected) {
                Some(id) => Outcome::Push(super::detail::open(ctx, *id)),
                None => Outcome::None,
            },
            KeyCode::Char('w') => {
                self.window = self.window.next();
                self.selected = 0;
                self.refresh(ctx);
                Outcome::Flash(format!("Showing {}.", self.window.label()))
            }
            KeyCode::Char('r') => {
                self.refresh(ctx);
                Outcome::None
            }
            KeyCode::Char('a') => match &self.sheet {
                Some(s) => Outcome::Effect(Effect::AcknowledgeHandover { covers_from: s.since }),
                None => Outcome::None,
            },
            KeyCode::Char('n') => Outcome::Push(Screen::new(NoteScreen::new())),
            KeyCode::Char('p') => {
                let dir = crate::print::print_dir(ctx.store);
                match crate::print::print_handover(ctx.store, ctx.now, self.window, &dir) {
                    Ok(p) => Outcome::Flash(format!("Printed to {}", p.display())),
                    Err(e) => Outcome::Flash(format!("Not printed: {e}")),
                }
            }
            _ => Outcome::None,
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
            if r.incident.is_some() {
                if k == self.selected {
                    sel_line = Some(i);
                }
                k += 1;
            }
        }
        let h = inner.height as usize;
        let start = match sel_line {
            Some(l) if l >= h => l + 1 - h,
            _ => 0,
        };
        let lines: Vec<Line<'static>> = rows
            .iter()
            .enumerate()
            .skip(start)
            .take(h)
            .map(|(i, r)| {
                let line = r.line.clone();
                if Some(i) == sel_line {
                    let mut spans = vec![Span::styled("▸ ", t.selected())];
                    spans.extend(line.spans.into_iter().map(|s| s.patch_style(t.selected())));
                    Line::from(spans)
                } else if r.incident.is_some() {
                    let mut spans = vec![Span::raw("  ")];
                    spans.extend(line.spans);
                    Line::from(spans)
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        vec![
            hint("Enter", "open"),
            hint("a", "acknowledge"),
            hint("n", "note"),
            hint("w", "period"),
            hint("p", "print"),
            hint("Esc", "menu"),
        ]
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

impl Page for NoteScreen {
    fn title(&self) -> String {
        "Handover note".into()
    }

    fn update(&mut self, _ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match self.form.handle_key(key) {
            FormEvent::Save | FormEvent::Done => {
                self.form.clear_errors();
                if !self.form.check_required() {
                    return Outcome::None;
                }
                Outcome::Effect(Effect::AddHandoverNote {
                    text: self.form.get("text"),
                })
            }
            FormEvent::Cancel => Outcome::Back,
            _ => Outcome::None,
        }
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        self.form.paste(text);
        Outcome::None
    }

    fn done(&mut self, _ctx: &Ctx<'_>, d: Done) -> Outcome {
        match d {
            Done::Ok(_) => Outcome::Back,
            Done::Err(e) => {
                self.form.set_error("text", e);
                Outcome::None
            }
            Done::Fields(_) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Note for the next shift ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        self.form.render(frame, inner, &ctx.theme);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        vec![
            hint("Ctrl+S", "save note"),
            hint("Alt+Enter", "new line"),
            hint("Esc", "cancel"),
        ]
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
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
