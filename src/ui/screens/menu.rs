//! The menu: everything the app does, one letter each, and drafts waiting to be finished: whose, how old, and
//! the keys to resume one's own, take over someone else's (a manager, asked first) or discard one (with a reason).

use ratatui::Frame;
use std::borrow::Cow;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{heading, list, safe, step};
use super::{Page, Screen};
use crate::store::drafts::{Draft, INCIDENT};
use crate::ui::keymap::k::{DOWN, ENTER, UP, c};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind, hint, plain_char};
use crate::ui::page::{Ctx, Done, Effect, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    NewIncident,
    Handover,
    Incidents,
    Children,
    Dashboard,
    Export,
    Arrivals,
    Staff,
    Settings,
    Passphrase,
    Lock,
    Quit,
}

const ITEMS: &[(Item, char, &str, bool)] = &[
    (Item::NewIncident, 'n', "New incident", false),
    (Item::Handover, 'h', "Handover", false),
    (Item::Incidents, 'i', "Incidents (browse and search)", false),
    (Item::Children, 'c', "Children", false),
    (Item::Dashboard, 'r', "Reports and dashboard", false),
    (Item::Export, 'e', "Weekly file to the YOS", true),
    (Item::Arrivals, 'a', "Weekly sets: arrived, missing", false),
    (Item::Staff, 's', "Staff accounts", true),
    (Item::Settings, 't', "Settings", true),
    (Item::Passphrase, 'p', "Change my passphrase", false),
    (Item::Lock, 'l', "Lock / switch user", false),
    (Item::Quit, 'q', "Quit", false),
];

/// What a key does on the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Up,
    Down,
    Open,
    Discard,
    /// A line's letter (or `d`, the drafts).
    Letter,
}

/// Every letter the menu answers to: its lines' letters and `d` for the drafts.
const LETTERS: &[KeySpec] = &[
    c('n'),
    c('h'),
    c('i'),
    c('c'),
    c('r'),
    c('e'),
    c('a'),
    c('s'),
    c('t'),
    c('p'),
    c('l'),
    c('q'),
    c('d'),
];

/// The menu's keys with a line selected: dispatch, help bar and F1 are all made from this and the lines.
const ON_LINE: &[Binding<Act>] = &[
    bind(&[ENTER], Act::Open, "↑/↓ Enter", "open"),
    bind(&[UP], Act::Up, "", ""),
    bind(&[DOWN], Act::Down, "", ""),
    bind(LETTERS, Act::Letter, "letter", "go straight there"),
];

/// With a draft selected.
const ON_DRAFT: &[Binding<Act>] = &[
    bind(&[ENTER], Act::Open, "Enter", "carry on"),
    bind(&[c('x')], Act::Discard, "x", "discard"),
    bind(&[UP], Act::Up, "↑/↓", "move"),
    bind(&[DOWN], Act::Down, "", ""),
    bind(LETTERS, Act::Letter, "", "go straight there"),
];

/// A question about the selected draft, asked in the right-hand panel.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ask {
    /// "Take over NAME's draft?" (y/n).
    TakeOver(i64),
    /// Why discard it (typed, Enter).
    Discard(i64, String),
}

/// What the menu is waiting for from the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    Nothing,
    TakeOver,
    Discard,
}

pub struct MenuScreen {
    selected: usize,
    drafts: Vec<Draft>,
    reminders: Vec<String>,
    ask: Option<Ask>,
    waiting: Waiting,
    problem: Option<String>,
}

/// How long ago, in a few words: "just now", "12 min ago", "3 h ago", "2 days ago".
pub fn age(then: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    let m = (now - then).num_minutes().max(0);
    match m {
        0 => "just now".into(),
        1..=59 => format!("{m} min ago"),
        60..=2879 => format!("{} h ago", m / 60),
        _ => format!("{} days ago", m / 1440),
    }
}

impl MenuScreen {
    pub fn new(ctx: &Ctx<'_>) -> MenuScreen {
        let mut m = MenuScreen {
            selected: 0,
            drafts: vec![],
            reminders: vec![],
            ask: None,
            waiting: Waiting::Nothing,
            problem: None,
        };
        m.refresh(ctx);
        m
    }

