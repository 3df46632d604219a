//! The YOS's own entries on an imported record (issue 20), on a YOS's database only: `c` on the detail screen.
//! Three steps: which kind (1 court appearance, 2 court outcome, 3 breach of an order), its few fields, then a
//! check of what will be saved; Ctrl+S (or Enter) there saves it as the officer's, for the YOS. The home's record
//! is never changed. Nothing is filled in for the officer: no outcome yet means nothing to add yet.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::store::court::{COURT_MAX, CourtEntry, CourtInput, CourtKind, CourtResult, Disposal, WHAT_MAX};
use crate::store::incidents::IncidentDetail;
use crate::ui::app::{Ctx, Done, Effect, FormDraft, Outcome};
use crate::ui::form::{Field, Form, FormEvent};
use crate::ui::keymap::k::{DOWN, ENTER, ESC, TAB, UP, c};
use crate::ui::keymap::{self, Binding, Hint, KeySpec, bind};
use crate::ui::screens::Page;
use crate::ui::screens::widgets::safe;

/// What a key does on the YOS entry screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Appearance,
    Outcome,
    Breach,
    Correct,
    /// Which entry to correct, by its number.
    Number,
    /// A key for the form's fields.
    Field,
    Save,
    Back,
}

const DIGITS: &[KeySpec] = &[c('1'), c('2'), c('3'), c('4'), c('5'), c('6'), c('7'), c('8'), c('9')];
const SAVE: &[KeySpec] = &[KeySpec::Ctrl('s'), KeySpec::Key(KeyCode::F(2))];

