//! The app's one state, its messages, and `update`: keys become messages, messages become effects, and
//! every database write happens in [`App::perform`]. Drawing is in [`App::view`], which only reads state.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::keymap::{self, Hint, is_ctrl};
use super::screens;
use super::theme::Theme;
use crate::protocol::Protocol;
use crate::store::drafts::FORM;
use crate::store::staff::{Recover, Setup, SignIn};
use crate::store::{Actor, Store, StoreError};

/// Typing is kept as its author's draft once the keys have stopped this long (checked on the app's tick)...
pub const KEEP_AFTER_QUIET: i64 = 1;
/// ...or, during typing that does not stop, this often: never a write per key.
pub const KEEP_AT_LEAST_EVERY: i64 = 5;

/// The smallest terminal the app draws in.
pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// Time passes (the event loop sends one about every second): idle lock, clocks on screen.
    Tick(DateTime<Utc>),
}

impl Msg {
    /// A terminal event as a message. Key releases and repeats are dropped (Windows sends releases too).
    pub fn from_event(e: Event, now: DateTime<Utc>) -> Option<Msg> {
        match e {
            Event::Key(k) if k.kind == KeyEventKind::Press => Some(Msg::Key(k)),
            Event::Key(_) => None,
            Event::Paste(s) => Some(Msg::Paste(s)),
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            Event::FocusGained | Event::FocusLost | Event::Mouse(_) => Some(Msg::Tick(now)),
        }
    }
}

pub use super::page::{Ctx, Done, Effect, FormDraft, Outcome, PrintJob, Screen, Session};

