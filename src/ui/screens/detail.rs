//! One incident in full, with its history, and adding entries (issue 3/4).
//!
//! The view shows the current state (the record as saved with every later entry applied), what is still to
//! do with its deadlines, and the history: who recorded it and when, then each entry and what it changed.
//! Later information is added as attributed, timed entries ([`entry`]); a manager reviews and signs.

pub mod court;
pub mod entry;
pub mod lines;

use std::cell::Cell;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::widgets::safe;
use super::{Page, Screen};
use crate::store::incidents::IncidentDetail;
use crate::ui::keymap::k::{DOWN, END, ESC, HOME, PGDN, PGUP, UP, c};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, FormDraft, Outcome};

pub use entry::{EntryForm, EntryKind, EntryMenu};

pub fn open(ctx: &Ctx<'_>, incident_id: i64) -> Screen {
    Screen::new(DetailScreen::new(ctx, incident_id))
}

/// Open the form for one kind of entry straight away (from another screen, e.g. the handover's actions).
pub fn open_entry(ctx: &Ctx<'_>, incident_id: i64, kind: EntryKind) -> Result<Screen, String> {
    EntryForm::new(ctx, incident_id, kind).map(Screen::new)
}

/// Back after a lock: an entry being written.
pub fn restore(ctx: &Ctx<'_>, d: &FormDraft) -> Option<Screen> {
    EntryForm::restore(ctx, d).map(Screen::new)
}

pub struct DetailScreen {
    id: i64,
    detail: Result<IncidentDetail, String>,
    /// First line shown.
    scroll: usize,
    /// Set while drawing: rows visible and lines in all, so keys can keep the scroll in range.
    view_h: Cell<usize>,
    width: Cell<usize>,
    total: Cell<usize>,
    history_at: Cell<usize>,
    /// Said once after an entry was added.
    note: Option<String>,
    /// On a YOS's database: the YOS's own entries on this record (`c` adds one); None on a home's.
    court: Option<Vec<crate::store::court::CourtEntry>>,
}

impl DetailScreen {
    pub fn new(ctx: &Ctx<'_>, id: i64) -> DetailScreen {
        let s = DetailScreen {
            id,
            detail: ctx.store.incident(id).map_err(|e| e.to_string()),
            scroll: 0,
            // The body of an 80x24 screen until the first draw says otherwise.
            view_h: Cell::new(18),
            width: Cell::new(78),
            total: Cell::new(0),
            history_at: Cell::new(0),
            note: None,
            court: court_entries(ctx, id),
        };
        s.measure(ctx);
        s
    }

    /// The lines of the detail at the last width drawn; keeps the counts the keys scroll by.
    fn doc(&self, ctx: &Ctx<'_>) -> Option<lines::Doc> {
        let d = self.detail.as_ref().ok()?;
        let mut doc = lines::detail_doc(d, ctx.now, ctx.theme, self.width.get());
        if let Some(c) = &self.court {
            court_lines(&mut doc, c, ctx, self.width.get());
        }
        self.total.set(doc.lines.len());
        self.history_at.set(
            doc.marks
                .iter()
                .find(|(m, _)| *m == "history")
                .map(|(_, i)| *i)
                .unwrap_or(0),
        );
        Some(doc)
    }

    fn measure(&self, ctx: &Ctx<'_>) {
        let _ = self.doc(ctx);
    }

    fn max_scroll(&self) -> usize {
        self.total.get().saturating_sub(self.view_h.get())
    }

    fn scroll_by(&mut self, down: bool, by: usize) {
        self.scroll = if down {
            (self.scroll + by).min(self.max_scroll())
        } else {
            self.scroll.saturating_sub(by)
        };
    }
}

/// What a key does on an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Add,
    Review,
    Court,
    History,
    Back,
}

/// An incident's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    bind(&[UP, c('k')], Act::Up, "↑/↓ PgUp/PgDn", "scroll"),
    bind(&[DOWN, c('j')], Act::Down, "", "down a line"),
    bind(&[PGUP], Act::PageUp, "", "up a page"),
    bind(&[PGDN, c(' ')], Act::PageDown, "", "down a page"),
    bind(&[HOME, c('g')], Act::Top, "", "to the top"),
    bind(&[END, c('G')], Act::Bottom, "", "to the end"),
    bind(&[c('u'), c('a')], Act::Add, "u", "add information"),
    bind(&[c('r')], Act::Review, "r", "review and sign"),
    bind(&[c('c')], Act::Court, "c", "court"),
    bind(&[c('h')], Act::History, "h", "history"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];

