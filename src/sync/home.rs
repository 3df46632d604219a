//! The home's side of sync: every finished week not yet sent is written into the home's outbox in the sync
//! folder, oldest first; the receipts the YOS wrote are read into `export_receipts` and any rejection is said.
//!
//! The first week owed is the week of the home's first incident (an empty week before it says nothing the YOS
//! needs); a home with no incident yet owes the weeks since it was set up. Every later finished week is owed
//! until the ledger holds a set for it, so a PC that was off for three weeks catches up in one go. The current
//! week (and any future one) is never written: it is not over.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::Summary;
use super::layout::{self, Receipt, ReceiptStatus};
use crate::store::{Actor, Home, Store};
use crate::time::Period;

/// Refuse a period that is not over at `now`: the weekly file is sent once the week has ended.
pub fn check_finished(period: &Period, now: DateTime<Utc>) -> anyhow::Result<()> {
    if period.end > now {
        anyhow::bail!(
            "{} is not over yet (it ends after {}): a weekly file is sent once its week has ended. Nothing was \
             written.",
            period.label,
            crate::time::show_date(period.last_day)
        );
    }
    Ok(())
}

/// The home, with a URN that can name its folder in the sync folder; else why this home cannot sync.
pub fn syncing_home(store: &Store) -> anyhow::Result<Home> {
    let home = store
        .home()?
        .ok_or_else(|| anyhow::anyhow!("This database has no home set up yet: nothing to send."))?;
    if home.ofsted_urn.trim().is_empty() {
        anyhow::bail!(
            "This home has no Ofsted URN, so the YOS could not tell its files from another home's. A manager sets \
             it in Settings (Ofsted URN). Nothing was sent."
        );
    }
    if !layout::valid_urn(&home.ofsted_urn) {
        anyhow::bail!(
            "This home's Ofsted URN \"{}\" is not letters and digits only (e.g. SC123456). A manager corrects it \
             in Settings. Nothing was sent.",
            crate::text::display(&home.ofsted_urn)
        );
    }
    Ok(home)
}

/// The week after this one.
fn next_week(p: &Period) -> Period {
    Period::week_of(p.last_day + Duration::days(1))
}

/// The first week this home owes: the week of its first incident, or of its set-up when it has none.
fn first_week(store: &Store, home: &Home) -> anyhow::Result<Option<Period>> {
    let from = store
        .first_activity(&home.uid)?
        .as_deref()
        .and_then(crate::time::from_db);
    Ok(from.map(|t| Period::week_of(crate::time::local_date(t))))
}

/// Every finished week (ended by `now`) from the first owed week that has no set in the ledger, oldest first.
pub fn weeks_due(store: &Store, now: DateTime<Utc>) -> anyhow::Result<Vec<Period>> {
    let Some(home) = store.home()? else {
        return Ok(vec![]);
    };
    Ok(weeks_from(store, &home, now)?
        .into_iter()
        .filter(|(_, sent)| !sent)
        .map(|(p, _)| p)
        .collect())
}

/// Every finished week from the first owed one, oldest first, with whether the ledger holds a set for it.
fn weeks_from(store: &Store, home: &Home, now: DateTime<Utc>) -> anyhow::Result<Vec<(Period, bool)>> {
    let Some(mut week) = first_week(store, home)? else {
        return Ok(vec![]);
    };
    let sent = store.sent_periods()?;
    let mut out = Vec::new();
    while week.end <= now {
        let key = (crate::time::to_db(week.start), crate::time::to_db(week.end));
        let is_sent = sent.contains(&key);
        let next = next_week(&week);
        out.push((week, is_sent));
        week = next;
    }
    Ok(out)
}

/// What the export screen shows of one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekState {
    pub period: Period,
    /// The newest set sent for the week.
    pub sent: Option<Sent>,
    /// An earlier version the YOS rejected, with the reason, when the newest has no receipt yet.
    pub earlier_rejection: Option<(u32, String)>,
}

/// A set in the ledger and what the YOS said of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub set: String,
    pub version: u32,
    pub at: String,
    pub by: String,
    pub receipt: Option<ReceiptRow>,
}

/// A receipt as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub status: ReceiptStatus,
    pub reason: String,
    pub read_at: String,
}

impl WeekState {
    /// One line: "2026-W47: v2 sent 23/11 10:00 by Pat Manager; received 24/11 09:00", "…; REJECTED: why",
    /// "2026-W48: not yet sent".
    pub fn line(&self) -> String {
        let what = match &self.sent {
            None => "not yet sent".to_string(),
            Some(s) => {
                let got = match (&s.receipt, &self.earlier_rejection) {
                    (None, Some((v, why))) => format!("v{v} rejected: {why}"),
                    (None, None) => "not yet received".to_string(),
                    (Some(r), _) if r.status == ReceiptStatus::Accepted => format!("received {}", r.read_at),
                    (Some(r), _) => format!("REJECTED: {}", r.reason),
                };
                format!("v{} sent {} by {}; {got}", s.version, s.at, s.by)
            }
        };
        crate::text::display(&format!("{}: {what}", self.period.label))
    }

