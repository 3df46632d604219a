//! Sync with the YOS, end to end (issue 19), with nothing faked: three homes and a YOS, each in its own database,
//! share one folder, and only the real sides run (`sync::home::run` on each home, `sync::yos::run` and the
//! `concordat sync` command on the YOS), the clock moved week by week:
//! - home A's PC is off for two weeks, then catches up in one go, oldest first; the YOS shows those weeks
//!   missing, then present and late;
//! - home B amends a record of a week already sent; the next set carries it, the YOS's copy changes, and once
//!   the YOS has accepted that set the amendment is not sent again;
//! - home C's set is altered by one byte in the share: the YOS rejects it and says which file and which check,
//!   home C sees the rejection and sends the week again, and the YOS accepts it;
//! - a set copied under another name imports nothing twice;
//! - at the end, the YOS's figures for each home are the home's own, for named and pseudonymised children alike,
//!   and every database verifies.

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use cli::{bin, stderr, stdout, with_stdin};
use concordat::domain::{Change, ChildInput};
use concordat::report;
use concordat::store::settings::Role;
use concordat::store::staff::Setup;
use concordat::store::{Actor, Store};
use concordat::sync::layout::{self, ReceiptStatus, read_receipt};
use concordat::sync::{home as home_side, yos};
use concordat::time::Period;
use fixtures::{PASS, record};

/// A local time in October/November 2026 (UTC+0 from 25 October; one hour behind before it).
fn t(mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    concordat::time::local_midnight(chrono::NaiveDate::from_ymd_opt(2026, mo, d).unwrap()) + Duration::hours(h as i64)
}

fn week(label: &str) -> Period {
    Period::parse_week(label).unwrap()
}

struct Home {
    store: Store,
    manager: Actor,
    urn: &'static str,
    uid: String,
    /// Jordan, open to the YOS (named in the file); Riley, not open (pseudonymised).
    children: [String; 2],
    /// The uid of each incident saved, in order.
    incidents: Vec<String>,
}

fn child(name: &str, yos: bool) -> ChildInput {
    ChildInput {
        name: name.into(),
        dob: "01/02/2011".into(),
        gender: if yos { "male" } else { "female" }.into(),
        ethnicity: "white_british".into(),
        legal_status: "s31".into(),
        admitted: "01/09/2025".into(),
        yos_open: yos,
        yos_worker: if yos { "Alex YOS".into() } else { String::new() },
        yos_ref: if yos { "YOS/2026/123".into() } else { String::new() },
        ..Default::default()
    }
}

/// A home set up on Monday 5 October 2026 (W41) with two children.
fn home(dir: &Path, name: &str, urn: &'static str) -> Home {
    let mut store = Store::open(&dir.join(format!("{urn}.db"))).unwrap();
    store.set_clock(Some(t(10, 5, 8)));
    let m = store
        .setup(&Setup {
            home_name: name,
            ofsted_urn: urn,
            manager_name: "Pat Manager",
            passphrase: PASS,
        })
        .unwrap();
    let manager = m.actor.clone();
    assert_eq!(store.role().unwrap(), Role::Home);
    let j = store.add_child(&manager, &child("Jordan Smith", true)).unwrap();
    let r = store.add_child(&manager, &child("Riley Jones", false)).unwrap();
    let uid = store.home().unwrap().unwrap().uid;
    Home {
        store,
        manager,
        urn,
        uid,
        children: [j.uid, r.uid],
        incidents: vec![],
    }
}

/// One incident for each child on the Wednesday of `label`, at 14:00 and 20:00, recorded an hour later.
fn incidents_in(h: &mut Home, label: &str) {
    let wed = concordat::time::local_midnight(week(label).first_day + Duration::days(2));
    for (i, c) in h.children.clone().iter().enumerate() {
        let at = wed + Duration::hours(14 + 6 * i as i64);
        h.store.set_clock(Some(at + Duration::hours(1)));
        let mut r = record(c, at + Duration::hours(3), &format!("Kicked a door in {label}."));
        r.recorded_at = at + Duration::hours(1);
        let id = h.store.save_incident(&h.manager, r, None).unwrap();
        h.incidents.push(h.store.incident(id).unwrap().record.uid);
    }
}

