//! The incident browser (issue 4): every incident, newest first, a page at a time, with filters.
//! Only a window of rows is kept in memory: moving past either end fetches the next or previous page by
//! keyset (occurred_at, id), so a home with years of records browses as fast as a new one.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::widgets::{list, list_with, safe};
use super::{Page, Screen};
use crate::domain::{Category, Child, Response, Status};
use crate::print::{categories_text, cell, response_text};
use crate::store::browse::{Dir, DraftRow, ScanPage};
use crate::store::incidents::{Cursor, Filter, IncidentRow};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, HOME, PGDN, PGUP, UP, c};
use crate::ui::keymap::{self, Binding, Hint, bind, hint};
use crate::ui::page::{Ctx, Outcome};

/// What a key does on the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Open,
    Search,
    Filter,
    Clear,
    Timeline,
    Print,
    Back,
    Down,
    Up,
    PageDown,
    PageUp,
    First,
}

/// The browser's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[ENTER], Act::Open, "Enter", "open"),
    bind(&[c('/')], Act::Search, "/", "search"),
    bind(&[c('f')], Act::Filter, "f", "filter"),
    bind(&[c('x')], Act::Clear, "x", "clear"),
    bind(&[c('t')], Act::Timeline, "t", "timeline"),
    bind(&[c('p')], Act::Print, "p", "print"),
    bind(&[ESC], Act::Back, "Esc", "back"),
    bind(&[DOWN], Act::Down, "", ""),
    bind(&[UP], Act::Up, "", ""),
    bind(&[PGDN], Act::PageDown, "", ""),
    bind(&[PGUP], Act::PageUp, "", ""),
    bind(&[HOME], Act::First, "", ""),
];

/// Rows fetched at a time.
pub const PAGE: usize = 40;
/// Rows kept in memory at most.
pub const WINDOW: usize = 120;

/// A word search goes on looking back, window after window, for up to this long per key while it has found
/// nothing (then it says how far it got, and the next key goes on).
pub const LOOK_FOR: std::time::Duration = std::time::Duration::from_millis(150);

pub fn open(ctx: &Ctx<'_>) -> Screen {
    Screen::new(BrowserScreen::new(ctx, Filter::default()))
}

pub struct BrowserScreen {
    pub filter: Filter,
    /// The rows in memory: a window of the whole list.
    pub rows: Vec<IncidentRow>,
    pub selected: usize,
    /// Where to go on from above rows[0] / below the last row: None when there is nothing more that way.
    newer: Option<Cursor>,
    older: Option<Cursor>,
    /// A word or category search stopped looking at this date (it looks through a bounded number of incidents
    /// per key, so a word that is nowhere never reads the whole history at once). Down looks further back.
    searched_to: Option<chrono::DateTime<chrono::Utc>>,
    /// How long one key may spend looking back through windows that hold no match before it answers.
    look_for: std::time::Duration,
    drafts: Vec<DraftRow>,
    children: Vec<Child>,
    /// The homes in this database, (uid, name), this home first: a YOS's database holds several, and then the
    /// filter offers them and the selected incident's home is named.
    homes: Vec<(String, String)>,
    editing: Option<Form>,
    error: Option<String>,
}

/// Homes of one name (two "Oak House" in one YOS database) are told apart by their Ofsted URN, or by their
/// uid when they have none: "Oak House (SC123456)". A name no other home has is shown as it is.
fn told_apart(homes: Vec<(String, String)>, store: &crate::store::Store) -> Vec<(String, String)> {
    let key = |n: &str| n.trim().to_lowercase();
    let urns = store.home_urns().unwrap_or_default();
    let shared: Vec<bool> = homes
        .iter()
        .map(|(u, n)| homes.iter().any(|(u2, n2)| u2 != u && key(n2) == key(n)))
        .collect();
    homes
        .into_iter()
        .zip(shared)
        .map(|((uid, name), shared)| {
            if !shared {
                return (uid, name);
            }
            let tag = match urns.get(&uid).map(|u| u.trim()).filter(|u| !u.is_empty()) {
                Some(urn) => urn.to_string(),
                None => format!("home {}", crate::text::one_line(&uid, 8)),
            };
            let shown = format!("{name} ({tag})");
            (uid, shown)
        })
        .collect()
}