    pub fn rejected(&self) -> bool {
        self.sent
            .as_ref()
            .and_then(|s| s.receipt.as_ref())
            .is_some_and(|r| r.status == ReceiptStatus::Rejected)
    }
}

/// The set's base name from the ledger's `files` (its manifest's name): old sets keep their old names.
fn set_of(files: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(files).ok()?;
    v.as_array()?
        .iter()
        .filter_map(|f| f["name"].as_str())
        .find_map(|n| n.strip_suffix(layout::MANIFEST_SUFFIX))
        .map(str::to_string)
}

/// Each finished week, newest first (at most `limit`), with what was sent and received. Weeks before the first
/// owed week appear when the ledger holds a set for them.
pub fn week_states(store: &Store, now: DateTime<Utc>, limit: usize) -> anyhow::Result<Vec<WeekState>> {
    let Some(home) = store.home()? else {
        return Ok(vec![]);
    };
    let receipts: HashMap<String, ReceiptRow> = {
        store
            .export_receipt_rows()?
            .into_iter()
            .map(|r| {
                let (uid, st, reason, at) = (r.export_uid, r.status, r.reason, r.read_at);
                let status = if st == "accepted" {
                    ReceiptStatus::Accepted
                } else {
                    ReceiptStatus::Rejected
                };
                let read_at = crate::time::from_db(&at).map(crate::time::show_short).unwrap_or(at);
                (
                    uid,
                    ReceiptRow {
                        status,
                        reason,
                        read_at,
                    },
                )
            })
            .collect()
    };
    // The newest version of each week in the ledger.
    let mut newest: HashMap<(String, String), Sent> = HashMap::new();
    let mut labels: HashMap<(String, String), String> = HashMap::new();
    let mut rejections: HashMap<(String, String), (u32, String)> = HashMap::new();
    {
        let rows = store.ledger_sets()?.into_iter().map(|l| {
            (
                l.uid,
                l.label,
                (l.start, l.end),
                l.version,
                l.generated_at,
                l.generated_by,
                l.files,
            )
        });
        for (uid, label, key, version, at, by, files) in rows {
            if !label.contains("-W") {
                continue;
            }
            if let Some(r) = receipts.get(&uid).filter(|r| r.status == ReceiptStatus::Rejected)
                && rejections.get(&key).is_none_or(|(v, _)| *v < version)
            {
                rejections.insert(key.clone(), (version, r.reason.clone()));
            }
            if newest.get(&key).is_some_and(|s| s.version > version) {
                continue;
            }
            labels.insert(key.clone(), label);
            newest.insert(
                key,
                Sent {
                    set: set_of(&files).unwrap_or_default(),
                    version,
                    at: crate::time::from_db(&at).map(crate::time::show_short).unwrap_or(at),
                    by,
                    receipt: receipts.get(&uid).cloned(),
                },
            );
        }
    }
    let mut weeks: Vec<Period> = weeks_from(store, &home, now)?.into_iter().map(|(p, _)| p).collect();
    for (key, label) in &labels {
        if !weeks
            .iter()
            .any(|w| (crate::time::to_db(w.start), crate::time::to_db(w.end)) == *key)
            && let Ok(p) = Period::parse_week(label)
        {
            weeks.push(p);
        }
    }
    weeks.sort_by_key(|p| std::cmp::Reverse(p.start));
    weeks.truncate(limit);
    Ok(weeks
        .into_iter()
        .map(|p| {
            let key = (crate::time::to_db(p.start), crate::time::to_db(p.end));
            let sent = newest.get(&key).cloned();
            let earlier_rejection = rejections
                .get(&key)
                .filter(|(v, _)| sent.as_ref().is_some_and(|s| s.receipt.is_none() && s.version > *v))
                .cloned();
            WeekState {
                sent,
                earlier_rejection,
                period: p,
            }
        })
        .collect())
}

