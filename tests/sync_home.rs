//! The home side of sync (issue 19): every finished week not yet sent goes into the home's outbox in the sync
//! folder, oldest first, never the current week; the YOS's receipts are read and a rejection is shown; an
//! amendment is resent until a set that carried it is received; homes are told apart by their Ofsted URN.

use std::path::{Path, PathBuf};

use common::fixtures::cli;

use chrono::{DateTime, TimeZone, Utc};
use concordat::domain::*;
use concordat::export;
use concordat::store::staff::Setup;
use concordat::store::{Actor, Store};
use concordat::sync::{self, layout};
use concordat::time::Period;

fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

use common::fixtures::{child_yos as child_input, export_record as record};

struct Fx {
    store: Store,
    manager: Actor,
    sync: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

/// Oak House (SC123456), set up on 2026-11-01 (W44), one incident in each of W45, W46, W47 and W48; the clock on
/// Wednesday 25 November (W48, not over).
fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("c.db")).unwrap();
    s.set_clock(Some(t(2026, 11, 1, 9, 0)));
    let m = s
        .setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    let a = m.actor.clone();
    let j = s.add_child(&a, &child_input("Jordan Smith", true)).unwrap();
    for (uid, day) in [("w45", 3), ("w46", 10), ("w47", 17), ("w48", 24)] {
        s.set_clock(Some(t(2026, 11, day, 12, 0)));
        s.save_incident(&a, record(uid, &j.uid, t(2026, 11, day, 10, 0), "Shouted."), None)
            .unwrap();
    }
    s.set_clock(Some(t(2026, 11, 25, 9, 0)));
    let sync = tempfile::tempdir().unwrap();
    Fx {
        store: s,
        manager: a,
        sync,
        _dir: dir,
    }
}

