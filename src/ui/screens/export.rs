//! The export screen: choose the week (←/→), see what the file will hold, then Ctrl+S writes it to the export
//! folder (managers only; the library checks again). Below, each finished week: sent (version, when, by whom),
//! received by the YOS, rejected (why), or not yet sent; `s` syncs now (every week owed, then the receipts).
//! Every write is a typed effect performed by the app.

use chrono::Duration;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::widgets::safe;
use super::{Page, Screen};
use crate::export::{self, Counts, Share};
use crate::store::{Actor, Store};
use crate::time::Period;
use crate::ui::keymap::k::{ESC, LEFT, RIGHT, c};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind};
use crate::ui::page::{Ctx, Done, Effect, Outcome};

pub struct ExportScreen {
    period: Period,
    preview: Result<Counts, String>,
    rules: Option<export::Rules>,
    folder: String,
    /// Versions already written for this period: (version, when, by).
    written: Vec<(u32, String, String)>,
    pending: usize,
    /// A scheduled export is being allowed (the next `done` is its answer).
    authorising: bool,
    /// The sync folder setting (empty: no sync).
    sync_folder: String,
    /// Each finished week, newest first.
    weeks: Vec<crate::sync::home::WeekState>,
    /// A sync was asked for: (sets in the ledger, weeks rejected) before it (the next `done` is its answer).
    syncing: Option<(usize, usize)>,
}

impl ExportScreen {
    pub fn new(ctx: &Ctx<'_>) -> ExportScreen {
        let mut s = ExportScreen {
            period: export::last_week(ctx.now),
            preview: Err(String::new()),
            rules: None,
            folder: String::new(),
            written: vec![],
            pending: 0,
            authorising: false,
            sync_folder: String::new(),
            weeks: vec![],
            syncing: None,
        };
        s.load(ctx);
        s
    }

    fn load(&mut self, ctx: &Ctx<'_>) {
        self.preview = export::build(ctx.store, &self.period)
            .map(|f| f.counts)
            .map_err(|e| format!("{e:#}"));
        self.rules = export::Rules::of(ctx.store).ok();
        self.folder = ctx.store.setting("export_folder").unwrap_or_default();
        self.written = export::recent_exports(ctx.store, 200)
            .unwrap_or_default()
            .into_iter()
            .filter(|(label, ..)| *label == self.period.label)
            .map(|(_, v, at, by)| (v, at, by))
            .collect();
        self.pending = export::pending_amendments(ctx.store, ctx.now).unwrap_or(0);
        self.sync_folder = ctx.store.setting("sync_folder").unwrap_or_default();
        self.weeks = crate::sync::home::week_states(ctx.store, ctx.now, WEEKS_SHOWN).unwrap_or_default();
    }

    /// (sets sent, weeks whose newest set was rejected), to say what a sync did.
    fn tally(&self, ctx: &Ctx<'_>) -> (usize, usize) {
        let sent = ctx.store.export_count().unwrap_or(0) as usize;
        (sent, self.weeks.iter().filter(|w| w.rejected()).count())
    }

    fn this_week(ctx: &Ctx<'_>) -> Period {
        Period::week_of(crate::time::local_date(ctx.now))
    }
}

fn who(s: Share) -> &'static str {
    match s {
        Share::YosOpen => "children open to the YOS",
        Share::All => "all children",
        Share::None => "no child",
    }
}

/// What a key does on the export screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Previous,
    Next,
    Write,
    Sync,
    Authorise,
    Back,
}

/// The export screen's keys: dispatch, help bar and F1 are all made from this. Writing, syncing and
/// authorising are shown to managers only (anyone else pressing them is told so).
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[LEFT], Act::Previous, "←/→", "week"),
    bind(&[RIGHT], Act::Next, "", "next week"),
    bind(
        &[KeySpec::Ctrl('s'), KeySpec::Key(KeyCode::F(2))],
        Act::Write,
        "Ctrl+S",
        "write the file",
    ),
    bind(&[c('s')], Act::Sync, "s", "sync now"),
    bind(&[c('a')], Act::Authorise, "a", "allow a scheduled export"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];

