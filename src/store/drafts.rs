//! Drafts: work in progress kept through a lock, a crash or a power cut. Closed when saved or discarded,
//! never deleted. A draft is offered back to the person who started it (or to a manager).

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

/// Kinds of draft.
pub const INCIDENT: &str = "incident";
/// A form that was open when the app locked (its payload says which).
pub const FORM: &str = "form";

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

impl Store {
    /// Create (id None) or update a draft of the signed-in person. Returns its id.
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
                Some((_, Some(_), _)) => {
                    return Err(StoreError::Invalid("That draft was already saved or discarded.".into()));
                }
                Some((o, None, _)) if o != staff_id && !actor.role.is_manager() => {
                    return Err(StoreError::NotAllowed("this draft belongs to someone else.".into()));
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

    /// Open drafts a person may resume: their own, or everyone's for a manager. Newest first.
    pub fn open_drafts(&self, actor: &Actor, kind: &str) -> Result<Vec<Draft>> {
        let all = actor.role.is_manager();
        let mut s = self.conn.prepare_cached(
            "SELECT d.id, d.staff_id, s.name, d.kind, d.title, d.payload, d.updated_at FROM drafts d \
             JOIN staff s ON s.id = d.staff_id WHERE d.closed_at IS NULL AND d.kind = ?1 AND (?2 OR d.staff_id = ?3) \
             ORDER BY d.updated_at DESC, d.id DESC",
        )?;
        let v = s
            .query_map(params![kind, all, actor.staff_id.unwrap_or(-1)], |r| {
                Ok(Draft {
                    id: r.get(0)?,
                    staff_id: r.get(1)?,
                    staff_name: r.get(2)?,
                    kind: r.get(3)?,
                    title: r.get(4)?,
                    payload: r.get(5)?,
                    updated_at: parse_ts(&r.get::<_, String>(6)?).unwrap_or_default(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Discard a draft (it stays in the database, closed, with the reason).
    pub fn close_draft(&mut self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let owner: i64 = self
            .conn
            .query_row("SELECT staff_id FROM drafts WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))?;
        if Some(owner) != actor.staff_id && !actor.role.is_manager() {
            return Err(StoreError::NotAllowed("this draft belongs to someone else.".into()));
        }
        self.write(actor, |w| close_in(w, id, reason))
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
        assert_eq!(s.open_drafts(&a, INCIDENT).unwrap().len(), 1);
        assert!(s.save_draft(&actor(&b), Some(id), INCIDENT, "x", "{}").is_err());
        s.close_draft(&wa, id, "discarded").unwrap();
        assert!(s.open_drafts(&wa, INCIDENT).unwrap().is_empty());
        assert!(s.save_draft(&wa, Some(id), INCIDENT, "x", "{}").is_err());
        assert!(s.verify().unwrap().is_sound());
    }
}