fn outbox(fx: &Fx) -> PathBuf {
    layout::outbox_dir(fx.sync.path(), "SC123456").unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn sync_now(fx: &mut Fx) -> Vec<String> {
    let now = fx.store.now();
    let mut seen = vec![];
    let s = sync::home::run(&mut fx.store, &fx.manager, fx.sync.path(), now, &mut |d, n| {
        seen.push((d, n))
    })
    .unwrap();
    assert_eq!(seen.last().map(|(d, n)| d == n), Some(true), "{seen:?}");
    s.lines
}

/// The labels in the ledger, in the order they were written.
fn ledger(s: &Store) -> Vec<String> {
    s.ledger_in_order()
        .unwrap()
        .into_iter()
        .map(|e| format!("{}-v{}", e.label, e.version))
        .collect()
}

/// A receipt as the YOS writes it, for a set in the outbox.
fn receipt(fx: &Fx, set: &str, status: layout::ReceiptStatus, reason: Option<&str>) -> PathBuf {
    let manifest = outbox(fx).join(format!("{set}.manifest.json"));
    let bytes = std::fs::read(&manifest).unwrap();
    let m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let r = layout::Receipt {
        format: layout::RECEIPT_FORMAT.into(),
        version: layout::RECEIPT_VERSION,
        set: set.into(),
        export_uid: m["export_uid"].as_str().unwrap().into(),
        home: serde_json::from_value(m["home"].clone()).unwrap(),
        period: serde_json::from_value(m["period"].clone()).unwrap(),
        export_version: m["export_version"].as_u64().unwrap() as u32,
        manifest_sha256: concordat::hash::sha256_hex(&bytes),
        status,
        reason: reason.map(str::to_string),
        read_at: "2026-11-26T10:00:00Z".into(),
        read_by: "Northshire YOS".into(),
        counts: None,
    };
    let p = layout::receipt_path(fx.sync.path(), "SC123456", set).unwrap();
    layout::write_receipt(&p, &r).unwrap();
    p
}

#[test]
fn sync_writes_every_finished_week_oldest_first_never_the_current_one_and_then_nothing_new() {
    let mut fx = fixture();
    let lines = sync_now(&mut fx);
    assert_eq!(
        ledger(&fx.store),
        ["2026-W45-v1", "2026-W46-v1", "2026-W47-v1"],
        "{lines:?}"
    );
    let names = files(&outbox(&fx));
    assert_eq!(names.len(), 9, "{names:?}");
    // Homes are told apart by their URN, in front of every file name.
    for w in ["W45", "W46", "W47"] {
        for ext in ["csv", "json", "manifest.json"] {
            let n = format!("SC123456-oak-house-2026-{w}.{ext}");
            assert!(names.contains(&n), "{n} in {names:?}");
        }
    }
    assert!(lines[0].contains("2026-W45"), "{lines:?}");
    assert!(!names.iter().any(|n| n.contains("W48")));
    // Again: nothing new.
    let lines = sync_now(&mut fx);
    assert_eq!(ledger(&fx.store).len(), 3);
    assert_eq!(files(&outbox(&fx)).len(), 9);
    assert!(lines.iter().any(|l| l.contains("nothing new")), "{lines:?}");
    // The export screen's weeks: W47 sent, not yet received.
    let weeks = sync::home::week_states(&fx.store, fx.store.now(), 10).unwrap();
    assert_eq!(weeks[0].period.label, "2026-W47");
    assert!(
        weeks[0].line().contains("sent") && weeks[0].line().contains("by Pat Manager"),
        "{}",
        weeks[0].line()
    );
    assert!(weeks[0].line().contains("not yet received"), "{}", weeks[0].line());
}

#[test]
fn a_pc_off_for_weeks_catches_up_and_the_menu_counts_every_week_not_sent() {
    let mut fx = fixture();
    sync_now(&mut fx);
    // Three weeks later (Wednesday of W51): W48, W49 and W50 are owed.
    fx.store.set_clock(Some(t(2026, 12, 16, 9, 0)));
    let due: Vec<String> = sync::home::weeks_due(&fx.store, fx.store.now())
        .unwrap()
        .into_iter()
        .map(|p| p.label)
        .collect();
    assert_eq!(due, ["2026-W48", "2026-W49", "2026-W50"]);
    sync_now(&mut fx);
    assert_eq!(ledger(&fx.store)[3..], ["2026-W48-v1", "2026-W49-v1", "2026-W50-v1"]);
}

#[test]
fn a_rejection_written_by_the_yos_is_recorded_and_shown_and_the_week_is_sent_again() {
    let mut fx = fixture();
    sync_now(&mut fx);
    let p = receipt(
        &fx,
        "SC123456-oak-house-2026-W46",
        layout::ReceiptStatus::Rejected,
        Some("the CSV is not the file the manifest describes (altered in transit)"),
    );
    receipt(
        &fx,
        "SC123456-oak-house-2026-W45",
        layout::ReceiptStatus::Accepted,
        None,
    );
    assert!(p.exists());
    fx.store.set_clock(Some(t(2026, 11, 26, 9, 0)));
    let lines = sync_now(&mut fx);
    let all = lines.join("\n");
    assert!(
        all.contains("REJECTED 2026-W46 version 1: the CSV is not the file"),
        "{all}"
    );
    assert!(all.contains("received 2026-W45"), "{all}");
    let n: i64 = fx.store.row_count("export_receipts").unwrap();
    assert_eq!(n, 2);
    // Recorded through the audit trail.
    assert!(fx.store.verify().unwrap().is_sound());
    let weeks = sync::home::week_states(&fx.store, fx.store.now(), 10).unwrap();
    let w46 = weeks.iter().find(|w| w.period.label == "2026-W46").unwrap();
    assert!(
        w46.line().contains("rejected: the CSV is not the file"),
        "{}",
        w46.line()
    );
    let w45 = weeks.iter().find(|w| w.period.label == "2026-W45").unwrap();
    assert!(w45.line().contains("received"), "{}", w45.line());
    // Sent again as version 2, once.
    assert_eq!(ledger(&fx.store).last().unwrap(), "2026-W46-v2");
    sync_now(&mut fx);
    assert_eq!(ledger(&fx.store).len(), 4);
    // A receipt read once is not recorded twice.
    let n2: i64 = fx.store.row_count("export_receipts").unwrap();
    assert_eq!(n2, 2);
}

#[test]
fn a_receipt_for_a_set_this_home_did_not_send_is_not_recorded() {
    let mut fx = fixture();
    sync_now(&mut fx);
    let p = receipt(
        &fx,
        "SC123456-oak-house-2026-W47",
        layout::ReceiptStatus::Accepted,
        None,
    );
    // Forged: another set's uid under this name.
    let mut r = layout::read_receipt(&p).unwrap();
    std::fs::remove_file(&p).unwrap();
    r.export_uid = "not-a-set".into();
    layout::write_receipt(&p, &r).unwrap();
    let lines = sync_now(&mut fx);
    assert!(lines.iter().any(|l| l.contains("did not send")), "{lines:?}");
    let n: i64 = fx.store.row_count("export_receipts").unwrap();
    assert_eq!(n, 0);
}

fn amendments_in(fx: &Fx, set: &str) -> u64 {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outbox(fx).join(format!("{set}.manifest.json"))).unwrap()).unwrap();
    m["counts"]["amendments"].as_u64().unwrap()
}

