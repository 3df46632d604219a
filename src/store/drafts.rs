//! Drafts: work in progress kept through a lock, a crash or a power cut. Closed when saved or discarded,
//! never deleted. A draft is its author's: only they keep typing into it. A manager may take one over only by
//! saying so ([`Store::take_over_draft`]: recorded in `draft_takeovers`, and the author is told at their next
//! sign-in); a draft is discarded only with a reason ([`Store::discard_draft`]), and its words stay in the closed
//! row (the audit trail holds their digest, so any later edit of them shows in `verify`).

use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError, parse_ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub kind: String,
    pub title: String,
    pub payload: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A take-over the author has not yet been told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenOver {
    pub draft_id: i64,
    pub title: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Kinds of draft.
pub const INCIDENT: &str = "incident";
/// A form being typed into (kept as it is typed, and when the app locks; its payload says which form).
pub const FORM: &str = "form";

/// The shortest reason a discard takes.
pub const MIN_REASON: usize = 3;

pub(crate) fn close_in(w: &mut super::audit::Writer<'_>, id: i64, reason: &str) -> Result<()> {
    let now = w.now_str();
    w.update(
        "drafts",
        id,
        "close",
        "UPDATE drafts SET closed_at = ?1, closed_reason = ?2 WHERE id = ?3 AND closed_at IS NULL",
        params![now, reason, id],
    )
}

/// The author's open form drafts that hold newer typing of the incident draft `id` (the wizard's own state).
fn wizard_state_for(payload: &str, id: i64) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(payload).ok()?;
    if v.get("screen")?.as_str()? != "wizard" || v.get("context")?.as_i64()? != id {
        return None;
    }
    Some(v.get("values")?.get("state")?.as_str()?.to_string())
}

/// A draft as read by `SELECT d.id, d.staff_id, s.name, d.kind, d.title, d.payload, d.updated_at FROM drafts d
/// JOIN staff s ON s.id = d.staff_id …`.
fn draft_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        staff_name: r.get(2)?,
        kind: r.get(3)?,
        title: r.get(4)?,
        payload: r.get(5)?,
        updated_at: parse_ts(&r.get::<_, String>(6)?).unwrap_or_default(),
    })
}