/// The home side of a sync at `now`: the lines it printed.
fn home_sync(h: &mut Home, share: &Path, now: DateTime<Utc>) -> Vec<String> {
    h.store.set_clock(Some(now));
    let mut calls = vec![];
    let s = home_side::run(&mut h.store, &h.manager, share, now, &mut |d, n| calls.push((d, n))).unwrap();
    assert_eq!(
        calls.last().map(|(d, n)| d == n),
        Some(true),
        "progress ends at the total: {calls:?}"
    );
    s.lines
}

/// The YOS side of a sync at `now`.
fn yos_sync(y: &mut Store, a: &Actor, share: &Path, now: DateTime<Utc>) -> yos::Summary {
    y.set_clock(Some(now));
    yos::run(y, a, share, now, &mut |_, _| {}).unwrap()
}

fn outbox(share: &Path, urn: &str) -> PathBuf {
    layout::outbox_dir(share, urn).unwrap()
}

fn set_name(urn: &str, home: &str, label: &str) -> String {
    format!("{urn}-{home}-{label}")
}

fn manifest(share: &Path, urn: &str, set: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(outbox(share, urn).join(format!("{set}.manifest.json"))).unwrap()).unwrap()
}

/// The weeks a home's outbox holds, in the order their manifests say they were generated.
fn sets_in(share: &Path, urn: &str) -> Vec<String> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(outbox(share, urn))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let set = n.strip_suffix(layout::MANIFEST_SUFFIX)?.to_string();
            let m = manifest(share, urn, &set);
            Some((m["generated_at"].as_str().unwrap().to_string(), set))
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, s)| s).collect()
}

fn missing(y: &Store, now: DateTime<Utc>, urn: &str) -> Vec<String> {
    let a = yos::arrivals(y, now).unwrap();
    let h = a
        .iter()
        .find(|h| h.urn == urn)
        .unwrap_or_else(|| panic!("{urn} in {a:#?}"));
    h.missing().iter().map(|w| w.label.clone()).collect()
}

fn late(y: &Store, now: DateTime<Utc>, urn: &str) -> Vec<String> {
    let a = yos::arrivals(y, now).unwrap();
    let h = a.iter().find(|h| h.urn == urn).unwrap();
    h.late().iter().map(|w| w.label.clone()).collect()
}