/// The label for a key for the person signed in: review is a manager's (anyone else pressing it is told so).
fn label(ctx: &Ctx<'_>, b: &Binding<Act>) -> Option<&'static str> {
    match b.action {
        a if !applies(is_yos(ctx), a) => None,
        Act::Review if !ctx.is_manager() => None,
        _ => Some(b.label),
    }
}

/// Whether a key works on this database at all: a YOS adds to no home's record and signs none, and the court
/// key (the YOS's own entries) is a YOS's only. (Review by someone who is not a manager still answers, saying
/// why, but is not offered.)
fn applies(yos: bool, a: Act) -> bool {
    match a {
        Act::Review | Act::Add => !yos,
        Act::Court => yos,
        _ => true,
    }
}

impl Page for DetailScreen {
    fn title(&self) -> String {
        format!("Incident {}", self.id)
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        let before = self.detail.as_ref().map(|d| d.entries.len()).unwrap_or(0);
        self.detail = ctx.store.incident(self.id).map_err(|e| e.to_string());
        self.court = court_entries(ctx, self.id);
        if let Ok(d) = &self.detail
            && d.entries.len() > before
            && let Some(e) = d.entries.last()
        {
            self.note = Some(format!(
                "Added: {} by {} at {}. See the history (h).",
                e.change.label(),
                safe(&e.by),
                crate::time::show(e.at)
            ));
        }
        self.measure(ctx);
        self.scroll = self.scroll.min(self.max_scroll());
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        self.note = None;
        let page = self.view_h.get().saturating_sub(1).max(1);
        let yos = is_yos(ctx);
        let Some(act) = keymap::lookup(KEYS, &key, |a| applies(yos, a)) else {
            return Outcome::None;
        };
        match act {
            Act::Back => return Outcome::Back,
            Act::Up => self.scroll_by(false, 1),
            Act::Down => self.scroll_by(true, 1),
            Act::PageUp => self.scroll_by(false, page),
            Act::PageDown => self.scroll_by(true, page),
            Act::Top => self.scroll = 0,
            Act::Bottom => self.scroll = self.max_scroll(),
            Act::History => self.scroll = self.history_at.get().min(self.max_scroll()),
            Act::Add => {
                if let Ok(d) = &self.detail {
                    return Outcome::Push(Screen::new(EntryMenu::new(ctx, d, false)));
                }
            }
            Act::Court => {
                if let (Ok(d), Some(entries)) = (&self.detail, self.court.as_deref()) {
                    return Outcome::Push(Screen::new(court::CourtScreen::new(d).with_entries(entries)));
                }
            }
            Act::Review => {
                if !ctx.is_manager() {
                    return Outcome::Flash(format!("{} Press u to add other information.", entry::MANAGER_ONLY));
                }
                if let Ok(d) = &self.detail {
                    return Outcome::Push(Screen::new(EntryMenu::new(ctx, d, true)));
                }
            }
        }
        Outcome::None
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let d = match &self.detail {
            Ok(d) => d,
            Err(e) => {
                frame.render_widget(
                    Paragraph::new(format!("This incident cannot be shown: {}", safe(e)))
                        .block(Block::default().borders(Borders::ALL).title(" Incident "))
                        .wrap(Wrap { trim: true }),
                    area,
                );
                return;
            }
        };
        let title = format!(
            " #{} · {} · {} · {} ",
            self.id,
            safe(&d.child.display_name()),
            crate::time::show(d.current.occurred_at),
            d.current.status().label()
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .title(crate::ui::form::truncate(&title, area.width.saturating_sub(4) as usize));
        let inner = block.inner(area);
        self.width.set(inner.width as usize);
        let Some(doc) = self.doc(ctx) else { return };
        let mut rows: Vec<Line<'static>> = Vec::new();
        if let Some(n) = &self.note {
            rows.push(Line::styled(n.clone(), ctx.theme.ok()));
        }
        let h = (inner.height as usize).saturating_sub(rows.len());
        let total = doc.lines.len();
        self.view_h.set(h);
        let start = self.scroll.min(total.saturating_sub(h));
        let end = (start + h).min(total);
        let pos = if total > h {
            format!(" lines {}-{} of {total} · ↑/↓ PgUp/PgDn ", start + 1, end)
        } else {
            " all shown ".into()
        };
        let block = block.title_bottom(Line::from(pos).right_aligned());
        frame.render_widget(block, area);
        rows.extend(doc.lines.into_iter().skip(start).take(h));
        frame.render_widget(Paragraph::new(rows), inner);
    }

    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| label(ctx, b))
    }

    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| label(ctx, b))
    }
}

use super::is_yos;

/// The YOS's own entries on a record, on a YOS's database only (None on a home's: it holds none).
fn court_entries(ctx: &Ctx<'_>, id: i64) -> Option<Vec<crate::store::court::CourtEntry>> {
    is_yos(ctx).then(|| ctx.store.court_entries(id).unwrap_or_default())
}

/// "YOS entries (not part of the home's record)" at the top of the detail, each with who and when; the
/// marks below move down with it.
fn court_lines(doc: &mut lines::Doc, entries: &[crate::store::court::CourtEntry], ctx: &Ctx<'_>, w: usize) {
    let mut v: Vec<Line<'static>> = vec![Line::styled(
        "── YOS entries (not part of the home's record)",
        ctx.theme.heading(),
    )];
    if entries.is_empty() {
        v.push(Line::styled("  None yet. c adds one.", ctx.theme.muted()));
    }
    for e in entries {
        let mut first = safe(&e.summary());
        if e.corrected {
            first.push_str(" (corrected below)");
        }
        for r in lines::wrap(&first, w.saturating_sub(2)) {
            v.push(Line::from(format!("  {r}")));
        }
        let who = format!("{}, {}, {}", safe(&e.by), safe(&e.service), crate::time::show(e.at));
        let mut muted = lines::wrap(&who, w.saturating_sub(4));
        if e.corrects.is_some() {
            muted.extend(lines::wrap(
                &format!("A correction: {}", safe(&e.reason)),
                w.saturating_sub(4),
            ));
        }
        for r in muted {
            v.push(Line::styled(format!("    {r}"), ctx.theme.muted()));
        }
    }
    v.push(Line::from(""));
    let n = v.len();
    for m in &mut doc.marks {
        m.1 += n;
    }
    doc.lines.splice(0..0, v);
}
