//! The export screen: choose the week (←/→), see what the file will hold, then Ctrl+S writes it to the export
//! folder (managers only; the library checks again).

use chrono::Duration;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::widgets::safe;
use super::{Page, Screen};
use crate::export::{self, Counts, Share};
use crate::store::{Actor, Store};
use crate::time::Period;
use crate::ui::app::{Ctx, Done, Effect, Outcome};
use crate::ui::keymap::{Hint, hint, is_save};

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

impl Page for ExportScreen {
    fn title(&self) -> String {
        "Weekly file to the YOS".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        if is_save(&key) {
            if !ctx.is_manager() {
                return Outcome::Flash("Only a manager can send the weekly file.".into());
            }
            if self.folder.trim().is_empty() {
                return Outcome::Flash("No export folder: a manager sets it in Settings.".into());
            }
            return Outcome::Effect(Effect::Custom(
                "export:write".into(),
                serde_json::json!({ "week": self.period.label }),
            ));
        }
        if key.code == KeyCode::Char('a') {
            if !ctx.is_manager() {
                return Outcome::Flash("Only a manager can allow a scheduled export.".into());
            }
            self.authorising = true;
            return Outcome::Effect(Effect::Custom("export:authorise".into(), serde_json::json!({})));
        }
        match key.code {
            KeyCode::Left => {
                self.period = self.period.previous();
                self.load(ctx);
            }
            KeyCode::Right => {
                let next = Period::week_of(self.period.last_day + Duration::days(1));
                if next.start <= Self::this_week(ctx).start {
                    self.period = next;
                    self.load(ctx);
                } else {
                    return Outcome::Flash("That week has not started yet.".into());
                }
            }
            KeyCode::Esc => return Outcome::Back,
            KeyCode::Char('n') => return super::new_incident(ctx),
            _ => {}
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, done: Done) -> Outcome {
        self.load(ctx);
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
                    .map(|h| export::file_names(&h.name, &self.period, v)[0].clone())
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
        let [top, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
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
                "Ctrl+S (or F2) writes the CSV, the JSON and the manifest. A second export of a week is a new \
                 version; nothing is overwritten.",
            ));
        } else {
            lines.push(Line::from(Span::styled(
                "Only a manager can send the weekly file.",
                t.muted(),
            )));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    }

    fn hints(&self, ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = vec![super::NEW_INCIDENT, hint("←/→", "week")];
        if ctx.is_manager() {
            h.push(hint("Ctrl+S", "write the file"));
            h.push(hint("a", "allow a scheduled export"));
        }
        h.push(hint("Esc", "back"));
        h
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
    let last = export::last_week(ctx.now);
    if !export::is_exported(ctx.store, &last).unwrap_or(true) {
        v.push(format!("Last week ({}) has not been exported.", last.label));
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

/// Writes asked for by the export screen (`Effect::Custom("export:…")`).
pub fn perform(store: &mut Store, actor: &Actor, name: &str, value: &serde_json::Value) -> Result<Option<i64>, String> {
    match name {
        "export:write" => {
            let week = value.get("week").and_then(|w| w.as_str()).unwrap_or("");
            let period = Period::parse_week(week)?;
            let dir = store.setting("export_folder").map_err(|e| e.to_string())?;
            export::write(store, actor, &period, std::path::Path::new(&dir))
                .map(|_| None)
                .map_err(|e| format!("{e:#}"))
        }
        "export:authorise" => {
            // A new key for the scheduled task (the one allowed before stops working), kept in a new private file
            // beside the database, never over another.
            let secret = store.authorise_scheduled_export(actor).map_err(|e| e.to_string())?;
            let db = store.path().to_path_buf();
            let dir = db.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            crate::fsio::write_new_numbered(&dir.join(KEY_FILE), format!("{secret}\n").as_bytes(), Some(&db))
                .map(|_| None)
                .map_err(|e| e.to_string())
        }
        _ => Err(format!("unknown export action {name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;
    use crate::store::staff::tests::{actor, set_up};
    use crate::ui::app::Session;
    use crate::ui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn protocol() -> Protocol {
        Protocol {
            id: "t".into(),
            version: "1".into(),
            title: "T".into(),
            start: "s".into(),
            steps: vec![],
            sha256: String::new(),
        }
    }

    fn render(page: &ExportScreen, ctx: &Ctx<'_>) -> String {
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        term.draw(|f| page.view(f, f.area(), ctx)).unwrap();
        let buf = term.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }

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
            let ctx = Ctx {
                store: &s,
                session: Some(&session),
                protocol: &p,
                now,
                theme: Theme::plain(),
            };
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
        perform(&mut s, &a, "export:write", &serde_json::json!({"week": "2026-W47"})).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
        let ctx = Ctx {
            store: &s,
            session: Some(&session),
            protocol: &p,
            now,
            theme: Theme::plain(),
        };
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
        s.connection()
            .execute(
                "UPDATE settings SET value = '/srv/yos-share' WHERE key = 'export_folder'",
                [],
            )
            .unwrap();
        let p = protocol();
        let session = Session {
            staff: m.staff,
            actor: a,
        };
        let ctx = Ctx {
            store: &s,
            session: Some(&session),
            protocol: &p,
            now,
            theme: Theme::plain(),
        };
        let page = ExportScreen::new(&ctx);
        insta::assert_snapshot!(render(&page, &ctx));
    }

    #[test]
    fn staff_cannot_write_even_through_the_effect() {
        let (mut s, m) = set_up();
        let w = s
            .add_staff(&actor(&m), "Sam Night", crate::domain::Role::Staff, "night shift 1")
            .unwrap();
        let e = perform(
            &mut s,
            &actor(&w),
            "export:write",
            &serde_json::json!({"week": "2026-W47"}),
        )
        .unwrap_err();
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
            let ctx = Ctx {
                store: &s,
                session: Some(&session),
                protocol: &p,
                now,
                theme: Theme::plain(),
            };
            let screen = render(&ExportScreen::new(&ctx), &ctx);
            assert!(!screen.contains("YOS:"), "{screen}");
        }
        s.set_setting(&a, "yos_contact_name", "Kim Officer").unwrap();
        s.set_setting(&a, "yos_contact_phone", "01632 960000").unwrap();
        s.set_setting(&a, "yos_contact_email", "yos@example.gov.uk").unwrap();
        let ctx = Ctx {
            store: &s,
            session: Some(&session),
            protocol: &p,
            now,
            theme: Theme::plain(),
        };
        let screen = render(&ExportScreen::new(&ctx), &ctx);
        assert!(
            screen.contains("YOS: Kim Officer, 01632 960000, yos@example.gov.uk"),
            "{screen}"
        );
    }
}