/// A short message under the screen, kept until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub store: Store,
    /// The protocol the wizard walks: the one a manager chose in settings (the `protocol` setting), else
    /// `area_protocol`.
    pub protocol: Protocol,
    /// What the command line found: `--protocol FILE`, protocol.toml in the config folder, or the national one.
    pub area_protocol: Protocol,
    pub theme: Theme,
    pub session: Option<Session>,
    /// Screens, the top one showing. Never empty.
    pub stack: Vec<Screen>,
    pub flash: Option<Flash>,
    pub show_help: bool,
    pub now: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Set by a lock: shown on the sign-in screen.
    pub locked_note: Option<String>,
    /// Bumped whenever the whole stack is replaced (sign-in, lock).
    epoch: u64,
    /// The app's hold on the database (None in tests): its note says who is signed in.
    pub hold: Option<crate::store::lock::AppHold>,
    /// Forms that could not be kept as drafts at a lock (full disk, busy, file replaced): kept in memory for
    /// their author only, by staff id, and given back when that person signs in again.
    unsaved: Vec<(i64, FormDraft)>,
    /// The signed-in person's draft of the form being typed into, kept as they type (a power cut loses at
    /// most the last couple of seconds).
    kept_id: Option<i64>,
    /// Keys went to a screen since the form was last kept: (first, last) key time.
    dirty: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl App {
    pub fn new(store: Store, protocol: Protocol, theme: Theme, now: DateTime<Utc>) -> App {
        let first = if store.is_set_up().unwrap_or(false) {
            Screen::new(screens::signin::SignInScreen::new(&store, None))
        } else {
            match store.home().ok().flatten() {
                // Records imported from another PC: the home is there, its first manager is not.
                Some(h) => Screen::new(screens::setup::SetupScreen::for_existing_home(&h.name)),
                None => Screen::new(screens::setup::SetupScreen::new()),
            }
        };
        let chosen = crate::protocol::chosen(
            &store
                .setting("protocol")
                .unwrap_or_else(|_| crate::protocol::AUTO.into()),
            &protocol,
        );
        App {
            store,
            protocol: chosen,
            area_protocol: protocol,
            theme,
            session: None,
            stack: vec![first],
            flash: None,
            show_help: false,
            now,
            last_activity: now,
            size: (MIN_W, MIN_H),
            quit: false,
            locked_note: None,
            epoch: 0,
            hold: None,
            unsaved: Vec::new(),
            kept_id: None,
            dirty: None,
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            session: self.session.as_ref(),
            protocol: &self.protocol,
            now: self.now,
            theme: self.theme,
        }
    }

    pub fn top(&self) -> &Screen {
        self.stack.last().expect("the stack is never empty")
    }

    /// Handle one message. Never panics on any input.
    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Tick(t) => {
                self.now = t;
                self.check_idle();
                if let Some((first, last)) = self.dirty
                    && (t - last >= Duration::seconds(KEEP_AFTER_QUIET)
                        || t - first >= Duration::seconds(KEEP_AT_LEAST_EVERY))
                {
                    self.keep_typing();
                }
            }
            Msg::Resize(w, h) => self.size = (w, h),
            // Nothing goes unseen into a form while the window is too small to show it.
            Msg::Paste(_) if self.too_small() => self.last_activity = self.now,
            Msg::Paste(s) => {
                self.last_activity = self.now;
                self.flash = None;
                let out = {
                    let ctx = Ctx {
                        store: &self.store,
                        session: self.session.as_ref(),
                        protocol: &self.protocol,
                        now: self.now,
                        theme: self.theme,
                    };
                    self.stack.last_mut().expect("non-empty").paste(&ctx, &s)
                };
                self.handle(out);
                self.typed();
            }
            Msg::Key(k) => {
                if k.kind != KeyEventKind::Press {
                    return;
                }
                self.last_activity = self.now;
                self.flash = None;
                if self.too_small() {
                    // Only the keys shown on the "too small" screen work: the rest are dropped, never typed
                    // into a form nobody can see.
                    if is_ctrl(&k, 'q') {
                        self.quit_safely();
                    } else if is_ctrl(&k, 'l') && self.session.is_some() {
                        self.lock("Locked on request.");
                    }
                    return;
                }
                if self.show_help {
                    self.show_help = false;
                    return;
                }
                if k.code == KeyCode::F(1) || (k.code == KeyCode::Char('?') && !self.top().accepts_text()) {
                    self.show_help = true;
                    return;
                }
                if is_ctrl(&k, 'q') {
                    self.quit_safely();
                    return;
                }
                if is_ctrl(&k, 'l') && self.session.is_some() {
                    self.lock("Locked on request.");
                    return;
                }
                // A new incident from anywhere once signed in (`n` on the lists; Ctrl+N in forms too). The
                // screen underneath stays as it was: Esc from the first step comes back to it.
                if is_ctrl(&k, 'n') && self.session.is_some() && self.top().title() != "New incident" {
                    let s = screens::wizard::start(&self.ctx());
                    self.stack.push(s);
                    return;
                }
                let out = {
                    let ctx = Ctx {
                        store: &self.store,
                        session: self.session.as_ref(),
                        protocol: &self.protocol,
                        now: self.now,
                        theme: self.theme,
                    };
                    self.stack.last_mut().expect("non-empty").update(&ctx, k)
                };
                self.handle(out);
                self.typed();
            }
        }
    }

    fn handle(&mut self, out: Outcome) {
        match out {
            Outcome::None => {}
            Outcome::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                    self.refresh_top();
                }
            }
            Outcome::Menu => {
                // Never over unsaved typing: a form open underneath (Ctrl+N from it) is shown again instead.
                let typing = self.stack.len() > 2
                    && self.stack[1..self.stack.len() - 1]
                        .iter()
                        .any(|s| s.form_draft().is_some());
                if self.session.is_some() && self.stack.len() > 1 && !typing {
                    self.stack.truncate(1);
                    self.refresh_top();
                } else {
                    self.handle(Outcome::Back);
                }
            }
            Outcome::Push(s) => self.stack.push(s),
            Outcome::Replace(s) => {
                self.stack.pop();
                self.stack.push(s);
            }
            // A print is said by the app itself (where the file is): the screen has nothing to do after it.
            Outcome::Effect(Effect::Print(job)) => self.flash = Some(self.print(job)),
            Outcome::Effect(e) => {
                let epoch = self.epoch;
                let done = self.perform(e);
                // Signing in or locking replaced every screen: the one that asked is gone.
                if self.epoch != epoch {
                    return;
                }
                let out = {
                    let ctx = Ctx {
                        store: &self.store,
                        session: self.session.as_ref(),
                        protocol: &self.protocol,
                        now: self.now,
                        theme: self.theme,
                    };
                    self.stack.last_mut().expect("non-empty").done(&ctx, done)
                };
                self.handle(out);
            }
            Outcome::Flash(t) => self.flash = Some(Flash { text: t, error: false }),
            Outcome::Lock => self.lock("Locked on request."),
            Outcome::Quit => self.quit_safely(),
        }
    }

    /// After going back, the screen below may show stale data: let it reload.
    fn refresh_top(&mut self) {
        let ctx = Ctx {
            store: &self.store,
            session: self.session.as_ref(),
            protocol: &self.protocol,
            now: self.now,
            theme: self.theme,
        };
        self.stack.last_mut().expect("non-empty").refresh(&ctx);
    }

    fn error_text(e: &StoreError) -> String {
        e.to_string()
    }

    /// Add or change a child, with the day a change of YOS status took effect.
    fn save_child(
        &mut self,
        a: &Actor,
        id: Option<i64>,
        input: &crate::domain::ChildInput,
        yos_since: Option<chrono::NaiveDate>,
    ) -> Result<Option<i64>, Done> {
        let r = match id {
            Some(id) => self.store.update_child_since(a, id, input, yos_since),
            None => self.store.add_child_since(a, input, yos_since),
        };
        match r {
            Ok(c) => Ok(Some(c.id)),
            Err(crate::store::children::ChildError::Fields(f)) => {
                Err(Done::Fields(f.into_iter().map(|(k, m)| (k.to_string(), m)).collect()))
            }
            Err(crate::store::children::ChildError::Store(e)) => Err(Done::Err(Self::error_text(&e))),
        }
    }

    /// The one place the app writes to the database.
    pub fn perform(&mut self, e: Effect) -> Done {
        let actor = self.session.as_ref().map(|s| s.actor.clone());
        let need = |a: &Option<Actor>| a.clone().ok_or_else(|| "Sign in first.".to_string());
        let res: Result<Option<i64>, Done> = (|| match e {
            Effect::Setup {
                home,
                urn,
                manager,
                passphrase,
                recovery,
            } => {
                let setup = Setup {
                    home_name: &home,
                    ofsted_urn: &urn,
                    manager_name: &manager,
                    passphrase: &passphrase,
                };
                let (s, code) = if recovery {
                    let (s, code) = self
                        .store
                        .setup_with_recovery(&setup)
                        .map_err(|e| Done::Err(Self::error_text(&e)))?;
                    (s, Some(code))
                } else {
                    (
                        self.store.setup(&setup).map_err(|e| Done::Err(Self::error_text(&e)))?,
                        None,
                    )
                };
                self.start_session(s);
                if let Some(code) = code {
                    self.stack
                        .push(Screen::new(screens::setup::RecoveryCodeScreen::new(code)));
                }
                Ok(None)
            }
            Effect::SignIn { staff_id, passphrase } => match self.store.sign_in(staff_id, &passphrase) {
                Ok(SignIn::Ok(s)) => {
                    let must = self.store.must_change_passphrase(s.staff.id).unwrap_or(false);
                    self.start_session(s);
                    // A passphrase a manager typed: the person chooses their own before anything else.
                    if must {
                        self.stack
                            .push(Screen::new(screens::signin::ChangePassphraseScreen::new(true)));
                    }
                    Ok(None)
                }
                Ok(other) => Err(Done::Err(screens::signin::refusal(&other, self.now))),
                Err(e) => Err(Done::Err(Self::error_text(&e))),
            },
            Effect::Recover {
                staff_id,
                code,
                passphrase,
            } => match self.store.recover(staff_id, &code, &passphrase) {
                Ok(Recover::Ok { staff, code }) => {
                    self.start_session(staff);
                    self.stack
                        .push(Screen::new(screens::setup::RecoveryCodeScreen::new(code)));
                    Ok(None)
                }
                Ok(other) => Err(Done::Err(screens::signin::recovery_refusal(&other, self.now))),
                Err(e) => Err(Done::Err(Self::error_text(&e))),
            },
            Effect::RenewRecoveryCode => {
                let a = need(&actor).map_err(Done::Err)?;
                let code = self
                    .store
                    .renew_recovery_code(&a)
                    .map_err(|e| Done::Err(Self::error_text(&e)))?;
                self.stack
                    .push(Screen::new(screens::setup::RecoveryCodeScreen::new(code)));
                Ok(None)
            }
            Effect::ReactivateStaff { staff_id, reason } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .reactivate_staff(&a, staff_id, &reason)
                    .map(|_| None)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::ChangeOwnPassphrase { current, new } => {
                let a = need(&actor).map_err(Done::Err)?;
                let had_code = a
                    .staff_id
                    .is_some_and(|id| self.store.has_recovery_code(id).unwrap_or(false));
                let who = self
                    .store
                    .change_own_passphrase(&a, &current, &new)
                    .map_err(|e| Done::Err(Self::error_text(&e)))?;
                self.session = Some(Session {
                    staff: who.staff,
                    actor: who.actor,
                });
                let text = if had_code {
                    "Your new passphrase is saved. Your recovery code no longer works: take a new one with k on \
                     the staff screen."
                } else {
                    "Your new passphrase is saved. Use it from now on."
                };
                self.flash = Some(Flash {
                    text: text.into(),
                    error: false,
                });
                Ok(None)
            }
            Effect::SaveChild { id, input } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.save_child(&a, id, &input, None)
            }
            Effect::SaveChildSince { id, input, yos_since } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.save_child(&a, id, &input, yos_since)
            }
            Effect::DischargeChild { id, date, reason } => {
                let a = need(&actor).map_err(Done::Err)?;
                match self.store.discharge_child(&a, id, &date, &reason) {
                    Ok(c) => Ok(Some(c.id)),
                    Err(crate::store::children::ChildError::Fields(f)) => {
                        Err(Done::Fields(f.into_iter().map(|(k, m)| (k.to_string(), m)).collect()))
                    }
                    Err(crate::store::children::ChildError::Store(e)) => Err(Done::Err(Self::error_text(&e))),
                }
            }
            Effect::AddStaff { name, role, passphrase } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .add_staff(&a, &name, role, &passphrase)
                    .map(|s| Some(s.id))
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::ResetPassphrase { staff_id, passphrase } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .reset_passphrase(&a, staff_id, &passphrase)
                    .map(|_| None)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::DeactivateStaff { staff_id, reason } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .deactivate_staff(&a, staff_id, &reason)
                    .map(|_| None)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::SetSetting { key, value } => {
                let a = need(&actor).map_err(Done::Err)?;
                let r = self
                    .store
                    .set_setting(&a, &key, &value)
                    .map(|_| None)
                    .map_err(|e| Done::Err(Self::error_text(&e)));
                if key == "protocol" {
                    self.choose_protocol();
                }
                r
            }
            Effect::SaveDraft {
                id,
                kind,
                title,
                payload,
            } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .save_draft(&a, id, &kind, &title, &payload)
                    .map(Some)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::CloseDraft { id, reason } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .close_draft(&a, id, &reason)
                    .map(|_| None)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::TakeOverDraft { id } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .take_over_draft(&a, id)
                    .map(|d| Some(d.id))
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::DiscardDraft { id, reason } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .discard_draft(&a, id, &reason)
                    .map(|_| Some(id))
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::SaveIncident { record, draft_id } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .save_incident(&a, *record, draft_id)
                    .map(Some)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::AddEntry { incident_id, change } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .add_entry(&a, incident_id, *change)
                    .map(|_| Some(incident_id))
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::AddCourtEntry { incident_id, input } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .add_court_entry(&a, incident_id, &input)
                    .map(|e| Some(e.id))
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::AcknowledgeHandover { covers_from, seen } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .acknowledge_handover(&a, covers_from, &seen)
                    .map(Some)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::AddHandoverNote { text } => {
                let a = need(&actor).map_err(Done::Err)?;
                self.store
                    .add_handover_note(&a, &text)
                    .map(Some)
                    .map_err(|e| Done::Err(Self::error_text(&e)))
            }
            Effect::WriteExport { week } => {
                let a = need(&actor).map_err(Done::Err)?;
                screens::export::write_week(&mut self.store, &a, &week).map_err(Done::Err)
            }
            Effect::AuthoriseScheduledExport => {
                let a = need(&actor).map_err(Done::Err)?;
                screens::export::authorise(&mut self.store, &a).map_err(Done::Err)
            }
            Effect::SyncNow => {
                let a = need(&actor).map_err(Done::Err)?;
                screens::export::sync_now(&mut self.store, &a).map_err(Done::Err)
            }
            Effect::Print(job) => {
                let f = self.print(job);
                if f.error { Err(Done::Err(f.text)) } else { Ok(None) }
            }
        })();
        match res {
            Ok(id) => Done::Ok(id),
            Err(d) => d,
        }
    }

    /// Write a print-out into the prints folder beside the database (created private), never over a file, and
    /// say where it is, the whole path.
    fn print(&self, job: PrintJob) -> Flash {
        if self.session.is_none() {
            return Flash {
                text: "Not printed: sign in first.".into(),
                error: true,
            };
        }
        let res = crate::print::ready_print_dir(&self.store)
            .map_err(anyhow::Error::from)
            .and_then(|dir| match job {
                PrintJob::Handover(w) => crate::print::print_handover(&self.store, self.now, w, &dir),
                PrintJob::Incident(id) => crate::print::print_incident(
                    &self.store,
                    id,
                    self.now,
                    &dir.join(crate::print::incident_file_name(id)),
                ),
            });
        match res {
            Ok(p) => Flash {
                text: format!("Printed to {} (names children: keep it safe).", crate::fsio::shown(&p)),
                error: false,
            },
            Err(e) => Flash {
                text: format!(
                    "Not printed: {e:#}. Nothing was written to {}.",
                    crate::fsio::shown(&crate::print::print_dir(&self.store))
                ),
                error: true,
            },
        }
    }

    /// Start a session for `staff` without asking for the passphrase: for benchmarks and tests that draw the
    /// screens after sign-in without paying for argon2. The app itself never calls it (it signs in through
    /// `Effect::SignIn`).
    #[doc(hidden)]
    pub fn sign_in_as(&mut self, who: impl Into<crate::store::staff::SignedIn>) {
        self.start_session(who.into());
    }

    /// Take the protocol a manager chose in settings (read again at each sign-in and after the setting
    /// changes). Records already made keep the protocol they were made under (`IncidentCore::protocol`).
    fn choose_protocol(&mut self) {
        let setting = self
            .store
            .setting("protocol")
            .unwrap_or_else(|_| crate::protocol::AUTO.into());
        self.protocol = crate::protocol::chosen(&setting, &self.area_protocol);
    }

    fn start_session(&mut self, who: crate::store::staff::SignedIn) {
        let crate::store::staff::SignedIn { staff, actor } = who;
        self.session = Some(Session {
            staff,
            actor: actor.clone(),
        });
        self.locked_note = None;
        self.last_activity = self.now;
        self.choose_protocol();
        // The menu underneath; the handover first.
        let mut restored = false;
        let mut kept_at = None;
        self.kept_id = None;
        self.dirty = None;
        let mut from_memory = None;
        if let Some(h) = &self.hold {
            h.signed_in(Some(&staff_label(&self.session)));
        }
        let stack = {
            let ctx = Ctx {
                store: &self.store,
                session: self.session.as_ref(),
                protocol: &self.protocol,
                now: self.now,
                theme: self.theme,
            };
            let mut stack = vec![Screen::new(screens::menu::MenuScreen::new(&ctx))];
            // On a YOS there is no handover of its own: the homes' arrivals instead.
            if self.store.role().is_ok_and(|r| r == crate::store::settings::Role::Yos) {
                stack.push(screens::arrivals::open(&ctx));
            } else {
                stack.push(Screen::new(screens::handover::HandoverScreen::new(&ctx)));
            }
            // A form kept in memory at the last lock (its draft could not be written) comes back first, to its
            // author only.
            if let Some(i) = self.unsaved.iter().position(|(id, _)| Some(*id) == actor.staff_id)
                && let Some(s) = screens::restore_form(&ctx, &self.unsaved[i].1)
            {
                stack.push(s);
                restored = true;
                from_memory = Some(i);
            }
            // A form that was open at the last lock comes back to its author.
            if !restored && let Ok(drafts) = self.store.open_drafts(&actor, FORM) {
                for d in drafts
                    .into_iter()
                    .filter(|d| Some(d.staff_id) == actor.staff_id)
                    .take(1)
                {
                    if let Ok(fd) = serde_json::from_str::<FormDraft>(&d.payload)
                        && let Some(s) = screens::restore_form(&ctx, &fd)
                    {
                        stack.push(s);
                        restored = true;
                        kept_at = Some(d.updated_at);
                    }
                    // Kept open and carried on: a power cut right after this sign-in loses nothing either. A
                    // draft that no longer opens is closed when the next form is kept.
                    self.kept_id = Some(d.id);
                }
            }
            stack
        };
        if let Some(i) = from_memory {
            self.unsaved.remove(i);
            // Not yet written anywhere but memory: keep it at the next tick.
            self.dirty = Some((self.now, self.now));
        }
        let mut told: Vec<String> = self
            .store
            .takeover_notices(&actor)
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                format!(
                    "{} took over your draft ({}) at {}.",
                    t.by,
                    t.title,
                    crate::time::show_short(t.at)
                )
            })
            .collect();
        if restored {
            told.push(match kept_at {
                Some(at) => format!(
                    "Your unsaved work is back where you left it. Kept at {}.",
                    crate::time::show_short(at)
                ),
                None => "Your unsaved work is back where you left it.".into(),
            });
        }
        if !told.is_empty() {
            self.flash = Some(Flash {
                text: told.join(" "),
                error: false,
            });
        }
        self.stack = stack;
        self.epoch += 1;
    }

    fn check_idle(&mut self) {
        if self.session.is_none() {
            return;
        }
        let minutes = self.store.setting_u32("idle_lock_minutes").unwrap_or(10).max(1) as i64;
        if self.now - self.last_activity >= Duration::minutes(minutes) {
            self.lock(&format!(
                "Locked after {} without a key press.",
                crate::ui::screens::settings::minutes_text(minutes as u64)
            ));
        }
    }

    /// Keep whatever is being typed as the signed-in person's draft, then show the sign-in screen.
    /// Nothing of theirs stays on screen.
    pub fn lock(&mut self, why: &str) {
        let kept = self.keep_drafts();
        let staff_id = self.session.as_ref().map(|s| s.staff.id);
        let name = self.session.as_ref().map(|s| s.staff.name.clone());
        // A draft that could not be written stays in memory, for its author only.
        let in_memory = match (&kept, staff_id) {
            (Err(_), Some(id)) => match self.stack.iter().rev().find_map(|s| s.form_draft()) {
                Some((fd, _)) => {
                    self.unsaved.retain(|(who, _)| *who != id);
                    self.unsaved.push((id, fd));
                    true
                }
                None => false,
            },
            _ => false,
        };
        self.session = None;
        self.show_help = false;
        if let Some(h) = &self.hold {
            h.signed_in(None);
        }
        let failed = kept.is_err();
        let note = match kept {
            Ok(true) => format!("{why} Unsaved work was kept for its author."),
            Ok(false) => why.to_string(),
            Err(e) if in_memory => format!(
                "{why} Unsaved work could not be saved as a draft ({e}). It is kept in memory for {} only and \
                 comes back when they sign in again: do not close concordat.",
                crate::text::display(name.as_deref().unwrap_or("its author"))
            ),
            Err(e) => format!("{why} Could not keep the unsaved work: {e}"),
        };
        self.locked_note = Some(note.clone());
        self.stack = vec![Screen::new(screens::signin::SignInScreen::new(&self.store, staff_id))];
        self.epoch += 1;
        self.flash = Some(Flash {
            text: note,
            error: failed,
        });
    }

    /// Save the open form on the stack as its author's draft (the one kept as they typed, updated). True when
    /// something was kept. The draft stays open for its author's next sign-in.
    fn keep_drafts(&mut self) -> Result<bool, String> {
        self.dirty = None;
        let kept = self.keep_form();
        if kept.is_ok() {
            self.kept_id = None;
        }
        kept
    }

    /// A key or a paste went to a screen: keep the form soon (on a tick), and if no form is open any more (saved,
    /// left), close the draft kept of it now.
    fn typed(&mut self) {
        if self.session.is_none() {
            return;
        }
        self.dirty = Some((self.dirty.map(|d| d.0).unwrap_or(self.now), self.now));
        if self.kept_id.is_some() && !self.stack.iter().any(|s| s.form_draft().is_some()) {
            self.keep_typing();
        }
    }

    /// Keep what is being typed (on a tick, after a pause in the keys). A failure is said, and tried again at
    /// the next tick; the typing stays on the screen.
    fn keep_typing(&mut self) {
        self.dirty = None;
        if let Err(e) = self.keep_form() {
            self.dirty = Some((self.now, self.now));
            let text = format!("What you type could not be kept as a draft ({e}). It is still on the screen.");
            if self.flash.as_ref().map(|f| &f.text) != Some(&text) {
                self.flash = Some(Flash { text, error: true });
            }
        }
    }

    /// Write the topmost open form into the signed-in person's kept draft (created the first time, closed when
    /// no form is open any more). True when a form was kept.
    fn keep_form(&mut self) -> Result<bool, String> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Ok(false);
        };
        // Only the topmost open form is restored; it is the one being typed into.
        match self.stack.iter().rev().find_map(|s| s.form_draft()) {
            Some((fd, title)) => {
                let payload = serde_json::to_string(&fd).map_err(|e| e.to_string())?;
                let r = match self.store.save_draft(&actor, self.kept_id, FORM, &title, &payload) {
                    // Closed or taken over meanwhile: keep the typing in a new draft of one's own.
                    Err(StoreError::Invalid(_) | StoreError::NotAllowed(_) | StoreError::NotFound(_))
                        if self.kept_id.is_some() =>
                    {
                        self.store.save_draft(&actor, None, FORM, &title, &payload)
                    }
                    r => r,
                };
                self.kept_id = Some(r.map_err(|e| short_reason(&e).to_string())?);
                Ok(true)
            }
            None => {
                if let Some(id) = self.kept_id.take() {
                    // Saved or left: nothing to bring back. The row stays, closed, with its words.
                    let _ = self.store.close_draft(&actor, id, "form closed (saved or left)");
                }
                Ok(false)
            }
        }
    }

    fn quit_safely(&mut self) {
        if self.session.is_some() {
            match self.keep_drafts() {
                Ok(_) => {}
                Err(e) => {
                    self.flash = Some(Flash {
                        text: format!("Not quitting: could not keep your work: {e}"),
                        error: true,
                    });
                    return;
                }
            }
        }
        self.quit = true;
    }

    /// Keys shown in the help bar for the current screen.
    pub fn hints(&self) -> Vec<Hint> {
        self.with_global(self.top().hints(&self.ctx()))
    }

    /// Keys listed on the F1 page for the current screen: all of them, movement keys too.
    pub fn help_keys(&self) -> Vec<Hint> {
        self.with_global(self.top().help(&self.ctx()))
    }

    fn with_global(&self, mut h: Vec<Hint>) -> Vec<Hint> {
        // A YOS records no incidents: `n` only says so, and is not offered.
        if self.store.role().is_ok_and(|r| r == crate::store::settings::Role::Yos) {
            h.retain(|x| *x != screens::NEW_INCIDENT);
        }
        if self.session.is_some() {
            h.extend_from_slice(keymap::GLOBAL);
        } else {
            h.push(keymap::hint("F1", "help"));
            h.push(keymap::hint("Ctrl+Q", "quit"));
        }
        h
    }

    /// True when the window is smaller than the app draws in: only Ctrl+Q and Ctrl+L work then.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_W || self.size.1 < MIN_H
    }

    /// Draw the whole screen. Reads state only.
    pub fn view(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_W || area.height < MIN_H {
            let mut lines = vec![
                Line::from(Span::styled("In an emergency, call 999 first.", self.theme.warning())),
                Line::from(format!(
                    "Make the window larger: concordat needs {MIN_W}x{MIN_H}, this one is {}x{}.",
                    area.width, area.height
                )),
                Line::from("Keys typed now are not used. Nothing is lost."),
            ];
            let mut keys = vec![Span::styled("Ctrl+Q", self.theme.key()), Span::raw(" quit")];
            if self.session.is_some() {
                keys.push(Span::raw("  "));
                keys.push(Span::styled("Ctrl+L", self.theme.key()));
                keys.push(Span::raw(" lock"));
            }
            lines.push(Line::from(keys));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
            return;
        }
        let hints = self.hints();
        let mut help_text = hint_lines(&hints, &self.theme, area.width);
        // More keys than two lines hold: the rest are behind F1, and the bar says so.
        if help_text.len() > 2 {
            help_text.truncate(2);
            help_text.push(Line::from(vec![
                Span::raw("… more: "),
                Span::styled("F1", self.theme.key()),
                Span::raw(" all keys"),
            ]));
            let last = help_text.remove(2);
            let keep = (area.width as usize).saturating_sub(last.width());
            let mut second = help_text.pop().unwrap_or_default();
            while (second.width() > keep || second.spans.len() % 2 == 1) && !second.spans.is_empty() {
                second.spans.pop();
            }
            second.spans.extend(last.spans);
            help_text.push(second);
        }
        let help_h = help_text.len().clamp(1, 2) as u16;
        // A long message (a print's whole path) wraps onto up to three lines instead of being cut.
        let flash_h = self
            .flash
            .as_ref()
            .map(|f| (f.text.chars().count() + 2).div_ceil(area.width.max(1) as usize))
            .unwrap_or(1)
            .clamp(1, 3) as u16;
        let [top, body, flash, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(flash_h),
            Constraint::Length(help_h),
        ])
        .areas(area);
        self.title_bar(frame, top);
        let ctx = self.ctx();
        self.top().view(frame, body, &ctx);
        if let Some(f) = &self.flash {
            let st = if f.error { self.theme.error() } else { self.theme.ok() };
            let prefix = if f.error { "! " } else { "" };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("{prefix}{}", crate::text::display(&f.text)), st))
                    .wrap(Wrap { trim: false }),
                flash,
            );
        }
        frame.render_widget(Paragraph::new(help_text), help);
        if self.show_help {
            self.help_overlay(frame, body);
        }
    }

    fn title_bar(&self, frame: &mut Frame<'_>, r: Rect) {
        let home = self
            .store
            .home()
            .ok()
            .flatten()
            .map(|h| h.name)
            .unwrap_or_else(|| "concordat".into());
        let who = self
            .session
            .as_ref()
            .map(|s| format!("{} ({})", s.staff.name, s.staff.role.label()))
            .unwrap_or_else(|| "not signed in".into());
        let left = format!(" {} · {}", crate::text::display(&home), self.top().title());
        let right = format!(
            "{who} · {} ",
            self.now.with_timezone(&crate::time::ZONE).format("%a %d %b %H:%M")
        );
        // A long screen title gives way to who is signed in and the time.
        let room = (r.width as usize).saturating_sub(right.chars().count() + 1);
        let left = super::form::truncate(&left, room);
        let pad = (r.width as usize).saturating_sub(left.chars().count() + right.chars().count());
        let line = Line::from(vec![
            Span::styled(left, self.theme.title()),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, self.theme.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), r);
    }

    fn help_overlay(&self, frame: &mut Frame<'_>, body: Rect) {
        let r = Rect {
            x: body.x + 4,
            y: body.y + 1,
            width: body.width.saturating_sub(8),
            height: body.height.saturating_sub(2),
        };
        frame.render_widget(Clear, r);
        let mut lines = vec![
            Line::from(Span::styled("Keys on this screen", self.theme.heading())),
            Line::from(""),
        ];
        for h in self.help_keys() {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>14}  ", h.keys), self.theme.key()),
                Span::raw(h.action),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(
            "In forms: Enter/Tab next field, Shift+Tab back, Ctrl+S (or F2) saves.",
        ));
        lines.push(Line::from(
            "What you type is kept as your draft as you type, through a lock or a power cut.",
        ));
        lines.push(Line::from(Span::styled(
            "Any key closes this help.",
            self.theme.muted(),
        )));
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::ALL).title(" Help "))
                .wrap(Wrap { trim: false }),
            r,
        );
    }
}

/// The help bar: key and action kept together, wrapped onto as many lines as the width needs.
pub fn hint_lines(h: &[Hint], theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans = Vec::new();
    let mut used = 0usize;
    for x in h {
        let w = x.keys.chars().count() + x.action.chars().count() + 3;
        if used + w > width as usize && !spans.is_empty() {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        spans.push(Span::styled(x.keys.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", x.action)));
        used += w;
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}

/// Who is signed in, for the app's holder note.
fn staff_label(session: &Option<Session>) -> String {
    session
        .as_ref()
        .map(|s| s.staff.name.clone())
        .unwrap_or_else(|| "nobody signed in".into())
}

/// Why a draft could not be written, in a few words (for inside another message: never a whole message).
fn short_reason(e: &StoreError) -> &'static str {
    match e {
        StoreError::Full => "the disk is full",
        StoreError::Busy => "the database is busy",
        StoreError::Replaced => "the database file was replaced by another program",
        StoreError::Corrupt { .. } => "the database is damaged",
        _ => "the database could not be written",
    }
}