/// The label for a key for the person signed in: None where it is not theirs to press.
fn label(ctx: &Ctx<'_>, b: &Binding<Act>) -> Option<&'static str> {
    match b.action {
        Act::Write | Act::Sync | Act::Authorise if !ctx.is_manager() => None,
        Act::Previous => Some("previous week"),
        _ => Some(b.label),
    }
}

impl Page for ExportScreen {
    fn title(&self) -> String {
        "Weekly file to the YOS".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let Some(act) = keymap::lookup(KEYS, &key, |_| true) else {
            return Outcome::None;
        };
        if act == Act::Write {
            if !ctx.is_manager() {
                return Outcome::Flash("Only a manager can send the weekly file.".into());
            }
            if self.folder.trim().is_empty() {
                return Outcome::Flash("No export folder: a manager sets it in Settings.".into());
            }
            if self.period.end > ctx.now {
                return Outcome::Flash(format!(
                    "{} is not over yet: its file is sent once the week has ended.",
                    self.period.label
                ));
            }
            return Outcome::Effect(Effect::WriteExport {
                week: self.period.label.clone(),
            });
        }
        if act == Act::Authorise {
            if !ctx.is_manager() {
                return Outcome::Flash("Only a manager can allow a scheduled export.".into());
            }
            self.authorising = true;
            return Outcome::Effect(Effect::AuthoriseScheduledExport);
        }
        if act == Act::Sync {
            if !ctx.is_manager() {
                return Outcome::Flash("Only a manager can send the weekly file.".into());
            }
            if self.sync_folder.trim().is_empty() {
                return Outcome::Flash("No sync folder: a manager sets it in Settings.".into());
            }
            self.syncing = Some(self.tally(ctx));
            return Outcome::Effect(Effect::SyncNow);
        }
        match act {
            Act::Previous => {
                self.period = self.period.previous();
                self.load(ctx);
            }
            Act::Next => {
                let next = Period::week_of(self.period.last_day + Duration::days(1));
                if next.start <= Self::this_week(ctx).start {
                    self.period = next;
                    self.load(ctx);
                } else {
                    return Outcome::Flash("That week has not started yet.".into());
                }
            }
            Act::Back => return Outcome::Back,
            Act::NewIncident => return super::new_incident(ctx),
            Act::Write | Act::Sync | Act::Authorise => {}
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, done: Done) -> Outcome {
        self.load(ctx);
        if let Some((sent, rejected)) = self.syncing.take() {
            return match done {
                Done::Ok(_) => {
                    let (sent_now, rejected_now) = self.tally(ctx);
                    let n = sent_now.saturating_sub(sent);
                    let mut m = if n == 0 {
                        "Synced: nothing new to send.".to_string()
                    } else {
                        format!("Synced: {n} week(s) sent.")
                    };
                    if rejected_now > rejected || self.weeks.iter().any(|w| w.earlier_rejection.is_some()) {
                        m.push_str(" The YOS rejected a file: see the list.");
                    }
                    Outcome::Flash(m)
                }
                Done::Err(e) => Outcome::Flash(format!("Not synced: {e}")),
                Done::Fields(f) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            };
        }
        if std::mem::take(&mut self.authorising) {
            return match done {
                Done::Ok(_) => match newest_key_file(ctx.store.path()) {
                    Some(p) => Outcome::Flash(format!(
                        "Scheduled export allowed. Key file: {}. The task runs: concordat export --scheduled {}",
                        crate::fsio::shown(&p),
                        crate::fsio::shown(&p)
                    )),
                    None => Outcome::Flash("Scheduled export allowed.".into()),
                },
                Done::Err(e) => Outcome::Flash(format!("Not allowed: {e}")),
                Done::Fields(f) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            };
        }
        match done {
            Done::Ok(_) => {
                let v = self.written.iter().map(|w| w.0).max().unwrap_or(1);
                let name = ctx
                    .store
                    .home()
                    .ok()
                    .flatten()
                    .map(|h| export::file_names(&h.ofsted_urn, &h.name, &self.period, v)[0].clone())
                    .unwrap_or_default();
                Outcome::Flash(format!("Written: {name} (+ .json, .manifest.json)."))
            }
            Done::Err(e) => Outcome::Flash(format!("Not written: {e}")),
            Done::Fields(f) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
        }
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        self.load(ctx);
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let shown = self.weeks.len().min(WEEKS_SHOWN);
        let week_lines: Vec<String> = self.weeks.iter().take(shown).map(|w| w.line()).collect();
        // Each week's line wrapped at the width: a rejection's reason is shown whole.
        let width = usize::from(area.width.max(1));
        let rows: usize = week_lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
        let [top, body, list] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(0),
            Constraint::Length(if shown == 0 { 0 } else { (rows + 1).min(12) as u16 }),
        ])
        .areas(area);
        let p = &self.period;
        let status = match self.written.last() {
            None => Line::from(Span::styled("Not exported yet.", t.warning())),
            Some((v, at, by)) => Line::from(Span::styled(
                format!("Exported: version {v}, {at}, by {}.", safe(by)),
                t.ok(),
            )),
        };
        let head = vec![
            Line::from(vec![
                Span::styled(format!("Week {}", p.label), t.heading()),
                Span::raw(format!(
                    ": Mon {} to Sun {}   (←/→ change week)",
                    crate::time::show_date(p.first_day),
                    crate::time::show_date(p.last_day)
                )),
            ]),
            status,
        ];
        frame.render_widget(
            Paragraph::new(head).block(Block::default().borders(Borders::BOTTOM)),
            top,
        );
        let mut lines: Vec<Line<'static>> = vec![];
        match &self.preview {
            Err(e) => lines.push(Line::from(Span::styled(
                format!("Cannot prepare the file: {e}"),
                t.error(),
            ))),
            Ok(c) => {
                let r = |k: &str| c.by_response.get(k).copied().unwrap_or(0);
                lines.push(Line::from(format!(
                    "Incidents: {}    In-house {}   Restorative {}   Police {}",
                    c.incidents,
                    r("in_house"),
                    r("restorative"),
                    r("police")
                )));
                if c.amendments > 0 {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "Amendments to earlier exports: {} (changed or added since they were sent)",
                            c.amendments
                        ),
                        t.warning(),
                    )));
                }
                lines.push(Line::from(format!(
                    "Children: {} ({} named, {} under a pseudonym)",
                    c.children,
                    c.identified_children,
                    c.children - c.identified_children
                )));
                if !c.by_category.is_empty() {
                    let cats: Vec<String> = c
                        .by_category
                        .iter()
                        .map(|(k, n)| {
                            let label = crate::domain::Category::from_code(k).map(|c| c.label()).unwrap_or("?");
                            format!("{label} {n}")
                        })
                        .collect();
                    lines.push(Line::from(format!("By category: {}", cats.join(", "))));
                }
            }
        }
        lines.push(Line::from(""));
        if let Some(r) = self.rules {
            lines.push(Line::from(format!("Named: {}.", who(r.identify))));
            lines.push(Line::from(format!("Free-text accounts: {}.", who(r.accounts))));
        }
        if self.folder.trim().is_empty() {
            lines.push(Line::from(Span::styled(
                "Export folder: not set. A manager sets it in Settings.",
                t.error(),
            )));
        } else {
            lines.push(Line::from(format!("Export folder: {}", safe(&self.folder))));
        }
        if !self.sync_folder.trim().is_empty() {
            lines.push(Line::from(format!("Sync folder: {}", safe(&self.sync_folder))));
        }
        if let Some(yos) = crate::store::settings::yos_contact_line(ctx.store) {
            lines.push(Line::from(yos));
        }
        if self.pending > 0 {
            lines.push(Line::from(Span::styled(
                format!(
                    "! {} incident(s) of exported weeks changed since: the next export carries them.",
                    self.pending
                ),
                t.warning(),
            )));
        }
        lines.push(Line::from(""));
        if ctx.is_manager() {
            lines.push(Line::from(
                "Ctrl+S (or F2) writes the chosen week's file; a second export is a new version, nothing is \
                 overwritten. s sends every finished week not yet sent to the sync folder.",
            ));
        } else {
            lines.push(Line::from(Span::styled(
                "Only a manager can send the weekly file.",
                t.muted(),
            )));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        if shown > 0 {
            let mut wl = vec![Line::from(Span::styled("Weeks (newest first)", t.heading()))];
            for (w, text) in self.weeks.iter().zip(week_lines) {
                let style = match &w.sent {
                    None => t.warning(),
                    Some(_) if w.rejected() || w.earlier_rejection.is_some() => t.error(),
                    Some(s) if s.receipt.is_some() => t.ok(),
                    Some(_) => t.muted(),
                };
                wl.push(Line::from(Span::styled(text, style)));
            }
            frame.render_widget(Paragraph::new(wl).wrap(Wrap { trim: false }), list);
        }
    }

    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| label(ctx, b).map(|_| b.label))
    }

    fn help(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| label(ctx, b))
    }
}

