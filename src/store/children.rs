//! The children register. Children are discharged with a reason, never deleted; every change is audited.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{Actor, Result, Store, StoreError};
use crate::domain::child::{ValidChild, validate_child, validate_discharge};
use crate::domain::staff::{look_alike_key, refuse_invisible};

/// Whether a child is open to the YOS (and its reference and case worker) changes what the weekly file
/// discloses about them: a manager's decision.
pub const YOS_DECISION: &str = "decide whether a child is open to the YOS";
use crate::domain::{Child, ChildInput, Ethnicity, Gender, LegalStatus};

pub(crate) const CHILD_COLS: &str = "id, uid, home_uid, name, preferred_name, dob, gender, ethnicity, legal_status, \
    placing_authority, social_worker, social_worker_contact, admitted, discharged, discharge_reason, yos_open, \
    yos_worker, yos_ref, what_helps";

fn date(s: &str) -> NaiveDate {
    // The stored form, YYYY-MM-DD, read directly (a report reads every child); anything else through the format.
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
        && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
    {
        return date;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

pub(crate) fn child_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Child> {
    let discharged: Option<String> = r.get(13)?;
    Ok(Child {
        id: r.get(0)?,
        uid: r.get(1)?,
        home_uid: r.get(2)?,
        name: r.get(3)?,
        preferred_name: r.get(4)?,
        dob: date(&r.get::<_, String>(5)?),
        gender: Gender::from_code(&r.get::<_, String>(6)?).unwrap_or(Gender::NotStated),
        ethnicity: Ethnicity::from_code(&r.get::<_, String>(7)?).unwrap_or(Ethnicity::NotStated),
        legal_status: LegalStatus::from_code(&r.get::<_, String>(8)?).unwrap_or(LegalStatus::Other),
        placing_authority: r.get(9)?,
        social_worker: r.get(10)?,
        social_worker_contact: r.get(11)?,
        admitted: date(&r.get::<_, String>(12)?),
        discharged: discharged.as_deref().map(date),
        discharge_reason: r.get(14)?,
        yos_open: r.get::<_, i64>(15)? != 0,
        yos_worker: r.get(16)?,
        yos_ref: r.get(17)?,
        what_helps: r.get(18)?,
    })
}

/// The day a YOS status took effect may not be in the future.
fn check_since(since: Option<NaiveDate>, today: NaiveDate) -> Result<Option<NaiveDate>, ChildError> {
    match since {
        Some(d) if d > today => Err(ChildError::Fields(vec![(
            "yos_since",
            "The YOS date cannot be in the future.".into(),
        )])),
        s => Ok(s),
    }
}

fn d(x: NaiveDate) -> String {
    x.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Add a child to the register. Returns the new child, or every field's problem.
    pub fn add_child(&mut self, actor: &Actor, input: &ChildInput) -> Result<Child, ChildError> {
        self.add_child_since(actor, input, None)
    }

    /// [`Store::add_child`], with the day the child's YOS status took effect (None: the day of admission). The
    /// status is the first row of the child's YOS history.
    pub fn add_child_since(
        &mut self,
        actor: &Actor,
        input: &ChildInput,
        yos_since: Option<NaiveDate>,
    ) -> Result<Child, ChildError> {
        self.require_home("keep a register of children")
            .map_err(ChildError::Store)?;
        let today = crate::time::local_date(self.now());
        let v = validate_child(input, today).map_err(ChildError::Fields)?;
        let home = self
            .home()?
            .ok_or_else(|| StoreError::Invalid("The home is not set up.".into()))?;
        if v.yos_open || !v.yos_ref.is_empty() || !v.yos_worker.is_empty() {
            actor.require_manager(YOS_DECISION)?;
        }
        let since = check_since(yos_since, today)?.unwrap_or(v.admitted);
        self.refuse_look_alike_child(&input.name, &v.name, None)?;
        let uid = crate::domain::new_uid();
        let id = self.write(actor, |w| {
            let id = insert_child(w, &uid, &home.uid, &v)?;
            // Open (or closed) from a day after admission: the other status until then.
            let before = (since > v.admitted).then_some((!v.yos_open, v.admitted));
            super::yos_history::record_change(w, id, before, v.yos_open, since)?;
            Ok(id)
        })?;
        Ok(self.child(id)?)
    }

    /// Change a child's details (the register, not a case record: the audit keeps the old values).
    pub fn update_child(&mut self, actor: &Actor, id: i64, input: &ChildInput) -> Result<Child, ChildError> {
        self.update_child_since(actor, id, input, None)
    }

    /// [`Store::update_child`], with the day a change of YOS status took effect (None: today). A change of status
    /// adds a row to the child's YOS history; nothing earlier is changed.
    pub fn update_child_since(
        &mut self,
        actor: &Actor,
        id: i64,
        input: &ChildInput,
        yos_since: Option<NaiveDate>,
    ) -> Result<Child, ChildError> {
        let today = crate::time::local_date(self.now());
        let v = validate_child(input, today).map_err(ChildError::Fields)?;
        let was = self.child(id)?;
        if (was.yos_open, was.yos_ref.as_str(), was.yos_worker.as_str())
            != (v.yos_open, v.yos_ref.as_str(), v.yos_worker.as_str())
        {
            actor.require_manager(YOS_DECISION)?;
        }
        let since = check_since(yos_since, today)?.unwrap_or(today);
        if input.name != was.name {
            self.refuse_look_alike_child(&input.name, &v.name, Some(id))?;
        }
        self.write(actor, |w| {
            if was.yos_open != v.yos_open {
                super::yos_history::record_change(w, id, Some((was.yos_open, was.admitted)), v.yos_open, since)?;
            }
            w.update(
                "children",
                id,
                "update",
                "UPDATE children SET name=?1, preferred_name=?2, dob=?3, gender=?4, ethnicity=?5, legal_status=?6, \
                 placing_authority=?7, social_worker=?8, social_worker_contact=?9, admitted=?10, yos_open=?11, \
                 yos_worker=?12, yos_ref=?13, what_helps=?14 WHERE id=?15",
                params![
                    v.name,
                    v.preferred_name,
                    d(v.dob),
                    v.gender.code(),
                    v.ethnicity.code(),
                    v.legal_status.code(),
                    v.placing_authority,
                    v.social_worker,
                    v.social_worker_contact,
                    d(v.admitted),
                    v.yos_open as i64,
                    v.yos_worker,
                    v.yos_ref,
                    v.what_helps,
                    id
                ],
            )
        })?;
        Ok(self.child(id)?)
    }

    /// Discharge a child, with the date and a reason.
    pub fn discharge_child(&mut self, actor: &Actor, id: i64, date: &str, reason: &str) -> Result<Child, ChildError> {
        let child = self.child(id)?;
        if child.discharged.is_some() {
            return Err(ChildError::Store(StoreError::Invalid(
                "This child has already been discharged.".into(),
            )));
        }
        let today = crate::time::local_date(self.now());
        let (day, reason) =
            validate_discharge(&child, date, reason, today).map_err(|m| ChildError::Fields(vec![("discharged", m)]))?;
        self.write(actor, |w| {
            w.update(
                "children",
                id,
                "discharge",
                "UPDATE children SET discharged = ?1, discharge_reason = ?2 WHERE id = ?3",
                params![d(day), reason, id],
            )
        })?;
        Ok(self.child(id)?)
    }

    /// Refuse a child's name with an invisible character in it (`typed`, before cleaning), or one that looks
    /// like the name of another child of this home, current or discharged: records would be mixed up.
    fn refuse_look_alike_child(&self, typed: &str, name: &str, except: Option<i64>) -> Result<(), ChildError> {
        refuse_invisible(typed).map_err(|m| ChildError::Fields(vec![("name", m)]))?;
        let key = look_alike_key(name);
        if let Some(other) = self
            .list_children(true)?
            .into_iter()
            .find(|c| Some(c.id) != except && look_alike_key(&c.name) == key)
        {
            return Err(ChildError::Fields(vec![(
                "name",
                format!(
                    "This name looks the same as {}, another child of this home. Add a middle name or an \
                     initial so that their records cannot be mixed up.",
                    other.name
                ),
            )]));
        }
        Ok(())
    }

    pub fn child(&self, id: i64) -> Result<Child> {
        self.conn
            .query_row(
                &format!("SELECT {CHILD_COLS} FROM children WHERE id = ?1"),
                [id],
                child_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("child {id}")))
    }

    pub fn child_by_uid(&self, uid: &str) -> Result<Option<Child>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {CHILD_COLS} FROM children WHERE uid = ?1"),
                [uid],
                child_from_row,
            )
            .optional()?)
    }

    /// Children of this home: current ones, or also those discharged. By name.
    pub fn list_children(&self, include_past: bool) -> Result<Vec<Child>> {
        let sql = format!(
            "SELECT {CHILD_COLS} FROM children WHERE home_uid = (SELECT uid FROM home) {} \
             ORDER BY discharged IS NOT NULL, name COLLATE NOCASE",
            if include_past { "" } else { "AND discharged IS NULL" }
        );
        let mut s = self.conn.prepare_cached(&sql)?;
        let v = s.query_map([], child_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }

    /// Every child in the database, any home (imported data included).
    pub fn all_children(&self) -> Result<Vec<Child>> {
        let mut s = self
            .conn
            .prepare_cached(&format!("SELECT {CHILD_COLS} FROM children ORDER BY id"))?;
        let v = s.query_map([], child_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(v)
    }
}

/// Every column of a new `children` row.
pub(crate) struct ChildRow<'a> {
    pub uid: &'a str,
    pub home_uid: &'a str,
    pub name: &'a str,
    pub preferred_name: &'a str,
    pub dob: NaiveDate,
    pub gender: &'a str,
    pub ethnicity: &'a str,
    pub legal_status: &'a str,
    pub placing_authority: &'a str,
    pub social_worker: &'a str,
    pub social_worker_contact: &'a str,
    pub admitted: NaiveDate,
    pub discharged: Option<NaiveDate>,
    pub discharge_reason: &'a str,
    pub yos_open: bool,
    pub yos_worker: &'a str,
    pub yos_ref: &'a str,
    pub what_helps: &'a str,
}

