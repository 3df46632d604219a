//! The YOS side of sync: read every new whole set from every home's outbox (oldest written first), check it
//! against its manifest and the home's audit anchors, import it all or nothing, record it (`received_sets`)
//! and write a receipt, accepted or rejected with the reason. Then say which homes' weeks have arrived, which
//! are missing and which came late.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::check::{Manifest, ReadManifest, check_set, read_manifest};
use super::layout::{
    self, MANIFEST_SUFFIX, Receipt, ReceiptCounts, ReceiptHome, ReceiptStatus, receipt_path, write_receipt,
};
use crate::store::settings::Role;
use crate::store::sync_rows::NewReceived;
use crate::store::{Actor, Store, StoreError};
use crate::time::Period;

/// What a sync on a YOS did, with the lines to print.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub accepted: usize,
    pub rejected: usize,
    /// Sets read at an earlier sync (their receipt is there).
    pub already: usize,
    pub lines: Vec<String>,
    pub arrivals: Vec<HomeWeeks>,
}

/// A week of one home, as the YOS has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub label: String,
    pub first_day: NaiveDate,
    /// When its first accepted set was read, if it has arrived.
    pub arrived: Option<DateTime<Utc>>,
    /// Arrived after Tuesday 12:00 of the following week, or not arrived and that time has passed.
    pub late: bool,
}

/// The weeks of one home, from its first arrival to last week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeWeeks {
    pub home_uid: String,
    pub name: String,
    pub urn: String,
    pub weeks: Vec<Week>,
}

impl HomeWeeks {
    pub fn missing(&self) -> Vec<&Week> {
        self.weeks.iter().filter(|w| w.arrived.is_none()).collect()
    }

    pub fn late(&self) -> Vec<&Week> {
        self.weeks.iter().filter(|w| w.arrived.is_some() && w.late).collect()
    }

    /// One line: "Oak House (SC123456): 5 weeks arrived, 1 late (2026-W46); missing 2026-W47".
    pub fn line(&self) -> String {
        let arrived = self.weeks.iter().filter(|w| w.arrived.is_some()).count();
        let list = |v: Vec<&Week>| {
            let mut s: Vec<String> = v.iter().take(6).map(|w| w.label.clone()).collect();
            if v.len() > 6 {
                s.push(format!("and {} more", v.len() - 6));
            }
            s.join(", ")
        };
        let mut out = format!(
            "{} ({}): {arrived} week{} arrived",
            self.name,
            self.urn,
            if arrived == 1 { "" } else { "s" }
        );
        let late = self.late();
        if !late.is_empty() {
            out.push_str(&format!(", {} late ({})", late.len(), list(late)));
        }
        let missing = self.missing();
        if missing.is_empty() {
            out.push_str("; none missing");
        } else {
            out.push_str(&format!("; missing {}", list(missing)));
        }
        out
    }
}

/// When a week's set is due at the YOS: Tuesday 12:00 (local time) of the following week.
pub fn due(first_day: NaiveDate) -> DateTime<Utc> {
    let tuesday = first_day + Duration::days(8);
    tuesday
        .and_hms_opt(12, 0, 0)
        .and_then(|t| crate::time::local_to_utc(t).ok())
        .unwrap_or_else(|| crate::time::local_midnight(tuesday))
}