pub fn open(ctx: &Ctx<'_>) -> Screen {
    Screen::new(ExportScreen::new(ctx))
}

/// Reminders for the manager's menu (e.g. last week not exported).
pub fn reminders(ctx: &Ctx<'_>) -> Vec<String> {
    if !ctx.store.is_set_up().unwrap_or(false) {
        return vec![];
    }
    let mut v = vec![];
    // Every finished week not yet sent, not only last week.
    let last = export::last_week(ctx.now);
    let mut due: Vec<String> = crate::sync::home::weeks_due(ctx.store, ctx.now)
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.label)
        .collect();
    if !due.contains(&last.label) && !export::is_exported(ctx.store, &last).unwrap_or(true) {
        due.push(last.label.clone());
    }
    match due.as_slice() {
        [] => {}
        [one] if *one == last.label => v.push(format!("Last week ({one}) has not been exported.")),
        [one] => v.push(format!("The week {one} has not been exported.")),
        [first, .., newest] => v.push(format!(
            "{} finished weeks have not been exported ({first} to {newest}): s on the export screen sends them.",
            due.len()
        )),
    }
    if let Ok(n) = export::pending_amendments(ctx.store, ctx.now)
        && n > 0
    {
        v.push(format!(
            "{n} incident(s) of exported weeks changed since: the next export carries them."
        ));
    }
    v
}

