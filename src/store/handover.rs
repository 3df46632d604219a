//! Handovers between shifts: what happened since the last acknowledged handover, and who has read it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError, parse_ts, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub id: i64,
    pub acknowledged_at: DateTime<Utc>,
    pub acknowledged_by: String,
    pub covers_from: DateTime<Utc>,
    pub note: String,
    pub note_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverNote {
    pub id: i64,
    pub written_at: DateTime<Utc>,
    pub written_by: String,
    pub text: String,
}

pub const NOTE_MAX: usize = 2000;

impl Store {
    pub fn last_handover(&self) -> Result<Option<Handover>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, acknowledged_at, acknowledged_by, covers_from, note, note_by FROM handovers \
                 ORDER BY acknowledged_at DESC, id DESC LIMIT 1",
                [],
                |r| {
                    Ok(Handover {
                        id: r.get(0)?,
                        acknowledged_at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                        acknowledged_by: r.get(2)?,
                        covers_from: parse_ts(&r.get::<_, String>(3)?).unwrap_or_default(),
                        note: r.get(4)?,
                        note_by: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The incoming member of staff confirms they have read the handover covering `covers_from` to now.
    /// The notes left since then are carried into the acknowledged handover.
    pub fn acknowledge_handover(&mut self, actor: &Actor, covers_from: DateTime<Utc>) -> Result<i64> {
        let notes = self.handover_notes_since(covers_from)?;
        let note = notes.iter().map(|n| n.text.clone()).collect::<Vec<_>>().join("\n");
        let by = notes
            .iter()
            .map(|n| n.written_by.clone())
            .collect::<Vec<_>>()
            .join(", ");
        self.write(actor, |w| {
            let now = w.now_str();
            w.insert(
                "handovers",
                "INSERT INTO handovers (acknowledged_at, acknowledged_by, acknowledged_by_id, covers_from, note, note_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![now, w.actor.name.clone(), w.actor.staff_id, ts(covers_from), note, by],
            )
        })
    }

    /// The outgoing shift leaves a note for the next handover.
    pub fn add_handover_note(&mut self, actor: &Actor, text: &str) -> Result<i64> {
        let text = crate::text::clean_text(text, NOTE_MAX).trim().to_string();
        if text.is_empty() {
            return Err(StoreError::Invalid("The note is empty.".into()));
        }
        self.write(actor, |w| {
            let now = w.now_str();
            w.insert(
                "handover_notes",
                "INSERT INTO handover_notes (written_at, written_by, written_by_id, text) VALUES (?1, ?2, ?3, ?4)",
                params![now, w.actor.name.clone(), w.actor.staff_id, text],
            )
        })
    }

    pub fn handover_notes_since(&self, since: DateTime<Utc>) -> Result<Vec<HandoverNote>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, written_at, written_by, text FROM handover_notes WHERE written_at >= ?1 ORDER BY written_at, id",
        )?;
        let v = s
            .query_map([ts(since)], |r| {
                Ok(HandoverNote {
                    id: r.get(0)?,
                    written_at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                    written_by: r.get(2)?,
                    text: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}