    /// A YOS records no incidents, keeps no register or handover and sends no weekly file: it sees the
    /// homes' records and which of their weeks arrived.
    fn items(ctx: &Ctx<'_>) -> Vec<&'static (Item, char, &'static str, bool)> {
        let yos = is_yos(ctx);
        ITEMS
            .iter()
            .filter(|i| !i.3 || ctx.is_manager())
            .filter(|i| {
                if yos {
                    !matches!(i.0, Item::NewIncident | Item::Handover | Item::Children | Item::Export)
                } else {
                    i.0 != Item::Arrivals
                }
            })
            .collect()
    }

    fn open(&self, ctx: &Ctx<'_>, item: Item) -> Outcome {
        match item {
            Item::NewIncident => Outcome::Push(super::wizard::start(ctx)),
            Item::Handover => Outcome::Push(Screen::new(super::handover::HandoverScreen::new(ctx))),
            Item::Incidents => Outcome::Push(super::browser::open(ctx)),
            Item::Children => Outcome::Push(Screen::new(super::children::ChildrenScreen::new(ctx))),
            Item::Dashboard => Outcome::Push(super::dashboard::open(ctx)),
            Item::Export => Outcome::Push(super::export::open(ctx)),
            Item::Arrivals => Outcome::Push(super::arrivals::open(ctx)),
            Item::Staff => Outcome::Push(Screen::new(super::staff::StaffScreen::new(ctx))),
            Item::Settings => Outcome::Push(Screen::new(super::settings::SettingsScreen::new(ctx))),
            Item::Passphrase => Outcome::Push(Screen::new(super::signin::ChangePassphraseScreen::new(false))),
            Item::Lock => Outcome::Lock,
            Item::Quit => Outcome::Quit,
        }
    }

    fn mine(ctx: &Ctx<'_>, d: &Draft) -> bool {
        ctx.session.is_some_and(|s| Some(d.staff_id) == s.actor.staff_id)
    }

    fn selected_draft(&self, ctx: &Ctx<'_>) -> Option<&Draft> {
        self.selected
            .checked_sub(Self::items(ctx).len())
            .and_then(|i| self.drafts.get(i))
    }

    /// Enter on a draft: one's own carries on; someone else's is only ever taken over, after asking.
    fn open_draft(&mut self, ctx: &Ctx<'_>, d: &Draft) -> Outcome {
        if Self::mine(ctx, d) {
            return match super::wizard::resume(ctx, d) {
                Some(s) => Outcome::Push(s),
                None => Outcome::Flash("That draft could not be read.".into()),
            };
        }
        if ctx.is_manager() {
            self.ask = Some(Ask::TakeOver(d.id));
            return Outcome::None;
        }
        Outcome::Flash("That draft is someone else's: only they or a manager can open it.".into())
    }

    /// The question being asked, answered by this key.
    fn answer(&mut self, key: KeyEvent) -> Outcome {
        match self.ask.take() {
            Some(Ask::TakeOver(id)) => match plain_char(&key) {
                Some('y') | Some('Y') => {
                    self.waiting = Waiting::TakeOver;
                    Outcome::Effect(Effect::TakeOverDraft { id })
                }
                _ => Outcome::Flash("Left as it was: the draft is still its author's.".into()),
            },
            Some(Ask::Discard(id, mut why)) => {
                self.problem = None;
                match key.code {
                    KeyCode::Esc => return Outcome::Flash("Not discarded.".into()),
                    KeyCode::Enter => {
                        if why.trim().chars().count() < crate::store::drafts::MIN_REASON {
                            self.problem = Some("Say why, in a few words, then Enter.".into());
                        } else {
                            self.waiting = Waiting::Discard;
                            return Outcome::Effect(Effect::DiscardDraft { id, reason: why });
                        }
                    }
                    KeyCode::Backspace => {
                        why.pop();
                    }
                    _ => {
                        if let Some(c) = plain_char(&key)
                            && why.chars().count() < 300
                        {
                            why.push(c);
                        }
                    }
                }
                self.ask = Some(Ask::Discard(id, why));
                Outcome::None
            }
            None => Outcome::None,
        }
    }

    /// The right-hand panel for the selected draft: whose, how old, and what each key does.
    fn draft_panel(&self, ctx: &Ctx<'_>, d: &Draft) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let whose = if Self::mine(ctx, d) {
            "yours".to_string()
        } else {
            safe(&d.staff_name)
        };
        let mut v = vec![
            Line::from(Span::styled("Unfinished incident draft", t.heading())),
            Line::from(safe(&d.title)),
            Line::from(format!(
                "By {whose}, last kept {} ({}).",
                age(d.updated_at, ctx.now),
                crate::time::show_short(d.updated_at)
            )),
            Line::from(""),
        ];
        match &self.ask {
            Some(Ask::TakeOver(_)) => {
                v.push(Line::from(Span::styled(
                    format!(
                        "Take over {}'s draft? They will not be able to save it, and they are told when they next sign in.",
                        safe(&d.staff_name)
                    ),
                    t.warning(),
                )));
                v.push(Line::from("y takes it over, n leaves it theirs."));
            }
            Some(Ask::Discard(_, why)) => {
                v.push(Line::from(Span::styled(
                    "Discard this draft? Its words are kept in the records, closed, with your reason.",
                    t.warning(),
                )));
                v.push(Line::from(format!("Why? {}_", safe(why))));
                if let Some(p) = &self.problem {
                    v.push(Line::from(Span::styled(p.clone(), t.error())));
                }
                v.push(Line::from("Enter discards, Esc keeps it."));
            }
            None if Self::mine(ctx, d) => v.push(Line::from("Enter carries on with it; x discards it.")),
            None => v.push(Line::from(format!(
                "It is {}'s. Enter takes it over (you are asked first); x discards it.",
                safe(&d.staff_name)
            ))),
        }
        v
    }
}