/// Read the receipts the YOS wrote for this home's sets into `export_receipts` (each once). Returns what to
/// tell the user: every rejection, in plain words, and any receipt that does not match a set sent from here.
pub fn read_receipts(store: &mut Store, actor: &Actor, sync: &Path, home: &Home) -> anyhow::Result<Vec<String>> {
    let dir = layout::receipts_dir(sync, &home.ofsted_urn)?;
    let mut lines = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(lines);
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(layout::RECEIPT_SUFFIX) && !n.starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        let set = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(layout::RECEIPT_SUFFIX))
            .unwrap_or_default()
            .to_string();
        let known = store.receipt_recorded(&set)?;
        if known {
            continue;
        }
        let r: Receipt = match layout::read_receipt(&path) {
            Ok(r) => r,
            Err(e) => {
                lines.push(format!("{e} It was not recorded."));
                continue;
            }
        };
        // The receipt must be for a set this home sent, under that name, with that manifest.
        let sent = store.sent_set(&r.export_uid)?.map(|s| (s.files, s.label, s.version));
        let Some((files, label, version)) = sent else {
            lines.push(format!(
                "The receipt {} is for a set this home did not send: it was not recorded.",
                crate::fsio::shown(&path)
            ));
            continue;
        };
        let manifest_sum = serde_json::from_str::<serde_json::Value>(&files).ok().and_then(|v| {
            v.as_array()?
                .iter()
                .find(|f| f["name"].as_str().is_some_and(|n| n.ends_with(layout::MANIFEST_SUFFIX)))
                .and_then(|f| f["sha256"].as_str().map(str::to_string))
        });
        if r.set != set
            || set_of(&files).as_deref() != Some(set.as_str())
            || r.home.uid != home.uid
            || (r.status == ReceiptStatus::Accepted && manifest_sum.as_deref() != Some(r.manifest_sha256.as_str()))
        {
            lines.push(format!(
                "The receipt {} does not match the set {label} version {version} that was sent: it was not \
                 recorded.",
                crate::fsio::shown(&path)
            ));
            continue;
        }
        let reason = crate::text::clean_line(r.reason.as_deref().unwrap_or(""), 500)
            .trim()
            .to_string();
        let read_by = crate::text::clean_line(&r.read_by, 100).trim().to_string();
        let read_at = crate::time::from_db(&r.read_at)
            .map(crate::time::to_db)
            .unwrap_or_else(|| crate::text::clean_line(&r.read_at, 40));
        store.write(actor, |w| {
            w.record_receipt(&set, &r.export_uid, r.status.code(), &reason, &read_at, &read_by)
        })?;
        match r.status {
            ReceiptStatus::Accepted => {
                lines.push(format!("The YOS received {label} version {version}."));
            }
            ReceiptStatus::Rejected => lines.push(format!(
                "The YOS REJECTED {label} version {version}: {}. It will be sent again as a new version at the \
                 next sync.",
                if reason.is_empty() { "no reason given" } else { &reason }
            )),
        }
    }
    Ok(lines.into_iter().map(|l| crate::text::display(&l)).collect())
}

/// The whole home side of a sync: receipts read, every owed finished week written into the outbox oldest
/// first, and what happened in lines to print. Managers only (the weekly file is theirs to send).
pub fn run(
    store: &mut Store,
    actor: &Actor,
    sync: &Path,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<Summary> {
    actor.require_manager("send the weekly file to the YOS")?;
    let home = syncing_home(store)?;
    if sync.as_os_str().is_empty() {
        anyhow::bail!("No sync folder: give --folder DIR or set the sync folder in Settings. Nothing was sent.");
    }
    match std::fs::metadata(sync) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => anyhow::bail!("{} is not a folder. Nothing was sent.", crate::fsio::shown(sync)),
        Err(_) => anyhow::bail!(
            "The sync folder {} cannot be reached (is the share connected?). Nothing was sent.",
            crate::fsio::shown(sync)
        ),
    }
    let outbox = layout::outbox_dir(sync, &home.ofsted_urn)?;
    std::fs::create_dir_all(&outbox).map_err(|e| {
        anyhow::anyhow!(
            "The folder {} could not be made ({e}). Nothing was sent.",
            crate::fsio::shown(&outbox)
        )
    })?;
    let mut lines = Vec::new();
    // Receipts first: a set received changes which amendments the next set still carries.
    lines.extend(read_receipts(store, actor, sync, &home)?);
    // A rejected week is sent again, as a new version, once (until a receipt for that version comes).
    let mut due = weeks_due(store, now)?;
    for w in week_states(store, now, usize::MAX)? {
        if w.rejected() && !due.contains(&w.period) {
            due.push(w.period);
        }
    }
    due.sort_by_key(|p| p.start);
    let total = due.len() as u64;
    progress(0, total);
    for (i, period) in due.iter().enumerate() {
        check_finished(period, now)?;
        let r = crate::export::write(store, actor, period, &outbox).map_err(|e| {
            anyhow::anyhow!(
                "{e:#} {} of {total} weeks were sent before this one; the rest are sent at the next sync.",
                i
            )
        })?;
        lines.extend(r.recovered.iter().cloned());
        lines.push(format!(
            "Sent {} version {}: {} -> {}",
            period.label,
            r.version,
            r.counts.line(),
            crate::fsio::shown(&r.files[0])
        ));
        progress(i as u64 + 1, total);
    }
    if total == 0 {
        lines.push("Every finished week has been sent: nothing new to send.".into());
    }
    Ok(Summary {
        lines: lines.into_iter().map(|l| crate::text::display(&l)).collect(),
    })
}