/// Read every new set in `folder` (the sync folder) into this YOS's database. `progress` is told (done, of).
pub fn run(
    store: &mut Store,
    actor: &Actor,
    folder: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Summary> {
    if store.role()? != Role::Yos {
        anyhow::bail!("This is a home's database: only a YOS reads the homes' sets. Nothing was read.");
    }
    actor.require_manager("read the homes' weekly sets")?;
    let homes = layout::homes_dir(folder);
    if !homes.is_dir() {
        anyhow::bail!(
            "The sync folder {} has no homes folder (is the share connected? has a home synced yet?). Nothing \
             was read.",
            crate::fsio::shown(folder)
        );
    }
    let yos_name = store.home()?.map(|h| h.name).unwrap_or_default();
    let mut sum = Summary::default();
    let mut found: Vec<(String, ReadManifest)> = Vec::new();
    let mut dirs: Vec<String> = std::fs::read_dir(&homes)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    dirs.sort();
    for urn in dirs {
        if !layout::urn_ok(&urn) {
            sum.lines.push(format!(
                "Passed over the folder homes/{urn}: its name is not an Ofsted URN (letters and digits)."
            ));
            continue;
        }
        let Ok(outbox) = layout::outbox_dir(folder, &urn) else {
            continue;
        };
        let Ok(rd) = std::fs::read_dir(&outbox) else { continue };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n.ends_with(MANIFEST_SUFFIX))
            .collect();
        names.sort();
        for name in names {
            let set = name.trim_end_matches(MANIFEST_SUFFIX).to_string();
            if !layout::set_ok(&set) {
                sum.lines
                    .push(format!("Passed over homes/{urn}/outbox/{name}: not a set's name."));
                continue;
            }
            let Ok(receipt) = receipt_path(folder, &urn, &set) else {
                continue;
            };
            if receipt.symlink_metadata().is_ok() {
                sum.already += 1;
                continue;
            }
            // Read before, but its receipt was lost (the share went away): write it again.
            if let Some(r) = recorded_receipt(store, &urn, &set)? {
                match write_receipt(&receipt, &r) {
                    Ok(()) => sum
                        .lines
                        .push(format!("{set}: read before; its receipt is written again.")),
                    Err(e) => sum.lines.push(format!("{set}: read before, but {e:#}")),
                }
                sum.already += 1;
                continue;
            }
            found.push((urn.clone(), read_manifest(&outbox.join(&name))));
        }
    }
    // Oldest written first, home by home: the order the audit anchors must follow.
    found.sort_by(|(ua, a), (ub, b)| {
        let key = |m: &ReadManifest| {
            m.manifest
                .as_ref()
                .map(|m| (m.generated_at.clone(), m.export_version))
                .unwrap_or_default()
        };
        (ua, key(a), &a.set).cmp(&(ub, key(b), &b.set))
    });
    let total = found.len() as u64;
    for (i, (urn, rm)) in found.iter().enumerate() {
        progress(i as u64, total);
        read_one(store, actor, folder, urn, rm, &yos_name, now, &mut sum)?;
    }
    progress(total, total);
    sum.arrivals = arrivals(store, now)?;
    let head = format!(
        "Sync: {} set{} accepted, {} rejected, {} read before.",
        sum.accepted,
        if sum.accepted == 1 { "" } else { "s" },
        sum.rejected,
        sum.already
    );
    sum.lines.insert(0, head);
    if sum.arrivals.is_empty() {
        sum.lines.push("No home's week has arrived yet.".into());
    }
    for h in &sum.arrivals {
        sum.lines.push(h.line());
    }
    Ok(sum)
}

/// The receipt of a set already recorded here, rebuilt from its row.
fn recorded_receipt(store: &Store, urn: &str, set: &str) -> crate::store::Result<Option<Receipt>> {
    Ok(store.received_set(urn, set)?.map(|r| Receipt {
        format: layout::RECEIPT_FORMAT.into(),
        version: layout::RECEIPT_VERSION,
        set: set.to_string(),
        export_uid: r.export_uid,
        home: ReceiptHome {
            uid: r.home_uid,
            name: r.home_name,
            ofsted_urn: urn.to_string(),
        },
        period: serde_json::from_str(&r.period).unwrap_or_default(),
        export_version: r.export_version as u32,
        manifest_sha256: r.manifest_sha256,
        status: if r.status == "accepted" {
            ReceiptStatus::Accepted
        } else {
            ReceiptStatus::Rejected
        },
        reason: (!r.reason.is_empty()).then_some(r.reason),
        read_at: r.read_at,
        read_by: r.read_by,
        counts: serde_json::from_str(&r.counts).ok(),
    }))
}

/// Why a set's audit anchor cannot be the home's, if it cannot: a later set whose anchor goes backwards, an
/// audit row that carries another hash than before, another first manager's key, or no anchor at all.
fn anchor_problem(store: &Store, set: &str, m: &Manifest) -> crate::store::Result<Option<String>> {
    let mname = format!("{set}{MANIFEST_SUFFIX}");
    let Some(a) = &m.audit_anchor else {
        return Ok(Some(format!(
            "{mname} carries no audit anchor, so the home's records cannot be checked against earlier sets."
        )));
    };
    let home = &m.home.uid;
    let same = store.anchor_at(home, a.audit_id)?;
    if let Some((hash, other)) = same
        && hash != a.hash
    {
        return Ok(Some(format!(
            "{mname}: the home's audit trail at row {} is not the one set {other} showed (another hash): the \
             home's records were rewritten.",
            a.audit_id
        )));
    }
    let key = store.anchor_with_other_key(home, &a.first_key)?;
    if let Some(other) = key {
        return Ok(Some(format!(
            "{mname}: the home's first manager's key is not the one set {other} showed: the home's audit trail \
             was rewritten from the start."
        )));
    }
    let before = store.anchor_before(home, &m.generated_at)?;
    if let Some((id, other)) = before
        && id > a.audit_id
    {
        return Ok(Some(format!(
            "{mname}: the home's audit trail went backwards (row {}, but set {other}, written earlier, showed row \
             {id}): records were removed from the home's file.",
            a.audit_id
        )));
    }
    let after = store.anchor_after(home, &m.generated_at)?;
    if let Some((id, other)) = after
        && id < a.audit_id
    {
        return Ok(Some(format!(
            "{mname}: its audit anchor (row {}) is later than that of set {other} (row {id}), which was written \
             after it: the dates or the trail are not the home's.",
            a.audit_id
        )));
    }
    Ok(None)
}