#[test]
fn an_amendment_is_resent_until_a_set_that_carried_it_is_received() {
    let mut fx = fixture();
    let dir = fx.sync.path().to_str().unwrap().to_string();
    fx.store.set_setting(&fx.manager, "sync_folder", &dir).unwrap();
    sync_now(&mut fx);
    // In W48, W46's incident is signed: an amendment.
    fx.store.set_clock(Some(t(2026, 11, 27, 9, 0)));
    let id = fx.store.incident_id_by_uid("w46").unwrap().unwrap();
    fx.store
        .add_entry(
            &fx.manager,
            id,
            Change::SignOff {
                comment: "Late sign-off".into(),
            },
        )
        .unwrap();
    // W49: the W48 set carries it...
    fx.store.set_clock(Some(t(2026, 12, 2, 9, 0)));
    sync_now(&mut fx);
    assert_eq!(amendments_in(&fx, "SC123456-oak-house-2026-W48"), 1);
    // ...and is lost on the way (gone from the outbox before the YOS read it).
    for ext in ["csv", "json", "manifest.json"] {
        std::fs::remove_file(outbox(&fx).join(format!("SC123456-oak-house-2026-W48.{ext}"))).unwrap();
    }
    // W50: the W49 set carries it again.
    fx.store.set_clock(Some(t(2026, 12, 9, 9, 0)));
    sync_now(&mut fx);
    assert_eq!(amendments_in(&fx, "SC123456-oak-house-2026-W49"), 1);
    // The YOS accepts the W49 set: the W50 set does not carry it.
    receipt(
        &fx,
        "SC123456-oak-house-2026-W49",
        layout::ReceiptStatus::Accepted,
        None,
    );
    fx.store.set_clock(Some(t(2026, 12, 16, 9, 0)));
    let lines = sync_now(&mut fx);
    assert!(lines.iter().any(|l| l.contains("received 2026-W49")), "{lines:?}");
    assert_eq!(amendments_in(&fx, "SC123456-oak-house-2026-W50"), 0);
    assert_eq!(export::pending_amendments(&fx.store, fx.store.now()).unwrap(), 0);
}

