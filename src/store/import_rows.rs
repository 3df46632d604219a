//! The rows an import reads and writes, inside its one audited transaction: the importer matches, checks and
//! merges; every statement is here. Incidents and entries go in through the same writers the app uses
//! ([`super::incidents::insert_row`], [`super::incidents::insert_entry_row`]).

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::Result;
use super::audit::Writer;
pub(crate) use super::staff::insert_home;

/// The register's columns of a child as kept here, before or after a file's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildColumns {
    pub name: String,
    pub dob: NaiveDate,
    pub gender: String,
    pub ethnicity: String,
    pub legal_status: String,
    pub admitted: NaiveDate,
    pub discharged: Option<NaiveDate>,
    pub discharge_reason: String,
    pub yos_open: bool,
    pub yos_ref: String,
}

pub use super::incidents::EntryRow;

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Writer<'_> {
    fn id_where(&self, sql: &str, uid: &str) -> Result<Option<i64>> {
        Ok(self.conn().query_row(sql, [uid], |r| r.get(0)).optional()?)
    }

    fn owner_where(&self, sql: &str, uid: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn()
            .query_row(sql, [uid], |x| Ok((x.get(0)?, x.get(1)?)))
            .optional()?)
    }

    /// The child a home's files know by this pseudonym.
    pub fn child_id_by_pseudonym(&self, home_uid: &str, pseudonym: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM child_facts WHERE home_uid = ?1 AND pseudonym = ?2",
                params![home_uid, pseudonym],
                |r| r.get::<_, i64>(0),
            )
            .optional()?)
    }

    pub fn child_id_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        self.id_where("SELECT id FROM children WHERE uid = ?1", uid)
    }

    /// A child's id and home, by uid.
    pub fn child_owner(&self, uid: &str) -> Result<Option<(i64, String)>> {
        self.owner_where("SELECT id, home_uid FROM children WHERE uid = ?1", uid)
    }

    /// An incident's id and home, by uid.
    pub fn incident_owner(&self, uid: &str) -> Result<Option<(i64, String)>> {
        self.owner_where("SELECT id, home_uid FROM incidents WHERE uid = ?1", uid)
    }

    pub fn incident_id_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        self.id_where("SELECT id FROM incidents WHERE uid = ?1", uid)
    }

    pub fn other_home_id(&self, uid: &str) -> Result<Option<i64>> {
        self.id_where("SELECT id FROM other_homes WHERE uid = ?1", uid)
    }

    pub fn entry_id_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        self.id_where("SELECT id FROM entries WHERE uid = ?1", uid)
    }

    /// An imported child's pseudonym and facts (JSON), when kept.
    pub fn child_facts(&self, id: i64) -> Result<Option<(String, String)>> {
        Ok(self
            .conn()
            .query_row("SELECT pseudonym, facts FROM child_facts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// A child's uid and register columns (a date that cannot be read is the default date).
    pub fn child_columns(&self, id: i64) -> Result<(String, ChildColumns)> {
        Ok(self.conn().query_row(
            "SELECT uid, name, dob, gender, ethnicity, legal_status, admitted, discharged, discharge_reason, yos_open, \
             yos_ref FROM children WHERE id = ?1",
            [id],
            |r| {
                let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").unwrap_or_default();
                Ok((
                    r.get(0)?,
                    ChildColumns {
                        name: r.get(1)?,
                        dob: date(r.get(2)?),
                        gender: r.get(3)?,
                        ethnicity: r.get(4)?,
                        legal_status: r.get(5)?,
                        admitted: date(r.get(6)?),
                        discharged: r.get::<_, Option<String>>(7)?.map(date),
                        discharge_reason: r.get(8)?,
                        yos_open: r.get::<_, i64>(9)? != 0,
                        yos_ref: r.get(10)?,
                    },
                ))
            },
        )?)
    }

    /// Whether a child has an open YOS case.
    pub fn child_yos_open(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT yos_open FROM children WHERE id = ?1", [id], |x| {
                x.get::<_, i64>(0)
            })?
            != 0)
    }

    /// A child of another home's file, new here (audited).
    pub fn insert_imported_child(&mut self, uid: &str, home_uid: &str, c: &ChildColumns) -> Result<i64> {
        super::children::insert_child_row(
            self,
            &super::children::ChildRow {
                uid,
                home_uid,
                name: &c.name,
                preferred_name: "",
                dob: c.dob,
                gender: &c.gender,
                ethnicity: &c.ethnicity,
                legal_status: &c.legal_status,
                placing_authority: "",
                social_worker: "",
                social_worker_contact: "",
                admitted: c.admitted,
                discharged: c.discharged,
                discharge_reason: &c.discharge_reason,
                yos_open: c.yos_open,
                yos_worker: "",
                yos_ref: &c.yos_ref,
                what_helps: "",
            },
        )
    }

    /// A child's register columns brought up to date by a file (audited as `import`).
    pub fn update_imported_child(&mut self, id: i64, c: &ChildColumns) -> Result<()> {
        self.update(
            "children",
            id,
            "import",
            "UPDATE children SET name=?1, dob=?2, gender=?3, ethnicity=?4, legal_status=?5, admitted=?6, \
             discharged=?7, discharge_reason=?8, yos_open=?9, yos_ref=?10 WHERE id=?11",
            params![
                c.name,
                day(c.dob),
                c.gender,
                c.ethnicity,
                c.legal_status,
                day(c.admitted),
                c.discharged.map(day),
                c.discharge_reason,
                c.yos_open as i64,
                c.yos_ref,
                id
            ],
        )
    }

    /// An imported child's pseudonym and facts, first kept (audited).
    pub fn insert_child_facts(&mut self, id: i64, home_uid: &str, pseudonym: &str, facts: &str) -> Result<i64> {
        self.insert(
            "child_facts",
            "INSERT INTO child_facts (id, home_uid, pseudonym, facts) VALUES (?1, ?2, ?3, ?4)",
            params![id, home_uid, pseudonym, facts],
        )
    }

    /// An imported child's facts, changed by a later file (audited as `import`).
    pub fn update_child_facts(&mut self, id: i64, facts: &str) -> Result<()> {
        self.update(
            "child_facts",
            id,
            "import",
            "UPDATE child_facts SET facts = ?1 WHERE id = ?2",
            params![facts, id],
        )
    }

    /// The uids of an incident's entries.
    pub fn entry_uids(&self, incident_id: i64) -> Result<HashSet<String>> {
        let mut s = self
            .conn()
            .prepare_cached("SELECT uid FROM entries WHERE incident_id = ?1")?;
        let v = s
            .query_map([incident_id], |x| x.get::<_, String>(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// An incident's saved record as stored (JSON).
    pub fn incident_record_json(&self, id: i64) -> Result<String> {
        Ok(self
            .conn()
            .query_row("SELECT record FROM incidents WHERE id = ?1", [id], |x| x.get(0))?)
    }

    /// An incident's entries as stored, oldest first.
    pub fn entry_rows(&self, incident_id: i64) -> Result<Vec<EntryRow>> {
        super::incidents::entry_rows(self.conn(), incident_id)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Change;
    use crate::domain::incident::fixtures::record;
    use crate::store::Store;
    use crate::store::children::tests::input;
    use crate::store::staff::tests::{actor, set_up};

    /// Every column of an incident row but its id, its child's id and who recorded it here (an imported record
    /// has no member of staff here), and every column of its entries but their ids and `by_id`.
    fn row_of(s: &Store, uid: &str) -> (Vec<rusqlite::types::Value>, Vec<Vec<rusqlite::types::Value>>) {
        let c = &s.conn;
        let inc = c
            .query_row(
                "SELECT id, uid, home_uid, occurred_at, recorded_at, recorded_by, status, response, categories, \
                 police_ref, summary, open_actions, updated_at, record, current FROM incidents WHERE uid = ?1",
                [uid],
                |r| {
                    (0..15)
                        .map(|i| r.get(i))
                        .collect::<rusqlite::Result<Vec<rusqlite::types::Value>>>()
                },
            )
            .unwrap();
        let id = match &inc[0] {
            rusqlite::types::Value::Integer(i) => *i,
            v => panic!("{v:?}"),
        };
        let mut st = c
            .prepare("SELECT uid, at, by_name, kind, change FROM entries WHERE incident_id = ?1 ORDER BY id")
            .unwrap();
        let entries = st
            .query_map([id], |r| (0..5).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        (inc[1..].to_vec(), entries)
    }

    #[test]
    fn a_row_the_import_writes_equals_the_row_the_app_wrote_column_for_column() {
        // A home records an incident and adds to it; another database imports the home's weekly file.
        let (mut home, m) = set_up();
        let a = actor(&m);
        home.set_clock(crate::time::from_db("2026-11-18T09:00:00Z"));
        let mut child = input("Jordan Smith");
        child.yos_open = true; // named in the file, with the full account
        let c = home.add_child(&a, &child).unwrap();
        let mut r = record();
        r.child_uid = c.uid;
        let id = home.save_incident(&a, r, None).unwrap();
        home.set_clock(crate::time::from_db("2026-11-19T10:00:00Z"));
        home.add_entry(
            &a,
            id,
            Change::SpokeToStaff {
                at: crate::time::from_db("2026-11-19T09:30:00Z").unwrap(),
            },
        )
        .unwrap();
        home.set_clock(crate::time::from_db("2026-11-25T10:00:00Z"));
        let week = crate::export::last_week(home.now());
        let file = crate::export::build(&home, &week).unwrap();
        let uid = home.incident(id).unwrap().record.uid;

        let (mut yos, y) = set_up();
        yos.set_clock(crate::time::from_db("2026-11-25T11:00:00Z"));
        let sum = crate::export::import::import(&mut yos, &actor(&y), &file.json).unwrap();
        assert_eq!((sum.incidents, sum.entries), (1, 1), "{sum:?}");

        let (app_row, app_entries) = row_of(&home, &uid);
        let (imported_row, imported_entries) = row_of(&yos, &uid);
        let names = [
            "uid",
            "home_uid",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "status",
            "response",
            "categories",
            "police_ref",
            "summary",
            "open_actions",
            "updated_at",
            "record",
            "current",
        ];
        for (i, n) in names.iter().enumerate() {
            assert_eq!(app_row[i], imported_row[i], "column {n}");
        }
        assert_eq!(app_entries, imported_entries);
        assert!(yos.verify().unwrap().is_sound());
    }
}