/// The one writer of a new `children` row: a child added here ([`insert_child`]), by the bulk writer, or
/// from another home's file (the importer).
pub(crate) fn insert_child_row(w: &mut super::audit::Writer<'_>, c: &ChildRow<'_>) -> Result<i64> {
    w.insert(
        "children",
        "INSERT INTO children (uid, home_uid, name, preferred_name, dob, gender, ethnicity, legal_status, \
         placing_authority, social_worker, social_worker_contact, admitted, discharged, discharge_reason, yos_open, \
         yos_worker, yos_ref, what_helps) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            c.uid,
            c.home_uid,
            c.name,
            c.preferred_name,
            d(c.dob),
            c.gender,
            c.ethnicity,
            c.legal_status,
            c.placing_authority,
            c.social_worker,
            c.social_worker_contact,
            d(c.admitted),
            c.discharged.map(d),
            c.discharge_reason,
            c.yos_open as i64,
            c.yos_worker,
            c.yos_ref,
            c.what_helps
        ],
    )
}

pub(crate) fn insert_child(w: &mut super::audit::Writer<'_>, uid: &str, home_uid: &str, v: &ValidChild) -> Result<i64> {
    insert_child_row(
        w,
        &ChildRow {
            uid,
            home_uid,
            name: &v.name,
            preferred_name: &v.preferred_name,
            dob: v.dob,
            gender: v.gender.code(),
            ethnicity: v.ethnicity.code(),
            legal_status: v.legal_status.code(),
            placing_authority: &v.placing_authority,
            social_worker: &v.social_worker,
            social_worker_contact: &v.social_worker_contact,
            admitted: v.admitted,
            discharged: None,
            discharge_reason: "",
            yos_open: v.yos_open,
            yos_worker: &v.yos_worker,
            yos_ref: &v.yos_ref,
            what_helps: &v.what_helps,
        },
    )
}