/// Has this URN been another home's in an accepted set?
fn urn_problem(store: &Store, set: &str, urn: &str, m: &Manifest) -> crate::store::Result<Option<String>> {
    let other = store.urn_held_by_other(urn, &m.home.uid)?;
    Ok(other.map(|(name, uid)| {
        format!(
            "{set}{MANIFEST_SUFFIX} says it is from home {} with URN {urn}, but that URN's earlier sets came from \
             {name} ({uid}): a set of another home is never taken under this URN.",
            m.home.uid
        )
    }))
}

#[allow(clippy::too_many_arguments)]
fn read_one(
    store: &mut Store,
    actor: &Actor,
    folder: &Path,
    urn: &str,
    rm: &ReadManifest,
    yos_name: &str,
    now: DateTime<Utc>,
    sum: &mut Summary,
) -> anyhow::Result<()> {
    let set = &rm.set;
    let read_at = crate::time::to_db(now);
    let mut receipt = Receipt {
        format: layout::RECEIPT_FORMAT.into(),
        version: layout::RECEIPT_VERSION,
        set: set.clone(),
        export_uid: String::new(),
        home: ReceiptHome {
            ofsted_urn: urn.to_string(),
            ..Default::default()
        },
        period: Default::default(),
        export_version: 0,
        manifest_sha256: rm.sha256.clone(),
        status: ReceiptStatus::Rejected,
        reason: None,
        read_at: read_at.clone(),
        read_by: yos_name.to_string(),
        counts: None,
    };
    if let Ok(m) = &rm.manifest {
        receipt.export_uid = m.export_uid.clone();
        receipt.home = m.home.clone();
        receipt.period = serde_json::from_value(m.period.clone()).unwrap_or_default();
        receipt.export_version = u32::try_from(m.export_version).unwrap_or(u32::MAX);
    }
    let checked = check_set(rm, Some(urn)).and_then(|json| {
        let m = rm.manifest.as_ref().map_err(Clone::clone)?;
        if let Some(p) = anchor_problem(store, set, m).map_err(|e| e.to_string())? {
            return Err(p);
        }
        if let Some(p) = urn_problem(store, set, urn, m).map_err(|e| e.to_string())? {
            return Err(p);
        }
        Ok((json, m.clone()))
    });
    let outcome = match checked {
        Err(reason) => Err(reason),
        Ok((json, m)) => match std::fs::File::open(&json) {
            Err(e) => Err(format!("{set}.json cannot be read ({e}).")),
            Ok(file) => {
                let r = &receipt;
                let res = crate::export::import::import_reader(store, actor, file, &mut |w, _head, s| {
                    let counts = ReceiptCounts {
                        incidents: s.incidents as u64,
                        entries: s.entries as u64,
                        children: s.children as u64,
                        unchanged: s.unchanged as u64,
                    };
                    insert_row(
                        w,
                        urn,
                        r,
                        &m,
                        "accepted",
                        "",
                        &serde_json::to_string(&counts).unwrap_or_default(),
                    )?;
                    if let Some(a) = &m.audit_anchor {
                        w.record_anchor_once(&m.home.uid, a.audit_id, &a.hash, &a.first_key, &m.generated_at, set)?;
                    }
                    Ok(())
                });
                match res {
                    Ok(s) => Ok(s),
                    Err(e) => match e.downcast_ref::<StoreError>() {
                        // The YOS's own disk or database, not the set: nothing recorded, read again next time.
                        Some(StoreError::Full | StoreError::Busy | StoreError::Replaced) => {
                            sum.lines.push(format!(
                                "{set}: could not be imported here ({e}); nothing was recorded and it will be \
                                 read again at the next sync."
                            ));
                            return Ok(());
                        }
                        _ => Err(format!("{set}.json was not imported: {e:#}")),
                    },
                }
            }
        },
    };
    match outcome {
        Ok(s) => {
            receipt.status = ReceiptStatus::Accepted;
            receipt.counts = Some(ReceiptCounts {
                incidents: s.incidents as u64,
                entries: s.entries as u64,
                children: s.children as u64,
                unchanged: s.unchanged as u64,
            });
            sum.accepted += 1;
            sum.lines.push(if s.incidents + s.entries + s.children == 0 {
                format!(
                    "{set}: accepted, nothing new ({} incident(s) already here).",
                    s.unchanged
                )
            } else {
                format!(
                    "{set}: accepted, {} new incident(s), {} new entr{}, {} new child(ren).",
                    s.incidents,
                    s.entries,
                    if s.entries == 1 { "y" } else { "ies" },
                    s.children
                )
            });
        }
        Err(reason) => {
            receipt.reason = Some(reason.clone());
            let m = rm.manifest.as_ref().ok();
            let r = &receipt;
            let rec = store.write(actor, |w| match m {
                Some(m) => insert_row(w, urn, r, m, "rejected", &reason, ""),
                None => insert_bare(w, urn, r, &reason),
            });
            if let Err(e) = rec {
                sum.lines.push(format!(
                    "{set}: refused ({reason}), but that could not be recorded here ({e}); it will be read again \
                     at the next sync."
                ));
                return Ok(());
            }
            sum.rejected += 1;
            sum.lines.push(format!("{set}: REJECTED. {reason}"));
        }
    }
    if let Err(e) = receipt_path(folder, urn, set).and_then(|p| write_receipt(&p, &receipt)) {
        sum.lines.push(format!(
            "{set}: recorded here, but {e:#} It will be written at the next sync."
        ));
    }
    Ok(())
}