impl BrowserScreen {
    pub fn new(ctx: &Ctx<'_>, filter: Filter) -> BrowserScreen {
        Self::looking_for(ctx, filter, LOOK_FOR)
    }

    /// As [`BrowserScreen::new`], with how long a key may look back through windows without a match.
    pub fn looking_for(ctx: &Ctx<'_>, filter: Filter, look_for: std::time::Duration) -> BrowserScreen {
        let mut b = BrowserScreen {
            filter,
            rows: Vec::new(),
            selected: 0,
            newer: None,
            older: None,
            searched_to: None,
            look_for,
            drafts: Vec::new(),
            children: ctx.store.all_children().unwrap_or_default(),
            homes: told_apart(ctx.store.homes().unwrap_or_default(), ctx.store),
            editing: None,
            error: None,
        };
        b.load_first(ctx);
        b
    }

    fn drafts_mode(&self) -> bool {
        self.filter.status == Some(Status::Draft)
    }

    fn load_first(&mut self, ctx: &Ctx<'_>) {
        self.selected = 0;
        self.newer = None;
        self.searched_to = None;
        self.error = None;
        if self.drafts_mode() {
            self.rows.clear();
            self.older = None;
            match ctx.store.incident_drafts(500) {
                Ok(d) => self.drafts = d,
                Err(e) => self.error = Some(e.to_string()),
            }
            return;
        }
        match self.look_older(ctx, None) {
            Ok(p) => {
                self.note_search(&p);
                self.older = p.next;
                self.rows = p.rows;
            }
            Err(e) => {
                self.rows.clear();
                self.older = None;
                self.error = Some(e.to_string());
            }
        }
    }

    /// The next page older than `cursor`, going on through windows without a match for up to `look_for`.
    fn look_older(&self, ctx: &Ctx<'_>, cursor: Option<Cursor>) -> crate::store::Result<ScanPage> {
        let started = std::time::Instant::now();
        let mut p = ctx.store.browse_scan(&self.filter, cursor, Dir::Older, PAGE)?;
        while p.rows.is_empty() && p.searched && started.elapsed() < self.look_for {
            p = ctx.store.browse_scan(&self.filter, p.next, Dir::Older, PAGE)?;
        }
        Ok(p)
    }

    fn note_search(&mut self, p: &ScanPage) {
        self.searched_to = if p.searched { p.next.map(|c| c.0) } else { None };
    }