/// What to add: the three kinds, and a correction where this record has entries to correct.
const KIND_KEYS: &[Binding<Act>] = &[
    bind(&[c('1')], Act::Appearance, "1-3", "choose"),
    bind(&[c('2')], Act::Outcome, "", "court outcome"),
    bind(&[c('3')], Act::Breach, "", "breach of an order"),
    bind(&[c('4')], Act::Correct, "4", "correct an entry"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];
/// Which entry to correct.
const PICK_KEYS: &[Binding<Act>] = &[
    bind(DIGITS, Act::Number, "1-9", "which entry"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];
/// The entry's fields: every key goes to the form; these name them for the help bar and F1.
const FIELD_KEYS: &[Binding<Act>] = &[
    bind(&[TAB, ENTER, DOWN], Act::Field, "Tab/Enter", "next"),
    bind(&[KeySpec::Key(KeyCode::BackTab), UP], Act::Field, "", "previous field"),
    bind(SAVE, Act::Field, "Ctrl+S", "check"),
    bind(&[ESC], Act::Field, "Esc", "back"),
    bind(&[KeySpec::AnyChar], Act::Field, "", keymap::TYPING),
    bind(
        crate::ui::keymap::k::EDITING,
        Act::Field,
        "",
        "edit the text, or choose",
    ),
];
/// Check, then save.
const CHECK_KEYS: &[Binding<Act>] = &[
    bind(
        &[ENTER, KeySpec::Ctrl('s'), KeySpec::Key(KeyCode::F(2))],
        Act::Save,
        "Enter/Ctrl+S",
        "save",
    ),
    bind(&[ESC], Act::Back, "Esc", "change"),
];

/// The draft value that says which kind a kept draft is.
const KIND_KEY: &str = "_kind";

/// The draft value that names the entry a correction replaces.
const CORRECTS_KEY: &str = "_corrects";

/// The disposal choice's "not a conviction".
const NO_DISPOSAL: &str = "none";

enum Step {
    Kind,
    /// Which entry to correct (its number in the list).
    Pick,
    Fields(CourtKind),
    Check(CourtKind, Box<CourtInput>),
}

pub struct CourtScreen {
    incident_id: i64,
    /// "#12 · Alex A · 16/11/2026" for the titles.
    about: String,
    occurred: NaiveDate,
    step: Step,
    form: Form,
    error: Option<String>,
    /// The record's entries that stand (not corrected since): the ones a correction may replace.
    standing: Vec<CourtEntry>,
    /// The entry being corrected, if this is a correction.
    corrects: Option<CourtEntry>,
}

impl CourtScreen {
    pub fn new(d: &IncidentDetail) -> CourtScreen {
        let occurred = crate::time::local_date(d.current.occurred_at);
        CourtScreen {
            incident_id: d.id,
            about: format!(
                "#{} · {} · {}",
                d.id,
                safe(&d.child.display_name()),
                crate::time::show_date(occurred)
            ),
            occurred,
            step: Step::Kind,
            form: Form::new(Vec::new()),
            error: None,
            standing: Vec::new(),
            corrects: None,
        }
    }

    /// The record's YOS entries so far: the ones that stand can be corrected (4 on the first step).
    pub fn with_entries(mut self, entries: &[CourtEntry]) -> CourtScreen {
        self.standing = entries.iter().filter(|e| !e.corrected).take(9).cloned().collect();
        self
    }

    /// Start a correction of `e`: its kind's fields, filled in with its values, and a reason.
    fn correct(&mut self, e: CourtEntry) {
        let mut f = Self::fields(e.kind);
        f.set("on", &crate::time::show_date(e.on));
        f.set("court", &e.court);
        f.set("result", e.result.map(CourtResult::code).unwrap_or(""));
        f.set(
            "disposal",
            e.disposal
                .map(Disposal::code)
                .unwrap_or(if e.result.is_some() { NO_DISPOSAL } else { "" }),
        );
        f.set("order", &e.order);
        f.set("what", &e.what);
        f.fields.push(
            Field::text("reason", "Why the correction", WHAT_MAX)
                .required()
                .with_hint("For example: wrong day typed."),
        );
        self.form = f;
        self.step = Step::Fields(e.kind);
        self.corrects = Some(e);
    }

    /// Back after a lock: the kind and what was typed, on the fields step.
    pub fn restore(ctx: &Ctx<'_>, d: &FormDraft) -> Option<CourtScreen> {
        let kind = CourtKind::from_code(d.values.get(KIND_KEY)?)?;
        let detail = ctx.store.incident(d.context?).ok()?;
        let mut s = CourtScreen::new(&detail).with_entries(&ctx.store.court_entries(detail.id).ok()?);
        s.form = Self::fields(kind);
        if let Some(id) = d.values.get(CORRECTS_KEY).and_then(|v| v.parse::<i64>().ok()) {
            let e = s.standing.iter().find(|e| e.id == id)?.clone();
            s.correct(e);
        }
        s.form.restore(&d.values);
        s.form.dirty = true;
        s.step = Step::Fields(kind);
        Some(s)
    }

    fn fields(kind: CourtKind) -> Form {
        let date = Field::date("on", "Date")
            .required()
            .with_hint("Day/month/year; y yesterday, t today.");
        Form::new(match kind {
            CourtKind::Appearance => vec![
                date,
                Field::text("court", "Court", COURT_MAX)
                    .required()
                    .with_hint("For example: Northshire Youth Court."),
            ],
            CourtKind::Outcome => vec![
                date,
                Field::choice(
                    "result",
                    "Outcome",
                    CourtResult::ALL
                        .iter()
                        .map(|r| (r.code().to_string(), r.label().to_string()))
                        .collect(),
                )
                .required()
                .with_hint("←/→ to choose. No outcome yet? Esc: add it when the court decides."),
                Field::choice(
                    "disposal",
                    "Disposal",
                    std::iter::once((NO_DISPOSAL.to_string(), "None: not convicted".to_string()))
                        .chain(
                            Disposal::ALL
                                .iter()
                                .map(|x| (x.code().to_string(), x.label().to_string())),
                        )
                        .collect(),
                )
                .required()
                .with_hint("What the court gave, on a conviction only."),
            ],
            CourtKind::Breach => vec![
                date,
                Field::text("order", "Which order", COURT_MAX)
                    .required()
                    .with_hint("For example: referral order."),
                Field::text("what", "What happened", WHAT_MAX)
                    .required()
                    .with_hint("In a few words."),
            ],
        })
    }

    /// The form's values as an entry, or the first problem (set beside its field).
    fn input(&mut self, kind: CourtKind, now: chrono::DateTime<chrono::Utc>) -> Option<CourtInput> {
        self.form.clear_errors();
        // Every problem at once, each beside its field.
        self.form.check_required();
        let typed = self.form.text("on");
        let on = match crate::time::parse_date(&typed) {
            Ok(d) => d,
            Err(e) => {
                if !typed.is_empty() {
                    self.form.set_error("on", e);
                }
                self.occurred
            }
        };
        if on > crate::time::local_date(now) {
            self.form
                .set_error("on", "That is in the future: give the day it happened.");
        } else if on < self.occurred {
            self.form.set_error(
                "on",
                format!(
                    "That is before the incident ({}).",
                    crate::time::show_date(self.occurred)
                ),
            );
        }
        let mut i = CourtInput::new(kind, on);
        match kind {
            CourtKind::Appearance => i.court = self.form.text("court"),
            CourtKind::Outcome => {
                i.result = CourtResult::from_code(&self.form.get("result"));
                i.disposal = Disposal::from_code(&self.form.get("disposal"));
                match (i.result, i.disposal) {
                    (Some(CourtResult::Convicted), None) => {
                        self.form.set_error("disposal", "Choose what the court gave.");
                    }
                    (Some(r), Some(_)) if r != CourtResult::Convicted => {
                        self.form
                            .set_error("disposal", "Only a conviction has a disposal: choose None.");
                    }
                    _ => {}
                }
            }
            CourtKind::Breach => {
                i.order = self.form.text("order");
                i.what = self.form.text("what");
            }
        }
        if let Some(c) = &self.corrects {
            i.corrects = Some(c.id);
            i.reason = self.form.text("reason");
        }
        if self.form.has_errors() {
            self.form.focus_first_error();
            return None;
        }
        Some(i)
    }

    fn check_lines(&self, ctx: &Ctx<'_>, i: &CourtInput) -> Vec<Line<'static>> {
        let who = ctx.session.map(|s| s.staff.name.clone()).unwrap_or_default();
        let service = ctx.store.home().ok().flatten().map(|h| h.name).unwrap_or_default();
        let d = crate::time::show_date(i.on);
        let mut v = vec![Line::styled(format!("{} on {d}", i.kind.label()), ctx.theme.heading())];
        match i.kind {
            CourtKind::Appearance => v.push(Line::from(format!("Court: {}", safe(&i.court)))),
            CourtKind::Outcome => {
                v.push(Line::from(format!(
                    "Outcome: {}",
                    i.result.map(CourtResult::label).unwrap_or("")
                )));
                if let Some(x) = i.disposal {
                    v.push(Line::from(format!("Disposal: {}", x.label())));
                }
            }
            CourtKind::Breach => {
                v.push(Line::from(format!("Order: {}", safe(&i.order))));
                v.push(Line::from(format!("What happened: {}", safe(&i.what))));
            }
        }
        if let Some(c) = &self.corrects {
            v.push(Line::from(format!("Corrects: {}", safe(&c.summary()))));
            v.push(Line::from(format!("Why: {}", safe(&i.reason))));
        }
        v.push(Line::from(""));
        v.push(Line::from(format!("Added by {} for {}.", safe(&who), safe(&service))));
        v.push(Line::styled(
            "A YOS entry: not part of the home's record, never sent to the home.",
            ctx.theme.muted(),
        ));
        v
    }
}

impl CourtScreen {
    fn keys(&self) -> &'static [Binding<Act>] {
        match self.step {
            Step::Kind => KIND_KEYS,
            Step::Pick => PICK_KEYS,
            Step::Fields(_) => FIELD_KEYS,
            Step::Check(..) => CHECK_KEYS,
        }
    }

    /// A correction only where this record has YOS entries to correct.
    fn applies(&self, a: Act) -> bool {
        a != Act::Correct || !self.standing.is_empty()
    }
}

impl Page for CourtScreen {
    fn title(&self) -> String {
        format!("YOS entry · {}", self.about)
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        self.error = None;
        if let Step::Fields(kind) = self.step {
            match self.form.handle_key_at(key, ctx.now) {
                FormEvent::Save | FormEvent::Done => {
                    if let Some(i) = self.input(kind, ctx.now) {
                        self.step = Step::Check(kind, Box::new(i));
                    }
                }
                FormEvent::Cancel => {
                    self.corrects = None;
                    self.step = Step::Kind;
                }
                _ => {}
            }
            return Outcome::None;
        }
        let Some(act) = keymap::lookup(self.keys(), &key, |a| self.applies(a)) else {
            return Outcome::None;
        };
        let kind = match (&self.step, act) {
            (Step::Kind, Act::Appearance) => CourtKind::Appearance,
            (Step::Kind, Act::Outcome) => CourtKind::Outcome,
            (Step::Kind, Act::Breach) => CourtKind::Breach,
            (Step::Kind, Act::Correct) => {
                self.step = Step::Pick;
                return Outcome::None;
            }
            (Step::Kind, _) => return Outcome::Back,
            (Step::Pick, Act::Back) => {
                self.step = Step::Kind;
                return Outcome::None;
            }
            (Step::Pick, _) => {
                let n = match key.code {
                    KeyCode::Char(c) => c.to_digit(10).unwrap_or(0) as usize,
                    _ => 0,
                };
                if let Some(e) = n.checked_sub(1).and_then(|i| self.standing.get(i)).cloned() {
                    self.correct(e);
                }
                return Outcome::None;
            }
            // Every key goes to the fields (Ctrl+U, Alt+Enter too): handled above.
            (Step::Fields(_), _) => return Outcome::None,
            (Step::Check(_, i), Act::Save) => {
                return Outcome::Effect(Effect::AddCourtEntry {
                    incident_id: self.incident_id,
                    input: i.clone(),
                });
            }
            (Step::Check(kind, _), _) => {
                self.step = Step::Fields(*kind);
                return Outcome::None;
            }
        };
        self.corrects = None;
        self.form = Self::fields(kind);
        self.step = Step::Fields(kind);
        Outcome::None
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        if let Step::Fields(_) = self.step {
            self.form.paste(text);
        }
        Outcome::None
    }

    fn done(&mut self, _ctx: &Ctx<'_>, d: Done) -> Outcome {
        let e = match d {
            Done::Ok(_) => return Outcome::Back,
            Done::Err(e) => e,
            Done::Fields(f) => f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" "),
        };
        {
            {
                if let Step::Check(kind, _) = self.step {
                    self.step = Step::Fields(kind);
                }
                self.error = Some(format!("Not saved: {e}"));
                Outcome::None
            }
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let block = Block::default().borders(Borders::ALL).title(crate::ui::form::truncate(
            &format!(" {} ", self.title()),
            area.width.saturating_sub(4) as usize,
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [top, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        let top_text = match &self.error {
            Some(e) => Line::styled(safe(e), ctx.theme.error()),
            None => Line::styled(
                "The YOS's own entry. The home's record is not changed.",
                ctx.theme.muted(),
            ),
        };
        frame.render_widget(Paragraph::new(top_text).wrap(Wrap { trim: true }), top);
        match &self.step {
            Step::Kind => {
                let mut lines = vec![
                    Line::from("What do you add?"),
                    Line::from(""),
                    Line::from("  1  Court appearance"),
                    Line::from("  2  Court outcome"),
                    Line::from("  3  Breach of an order"),
                ];
                if !self.standing.is_empty() {
                    lines.push(Line::from("  4  Correct one of this record's YOS entries"));
                }
                frame.render_widget(Paragraph::new(lines), body);
            }
            Step::Pick => {
                let mut lines = vec![
                    Line::from("Which entry is wrong? The old one stays, marked corrected."),
                    Line::from(""),
                ];
                for (n, e) in self.standing.iter().enumerate() {
                    lines.push(Line::from(crate::ui::form::truncate(
                        &format!("  {}  {}", n + 1, safe(&e.summary())),
                        body.width as usize,
                    )));
                }
                frame.render_widget(Paragraph::new(lines), body);
            }
            Step::Fields(kind) => {
                let [head, form] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
                let head_text = match &self.corrects {
                    Some(_) => format!("{}: a correction", kind.label()),
                    None => kind.label().to_string(),
                };
                frame.render_widget(Paragraph::new(Line::styled(head_text, ctx.theme.heading())), head);
                self.form.render(frame, form, &ctx.theme);
            }
            Step::Check(_, i) => {
                let mut lines = vec![Line::from("Check, then save:"), Line::from("")];
                lines.extend(self.check_lines(ctx, i));
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
            }
        }
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = keymap::bar(self.keys(), |b| self.applies(b.action).then_some(b.label));
        if let Step::Fields(_) = self.step {
            h.extend_from_slice(self.form.field_hints());
        }
        h
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        let mut h = keymap::help(self.keys(), |b| self.applies(b.action).then_some(b.label));
        if let Step::Fields(_) = self.step {
            h.extend_from_slice(self.form.field_hints());
        }
        h
    }

    /// What was typed is kept as the officer's draft when the app locks (fields or check step).
    fn form_draft(&self) -> Option<(FormDraft, String)> {
        let kind = match &self.step {
            Step::Kind | Step::Pick => return None,
            Step::Fields(_) if !self.form.dirty && self.corrects.is_none() => return None,
            Step::Fields(k) | Step::Check(k, _) => *k,
        };
        let mut values = self.form.values();
        values.insert(KIND_KEY.into(), kind.code().into());
        if let Some(c) = &self.corrects {
            values.insert(CORRECTS_KEY.into(), c.id.to_string());
        }
        Some((
            FormDraft {
                screen: "court".into(),
                context: Some(self.incident_id),
                values,
            },
            format!("Incident {}: {}", self.incident_id, kind.label()),
        ))
    }

    fn accepts_text(&self) -> bool {
        matches!(self.step, Step::Fields(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::ui::app::Session;
    use crate::ui::screens::detail::DetailScreen;
    use crate::ui::screens::testing::{ctx_at, protocol, render};
    use ratatui::crossterm::event::KeyModifiers;

    fn keys(page: &mut dyn Page, ctx: &Ctx<'_>, s: &str) -> Outcome {
        let mut last = Outcome::None;
        for c in s.chars() {
            last = page.update(ctx, KeyEvent::from(KeyCode::Char(c)));
        }
        last
    }

    fn key(page: &mut dyn Page, ctx: &Ctx<'_>, k: KeyCode) -> Outcome {
        page.update(ctx, KeyEvent::from(k))
    }

    fn session(y: &Store, a: &crate::store::Actor) -> Session {
        Session {
            staff: y.staff_by_id(a.staff_id.unwrap()).unwrap(),
            actor: a.clone(),
        }
    }

    #[test]
    fn a_conviction_is_chosen_checked_and_saved_as_the_officers() {
        let (mut y, officer, id, _home, _) = crate::store::court::tests::yos_with_record();
        let p = protocol();
        let s = session(&y, &officer);
        let now = y.now();
        let effect = {
            let ctx = ctx_at(&y, &s, &p, now);
            let d = y.incident(id).unwrap();
            let mut page = CourtScreen::new(&d);
            insta::assert_snapshot!("court_kind", render(&page, &ctx));
            keys(&mut page, &ctx, "2");
            // A conviction without a disposal is not accepted; a date before the incident neither.
            keys(&mut page, &ctx, "15/11/2026");
            key(&mut page, &ctx, KeyCode::Enter);
            key(&mut page, &ctx, KeyCode::Right);
            key(&mut page, &ctx, KeyCode::Enter);
            key(&mut page, &ctx, KeyCode::Enter);
            let shown = render(&page, &ctx);
            assert!(shown.contains("before the incident"), "{shown}");
            assert!(!matches!(page.step, Step::Check(..)));
            page.form.set("on", "20/11/2026");
            page.form.set("disposal", "referral_order");
            page.update(&ctx, KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
            insta::assert_snapshot!("court_check", render(&page, &ctx));
            match key(&mut page, &ctx, KeyCode::Enter) {
                Outcome::Effect(e) => e,
                _ => panic!("Enter on the check saves"),
            }
        };
        let Effect::AddCourtEntry { incident_id, input } = effect else {
            panic!("a court entry")
        };
        let e = y.add_court_entry(&officer, incident_id, &input).unwrap();
        assert!(e.is_conviction());
        assert_eq!(e.disposal, Some(Disposal::ReferralOrder));
        let ctx = ctx_at(&y, &s, &p, now);
        let detail = DetailScreen::new(&ctx, id);
        let shown = render(&detail, &ctx);
        insta::assert_snapshot!("court_on_the_detail", shown);
        assert!(shown.contains("YOS entries (not part of the home's record)"), "{shown}");
        assert!(shown.contains("Convicted, Referral order"), "{shown}");
        assert!(shown.contains("Kim Officer, Northshire YOS"), "{shown}");
        let hints: Vec<String> = detail.hints(&ctx).iter().map(|h| format!("{h:?}")).collect();
        assert!(hints.iter().any(|h| h.contains("court")), "{hints:?}");
    }

    #[test]
    fn a_wrong_entry_is_corrected_by_a_new_one_with_a_reason() {
        let (mut y, officer, id, _home, _) = crate::store::court::tests::yos_with_record();
        let mut i = CourtInput::new(CourtKind::Appearance, crate::store::court::tests::d("20/11/2026"));
        i.court = "Youth Court".into();
        let first = y.add_court_entry(&officer, id, &i).unwrap();
        let p = protocol();
        let s = session(&y, &officer);
        let now = y.now();
        let effect = {
            let ctx = ctx_at(&y, &s, &p, now);
            let mut page = CourtScreen::new(&y.incident(id).unwrap()).with_entries(&y.court_entries(id).unwrap());
            assert!(render(&page, &ctx).contains("4  Correct one"));
            keys(&mut page, &ctx, "4");
            assert!(render(&page, &ctx).contains("1  Court appearance 20/11/2026: Youth Court"));
            keys(&mut page, &ctx, "1");
            assert_eq!(page.form.text("court"), "Youth Court", "filled in from the entry");
            page.form.set("on", "21/11/2026");
            // The reason is asked for.
            page.update(&ctx, KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
            assert!(render(&page, &ctx).contains("required"), "{}", render(&page, &ctx));
            page.form.set("reason", "Wrong day typed");
            page.update(&ctx, KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
            let shown = render(&page, &ctx);
            assert!(shown.contains("Corrects: Court appearance 20/11/2026"), "{shown}");
            match key(&mut page, &ctx, KeyCode::Enter) {
                Outcome::Effect(e) => e,
                _ => panic!("Enter on the check saves"),
            }
        };
        let Effect::AddCourtEntry { input, .. } = effect else {
            panic!("a court entry")
        };
        assert_eq!(
            (input.corrects, input.reason.as_str()),
            (Some(first.id), "Wrong day typed")
        );
        y.add_court_entry(&officer, id, &input).unwrap();
        let ctx = ctx_at(&y, &s, &p, now);
        let shown = render(&DetailScreen::new(&ctx, id), &ctx);
        assert!(shown.contains("20/11/2026: Youth Court (corrected below)"), "{shown}");
        assert!(shown.contains("A correction: Wrong day typed"), "{shown}");
    }

    #[test]
    fn what_was_typed_comes_back_after_a_lock() {
        let (y, officer, id, _home, _) = crate::store::court::tests::yos_with_record();
        let p = protocol();
        let s = session(&y, &officer);
        let ctx = ctx_at(&y, &s, &p, y.now());
        let mut page = CourtScreen::new(&y.incident(id).unwrap());
        assert!(page.form_draft().is_none(), "nothing typed yet");
        keys(&mut page, &ctx, "3");
        keys(&mut page, &ctx, "20/11/2026");
        key(&mut page, &ctx, KeyCode::Tab);
        keys(&mut page, &ctx, "Referral order");
        let (draft, title) = page.form_draft().expect("kept at a lock");
        assert!(title.contains("Breach"), "{title}");
        let back = CourtScreen::restore(&ctx, &draft).expect("comes back");
        assert!(matches!(back.step, Step::Fields(CourtKind::Breach)));
        assert_eq!(back.form.text("on"), "20/11/2026");
        assert_eq!(back.form.text("order"), "Referral order");
    }

    #[test]
    fn a_home_database_shows_no_court_key_and_no_yos_heading() {
        let (home, a) = crate::report::tests::home();
        let p = protocol();
        let s = session(&home, &a);
        let ctx = ctx_at(&home, &s, &p, home.now());
        let filter = crate::store::incidents::Filter::default();
        let id = home.incident_page(&filter, None, 1).unwrap()[0].id;
        let mut detail = DetailScreen::new(&ctx, id);
        assert!(!render(&detail, &ctx).contains("YOS entries"));
        assert!(matches!(key(&mut detail, &ctx, KeyCode::Char('c')), Outcome::None));
        let hints: Vec<String> = detail.hints(&ctx).iter().map(|h| format!("{h:?}")).collect();
        assert!(!hints.iter().any(|h| h.contains("court")), "{hints:?}");
    }
}