fn insert_row(
    w: &mut crate::store::audit::Writer<'_>,
    urn: &str,
    r: &Receipt,
    m: &Manifest,
    status: &str,
    reason: &str,
    counts: &str,
) -> crate::store::Result<()> {
    let name = crate::text::clean_line(&m.home.name, 200);
    let (label, start, end, period) = (
        m.period_label(),
        m.period_field("start"),
        m.period_field("end"),
        m.period.to_string(),
    );
    w.record_received(&NewReceived {
        home_uid: &m.home.uid,
        home_name: &name,
        urn,
        set: &r.set,
        export_uid: &m.export_uid,
        export_version: m.export_version as i64,
        period_label: &label,
        period_start: &start,
        period_end: &end,
        period: &period,
        manifest_sha256: &r.manifest_sha256,
        status,
        reason,
        counts,
        read_at: &r.read_at,
        read_by: &r.read_by,
    })
}

/// A set whose manifest could not be read: recorded with what is known.
fn insert_bare(
    w: &mut crate::store::audit::Writer<'_>,
    urn: &str,
    r: &Receipt,
    reason: &str,
) -> crate::store::Result<()> {
    w.record_received_bare(urn, &r.set, &r.manifest_sha256, reason, &r.read_at, &r.read_by)
}

/// Which homes' weeks have arrived, which are missing and which came late: for each home that has sent an
/// accepted weekly set, every week from its first to last week (the week before `now`'s).
pub fn arrivals(store: &Store, now: DateTime<Utc>) -> crate::store::Result<Vec<HomeWeeks>> {
    let rows = store
        .arrival_rows()?
        .into_iter()
        .map(|r| (r.home_uid, r.home_name, r.urn, r.label, r.first_read_at));
    let last_week = Period::week_of(crate::time::local_date(now)).previous();
    let mut out: Vec<HomeWeeks> = Vec::new();
    let mut got: std::collections::BTreeMap<NaiveDate, DateTime<Utc>> = Default::default();
    let flush = |out: &mut Vec<HomeWeeks>, got: &mut std::collections::BTreeMap<NaiveDate, DateTime<Utc>>| {
        let Some(h) = out.last_mut() else { return };
        let Some((&first, _)) = got.iter().next() else { return };
        let last = got
            .keys()
            .next_back()
            .copied()
            .unwrap_or(first)
            .max(last_week.first_day);
        let mut d = first;
        while d <= last {
            let p = Period::week_of(d);
            let arrived = got.get(&p.first_day).copied();
            let deadline = due(p.first_day);
            h.weeks.push(Week {
                label: p.label.clone(),
                first_day: p.first_day,
                arrived,
                late: arrived.map_or(now > deadline, |a| a > deadline),
            });
            d += Duration::days(7);
        }
        got.clear();
    };
    for (uid, name, urn, label, read_at) in rows {
        let Ok(p) = Period::parse_week(&label) else { continue };
        if out.last().map(|h| &h.home_uid) != Some(&uid) {
            flush(&mut out, &mut got);
            out.push(HomeWeeks {
                home_uid: uid,
                name,
                urn,
                weeks: Vec::new(),
            });
        }
        if let Some(t) = crate::time::from_db(&read_at) {
            got.insert(p.first_day, t);
        }
    }
    flush(&mut out, &mut got);
    out.retain(|h| !h.weeks.is_empty());
    Ok(out)
}