/// The key file of a scheduled export, beside the database (`-2`, `-3` … when allowed again).
const KEY_FILE: &str = "scheduled-export.key";

/// The key file written last, beside the database `db`.
fn newest_key_file(db: &std::path::Path) -> Option<std::path::PathBuf> {
    let dir = db.parent()?;
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("scheduled-export") && n.ends_with(".key")
        })
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// How many weeks the export screen lists.
const WEEKS_SHOWN: usize = 5;

/// `Effect::WriteExport`: the weekly file of `week` into the export folder (managers; the library checks).
pub fn write_week(store: &mut Store, actor: &Actor, week: &str) -> Result<Option<i64>, String> {
    let period = Period::parse_week(week)?;
    crate::sync::home::check_finished(&period, store.now()).map_err(|e| e.to_string())?;
    let dir = store.setting("export_folder").map_err(|e| e.to_string())?;
    export::write(store, actor, &period, std::path::Path::new(&dir))
        .map(|_| None)
        .map_err(|e| format!("{e:#}"))
}

/// `Effect::AuthoriseScheduledExport`: a new key for the scheduled task (the one allowed before stops
/// working), kept in a new private file beside the database, never over another.
pub fn authorise(store: &mut Store, actor: &Actor) -> Result<Option<i64>, String> {
    let secret = store.authorise_scheduled_export(actor).map_err(|e| e.to_string())?;
    let db = store.path().to_path_buf();
    let dir = db.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    crate::fsio::write_new_numbered(&dir.join(KEY_FILE), format!("{secret}\n").as_bytes(), Some(&db))
        .map(|_| None)
        .map_err(|e| e.to_string())
}