/// The YOS's report of one home for `period` equals the home's own report, measure by measure.
fn same_figures(h: &Home, y: &Store, period: &Period) {
    let mut mine = report::compute(&h.store, period).unwrap().total;
    let all = report::compute(y, period).unwrap();
    // The three homes, and not the YOS itself (it is not one of the homes it reports on).
    let names: Vec<&str> = all.per_home.iter().map(|m| m.scope.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(!names.contains(&"Northshire YOS"), "{names:?}");
    assert_eq!(all.total.scope, "All homes");
    let theirs = all
        .per_home
        .iter()
        .find(|m| m.home_uid.as_deref() == Some(h.uid.as_str()))
        .unwrap_or_else(|| panic!("the YOS reports {} for {}", h.urn, period.label));
    // Court appearances, outcomes and breaches are the YOS's own entries: a home's report says "held by the
    // YOS" (none) where the YOS counts them, so they are the one block that is not the home's figures.
    assert!(mine.court.is_none(), "a home holds no court entries");
    let mut theirs = theirs.clone();
    assert_eq!(theirs.court.as_ref().map(|c| c.appearances), Some(0));
    theirs.court = None;
    mine.court = None;
    let theirs = &theirs;
    let (a, b) = (
        serde_json::to_value(&mine).unwrap(),
        serde_json::to_value(theirs).unwrap(),
    );
    for (k, v) in a.as_object().unwrap() {
        assert_eq!(Some(v), b.get(k), "{} {}: {k} differs at the YOS", h.urn, period.label);
    }
    assert_eq!(&mine, theirs);
}

#[test]
fn three_homes_and_a_yos_sync_through_one_folder_and_agree() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let mut a = home(dir.path(), "Oak House", "SC111111");
    let mut b = home(dir.path(), "Elm Lodge", "SC222222");
    let mut c = home(dir.path(), "Ash Court", "SC333333");
    for h in [&mut a, &mut b, &mut c] {
        for w in ["2026-W41", "2026-W42", "2026-W43", "2026-W44"] {
            incidents_in(h, w);
        }
    }

    // The YOS is set up from the command line, as IT staff would.
    let ydb = dir.path().join("yos.db");
    let mut cmd = bin();
    cmd.arg("--db").arg(&ydb).args([
        "setup",
        "--yos",
        "Northshire YOS",
        "--manager",
        "Kim Officer",
        "--passphrase-stdin",
    ]);
    let o = with_stdin(cmd, Some(&format!("{PASS}\n")));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut y = Store::open(&ydb).unwrap();
    assert_eq!(y.role().unwrap(), Role::Yos);
    let ya = y.signer_for(1, PASS).unwrap();

    // Tuesday 13 October: every home sends week 41; the YOS reads all three.
    for h in [&mut a, &mut b, &mut c] {
        let lines = home_sync(h, &share, t(10, 13, 9));
        assert!(
            lines.iter().any(|l| l.starts_with("Sent 2026-W41 version 1")),
            "{lines:?}"
        );
        assert_eq!(sets_in(&share, h.urn), [set_name(h.urn, slug(h), "2026-W41")]);
    }
    let s = yos_sync(&mut y, &ya, &share, t(10, 13, 10));
    assert_eq!((s.accepted, s.rejected, s.already), (3, 0, 0), "{:#?}", s.lines);
    assert_eq!(y.incident_count().unwrap(), 6);

    // Tuesday 20 October: A's PC is off. B and C send week 42, and C's set is changed by one byte on the way.
    home_sync(&mut b, &share, t(10, 20, 9));
    home_sync(&mut c, &share, t(10, 20, 9));
    let c42 = set_name(c.urn, "ash-court", "2026-W42");
    let json = outbox(&share, c.urn).join(format!("{c42}.json"));
    let mut bytes = std::fs::read(&json).unwrap();
    let i = bytes.windows(7).position(|w| w == b"Kitchen").unwrap();
    bytes[i] = b'k';
    std::fs::write(&json, &bytes).unwrap();
    let s = yos_sync(&mut y, &ya, &share, t(10, 20, 13));
    assert_eq!((s.accepted, s.rejected, s.already), (1, 1, 3), "{:#?}", s.lines);
    assert_eq!(y.incident_count().unwrap(), 8, "B's two; none of C's altered set");
    let r = read_receipt(&layout::receipt_path(&share, c.urn, &c42).unwrap()).unwrap();
    assert_eq!(r.status, ReceiptStatus::Rejected);
    let why = r.reason.clone().unwrap();
    assert!(why.contains(&format!("{c42}.json")) && why.contains("SHA-256"), "{why}");
    // After Tuesday 12:00, week 42 is missing from A and from C (a rejected set has not arrived).
    assert_eq!(missing(&y, t(10, 20, 13), a.urn), ["2026-W42"]);
    assert_eq!(missing(&y, t(10, 20, 13), c.urn), ["2026-W42"]);
    assert!(missing(&y, t(10, 20, 13), b.urn).is_empty());

    // Wednesday 21 October: B's manager signs off B's first incident, of week 41, already sent: an amendment.
    b.store.set_clock(Some(t(10, 21, 10)));
    let first = b.store.incident_id_by_uid(&b.incidents[0]).unwrap().unwrap();
    b.store
        .add_entry(
            &b.manager,
            first,
            Change::SignOff {
                comment: "Reviewed with the child.".into(),
            },
        )
        .unwrap();

    // Tuesday 27 October: B's week 43 carries the amendment; C hears of the rejection and sends week 42 again.
    let lines = home_sync(&mut b, &share, t(10, 27, 9));
    assert!(
        lines.iter().any(|l| l == "The YOS received 2026-W42 version 1."),
        "{lines:?}"
    );
    let b43 = set_name(b.urn, "elm-lodge", "2026-W43");
    assert_eq!(manifest(&share, b.urn, &b43)["counts"]["amendments"], 1);
    let lines = home_sync(&mut c, &share, t(10, 27, 9));
    let told = lines
        .iter()
        .find(|l| l.starts_with("The YOS REJECTED 2026-W42 version 1: "))
        .unwrap_or_else(|| panic!("C is told: {lines:?}"));
    assert!(told.contains("SHA-256"), "{told}");
    let sent: Vec<&String> = lines.iter().filter(|l| l.starts_with("Sent ")).collect();
    assert_eq!(sent.len(), 2, "{lines:?}");
    assert!(sent[0].starts_with("Sent 2026-W42 version 2"), "{sent:?}");
    assert!(sent[1].starts_with("Sent 2026-W43 version 1"), "{sent:?}");
    // The export screen's week list says so too.
    let states = home_side::week_states(&c.store, t(10, 27, 9), 10).unwrap();
    let w42 = states.iter().find(|w| w.period.label == "2026-W42").unwrap();
    assert_eq!(w42.sent.as_ref().unwrap().version, 2);
    assert!(w42.line().contains("v1 rejected:"), "{}", w42.line());

    let s = yos_sync(&mut y, &ya, &share, t(10, 27, 11));
    assert_eq!((s.accepted, s.rejected), (3, 0), "{:#?}", s.lines);
    assert_eq!(y.incident_count().unwrap(), 14, "B's week 43, C's weeks 42 and 43");
    // The YOS's copy of B's first record is signed off now.
    let at_yos = y.incident_id_by_uid(&b.incidents[0]).unwrap().unwrap();
    let d = y.incident(at_yos).unwrap();
    assert_eq!(d.current.review.signed_by.as_deref(), Some("Pat Manager"));
    assert_eq!(d.current.review.comment, "Reviewed with the child.");
    assert_eq!(missing(&y, t(10, 27, 11), a.urn), ["2026-W42", "2026-W43"]);
    assert!(missing(&y, t(10, 27, 11), c.urn).is_empty());
    assert_eq!(late(&y, t(10, 27, 11), c.urn), ["2026-W42"]);

    // Tuesday 3 November: A is back and catches up, oldest first, in one go; B's amendment is not sent again.
    let lines = home_sync(&mut a, &share, t(11, 3, 9));
    let sent: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("Sent "))
        .map(|l| &l[5..13])
        .collect();
    assert_eq!(sent, ["2026-W42", "2026-W43", "2026-W44"], "{lines:?}");
    assert_eq!(
        sets_in(&share, a.urn),
        ["2026-W41", "2026-W42", "2026-W43", "2026-W44"].map(|w| set_name(a.urn, "oak-house", w))
    );
    let lines = home_sync(&mut b, &share, t(11, 3, 9));
    assert!(
        lines.iter().any(|l| l == "The YOS received 2026-W43 version 1."),
        "{lines:?}"
    );
    let b44 = set_name(b.urn, "elm-lodge", "2026-W44");
    assert_eq!(manifest(&share, b.urn, &b44)["counts"]["amendments"], 0);
    assert_eq!(concordat::export::pending_amendments(&b.store, t(11, 3, 9)).unwrap(), 0);
    home_sync(&mut c, &share, t(11, 3, 9));

    // The YOS reads them with the command a scheduled task runs (on today's clock).
    let mut cmd = bin();
    cmd.arg("--db")
        .arg(&ydb)
        .args(["sync", "--as", "Kim Officer", "--passphrase-stdin", "--folder"]);
    cmd.arg(&share);
    drop(y);
    let o = with_stdin(cmd, Some(&format!("{PASS}\n")));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Sync: 5 sets accepted, 0 rejected, 8 read before."),
        "{out}"
    );
    // Read today, weeks 42 to 44 are all late (week 44 was due on 10 November).
    assert!(
        out.contains("Oak House (SC111111): 4 weeks arrived, 3 late (2026-W42, 2026-W43, 2026-W44)"),
        "{out}"
    );
    let mut y = Store::open(&ydb).unwrap();
    let ya = y.signer_for(1, PASS).unwrap();
    assert_eq!(
        y.incident_count().unwrap(),
        24,
        "A's weeks 42 to 44, B's and C's week 44"
    );
    assert!(missing(&y, t(11, 4, 9), a.urn).is_empty());
    assert_eq!(late(&y, t(11, 4, 9), a.urn), ["2026-W42", "2026-W43", "2026-W44"]);

    // The share copies B's week 44 under another name: accepted, and nothing imported twice.
    let now = Utc::now();
    let dup = format!("{b44}-copy");
    let from = outbox(&share, b.urn);
    for ext in ["csv", "json"] {
        std::fs::copy(from.join(format!("{b44}.{ext}")), from.join(format!("{dup}.{ext}"))).unwrap();
    }
    let mut m = manifest(&share, b.urn, &b44);
    m["files"][0]["name"] = format!("{dup}.csv").into();
    m["files"][1]["name"] = format!("{dup}.json").into();
    std::fs::write(
        from.join(format!("{dup}.manifest.json")),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
    let audit = y.audit_count().unwrap();
    let s = yos_sync(&mut y, &ya, &share, now);
    assert_eq!((s.accepted, s.rejected), (1, 0), "{:#?}", s.lines);
    assert_eq!(y.incident_count().unwrap(), 24);
    let r = read_receipt(&layout::receipt_path(&share, b.urn, &dup).unwrap()).unwrap();
    assert_eq!(r.counts.unwrap().incidents, 0);
    assert_eq!(r.counts.unwrap().unchanged, 2);
    // And a sync with nothing new reads nothing and writes nothing.
    let audit2 = y.audit_count().unwrap();
    assert!(audit2 > audit, "the copy's reading is recorded");
    let s = yos_sync(&mut y, &ya, &share, now);
    assert_eq!(
        (s.accepted, s.rejected, s.already),
        (0, 0, 14),
        "every set read before, the altered one too"
    );
    assert_eq!(y.audit_count().unwrap(), audit2);

    // The YOS's figures for each home are the home's own, week by week and for the four weeks together.
    let four = Period::dates(week("2026-W41").first_day, week("2026-W44").last_day).unwrap();
    for h in [&a, &b, &c] {
        for p in [week("2026-W41"), week("2026-W42"), week("2026-W44"), four.clone()] {
            same_figures(h, &y, &p);
        }
        let mine = report::compute(&h.store, &four).unwrap().total;
        assert_eq!(mine.incidents, 8, "{}: not the same nothing", h.urn);
        assert_eq!(mine.children.involved.count, 2, "{}: named and pseudonymised", h.urn);
    }
    // Riley (not open to the YOS) reached the YOS without her name; Jordan (open) with his.
    let names: Vec<String> = y.all_children().unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names.iter().filter(|n| *n == "Jordan Smith").count(), 3, "{names:?}");
    assert!(!names.iter().any(|n| n == "Riley Jones"), "{names:?}");

    for h in [&a, &b, &c] {
        assert!(h.store.verify().unwrap().is_sound(), "{}", h.urn);
    }
    assert!(y.verify().unwrap().is_sound());
}

fn slug(h: &Home) -> &'static str {
    match h.urn {
        "SC111111" => "oak-house",
        "SC222222" => "elm-lodge",
        _ => "ash-court",
    }
}
