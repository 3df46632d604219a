//! The one place the app performs what screens ask for: every database write, and the print-outs.

use super::{App, Flash, Session};
use crate::domain::Child;
use crate::store::children::ChildError;
use crate::store::staff::{Recover, Setup, SignIn};
use crate::store::{Actor, Store, StoreError};
use crate::ui::page::{Done, Effect, PrintJob, Screen};
use crate::ui::screens;

impl App {
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
        child_done(r)
    }

    /// A write by the signed-in member of staff, who is named in it; "Sign in first." when nobody is.
    fn by_staff<T, E: std::fmt::Display>(
        &mut self,
        actor: &Option<Actor>,
        write: impl FnOnce(&mut Store, &Actor) -> Result<T, E>,
    ) -> Result<T, Done> {
        let a = actor.as_ref().ok_or_else(|| Done::Err("Sign in first.".into()))?;
        write(&mut self.store, a).map_err(|e| Done::Err(e.to_string()))
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
            Effect::ReactivateStaff { staff_id, reason } => self
                .by_staff(&actor, |s, a| s.reactivate_staff(a, staff_id, &reason))
                .map(|_| None),
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
                child_done(self.store.discharge_child(&a, id, &date, &reason))
            }
            Effect::AddStaff { name, role, passphrase } => self
                .by_staff(&actor, |s, a| s.add_staff(a, &name, role, &passphrase))
                .map(|s| Some(s.id)),
            Effect::ResetPassphrase { staff_id, passphrase } => self
                .by_staff(&actor, |s, a| s.reset_passphrase(a, staff_id, &passphrase))
                .map(|_| None),
            Effect::DeactivateStaff { staff_id, reason } => self
                .by_staff(&actor, |s, a| s.deactivate_staff(a, staff_id, &reason))
                .map(|_| None),
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
            } => self
                .by_staff(&actor, |s, a| s.save_draft(a, id, &kind, &title, &payload))
                .map(Some),
            Effect::CloseDraft { id, reason } => self
                .by_staff(&actor, |s, a| s.close_draft(a, id, &reason))
                .map(|_| None),
            Effect::TakeOverDraft { id } => self
                .by_staff(&actor, |s, a| s.take_over_draft(a, id))
                .map(|d| Some(d.id)),
            Effect::DiscardDraft { id, reason } => self
                .by_staff(&actor, |s, a| s.discard_draft(a, id, &reason))
                .map(|_| Some(id)),
            Effect::SaveIncident { record, draft_id } => self
                .by_staff(&actor, |s, a| s.save_incident(a, *record, draft_id))
                .map(Some),
            Effect::AddEntry { incident_id, change } => self
                .by_staff(&actor, |s, a| s.add_entry(a, incident_id, *change))
                .map(|_| Some(incident_id)),
            Effect::AddCourtEntry { incident_id, input } => self
                .by_staff(&actor, |s, a| s.add_court_entry(a, incident_id, &input))
                .map(|e| Some(e.id)),
            Effect::AcknowledgeHandover { covers_from, seen } => self
                .by_staff(&actor, |s, a| s.acknowledge_handover(a, covers_from, &seen))
                .map(Some),
            Effect::AddHandoverNote { text } => self.by_staff(&actor, |s, a| s.add_handover_note(a, &text)).map(Some),
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
    pub(super) fn print(&self, job: PrintJob) -> Flash {
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
}

/// A child written, or the fields the store refused (shown beside them) or why it could not write.
fn child_done(r: Result<Child, ChildError>) -> Result<Option<i64>, Done> {
    match r {
        Ok(c) => Ok(Some(c.id)),
        Err(ChildError::Fields(f)) => Err(Done::Fields(f.into_iter().map(|(k, m)| (k.to_string(), m)).collect())),
        Err(ChildError::Store(e)) => Err(Done::Err(App::error_text(&e))),
    }
}
