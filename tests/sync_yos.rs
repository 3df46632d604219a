//! The YOS side of sync, end to end: homes set up with `concordat setup`, their weekly sets written into a
//! shared folder's outboxes, a YOS set up as a YOS that syncs: sets checked against their manifests and the
//! homes' audit anchors, imported all or nothing, a receipt for each, and the weeks that are missing or late.

use fixtures::cli;
mod common;
use common::fixtures;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use cli::{bin, stderr, stdout, with_stdin};
use concordat::export;
use concordat::store::settings::Role;
use concordat::store::{Actor, Store};
use concordat::sync::layout::{self, ReceiptStatus, read_receipt};
use concordat::sync::yos;
use concordat::time::Period;
use fixtures::{PASS, child_input, record};

fn t(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap()
}

/// `concordat --db DB setup ARGS… --passphrase-stdin`, PASS on standard input.
fn setup(db: &Path, args: &[&str]) -> std::process::Output {
    let mut c = bin();
    c.arg("--db").arg(db).arg("setup").args(args).arg("--passphrase-stdin");
    with_stdin(c, Some(&format!("{PASS}\n")))
}

/// A home set up from the command line, with one child.
fn home(dir: &Path, name: &str, urn: &str) -> (Store, Actor, String) {
    let db = dir.join(format!("{urn}.db"));
    let o = setup(&db, &["--home", name, "--urn", urn, "--manager", "Pat Manager"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Recovery code"), "{}", stdout(&o));
    let mut s = Store::open(&db).unwrap();
    assert_eq!(s.role().unwrap(), Role::Home);
    s.set_clock(Some(t(2026, 12, 1, 9)));
    let a = s.signer_for(1, PASS).unwrap();
    let c = s.add_child(&a, &child_input("Jordan Smith")).unwrap();
    (s, a, c.uid)
}

/// One incident on the Wednesday of `week`, then the week's set written into the home's outbox.
fn week_set(s: &mut Store, a: &Actor, child: &str, sync: &Path, week: &str) -> String {
    let p = Period::parse_week(week).unwrap();
    let wed = concordat::time::local_midnight(p.first_day + chrono::Duration::days(2)) + chrono::Duration::hours(14);
    s.set_clock(Some(wed));
    s.save_incident(a, record(child, wed, &format!("Kicked a door in {week}.")), None)
        .unwrap();
    // The set is written the Monday after.
    s.set_clock(Some(
        concordat::time::local_midnight(p.last_day + chrono::Duration::days(1)) + chrono::Duration::hours(9),
    ));
    let urn = s.home().unwrap().unwrap().ofsted_urn;
    let out = layout::outbox_dir(sync, &urn).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let r = export::write(s, a, &p, &out).unwrap();
    let name = r.files[2].file_name().unwrap().to_string_lossy().into_owned();
    name.trim_end_matches(layout::MANIFEST_SUFFIX).to_string()
}

fn yos_db(dir: &Path) -> (Store, Actor) {
    let db = dir.join("yos.db");
    let o = setup(&db, &["--yos", "Northshire YOS", "--manager", "Kim Officer"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = Store::open(&db).unwrap();
    assert_eq!(s.role().unwrap(), Role::Yos);
    let a = s.signer_for(1, PASS).unwrap();
    (s, a)
}

fn sync(s: &mut Store, a: &Actor, folder: &Path, now: DateTime<Utc>) -> yos::Summary {
    s.set_clock(Some(now));
    let mut calls = Vec::new();
    let r = yos::run(s, a, folder, now, &mut |d, n| calls.push((d, n))).unwrap();
    if let Some(last) = calls.last() {
        assert_eq!(last.0, last.1, "progress ends at the total");
    }
    r
}

fn receipt(sync: &Path, urn: &str, set: &str) -> layout::Receipt {
    read_receipt(&layout::receipt_path(sync, urn, set).unwrap()).unwrap()
}

fn incidents(s: &Store) -> i64 {
    s.incident_count().unwrap()
}

/// Copy a set's three files under another set name, the manifest rewritten by `edit` (names updated).
fn copy_set(
    from_dir: &Path,
    set: &str,
    to_dir: &Path,
    new: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> PathBuf {
    std::fs::create_dir_all(to_dir).unwrap();
    for ext in ["csv", "json"] {
        std::fs::copy(
            from_dir.join(format!("{set}.{ext}")),
            to_dir.join(format!("{new}.{ext}")),
        )
        .unwrap();
    }
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(from_dir.join(format!("{set}.manifest.json"))).unwrap()).unwrap();
    m["files"][0]["name"] = format!("{new}.csv").into();
    m["files"][1]["name"] = format!("{new}.json").into();
    edit(&mut m);
    let p = to_dir.join(format!("{new}.manifest.json"));
    std::fs::write(&p, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    p
}

#[test]
fn two_homes_sync_into_a_yos_with_receipts_missing_weeks_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (mut oak, oa, oc) = home(dir.path(), "Oak House", "SC111111");
    let (mut elm, ea, ec) = home(dir.path(), "Elm Lodge", "SC222222");
    // Both homes send weeks 50 and 52; week 51 is never sent.
    let oak50 = week_set(&mut oak, &oa, &oc, &share, "2026-W50");
    let oak52 = week_set(&mut oak, &oa, &oc, &share, "2026-W52");
    let elm50 = week_set(&mut elm, &ea, &ec, &share, "2026-W50");
    let elm52 = week_set(&mut elm, &ea, &ec, &share, "2026-W52");

    let (mut y, ya) = yos_db(dir.path());
    // Tuesday 29 December, 09:00: week 52 is not due until 12:00.
    let now = t(2026, 12, 29, 9);
    let s = sync(&mut y, &ya, &share, now);
    assert_eq!((s.accepted, s.rejected), (4, 0), "{:#?}", s.lines);
    assert_eq!(incidents(&y), 4);
    for (urn, set) in [
        ("SC111111", &oak50),
        ("SC111111", &oak52),
        ("SC222222", &elm50),
        ("SC222222", &elm52),
    ] {
        let r = receipt(&share, urn, set);
        assert_eq!(r.status, ReceiptStatus::Accepted, "{set}");
        assert_eq!(r.read_by, "Northshire YOS");
        assert_eq!(r.home.ofsted_urn, urn);
        assert_eq!(r.counts.unwrap().incidents, 1);
        assert_eq!(r.manifest_sha256.len(), 64);
    }
    // The YOS did not become a home: its own name stays, the homes are other homes.
    assert_eq!(y.home().unwrap().unwrap().name, "Northshire YOS");
    assert_eq!(y.homes().unwrap().len(), 3);
    // Arrivals: week 51 missing for both; week 50 came late (after Tuesday 15 December 12:00); 52 on time.
    assert_eq!(s.arrivals.len(), 2);
    for h in &s.arrivals {
        let labels: Vec<&str> = h.weeks.iter().map(|w| w.label.as_str()).collect();
        assert_eq!(labels, ["2026-W50", "2026-W51", "2026-W52"], "{h:?}");
        assert_eq!(
            h.missing().iter().map(|w| w.label.as_str()).collect::<Vec<_>>(),
            ["2026-W51"]
        );
        assert_eq!(
            h.late().iter().map(|w| w.label.as_str()).collect::<Vec<_>>(),
            ["2026-W50"]
        );
    }
    let text = s.lines.join("\n");
    assert!(
        text.contains("Oak House (SC111111): 2 weeks arrived, 1 late (2026-W50); missing 2026-W51"),
        "{text}"
    );

    // Synced again, and the same set copied back by the share: nothing is read or imported twice.
    let audit = y.audit_count().unwrap();
    let s2 = sync(&mut y, &ya, &share, now);
    assert_eq!((s2.accepted, s2.rejected, s2.already), (0, 0, 4));
    assert_eq!(y.audit_count().unwrap(), audit);
    // The same export under another name: accepted as nothing new.
    let oak_out = layout::outbox_dir(&share, "SC111111").unwrap();
    copy_set(&oak_out, &oak50, &oak_out, &format!("{oak50}-copy"), |_| {});
    let s3 = sync(&mut y, &ya, &share, now);
    assert_eq!((s3.accepted, s3.rejected), (1, 0), "{:#?}", s3.lines);
    assert_eq!(incidents(&y), 4);
    let r = receipt(&share, "SC111111", &format!("{oak50}-copy"));
    assert_eq!(r.counts.unwrap().incidents, 0);
    assert_eq!(r.counts.unwrap().unchanged, 1);

    // A set altered by one byte on the way: rejected, and the receipt names the file and the check.
    let oak53 = week_set(&mut oak, &oa, &oc, &share, "2026-W53");
    let json = oak_out.join(format!("{oak53}.json"));
    let mut b = std::fs::read(&json).unwrap();
    let i = b.windows(7).position(|w| w == b"Kitchen").unwrap();
    b[i] = b'k';
    std::fs::write(&json, &b).unwrap();
    let later = t(2027, 1, 5, 9);
    let s4 = sync(&mut y, &ya, &share, later);
    assert_eq!((s4.accepted, s4.rejected), (0, 1), "{:#?}", s4.lines);
    assert_eq!(incidents(&y), 4);
    let r = receipt(&share, "SC111111", &oak53);
    assert_eq!(r.status, ReceiptStatus::Rejected);
    let why = r.reason.unwrap();
    assert!(
        why.contains(&format!("{oak53}.json")) && why.contains("SHA-256"),
        "{why}"
    );

    // A manifest claiming another home's URN, in this home's folder: rejected.
    let elm_out = layout::outbox_dir(&share, "SC222222").unwrap();
    let elm53 = week_set(&mut elm, &ea, &ec, &share, "2026-W53");
    copy_set(&elm_out, &elm53, &oak_out, "SC111111-borrowed-2026-W53", |_| {});
    // (Elm Lodge's own copy of that week is held back for now.)
    std::fs::rename(
        elm_out.join(format!("{elm53}.manifest.json")),
        dir.path().join("held.manifest.json"),
    )
    .unwrap();
    let s5 = sync(&mut y, &ya, &share, later);
    assert_eq!((s5.accepted, s5.rejected), (0, 1), "{:#?}", s5.lines);
    let r = receipt(&share, "SC111111", "SC111111-borrowed-2026-W53");
    let why = r.reason.unwrap();
    assert!(
        why.contains("URN SC222222") && why.contains("folder of URN SC111111"),
        "{why}"
    );
    assert_eq!(incidents(&y), 4);

    // An audit anchor that goes backwards (a home's file cut back) or a row that changed its hash: rejected.
    copy_set(&oak_out, &oak52, &oak_out, "SC111111-cut-2027-W01", |m| {
        m["export_uid"] = "another-export".into();
        m["generated_at"] = "2027-01-11T09:00:00Z".into();
        m["audit_anchor"]["audit_id"] = 3.into();
    });
    copy_set(&oak_out, &oak52, &oak_out, "SC111111-rewritten-2027-W01", |m| {
        m["export_uid"] = "yet-another".into();
        m["audit_anchor"]["hash"] = "0".repeat(64).into();
    });
    let s6 = sync(&mut y, &ya, &share, later);
    assert_eq!((s6.accepted, s6.rejected), (0, 2), "{:#?}", s6.lines);
    let why = receipt(&share, "SC111111", "SC111111-cut-2027-W01").reason.unwrap();
    assert!(why.contains("went backwards"), "{why}");
    let why = receipt(&share, "SC111111", "SC111111-rewritten-2027-W01")
        .reason
        .unwrap();
    assert!(why.contains("rewritten"), "{why}");

    // Every set read is recorded, audited like every table, and the YOS's file verifies.
    let n: i64 = y.row_count("received_sets").unwrap();
    assert_eq!(n, 9);
    assert!(y.verify().unwrap().is_sound());
}

#[test]
fn a_yos_records_signs_and_sends_nothing_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (mut oak, oa, oc) = home(dir.path(), "Oak House", "SC111111");
    let set = week_set(&mut oak, &oa, &oc, &share, "2026-W50");
    let (mut y, ya) = yos_db(dir.path());
    let s = sync(&mut y, &ya, &share, t(2026, 12, 15, 9));
    assert_eq!(s.accepted, 1, "{:#?} {set}", s.lines);
    let id: i64 = y.incident_ids().unwrap()[0];
    // No signing of a home's record.
    let e = y
        .add_entry(
            &ya,
            id,
            concordat::domain::Change::SignOff {
                comment: "Seen.".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("YOS"), "{e}");
    // No children, no incidents, no weekly file of its own.
    let e = y.add_child(&ya, &child_input("Alex Jones")).unwrap_err();
    assert!(format!("{e:?}").contains("YOS"), "{e:?}");
    let e = y
        .save_incident(&ya, record(&oc, t(2026, 12, 15, 8), "x"), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("YOS"), "{e}");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let e = export::write(&mut y, &ya, &Period::parse_week("2026-W50").unwrap(), &out)
        .unwrap_err()
        .to_string();
    assert!(e.contains("YOS"), "{e}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    // And a home's database does not read the homes' sets.
    let e = yos::run(&mut oak, &oa, &share, t(2026, 12, 15, 9), &mut |_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("home's database"), "{e}");
}

#[test]
fn a_yos_signs_in_to_the_homes_arrivals_not_a_handover_and_its_menu_records_nothing() {
    use fixtures::ui::{draw, key, sign_in, terminal};
    use ratatui::crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (mut oak, oa, oc) = home(dir.path(), "Oak House", "SC111111");
    week_set(&mut oak, &oa, &oc, &share, "2026-W50");
    week_set(&mut oak, &oa, &oc, &share, "2026-W52");
    let (mut y, ya) = yos_db(dir.path());
    let now = t(2026, 12, 29, 9);
    sync(&mut y, &ya, &share, now);
    let mut app = concordat::ui::app::App::new(y, fixtures::ui::protocol(), concordat::ui::theme::Theme::plain(), now);
    sign_in(&mut app, 0, PASS);
    let mut term = terminal(80, 24);
    let text = draw(&app, &mut term).join("\n");
    assert!(text.contains("Which weeks have arrived"), "{text}");
    assert!(text.contains("Oak House (SC111111): 2 weeks arrived"), "{text}");
    assert!(text.contains("missing 2026-W51"), "{text}");
    assert!(!text.contains("Handover"), "{text}");
    app.update(key(KeyCode::Esc));
    let text = draw(&app, &mut term).join("\n");
    assert!(text.contains("This is a YOS"), "{text}");
    assert!(text.contains("weeks missing"), "{text}");
    for gone in [
        "New incident",
        "Weekly file to the YOS",
        "Handover",
        "has not been exported",
    ] {
        assert!(!text.contains(gone), "{gone}: {text}");
    }
    // 'n' opens nothing on a YOS; 'a' opens the arrivals.
    app.update(key(KeyCode::Char('n')));
    assert!(draw(&app, &mut term).join("\n").contains("This is a YOS"));
    app.update(key(KeyCode::Char('a')));
    assert!(draw(&app, &mut term).join("\n").contains("Which weeks have arrived"));
    // The homes' incidents: no 'new incident' offered, and 'n' says why instead of opening a form the store
    // would refuse after the whole record was typed.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('i')));
    let shown = |app: &concordat::ui::app::App| -> Vec<String> {
        app.hints().iter().map(|h| format!("{} {}", h.keys, h.action)).collect()
    };
    assert!(
        !shown(&app).iter().any(|h| h.contains("new incident")),
        "{:?}",
        shown(&app)
    );
    app.update(key(KeyCode::Char('n')));
    let text = draw(&app, &mut term).join("\n");
    assert!(
        text.contains("This is a YOS: incidents are recorded at the homes"),
        "{text}"
    );
    // An imported record: the YOS's own court key; no home's review, sign-off or added information.
    app.update(key(KeyCode::Enter));
    let h = shown(&app);
    assert!(h.iter().any(|h| h == "c court"), "{h:?}");
    assert!(
        !h.iter()
            .any(|h| h.contains("review and sign") || h.contains("add information")),
        "{h:?}"
    );
    let before = draw(&app, &mut term).join("\n");
    for k in ['r', 'u', 'a'] {
        app.update(key(KeyCode::Char(k)));
        assert_eq!(
            draw(&app, &mut term).join("\n"),
            before,
            "{k} does nothing on a YOS's record"
        );
    }
}