impl Store {
    /// Who took over draft `id` from `staff_id`, and when (the latest take-over).
    fn taken_from(&self, id: i64, staff_id: i64) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.name, t.taken_at FROM draft_takeovers t JOIN staff s ON s.id = t.to_staff \
                 WHERE t.draft_id = ?1 AND t.from_staff = ?2 ORDER BY t.id DESC LIMIT 1",
                params![id, staff_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(n, at)| (n, parse_ts(&at).unwrap_or_default())))
    }

    /// Why `actor` may not write to draft `id` owned by `owner`.
    fn not_yours(&self, actor: &Actor, id: i64) -> Result<StoreError> {
        let me = actor.staff_id.unwrap_or(-1);
        Ok(match self.taken_from(id, me)? {
            Some((by, at)) => StoreError::NotAllowed(format!(
                "{} took over this draft at {}; it is theirs now.",
                by,
                crate::time::show_short(at)
            )),
            None => StoreError::NotAllowed("this draft belongs to someone else.".into()),
        })
    }

    /// Create (id None) or update a draft of the signed-in person. Returns its id. Only the author writes to
    /// a draft: a manager who needs someone else's takes it over first ([`Store::take_over_draft`]).
    pub fn save_draft(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        kind: &str,
        title: &str,
        payload: &str,
    ) -> Result<i64> {
        let staff_id = actor
            .staff_id
            .ok_or_else(|| StoreError::NotAllowed("sign in to keep a draft.".into()))?;
        let title = crate::text::clean_line(title, 120);
        if let Some(id) = id {
            let owner: Option<(i64, Option<String>, String)> = self
                .conn
                .query_row(
                    "SELECT staff_id, closed_at, payload FROM drafts WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match owner {
                Some((o, _, _)) if o != staff_id => return Err(self.not_yours(actor, id)?),
                Some((_, Some(_), _)) => {
                    return Err(StoreError::Invalid("That draft was already saved or discarded.".into()));
                }
                Some((_, None, old)) if old == payload => return Ok(id),
                None => return Err(StoreError::NotFound(format!("draft {id}"))),
                _ => {}
            }
            self.write(actor, |w| {
                let now = w.now_str();
                w.update(
                    "drafts",
                    id,
                    "update",
                    "UPDATE drafts SET title = ?1, payload = ?2, updated_at = ?3 WHERE id = ?4",
                    params![title, payload, now, id],
                )
            })?;
            Ok(id)
        } else {
            self.write(actor, |w| {
                let now = w.now_str();
                w.insert(
                    "drafts",
                    "INSERT INTO drafts (staff_id, kind, title, payload, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![staff_id, kind, title, payload, now],
                )
            })
        }
    }

    /// Open drafts of this kind: a member of staff sees their own; a manager sees everyone's, to take one over
    /// or discard it (never to resume silently: see [`Store::save_draft`]). Newest first.
    pub fn open_drafts(&self, actor: &Actor, kind: &str) -> Result<Vec<Draft>> {
        let all = actor.role.is_manager();
        let mut s = self.conn.prepare_cached(
            "SELECT d.id, d.staff_id, s.name, d.kind, d.title, d.payload, d.updated_at FROM drafts d \
             JOIN staff s ON s.id = d.staff_id WHERE d.closed_at IS NULL AND d.kind = ?1 AND (?2 OR d.staff_id = ?3) \
             ORDER BY d.updated_at DESC, d.id DESC",
        )?;
        let v = s
            .query_map(params![kind, all, actor.staff_id.unwrap_or(-1)], draft_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// One draft by id, open or closed, if `actor` may see it (its author, or a manager).
    pub fn draft(&self, actor: &Actor, id: i64) -> Result<Option<Draft>> {
        let d = self
            .conn
            .query_row(
                "SELECT d.id, d.staff_id, s.name, d.kind, d.title, d.payload, d.updated_at FROM drafts d \
                 JOIN staff s ON s.id = d.staff_id WHERE d.id = ?1",
                [id],
                draft_from_row,
            )
            .optional()?;
        Ok(d.filter(|d| Some(d.staff_id) == actor.staff_id || actor.role.is_manager()))
    }

    /// Refuse to finish (save as an incident) a draft that is not `actor`'s: taken over, or someone else's.
    pub(crate) fn check_own_draft(&self, actor: &Actor, id: i64) -> Result<()> {
        let owner: Option<i64> = self
            .conn
            .query_row("SELECT staff_id FROM drafts WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        match owner {
            Some(o) if Some(o) != actor.staff_id => Err(self.not_yours(actor, id)?),
            _ => Ok(()),
        }
    }

    /// Close one's own draft (a form saved or left, a kept form restored). Someone else's is discarded with a
    /// reason ([`Store::discard_draft`]) or taken over, never closed silently.
    pub fn close_draft(&mut self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let owner: i64 = self
            .conn
            .query_row("SELECT staff_id FROM drafts WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))?;
        if Some(owner) != actor.staff_id {
            return Err(self.not_yours(actor, id)?);
        }
        self.write(actor, |w| close_in(w, id, reason))
    }

    /// Discard a draft, saying why: its author, or a manager. The row stays, closed, with its words and the
    /// reason ("Discarded by NAME: why"); the audit row says who and when.
    pub fn discard_draft(&mut self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let reason = crate::text::clean_line(reason, 300);
        if reason.trim().chars().count() < MIN_REASON {
            return Err(StoreError::Invalid("Say why the draft is discarded.".into()));
        }
        let (owner, closed): (i64, Option<String>) = self
            .conn
            .query_row("SELECT staff_id, closed_at FROM drafts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))?;
        if Some(owner) != actor.staff_id && !actor.role.is_manager() {
            return Err(self.not_yours(actor, id)?);
        }
        if closed.is_some() {
            return Err(StoreError::Invalid("That draft was already saved or discarded.".into()));
        }
        let text = format!("Discarded by {}: {}", actor.name, reason.trim());
        // The author's form kept as they typed into it goes with it (closed, words kept): it would otherwise
        // come back at their next sign-in as a new draft.
        let forms: Vec<i64> = self.wizard_forms_of(owner, id)?.into_iter().map(|f| f.0).collect();
        self.write(actor, |w| {
            close_in(w, id, &text)?;
            for fid in &forms {
                close_in(w, *fid, &text)?;
            }
            Ok(())
        })
    }

    /// A manager takes over someone else's incident draft: it becomes theirs (with the author's latest typing,
    /// from the form kept as they typed), the author can no longer save it, and the take-over is recorded for
    /// the author to be told. Returns the draft as it now is.
    pub fn take_over_draft(&mut self, actor: &Actor, id: i64) -> Result<Draft> {
        actor.require_manager("take over someone else's draft")?;
        let me = actor
            .staff_id
            .ok_or_else(|| StoreError::NotAllowed("sign in to take over a draft.".into()))?;
        let d = self
            .draft(actor, id)?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))?;
        if d.kind != INCIDENT {
            return Err(StoreError::NotAllowed(
                "only an incident draft can be taken over.".into(),
            ));
        }
        if d.staff_id == me {
            return Ok(d);
        }
        let closed: Option<String> = self
            .conn
            .query_row("SELECT closed_at FROM drafts WHERE id = ?1", [id], |r| r.get(0))?;
        if closed.is_some() {
            return Err(StoreError::Invalid("That draft was already saved or discarded.".into()));
        }
        // The author's newest typing may be in the form kept as they typed, newer than the step they last left.
        let forms = self.wizard_forms_of(d.staff_id, id)?;
        let to_close: Vec<i64> = forms.iter().map(|f| f.0).collect();
        let payload = forms
            .into_iter()
            .find(|f| f.2 >= d.updated_at)
            .map(|f| f.1)
            .unwrap_or_else(|| d.payload.clone());
        let closing = format!("Taken over by {}", actor.name);
        self.write(actor, |w| {
            let now = w.now_str();
            w.update(
                "drafts",
                id,
                "take_over",
                "UPDATE drafts SET staff_id = ?1, payload = ?2, updated_at = ?3 WHERE id = ?4 AND closed_at IS NULL",
                params![me, payload, now, id],
            )?;
            w.insert(
                "draft_takeovers",
                "INSERT INTO draft_takeovers (draft_id, from_staff, to_staff, taken_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, d.staff_id, me, now],
            )?;
            for fid in &to_close {
                close_in(w, *fid, &closing)?;
            }
            Ok(())
        })?;
        self.draft(actor, id)?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))
    }

    /// The open forms of `staff_id` kept as they typed into incident draft `id`, newest first: (form draft id,
    /// the wizard's state, when kept).
    fn wizard_forms_of(&self, staff_id: i64, id: i64) -> Result<Vec<(i64, String, chrono::DateTime<chrono::Utc>)>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, payload, updated_at FROM drafts WHERE closed_at IS NULL AND kind = ?1 AND staff_id = ?2 \
             ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = s
            .query_map(params![FORM, staff_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(fid, payload, at)| {
                wizard_state_for(&payload, id).map(|st| (fid, st, parse_ts(&at).unwrap_or_default()))
            })
            .collect())
    }

    /// Drafts of `actor`'s taken over since they were last told; marks them told (recorded, by the author).
    pub fn takeover_notices(&mut self, actor: &Actor) -> Result<Vec<TakenOver>> {
        let Some(me) = actor.staff_id else {
            return Ok(vec![]);
        };
        let v: Vec<(i64, TakenOver)> = {
            let mut s = self.conn.prepare_cached(
                "SELECT t.id, t.draft_id, d.title, s.name, t.taken_at FROM draft_takeovers t \
                 JOIN drafts d ON d.id = t.draft_id JOIN staff s ON s.id = t.to_staff \
                 WHERE t.from_staff = ?1 AND t.told_at IS NULL ORDER BY t.id",
            )?;
            s.query_map([me], |r| {
                Ok((
                    r.get(0)?,
                    TakenOver {
                        draft_id: r.get(1)?,
                        title: r.get(2)?,
                        by: r.get(3)?,
                        at: parse_ts(&r.get::<_, String>(4)?).unwrap_or_default(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };
        if v.is_empty() {
            return Ok(vec![]);
        }
        self.write(actor, |w| {
            let now = w.now_str();
            for (tid, _) in &v {
                w.update(
                    "draft_takeovers",
                    *tid,
                    "told",
                    "UPDATE draft_takeovers SET told_at = ?1 WHERE id = ?2",
                    params![now, tid],
                )?;
            }
            Ok(())
        })?;
        Ok(v.into_iter().map(|(_, t)| t).collect())
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::staff::tests::{actor, set_up};

    #[test]
    fn drafts_belong_to_their_author_and_managers() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let w = s.add_staff(&a, "Sam", Role::Staff, "12345678").unwrap();
        let b = s.add_staff(&a, "Kim", Role::Staff, "12345678").unwrap();
        let wa = s.signer_for(w.id, "12345678").unwrap();
        let id = s.save_draft(&wa, None, INCIDENT, "Jordan", "{\"step\":1}").unwrap();
        s.save_draft(&wa, Some(id), INCIDENT, "Jordan", "{\"step\":2}").unwrap();
        assert_eq!(s.open_drafts(&wa, INCIDENT).unwrap()[0].payload, "{\"step\":2}");
        assert!(s.open_drafts(&actor(&b), INCIDENT).unwrap().is_empty());
        // A manager sees it (to take it over or discard it), but does not write to it.
        assert_eq!(s.open_drafts(&a, INCIDENT).unwrap().len(), 1);
        assert!(s.save_draft(&a, Some(id), INCIDENT, "x", "{}").is_err());
        assert!(s.save_draft(&actor(&b), Some(id), INCIDENT, "x", "{}").is_err());
        s.close_draft(&wa, id, "discarded").unwrap();
        assert!(s.open_drafts(&wa, INCIDENT).unwrap().is_empty());
        assert!(s.save_draft(&wa, Some(id), INCIDENT, "x", "{}").is_err());
        assert!(s.verify().unwrap().is_sound());
    }

    /// Sam Night (staff) with a draft, Pat Manager, Kim (staff).
    fn three() -> (Store, Actor, Actor, Actor, i64) {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let w = s.add_staff(&a, "Sam Night", Role::Staff, "12345678").unwrap();
        let k = s.add_staff(&a, "Kim Day", Role::Staff, "12345678").unwrap();
        let sam = s.signer_for(w.id, "12345678").unwrap();
        let kim = s.signer_for(k.id, "12345678").unwrap();
        let id = s
            .save_draft(
                &sam,
                None,
                INCIDENT,
                "Jordan 22/11 02:00",
                "{\"words\":\"Sam's account\"}",
            )
            .unwrap();
        (s, a, sam, kim, id)
    }

    #[test]
    fn a_manager_cannot_overwrite_someone_elses_draft_without_taking_it_over() {
        let (mut s, pat, sam, _, id) = three();
        let e = s
            .save_draft(&pat, Some(id), INCIDENT, "x", "{\"words\":\"Pat's\"}")
            .unwrap_err();
        assert!(e.to_string().contains("belongs to someone else"), "{e}");
        assert!(s.close_draft(&pat, id, "x").is_err(), "not closed silently either");
        assert_eq!(
            s.open_drafts(&sam, INCIDENT).unwrap()[0].payload,
            "{\"words\":\"Sam's account\"}"
        );
    }

    #[test]
    fn take_over_is_recorded_and_the_author_is_told_once() {
        let (mut s, pat, sam, _, id) = three();
        // Sam's newest typing is in the form kept as they typed (newer than the step they left).
        let form = format!(
            "{{\"screen\":\"wizard\",\"context\":{id},\"values\":{{\"state\":\"{{\\\"words\\\":\\\"newest\\\"}}\"}}}}"
        );
        let fid = s.save_draft(&sam, None, FORM, "Incident", &form).unwrap();
        let d = s.take_over_draft(&pat, id).unwrap();
        assert_eq!(d.staff_id, pat.staff_id.unwrap());
        assert_eq!(d.payload, "{\"words\":\"newest\"}");
        // Recorded, attributed to the manager.
        let (from, to): (i64, i64) = s
            .conn
            .query_row(
                "SELECT from_staff, to_staff FROM draft_takeovers WHERE draft_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((Some(from), Some(to)), (sam.staff_id, pat.staff_id));
        let who: String = s
            .conn
            .query_row(
                "SELECT staff_name FROM audit WHERE entity = 'draft_takeovers' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(who.contains("Pat Manager"), "{who}");
        // Sam can no longer save it, and their kept form is not given back to them.
        let e = s.save_draft(&sam, Some(id), INCIDENT, "x", "{}").unwrap_err();
        assert!(e.to_string().contains("Pat Manager took over this draft"), "{e}");
        assert!(s.open_drafts(&sam, FORM).unwrap().iter().all(|d| d.id != fid));
        assert!(s.open_drafts(&sam, INCIDENT).unwrap().is_empty());
        // Told at the next sign-in, once.
        let told = s.takeover_notices(&sam).unwrap();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].by, "Pat Manager");
        assert!(s.takeover_notices(&sam).unwrap().is_empty());
        // The manager carries on with it.
        s.save_draft(&pat, Some(id), INCIDENT, "x", "{\"words\":\"Pat's\"}")
            .unwrap();
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn a_member_of_staff_cannot_take_over_or_discard_another_draft() {
        let (mut s, _, sam, kim, id) = three();
        assert!(s.open_drafts(&kim, INCIDENT).unwrap().is_empty());
        assert!(s.draft(&kim, id).unwrap().is_none());
        assert!(matches!(s.take_over_draft(&kim, id), Err(StoreError::NotAllowed(_))));
        assert!(matches!(
            s.discard_draft(&kim, id, "not needed"),
            Err(StoreError::NotAllowed(_))
        ));
        assert!(s.save_draft(&kim, Some(id), INCIDENT, "x", "{}").is_err());
        assert_eq!(s.open_drafts(&sam, INCIDENT).unwrap().len(), 1);
    }

    #[test]
    fn discard_needs_a_reason_and_is_recorded_with_the_words_kept() {
        let (mut s, pat, sam, _, id) = three();
        let form = format!("{{\"screen\":\"wizard\",\"context\":{id},\"values\":{{\"state\":\"{{}}\"}}}}");
        s.save_draft(&sam, None, FORM, "Incident", &form).unwrap();
        assert!(matches!(s.discard_draft(&pat, id, "  "), Err(StoreError::Invalid(_))));
        assert_eq!(s.open_drafts(&sam, INCIDENT).unwrap().len(), 1);
        s.discard_draft(&pat, id, "started twice, the other is saved").unwrap();
        assert!(s.open_drafts(&sam, INCIDENT).unwrap().is_empty());
        let (why, words, at): (String, String, Option<String>) = s
            .conn
            .query_row(
                "SELECT closed_reason, payload, closed_at FROM drafts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(why, "Discarded by Pat Manager: started twice, the other is saved");
        assert_eq!(words, "{\"words\":\"Sam's account\"}");
        assert!(at.is_some());
        // The form Sam was typing it in goes with it: it does not come back at their next sign-in.
        assert!(s.open_drafts(&sam, FORM).unwrap().is_empty());
        // The author may discard their own, too.
        let id2 = s.save_draft(&sam, None, INCIDENT, "t", "{}").unwrap();
        s.discard_draft(&sam, id2, "a test").unwrap();
        assert!(s.verify().unwrap().is_sound());
    }
}
