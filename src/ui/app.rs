//! The app's one state, its messages, and `update`: keys become messages, messages become effects, and
//! every database write happens in [`App::perform`]. Drawing is in [`App::view`], which only reads state.

use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};

use super::keymap::{self, Hint, is_ctrl};
use super::screens;
use super::theme::Theme;
use crate::protocol::Protocol;
use crate::store::drafts::FORM;
use crate::store::{Store, StoreError};

mod effects;
mod view;

pub use view::hint_lines;

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

    /// Hand the screen on top the context it reads: the app's state, borrowed beside the screen stack (which a
    /// `&self` [`App::ctx`] could not be).
    fn on_top<R>(&mut self, f: impl FnOnce(&mut Screen, &Ctx<'_>) -> R) -> R {
        let ctx = Ctx {
            store: &self.store,
            session: self.session.as_ref(),
            protocol: &self.protocol,
            now: self.now,
            theme: self.theme,
        };
        f(self.stack.last_mut().expect("non-empty"), &ctx)
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
                let out = self.on_top(|top, ctx| top.paste(ctx, &s));
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
                let out = self.on_top(|top, ctx| top.update(ctx, k));
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
                let out = self.on_top(|top, ctx| top.done(ctx, done));
                self.handle(out);
            }
            Outcome::Flash(t) => self.flash = Some(Flash { text: t, error: false }),
            Outcome::Lock => self.lock("Locked on request."),
            Outcome::Quit => self.quit_safely(),
        }
    }

    /// After going back, the screen below may show stale data: let it reload.
    fn refresh_top(&mut self) {
        self.on_top(|top, ctx| top.refresh(ctx));
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
        self.dirty = None;
        let mut from_memory = None;
        if let Some(h) = &self.hold {
            h.signed_in(Some(&staff_label(&self.session)));
        }
        let mut kept_id = None;
        let stack = {
            let ctx = self.ctx();
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
                    kept_id = Some(d.id);
                }
            }
            stack
        };
        self.kept_id = kept_id;
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