/// `Effect::SyncNow`: every finished week owed into the sync folder, then the YOS's receipts.
pub fn sync_now(store: &mut Store, actor: &Actor) -> Result<Option<i64>, String> {
    let folder = store.setting("sync_folder").map_err(|e| e.to_string())?;
    let now = store.now();
    crate::sync::home::run(store, actor, std::path::Path::new(folder.trim()), now, &mut |_, _| {})
        .map(|_| None)
        .map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::staff::tests::{actor, set_up};
    use crate::ui::page::Session;
    use crate::ui::screens::testing::{ctx_at, protocol, render};

    #[test]
    fn preview_week_change_write_and_reminder() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let now = crate::time::from_db("2026-11-25T10:00:00Z").unwrap();
        s.set_clock(Some(now));
        let dir = tempfile::tempdir().unwrap();
        s.set_setting(&a, "export_folder", dir.path().to_str().unwrap())
            .unwrap();
        let p = protocol();
        let session = Session {
            staff: m.staff.clone(),
            actor: a.clone(),
        };
        {
            let ctx = ctx_at(&s, &session, &p, now);
            assert_eq!(reminders(&ctx), ["Last week (2026-W47) has not been exported."]);
            let mut page = ExportScreen::new(&ctx);
            let screen = render(&page, &ctx);
            assert!(
                screen.contains("Week 2026-W47: Mon 16/11/2026 to Sun 22/11/2026"),
                "{screen}"
            );
            assert!(screen.contains("Not exported yet."), "{screen}");
            assert!(screen.contains("Incidents: 0"), "{screen}");
            assert!(screen.contains("Named: children open to the YOS."), "{screen}");
            page.update(&ctx, KeyEvent::from(KeyCode::Left));
            assert_eq!(page.period.label, "2026-W46");
            page.update(&ctx, KeyEvent::from(KeyCode::Right));
            page.update(&ctx, KeyEvent::from(KeyCode::Right));
            assert_eq!(page.period.label, "2026-W48", "this week, so far");
            assert!(matches!(
                page.update(&ctx, KeyEvent::from(KeyCode::Right)),
                Outcome::Flash(_)
            ));
            page.update(&ctx, KeyEvent::from(KeyCode::Left));
        }
        write_week(&mut s, &a, "2026-W47").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
        let ctx = ctx_at(&s, &session, &p, now);
        assert!(reminders(&ctx).is_empty());
        let page = ExportScreen::new(&ctx);
        let screen = render(&page, &ctx);
        assert!(screen.contains("Exported: version 1"), "{screen}");
    }

    #[test]
    fn snapshot_80x24() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let now = crate::time::from_db("2026-11-25T10:00:00Z").unwrap();
        s.set_clock(Some(now));
        // A folder that does not exist here (set_setting would refuse it): written as an old database holds it.
        s.put_setting_unchecked("export_folder", "/srv/yos-share").unwrap();
        let p = protocol();
        let session = Session {
            staff: m.staff,
            actor: a,
        };
        let ctx = ctx_at(&s, &session, &p, now);
        let page = ExportScreen::new(&ctx);
        insta::assert_snapshot!(render(&page, &ctx));
    }

    #[test]
    fn staff_cannot_write_even_through_the_effect() {
        let (mut s, m) = set_up();
        let w = s
            .add_staff(&actor(&m), "Sam Night", crate::domain::Role::Staff, "night shift 1")
            .unwrap();
        let e = write_week(&mut s, &actor(&w), "2026-W47").unwrap_err();
        assert!(e.contains("only a manager"), "{e}");
    }

    #[test]
    fn the_yos_contact_is_shown_when_recorded() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let p = protocol();
        let now = crate::time::from_db("2026-11-25T10:00:00Z").unwrap();
        s.set_clock(Some(now));
        let session = Session {
            staff: m.staff.clone(),
            actor: a.clone(),
        };
        {
            let ctx = ctx_at(&s, &session, &p, now);
            let screen = render(&ExportScreen::new(&ctx), &ctx);
            assert!(!screen.contains("YOS:"), "{screen}");
        }
        s.set_setting(&a, "yos_contact_name", "Kim Officer").unwrap();
        s.set_setting(&a, "yos_contact_phone", "01632 960000").unwrap();
        s.set_setting(&a, "yos_contact_email", "yos@example.gov.uk").unwrap();
        let ctx = ctx_at(&s, &session, &p, now);
        let screen = render(&ExportScreen::new(&ctx), &ctx);
        assert!(
            screen.contains("YOS: Kim Officer, 01632 960000, yos@example.gov.uk"),
            "{screen}"
        );
    }

    #[test]
    fn each_week_shows_what_the_yos_said_s_syncs_and_the_menu_counts_every_week_not_sent() {
        use crate::sync::layout;
        let (mut s, m) = set_up();
        let a = actor(&m);
        s.set_clock(crate::time::from_db("2026-11-11T10:00:00Z"));
        let c = s
            .add_child(&a, &crate::store::children::tests::input("Jordan Smith"))
            .unwrap();
        for (uid, day) in [("w45", 3), ("w46", 10)] {
            let mut r = crate::domain::incident::fixtures::record();
            r.uid = uid.into();
            r.child_uid = c.uid.clone();
            r.home_uid = String::new();
            r.occurred_at = crate::time::from_db(&format!("2026-11-{day:02}T10:00:00Z")).unwrap();
            s.save_incident(&a, r, None).unwrap();
        }
        let now = crate::time::from_db("2026-11-25T10:00:00Z").unwrap();
        s.set_clock(Some(now));
        let sync = tempfile::tempdir().unwrap();
        s.set_setting(&a, "sync_folder", sync.path().to_str().unwrap()).unwrap();
        let p = protocol();
        let session = Session {
            staff: m.staff.clone(),
            actor: a.clone(),
        };
        {
            let ctx = ctx_at(&s, &session, &p, now);
            // W45, W46 and W47 are finished and not sent: the menu names them all, not only last week.
            assert_eq!(
                reminders(&ctx),
                ["3 finished weeks have not been exported (2026-W45 to 2026-W47): s on the export screen sends them."]
            );
            let mut page = ExportScreen::new(&ctx);
            let screen = render(&page, &ctx);
            assert!(screen.contains("2026-W46: not yet sent"), "{screen}");
            // `s` asks the app to sync: a typed effect, nothing written from the key handler.
            assert!(matches!(
                page.update(&ctx, KeyEvent::from(KeyCode::Char('s'))),
                Outcome::Effect(Effect::SyncNow)
            ));
            assert!(std::fs::read_dir(sync.path()).unwrap().next().is_none());
        }
        sync_now(&mut s, &a).unwrap();
        // The YOS rejects W46's set.
        let urn = s.home().unwrap().unwrap().ofsted_urn;
        let set = format!("{urn}-oak-house-2026-W46");
        let mpath = layout::outbox_dir(sync.path(), &urn)
            .unwrap()
            .join(format!("{set}.manifest.json"));
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&mpath).unwrap()).unwrap();
        let r = layout::Receipt {
            format: layout::RECEIPT_FORMAT.into(),
            version: layout::RECEIPT_VERSION,
            set: set.clone(),
            export_uid: manifest["export_uid"].as_str().unwrap().into(),
            home: serde_json::from_value(manifest["home"].clone()).unwrap(),
            period: serde_json::from_value(manifest["period"].clone()).unwrap(),
            export_version: 1,
            manifest_sha256: String::new(),
            status: layout::ReceiptStatus::Rejected,
            reason: Some("the manifest names another home".into()),
            read_at: "2026-11-25T11:00:00Z".into(),
            read_by: "Northshire YOS".into(),
            counts: None,
        };
        layout::write_receipt(&layout::receipt_path(sync.path(), &urn, &set).unwrap(), &r).unwrap();
        let later = crate::time::from_db("2026-11-25T12:00:00Z").unwrap();
        s.set_clock(Some(later));
        let ctx = ctx_at(&s, &session, &p, later);
        assert!(reminders(&ctx).is_empty(), "{:?}", reminders(&ctx));
        let mut page = ExportScreen::new(&ctx);
        page.syncing = Some(page.tally(&ctx));
        sync_now(&mut s, &a).unwrap();
        let ctx = ctx_at(&s, &session, &p, later);
        let Outcome::Flash(said) = page.done(&ctx, Done::Ok(None)) else {
            panic!("no message")
        };
        assert!(said.contains("1 week(s) sent") && said.contains("rejected"), "{said}");
        let screen = render(&page, &ctx);
        assert!(screen.contains("v1 rejected: the manifest names"), "{screen}");
        assert!(
            screen.contains("2026-W47: v1 sent 25/11 10:00 by Pat Manager"),
            "{screen}"
        );
        insta::assert_snapshot!(screen.replace(sync.path().to_str().unwrap(), "/srv/yos-share"));
    }
}