fn is_yos(ctx: &Ctx<'_>) -> bool {
    ctx.store.role().is_ok_and(|r| r == crate::store::settings::Role::Yos)
}

/// On a YOS: the homes with weeks missing (no weekly-file warnings: a YOS sends none).
fn yos_reminders(ctx: &Ctx<'_>) -> Vec<String> {
    let homes = crate::sync::yos::arrivals(ctx.store, ctx.now).unwrap_or_default();
    let missing = homes.iter().filter(|h| !h.missing().is_empty()).count();
    if missing == 0 {
        vec![]
    } else {
        vec![format!("{missing} home(s) have weeks missing: a to see which.")]
    }
}

impl MenuScreen {
    /// The keys for what is selected: a line, or a draft.
    fn keys(&self, ctx: &Ctx<'_>) -> &'static [Binding<Act>] {
        if self.selected_draft(ctx).is_some() {
            ON_DRAFT
        } else {
            ON_LINE
        }
    }

    /// Enter on someone else's draft takes it over.
    fn label(&self, ctx: &Ctx<'_>, b: &Binding<Act>) -> &'static str {
        match (b.action, self.selected_draft(ctx)) {
            (Act::Open, Some(d)) if !Self::mine(ctx, d) => "take over",
            _ => b.label,
        }
    }
}

impl Page for MenuScreen {
    fn title(&self) -> String {
        "Menu".into()
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.drafts = ctx
            .session
            .map(|s| ctx.store.open_drafts(&s.actor, INCIDENT).unwrap_or_default())
            .unwrap_or_default();
        // A draft taken over or discarded: the cursor stays on the list.
        let total = Self::items(ctx).len() + self.drafts.len();
        self.selected = self.selected.min(total.saturating_sub(1));
        self.reminders = if is_yos(ctx) {
            yos_reminders(ctx)
        } else if ctx.is_manager() {
            super::export::reminders(ctx)
        } else {
            vec![]
        };
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if self.ask.is_some() {
            return self.answer(key);
        }
        let items = Self::items(ctx);
        let total = items.len() + self.drafts.len();
        match keymap::lookup(self.keys(ctx), &key, |_| true) {
            Some(Act::Up) => self.selected = step(self.selected, total, false, 1),
            Some(Act::Down) => self.selected = step(self.selected, total, true, 1),
            Some(Act::Open) => {
                if self.selected < items.len() {
                    return self.open(ctx, items[self.selected].0);
                }
                if let Some(d) = self.selected_draft(ctx).cloned() {
                    return self.open_draft(ctx, &d);
                }
            }
            Some(Act::Discard) => {
                if let Some(d) = self.selected_draft(ctx) {
                    self.ask = Some(Ask::Discard(d.id, String::new()));
                    self.problem = None;
                }
            }
            Some(Act::Letter) => {
                let c = plain_char(&key).unwrap_or_default();
                if let Some(i) = items.iter().find(|i| i.1 == c) {
                    return self.open(ctx, i.0);
                }
                if c == 'd' {
                    // One's own newest draft carries on; otherwise the cursor goes to the drafts.
                    if let Some(d) = self.drafts.iter().find(|d| Self::mine(ctx, d)).cloned() {
                        return self.open_draft(ctx, &d);
                    }
                    if !self.drafts.is_empty() {
                        self.selected = items.len();
                    }
                }
            }
            None => {}
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, done: Done) -> Outcome {
        let waiting = std::mem::replace(&mut self.waiting, Waiting::Nothing);
        match (waiting, done) {
            (Waiting::TakeOver, Done::Ok(Some(id))) => {
                self.refresh(ctx);
                let d = ctx.session.and_then(|s| ctx.store.draft(&s.actor, id).ok().flatten());
                match d.as_ref().and_then(|d| super::wizard::resume(ctx, d)) {
                    Some(s) => Outcome::Push(s),
                    None => Outcome::Flash("Taken over, but the draft could not be read.".into()),
                }
            }
            (Waiting::Discard, Done::Ok(_)) => {
                self.refresh(ctx);
                Outcome::Flash("Draft discarded. Its words are kept in the records with your reason.".into())
            }
            (_, Done::Err(e)) => {
                self.refresh(ctx);
                Outcome::Flash(format!("Not done: {e}"))
            }
            (_, Done::Fields(f)) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            (_, Done::Ok(_)) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let items = Self::items(ctx);
        let [left, right] = Layout::horizontal([Constraint::Length(40), Constraint::Min(20)]).areas(area);
        let mut lines: Vec<Line<'static>> = items
            .iter()
            .map(|(_, k, label, _)| {
                Line::from(vec![
                    Span::styled(format!("{k}  "), t.key()),
                    Span::raw(label.to_string()),
                ])
            })
            .collect();
        for d in &self.drafts {
            let whose = if Self::mine(ctx, d) {
                "Yours".to_string()
            } else {
                safe(&d.staff_name)
            };
            let text = format!("{whose}, {}: {}", age(d.updated_at, ctx.now), safe(&d.title));
            lines.push(Line::from(vec![
                Span::styled("d  ", t.key()),
                Span::styled(crate::ui::form::truncate(&text, 35), t.warning()),
            ]));
        }
        let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(left);
        frame.render_widget(
            Paragraph::new(vec![heading(" What do you need to do?", t), Line::from("")]),
            head,
        );
        list(frame, body, lines, Some(self.selected), t);
        if let Some(d) = self.selected_draft(ctx) {
            let side = self.draft_panel(ctx, d);
            frame.render_widget(Paragraph::new(side).wrap(ratatui::widgets::Wrap { trim: true }), right);
            return;
        }
        let mut side = if is_yos(ctx) {
            vec![
                Line::from(""),
                Line::from("This is a YOS: the homes' records arrive with concordat sync."),
                Line::from("Which weeks arrived: a."),
                Line::from(""),
            ]
        } else {
            vec![
                Line::from(""),
                Line::from(Span::styled("In an emergency, call 999 first.", t.warning())),
                Line::from("Record it afterwards with n."),
                Line::from(""),
            ]
        };
        let mine = self.drafts.iter().filter(|d| Self::mine(ctx, d)).count();
        if mine > 0 {
            side.push(Line::from(Span::styled(
                format!("! {mine} unfinished incident draft(s) of yours: d to finish."),
                t.warning(),
            )));
        }
        if self.drafts.len() > mine {
            side.push(Line::from(Span::styled(
                format!(
                    "! {} unfinished draft(s) of other staff: ↓ to them to see whose and how old.",
                    self.drafts.len() - mine
                ),
                t.warning(),
            )));
        }
        for r in &self.reminders {
            side.push(Line::from(Span::styled(format!("! {r}"), t.warning())));
        }
        frame.render_widget(Paragraph::new(side).wrap(ratatui::widgets::Wrap { trim: true }), right);
    }

    fn accepts_text(&self) -> bool {
        matches!(self.ask, Some(Ask::Discard(..)))
    }

    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        match &self.ask {
            Some(Ask::TakeOver(_)) => return vec![hint("y", "take it over"), hint("n", "leave it theirs")],
            Some(Ask::Discard(..)) => return vec![hint("Enter", "discard"), hint("Esc", "keep it")],
            None => {}
        }
        keymap::bar(self.keys(ctx), |b| Some(self.label(ctx, b)))
    }

    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        if self.ask.is_some() {
            return self.hints(ctx);
        }
        // Each line's own letter, then the other keys.
        let mut h: Vec<Hint> = Self::items(ctx)
            .iter()
            .map(|i| Hint {
                keys: Cow::Owned(i.1.to_string()),
                action: i.2,
            })
            .collect();
        if !self.drafts.is_empty() {
            h.push(hint("d", "your drafts"));
        }
        h.extend(keymap::help(self.keys(ctx), |b| {
            (b.action != Act::Letter).then(|| self.label(ctx, b))
        }));
        h
    }
}
