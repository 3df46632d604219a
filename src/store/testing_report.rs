//! For the report's and the dashboard's tests only: rows they need that no screen writes (another home's
//! incident as an import would hold it) and plain look-ups, so that no SQL is written outside the store.

use rusqlite::params;

use super::{Actor, Store};
use crate::domain::IncidentRecord;
use crate::domain::child::ValidChild;

impl Store {
    /// Another home (`home_uid`, named `home_name`) with one child, `child_uid`, and one incident, `rec`, as a
    /// YOS's import holds them, written and audited by `a`. Returns the incident's row id.
    pub(crate) fn put_other_home_incident(
        &mut self,
        a: &Actor,
        home_uid: &str,
        home_name: &str,
        child_uid: &str,
        child: &ValidChild,
        rec: &IncidentRecord,
    ) -> i64 {
        let json = serde_json::to_string(rec).unwrap();
        let categories: String = rec
            .categories
            .iter()
            .map(|c| format!("|{}", c.code()))
            .collect::<String>()
            + "|";
        self.write(a, |w| {
            w.insert(
                "other_homes",
                "INSERT INTO other_homes (uid, name) VALUES (?1, ?2)",
                params![home_uid, home_name],
            )?;
            let cid = super::children::insert_child(w, child_uid, home_uid, child)?;
            w.insert(
                "incidents",
                "INSERT INTO incidents (uid, home_uid, child_id, occurred_at, recorded_at, recorded_by, status, \
                 response, categories, summary, updated_at, record, current) VALUES (?1, ?2, ?3, ?4, ?4, 'X', \
                 'awaiting_review', ?5, ?6, 's', ?4, ?7, ?7)",
                params![
                    rec.uid,
                    home_uid,
                    cid,
                    crate::time::to_db(rec.occurred_at),
                    rec.response.code(),
                    categories,
                    json
                ],
            )
        })
        .unwrap()
    }

    /// The row id of the (first) incident about the child whose row id is `child_id`.
    pub(crate) fn incident_id_of_child(&self, child_id: i64) -> i64 {
        self.conn
            .query_row("SELECT id FROM incidents WHERE child_id = ?1", [child_id], |r| r.get(0))
            .unwrap()
    }

    /// The row id of the newest incident of the home `home_uid`.
    pub(crate) fn last_incident_id_of_home(&self, home_uid: &str) -> i64 {
        self.conn
            .query_row("SELECT MAX(id) FROM incidents WHERE home_uid = ?1", [home_uid], |r| {
                r.get(0)
            })
            .unwrap()
    }
}