    fn down(&mut self, ctx: &Ctx<'_>) {
        if self.drafts_mode() {
            self.selected = super::widgets::step(self.selected, self.drafts.len(), true, 1);
            return;
        }
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
            return;
        }
        let Some(cursor) = self.older else {
            return;
        };
        match self.look_older(ctx, Some(cursor)) {
            Ok(p) => {
                self.note_search(&p);
                self.older = p.next;
                if p.rows.is_empty() {
                    return;
                }
                let first_new = !self.rows.is_empty();
                self.rows.extend(p.rows);
                if first_new {
                    self.selected += 1;
                }
                if self.rows.len() > WINDOW {
                    let n = self.rows.len() - WINDOW;
                    self.rows.drain(..n);
                    self.selected -= n;
                    self.newer = self.rows.first().map(|r| (r.occurred_at, r.id));
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn up(&mut self, ctx: &Ctx<'_>) {
        if self.selected > 0 {
            self.selected -= 1;
            return;
        }
        if self.drafts_mode() {
            return;
        }
        // Rows above were seen before (the window was trimmed), so a few bounded looks find them.
        for _ in 0..8 {
            let Some(cursor) = self.newer else {
                return;
            };
            match ctx.store.browse_scan(&self.filter, Some(cursor), Dir::Newer, PAGE) {
                Ok(p) => {
                    self.newer = p.next;
                    if p.rows.is_empty() {
                        continue;
                    }
                    self.selected = p.rows.len() - 1;
                    let mut rows = p.rows;
                    rows.append(&mut self.rows);
                    self.rows = rows;
                    if self.rows.len() > WINDOW {
                        self.rows.truncate(WINDOW);
                        self.older = self.rows.last().map(|r| (r.occurred_at, r.id));
                    }
                    return;
                }
                Err(e) => {
                    self.error = Some(e.to_string());
                    return;
                }
            }
        }
    }

    fn child_name(&self, id: i64) -> String {
        self.children
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.display_name())
            .unwrap_or_else(|| format!("child {id}"))
    }

    fn home_name(&self, uid: &str) -> String {
        self.homes
            .iter()
            .find(|(u, _)| u == uid)
            .map(|(_, n)| safe(n))
            .unwrap_or_else(|| format!("home {}", crate::text::one_line(uid, 8)))
    }

    /// The home of an incident's child, when the database holds more than one home.
    fn row_home(&self, r: &IncidentRow) -> Option<String> {
        if self.homes.len() < 2 {
            return None;
        }
        let c = self.children.iter().find(|c| c.id == r.child_id)?;
        Some(self.home_name(&c.home_uid))
    }

    /// The filters in one line.
    pub fn filter_text(&self) -> String {
        let f = &self.filter;
        let mut p = Vec::new();
        if let Some(h) = &f.home_uid {
            p.push(self.home_name(h));
        }
        if let Some(c) = f.child_id {
            p.push(format!("child {}", safe(&self.child_name(c))));
        }
        if let Some(t) = f.from {
            p.push(format!("from {}", crate::time::show_date(crate::time::local_date(t))));
        }
        if let Some(t) = f.to {
            let last = crate::time::local_date(t - chrono::Duration::seconds(1));
            p.push(format!("to {}", crate::time::show_date(last)));
        }
        if let Some(c) = f.category {
            p.push(c.label().to_string());
        }
        if let Some(r) = f.response {
            p.push(r.label().to_string());
        }
        if let Some(s) = f.status {
            p.push(s.label().to_string());
        }
        if f.open_actions {
            p.push("open actions".into());
        }
        if let Some(t) = &f.text {
            p.push(format!("\"{}\"", crate::text::one_line(t, 20)));
        }
        if p.is_empty() {
            "All incidents, newest first".into()
        } else {
            format!("Filtered: {}", p.join(" · "))
        }
    }

    fn filter_form(&self) -> Form {
        let f = &self.filter;
        let mut kids = vec![(String::new(), "Any child".to_string())];
        kids.extend(
            self.children
                .iter()
                .map(|c| (c.id.to_string(), safe(&c.display_name()))),
        );
        let mut cats = vec![(String::new(), "Any".to_string())];
        cats.extend(
            Category::ALL
                .iter()
                .map(|c| (c.code().to_string(), c.label().to_string())),
        );
        let mut resp = vec![(String::new(), "Any".to_string())];
        resp.extend(
            Response::ALL
                .iter()
                .map(|r| (r.code().to_string(), r.label().to_string())),
        );
        let mut st = vec![(String::new(), "Any".to_string())];
        st.extend(
            [Status::Draft, Status::AwaitingReview, Status::Reviewed]
                .iter()
                .map(|s| (s.code().to_string(), s.label().to_string())),
        );
        let date = |t: Option<chrono::DateTime<chrono::Utc>>, end: bool| {
            t.map(|t| {
                let t = if end { t - chrono::Duration::seconds(1) } else { t };
                crate::time::show_date(crate::time::local_date(t))
            })
            .unwrap_or_default()
        };
        let mut fields = Vec::new();
        if self.homes.len() > 1 {
            let mut homes = vec![(String::new(), "Any home".to_string())];
            homes.extend(self.homes.iter().map(|(u, n)| (u.clone(), safe(n))));
            fields.push(Field::choice("home", "Home", homes).with(f.home_uid.as_deref().unwrap_or("")));
        }
        fields.extend([
            Field::choice("child", "Child", kids).with(&f.child_id.map(|c| c.to_string()).unwrap_or_default()),
            Field::text("from", "From (date)", 10)
                .with(&date(f.from, false))
                .with_hint("dd/mm/yyyy, or empty"),
            Field::text("to", "To (date, included)", 10).with(&date(f.to, true)),
            Field::choice("category", "Category", cats).with(f.category.map(|c| c.code()).unwrap_or("")),
            Field::choice("response", "Response", resp).with(f.response.map(|c| c.code()).unwrap_or("")),
            Field::choice("status", "Status", st).with(f.status.map(|c| c.code()).unwrap_or("")),
            Field::toggle("open", "Only with open actions").with(if f.open_actions { "yes" } else { "no" }),
            Field::text("text", "Words in the account", 80).with(f.text.as_deref().unwrap_or("")),
        ]);
        Form::new(fields)
    }

    /// Read the filter form; errors go on the fields.
    fn apply_form(form: &mut Form) -> Option<Filter> {
        form.clear_errors();
        let home = form.get("home");
        let mut f = Filter {
            home_uid: (!home.is_empty()).then_some(home),
            child_id: form.get("child").parse().ok(),
            category: Category::from_code(&form.get("category")),
            response: Response::from_code(&form.get("response")),
            status: Status::from_code(&form.get("status")),
            open_actions: form.yes("open"),
            ..Default::default()
        };
        let t = form.text("text");
        f.text = (!t.is_empty()).then_some(t);
        for key in ["from", "to"] {
            let v = form.text(key);
            if v.is_empty() {
                continue;
            }
            match crate::time::parse_date(&v) {
                Ok(d) if key == "from" => f.from = Some(crate::time::local_midnight(d)),
                Ok(d) => f.to = d.succ_opt().map(crate::time::local_midnight),
                Err(e) => form.set_error(key, e),
            }
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && b <= a
        {
            form.set_error("to", "The end date is before the start date.");
        }
        form.focus_first_error().then_some(f)
    }

    fn selected_row(&self) -> Option<&IncidentRow> {
        self.rows.get(self.selected)
    }
}

impl Page for BrowserScreen {
    fn title(&self) -> String {
        "Incidents".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        // Keep the place: reload the page from the current first row.
        if self.drafts_mode() || self.rows.is_empty() {
            self.load_first(ctx);
            return;
        }
        let keep = self.selected;
        let start = self.newer.and(self.rows.first().map(|r| (r.occurred_at, r.id + 1)));
        if let Ok(p) = ctx
            .store
            .browse_scan(&self.filter, start, Dir::Older, self.rows.len().max(PAGE))
        {
            self.note_search(&p);
            self.older = p.next;
            self.rows = p.rows;
            self.selected = keep.min(self.rows.len().saturating_sub(1));
        }
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if let Some(form) = &mut self.editing {
            return match form.handle_key(key) {
                FormEvent::Save | FormEvent::Done => {
                    if let Some(f) = Self::apply_form(form) {
                        self.filter = f;
                        self.editing = None;
                        self.load_first(ctx);
                    }
                    Outcome::None
                }
                FormEvent::Cancel => {
                    self.editing = None;
                    Outcome::None
                }
                _ => Outcome::None,
            };
        }
        let Some(act) = keymap::lookup(KEYS, &key, |_| true) else {
            return Outcome::None;
        };
        match act {
            Act::Back => Outcome::Back,
            Act::NewIncident => super::new_incident(ctx),
            Act::Down => {
                self.down(ctx);
                Outcome::None
            }
            Act::Up => {
                self.up(ctx);
                Outcome::None
            }
            Act::PageDown => {
                for _ in 0..10 {
                    self.down(ctx);
                }
                Outcome::None
            }
            Act::PageUp => {
                for _ in 0..10 {
                    self.up(ctx);
                }
                Outcome::None
            }
            Act::First => {
                self.load_first(ctx);
                Outcome::None
            }
            Act::Filter | Act::Search => {
                let mut form = self.filter_form();
                if act == Act::Search {
                    form.focus_on("text");
                }
                self.editing = Some(form);
                Outcome::None
            }
            Act::Clear => {
                self.filter = Filter::default();
                self.load_first(ctx);
                Outcome::Flash("Filters cleared.".into())
            }
            Act::Open if self.drafts_mode() => {
                Outcome::Flash("A draft is finished by its author: it is on their menu when they sign in.".into())
            }
            Act::Open => match self.selected_row() {
                Some(r) => Outcome::Push(super::detail::open(ctx, r.id)),
                None => Outcome::None,
            },
            Act::Timeline => {
                let child = self.selected_row().map(|r| r.child_id).or(self.filter.child_id);
                match child {
                    Some(c) => Outcome::Push(super::child_timeline(ctx, c)),
                    None => Outcome::Flash("Choose an incident, or filter by a child, to see a timeline.".into()),
                }
            }
            Act::Print => match self.selected_row() {
                Some(r) => Outcome::Effect(crate::ui::page::Effect::Print(crate::ui::page::PrintJob::Incident(
                    r.id,
                ))),
                None => Outcome::None,
            },
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        if let Some(form) = &self.editing {
            let block = Block::default().borders(Borders::ALL).title(" Filter incidents ");
            let inner = block.inner(area);
            frame.render_widget(block, area);
            form.render(frame, inner, t);
            return;
        }
        let [bar, head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let searched = self.searched_to.map(|d| {
            format!(
                "  looked back to {}, ↓ further",
                crate::time::show_date(crate::time::local_date(d))
            )
        });
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(crate::text::one_line(&self.filter_text(), 64), t.heading()),
                match searched {
                    Some(m) => Span::styled(m, t.warning()),
                    None => Span::styled("  f filter", t.muted()),
                },
            ])),
            bar,
        );
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(Span::styled(format!("! {e}"), t.error())), body);
            return;
        }
        if self.drafts_mode() {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("  {} {} {}", cell("Last saved", 11), cell("By", 16), "Draft"),
                    t.muted(),
                )),
                head,
            );
            let lines = self
                .drafts
                .iter()
                .map(|d| {
                    Line::from(format!(
                        "{} {} {}",
                        cell(&crate::time::show_short(d.updated_at), 11),
                        cell(&d.staff_name, 16),
                        crate::text::one_line(&d.title, 46)
                    ))
                })
                .collect();
            if self.drafts.is_empty() {
                frame.render_widget(Paragraph::new("  No unsaved incident drafts."), body);
            } else {
                list(frame, body, lines, Some(self.selected), t);
            }
            return;
        }
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "  {} {} {} {} {} {}",
                    cell("When", 11),
                    cell("Child", 12),
                    cell("Category", 14),
                    cell("Response", 16),
                    cell("Status", 8),
                    "To do"
                ),
                t.muted(),
            )),
            head,
        );
        if self.rows.is_empty() {
            let msg = match self.searched_to {
                Some(d) => format!(
                    "  No matches since {}. ↓ looks further back, x clears the filters.",
                    crate::time::show_date(crate::time::local_date(d))
                ),
                None => "  No incidents match. x clears the filters.".into(),
            };
            frame.render_widget(Paragraph::new(msg), body);
            return;
        }
        let line = |i: usize| {
            let r = &self.rows[i];
            Line::from(format!(
                "{} {} {} {} {} {}",
                cell(&crate::time::show_short(r.occurred_at), 11),
                cell(&r.child_name, 12),
                cell(&categories_text(r), 14),
                cell(&response_text(r), 16),
                cell(
                    match r.status {
                        Status::Reviewed => "Signed",
                        Status::AwaitingReview => "To sign",
                        Status::Draft => "Draft",
                    },
                    8
                ),
                if r.open_actions > 0 {
                    r.open_actions.to_string()
                } else {
                    "-".into()
                }
            ))
        };
        list_with(frame, body, self.rows.len(), Some(self.selected), t, line);
        if let Some(r) = self.selected_row() {
            let home = self
                .row_home(r)
                .map(|h| format!("{} · ", crate::text::one_line(&h, 20)))
                .unwrap_or_default();
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!(
                        "#{} {home}{}: {}",
                        r.id,
                        crate::text::one_line(&r.recorded_by, 16),
                        crate::text::one_line(&r.summary, 56)
                    ),
                    t.muted(),
                )),
                foot,
            );
        }
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        if let Some(form) = &self.editing {
            let mut h = vec![hint("Tab", "next"), hint("Ctrl+S", "apply"), hint("Esc", "cancel")];
            h.extend_from_slice(form.field_hints());
            return h;
        }
        keymap::bar(KEYS, |b| Some(b.label))
    }

    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        if self.editing.is_some() {
            return self.hints(ctx);
        }
        keymap::help(KEYS, |b| Some(b.label))
    }
}