#[test]
fn a_home_without_an_ofsted_urn_cannot_sync_and_is_told_where_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("c.db")).unwrap();
    s.set_clock(Some(t(2026, 11, 1, 9, 0)));
    let m = s
        .setup(&Setup {
            home_name: "Elm Lodge",
            ofsted_urn: "",
            manager_name: "Pat Manager",
            passphrase: "correct horse",
        })
        .unwrap();
    s.set_clock(Some(t(2026, 11, 25, 9, 0)));
    let sync_dir = tempfile::tempdir().unwrap();
    let now = s.now();
    let e = sync::home::run(&mut s, &m.actor, sync_dir.path(), now, &mut |_, _| {}).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("no Ofsted URN") && msg.contains("Settings"), "{msg}");
    assert!(files(sync_dir.path()).is_empty());
    assert!(ledger(&s).is_empty());
}

#[test]
fn the_command_line_refuses_the_current_week_and_syncs_a_home() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    {
        let mut s = Store::open(&db).unwrap();
        s.setup(&Setup {
            home_name: "Oak House",
            ofsted_urn: "SC123456",
            manager_name: cli::MANAGER,
            passphrase: cli::PASS,
        })
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let this = Period::week_of(concordat::time::local_date(Utc::now()));
    let o = cli::run_manager(
        &db,
        &["export", "--week", &this.label, "--out", out.path().to_str().unwrap()],
    );
    assert!(!o.status.success());
    let err = cli::stderr(&o);
    assert!(
        err.contains("is not over yet") && err.contains("Nothing was written"),
        "{err}"
    );
    assert!(files(out.path()).is_empty());
    // sync on a home: the week it was set up is not over, so nothing to send yet.
    let o = cli::run_manager(&db, &["sync", "--folder", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", cli::stderr(&o));
    assert!(cli::stdout(&o).contains("nothing new"), "{}", cli::stdout(&o));
    // No folder at all: said plainly.
    let o = cli::run_manager(&db, &["sync"]);
    assert!(!o.status.success());
    assert!(cli::stderr(&o).contains("No sync folder"), "{}", cli::stderr(&o));
}

mod common;

/// Two homes of one name in one database (a YOS's): the browser's filter tells them apart by Ofsted URN, and
/// choosing one leaves only its incidents.
#[test]
fn the_browser_tells_homes_of_one_name_apart_by_urn_and_filters_by_home() {
    use common::*;
    use ratatui::crossterm::event::KeyCode;
    let at = t(2026, 11, 22, 8, 0);
    let mut h = home(at);
    let w = h.worker();
    let c = h.child.clone();
    save_at(
        &mut h,
        &w,
        record(&c, at - chrono::Duration::hours(3), "Shouted at staff."),
        at - chrono::Duration::hours(2),
    );
    let theirs = {
        let r = record(&c, at - chrono::Duration::hours(1), "Other home's incident.");
        let mut r = r;
        r.uid = "other-oak-1".into();
        r.child_uid = "other-oak-child".into();
        h.store
            .bulk(|b| {
                let by = Actor::system("test import");
                b.add_other_home(&by, at, "other-oak", "Oak House", "SC654321")?;
                b.set_home("other-oak");
                let input = ChildInput {
                    name: "Riley Other".into(),
                    dob: "04/03/2011".into(),
                    gender: "male".into(),
                    ethnicity: "white_british".into(),
                    legal_status: "s31".into(),
                    admitted: "06/01/2025".into(),
                    ..Default::default()
                };
                b.add_child(&by, at, "other-oak-child", &input)?;
                b.save_incident(&by, at, r)
            })
            .unwrap()
    };
    let mut app = as_manager(h);
    app.update(key(KeyCode::Esc));
    app.update(ch('i'));
    let s = screen(&app);
    assert!(s.contains(&format!("#{theirs} Oak House (SC654321)")), "{s}");
    app.update(ch('f'));
    app.update(key(KeyCode::Right));
    assert!(screen(&app).contains("Oak House (SC123456)"), "{}", screen(&app));
    app.update(key(KeyCode::Right));
    assert!(screen(&app).contains("Oak House (SC654321)"), "{}", screen(&app));
    app.update(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Filtered: Oak House (SC654321)"), "{s}");
    assert!(
        s.contains("Other home's incident") && !s.contains("Shouted at staff"),
        "{s}"
    );
}