/// A child could not be saved: either named fields are wrong, or the store refused.
#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    #[error("{}", .0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "))]
    Fields(Vec<(&'static str, String)>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ChildError {
    fn from(e: rusqlite::Error) -> Self {
        ChildError::Store(e.into())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::staff::tests::{actor, set_up};

    pub fn input(name: &str) -> ChildInput {
        ChildInput {
            name: name.into(),
            ..crate::domain::child::tests::good()
        }
    }

    #[test]
    fn stored_dates_read_as_the_format_reads_them() {
        for s in [
            "2020-02-29",
            "2021-02-29",
            "2020-1-5",
            "2020-13-01",
            "0000-01-01",
            "2020/01/05",
            "",
            "20x0-01-05",
        ] {
            assert_eq!(
                date(s),
                NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
                "{s}"
            );
        }
    }

    #[test]
    fn add_edit_discharge_and_list() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let c = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let mut i = input("Jordan Smith");
        i.preferred_name = "JJ".into();
        i.yos_open = true;
        let c2 = s.update_child(&a, c.id, &i).unwrap();
        assert_eq!(c2.display_name(), "JJ (Jordan Smith)");
        assert!(c2.yos_open);
        s.add_child(&a, &input("Alex Brown")).unwrap();
        assert_eq!(s.list_children(false).unwrap().len(), 2);
        assert!(s.discharge_child(&a, c.id, "01/01/2020", "x").is_err());
        s.discharge_child(&a, c.id, "01/11/2026", "Returned home").unwrap();
        assert_eq!(s.list_children(false).unwrap().len(), 1);
        assert_eq!(s.list_children(true).unwrap().len(), 2);
        assert_eq!(s.audit_for("children", c.id).unwrap().len(), 3);
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn only_a_manager_decides_that_a_child_is_open_to_the_yos() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let lead = s
            .add_staff(&a, "Lee Senior", crate::domain::Role::Senior, "shift lead 1")
            .unwrap();
        let l = s.signer_for(lead.id, "shift lead 1").unwrap();
        let c = s.add_child(&l, &input("Jordan Smith")).unwrap();
        let audits = s.audit_count().unwrap();
        let mut open = input("Jordan Smith");
        open.yos_open = true;
        let mut with_ref = input("Jordan Smith");
        with_ref.yos_ref = "YOS-123".into();
        let mut with_worker = input("Jordan Smith");
        with_worker.yos_worker = "Kim YOS".into();
        for i in [&open, &with_ref, &with_worker] {
            let e = s.update_child(&l, c.id, i).unwrap_err();
            assert!(matches!(e, ChildError::Store(StoreError::NotAllowed(_))), "{e}");
            assert!(e.to_string().contains("only a manager can decide"), "{e}");
            let e = s.add_child(&l, &{
                let mut n = i.clone();
                n.name = "Alex Brown".into();
                n
            });
            assert!(matches!(e, Err(ChildError::Store(StoreError::NotAllowed(_)))));
        }
        assert_eq!(s.audit_count().unwrap(), audits, "the refused changes wrote nothing");
        assert!(!s.child(c.id).unwrap().yos_open);
        // A shift leader may change the rest; the manager decides the YOS; the shift leader may then edit
        // other details without touching it.
        let mut other = input("Jordan Smith");
        other.preferred_name = "JJ".into();
        s.update_child(&l, c.id, &other).unwrap();
        s.update_child(&a, c.id, &open).unwrap();
        let mut keep = open.clone();
        keep.what_helps = "Time in the garden.".into();
        s.update_child(&l, c.id, &keep).unwrap();
        assert!(matches!(
            s.update_child(&l, c.id, &input("Jordan Smith")),
            Err(ChildError::Store(StoreError::NotAllowed(_)))
        ));
        assert!(s.child(c.id).unwrap().yos_open);
        assert!(s.verify().unwrap().is_sound());
    }

    #[test]
    fn look_alike_child_names_are_refused_within_the_home() {
        let (mut s, m) = set_up();
        let a = actor(&m);
        let jordan = s.add_child(&a, &input("Jordan Smith")).unwrap();
        let alex = s.add_child(&a, &input("Alex Brown")).unwrap();
        s.discharge_child(&a, alex.id, "01/11/2026", "Returned home").unwrap();
        for (name, why) in [
            ("J\u{043E}rdan Smith", "looks the same as Jordan Smith"),
            ("jordan  smith", "looks the same as Jordan Smith"),
            ("Jordan Smith\u{3164}", "invisible character"),
            ("Alex Br\u{043E}wn", "looks the same as Alex Brown"),
        ] {
            match s.add_child(&a, &input(name)) {
                Err(ChildError::Fields(f)) => {
                    assert_eq!(f[0].0, "name");
                    assert!(f[0].1.contains(why), "{name:?}: {}", f[0].1);
                }
                other => panic!("{name:?}: {other:?}"),
            }
        }
        // Renaming another child to a look-alike is refused; keeping one's own name is not.
        let sam = s.add_child(&a, &input("Sam Green")).unwrap();
        assert!(matches!(
            s.update_child(&a, sam.id, &input("Jordan Smith")),
            Err(ChildError::Fields(_))
        ));
        s.update_child(&a, jordan.id, &input("Jordan Smith")).unwrap();
        s.update_child(&a, jordan.id, &input("Jordan Smyth")).unwrap();
        assert_eq!(s.list_children(true).unwrap().len(), 3);
    }

    #[test]
    fn invalid_child_names_each_field() {
        let (mut s, m) = set_up();
        let mut i = input("");
        i.dob = "yesterday".into();
        match s.add_child(&actor(&m), &i) {
            Err(ChildError::Fields(f)) => {
                assert!(f.iter().any(|(k, _)| *k == "name"));
                assert!(f.iter().any(|(k, _)| *k == "dob"));
            }
            other => panic!("{other:?}"),
        }
    }
}
