//! Print-outs for the paper file: golden texts of the handover sheet and a full incident (with its
//! protocol answers and history), and `concordat print` writing private files atomically.

use common::fixtures::cli;
mod common;

use chrono::Duration;
use common::*;
use concordat::domain::{Change, ChildView, CorrectableField, Notification, NotifyWho};
use concordat::store::Store;
use concordat::store::handover::Window;

fn morning() -> chrono::DateTime<chrono::Utc> {
    t(2026, 11, 22, 8, 0)
}

fn busy(h: &mut Home) -> i64 {
    let w = h.worker();
    let m = h.manager();
    let c = h.child.clone();
    let o = h.other.clone();
    let mut old = record(
        &o,
        t(2026, 11, 19, 21, 0),
        "Alex threw a mug at the wall in the lounge.",
    );
    old.uid = "golden-old".into();
    save_at(h, &w, old, t(2026, 11, 19, 21, 40));
    let mut night = police_record(
        &c,
        t(2026, 11, 22, 2, 10),
        "JJ punched a member of staff after being told to come inside.\nStaff stepped back and gave space.",
        "CAD 0221",
    );
    night.uid = "golden-night".into();
    let id = save_at(h, &w, night, t(2026, 11, 22, 2, 50));
    h.store.set_clock(Some(t(2026, 11, 22, 7, 0)));
    h.store
        .add_entry(
            &w,
            id,
            Change::Notified {
                notification: Notification {
                    who: NotifyWho::ManagerOnCall,
                    at: t(2026, 11, 22, 2, 30),
                    note: "Pat on call, agreed".into(),
                },
            },
        )
        .unwrap();
    h.store
        .add_entry(
            &m,
            id,
            Change::Correction {
                field: CorrectableField::Location,
                value: "Back garden".into(),
                reason: "It was outside, not in the kitchen".into(),
            },
        )
        .unwrap();
    h.store
        .add_entry(
            &w,
            id,
            Change::ChildView {
                view: ChildView {
                    text: "I didn't want to come in, nobody listened.".into(),
                    recorded_at: t(2026, 11, 22, 6, 45),
                },
            },
        )
        .unwrap();
    h.store.set_clock(Some(t(2026, 11, 22, 7, 20)));
    h.store
        .add_handover_note(&w, "Ring JJ's social worker after 9.")
        .unwrap();
    h.store.set_clock(Some(morning()));
    id
}

#[test]
fn the_handover_sheet_golden() {
    let mut h = home(morning());
    busy(&mut h);
    let sheet = h.store.handover_sheet(morning(), Window::SinceHandover).unwrap();
    let text = concordat::print::handover_text(&sheet, "Oak House");
    assert!(text.contains("! OVERDUE since 20/11 21:00"), "{text}");
    // The same order as the screen: now, notes, what happened by child, outstanding by kind and child.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s:?} in:\n{text}"));
    assert!(at("\nNOW\n") < at("NOTES FROM THE OUTGOING SHIFT"));
    assert!(at("NOTES FROM THE OUTGOING SHIFT") < at("WHAT HAPPENED (1 incident recorded)"));
    // Regulation 35's 48-hour deadlines apply only where there was a restraint: none here.
    assert!(at("WHAT HAPPENED") < at("OUTSTANDING (7 items, 1 overdue)"));
    assert!(text.contains("  Tell the social worker (2 items, 1 overdue: Alex Brown 1, JJ 1)\n    Alex Brown\n"));
    // The sheet ends with the head of the audit chain (its hash differs each run: keys and uids are random).
    let head = h.store.chain_anchor().unwrap();
    let line = format!("Audit anchor: row {}, {}\n", head.audit_id, head.hash);
    assert!(text.ends_with(&line), "{text}");
    let text = text.replace(&head.hash, "<hash of that row>");
    insta::assert_snapshot!(text);
}

#[test]
fn an_incident_golden_has_every_part_and_its_history() {
    let mut h = home(morning());
    let id = busy(&mut h);
    let d = h.store.incident(id).unwrap();
    let text = concordat::print::incident_text(&d, "Oak House", morning());
    for must in [
        "Is anyone in immediate danger?",
        "Answer: No (from what was recorded)",
        "CAD 0221",
        "PC 1234 Jones",
        "Location: Back garden",
        "As first recorded: Kitchen",
        "It was outside, not in the kitchen",
        "I didn't want to come in, nobody listened.",
        "Staff stepped back and gave space.",
        "Sam Night  Record saved",
        "Pat Manager  Correction",
        // The police were involved and no manager has judged it yet: never "no" for a judgement not made.
        "Ofsted (reg 40): not yet judged (the manager decides at sign-off)",
    ] {
        assert!(text.contains(must), "missing {must:?} in:\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn hostile_text_is_cleaned_in_prints() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    let r = record(
        &c,
        morning() - Duration::hours(1),
        "Door\u{1b}[31m kicked \u{202e}evil\u{200b}.",
    );
    let id = save_at(&mut h, &w, r, morning() - Duration::minutes(30));
    let d = h.store.incident(id).unwrap();
    let text = concordat::print::incident_text(&d, "Oak\u{1b}]0;x\u{7} House", morning());
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{200b}'),
        "{text:?}"
    );
    let sheet = h.store.handover_sheet(morning(), Window::Hours24).unwrap();
    let text = concordat::print::handover_text(&sheet, "Oak House");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text:?}");
}

fn file_home(dir: &std::path::Path) -> (std::path::PathBuf, i64) {
    let db = dir.join("c.db");
    let mut h = home_at(Store::open(&db).unwrap(), morning());
    let id = busy(&mut h);
    (db, id)
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn concordat_print_writes_private_files() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = file_home(dir.path());
    let out = dir.path().join("inc.txt");
    let o = cli::run_manager(
        &db,
        &[
            "print".as_ref(),
            "--incident".as_ref(),
            id.to_string().as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("inc.txt"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(&format!("INCIDENT #{id} - Oak House")), "{text}");
    #[cfg(unix)]
    assert_eq!(mode(&out), 0o600);
    // The handover, into the current folder by default.
    let mut c = cli::bin();
    c.current_dir(dir.path())
        .args(["--db", db.to_str().unwrap(), "print", "--handover"])
        .args(["--as", "Sam Night", "--passphrase-stdin"]);
    let o = cli::with_stdin(c, Some(&format!("{STAFF_PASS}\n")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let msg = String::from_utf8_lossy(&o.stdout).to_string();
    let name = msg
        .trim()
        .trim_start_matches("Written to ")
        .trim_start_matches("./")
        .to_string();
    assert!(name.starts_with("handover-") && name.ends_with(".txt"), "{msg}");
    let p = dir.path().join(&name);
    assert!(std::fs::read_to_string(&p).unwrap().contains("OUTSTANDING"));
    #[cfg(unix)]
    assert_eq!(mode(&p), 0o600);
    // No temporary files left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn concordat_print_explains_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = file_home(dir.path());
    let o = cli::run_manager(&db, &["print", "--incident", "999"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("incident 999"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let o = cli::run_manager(&db, &["print", "--incident", "1", "--out", "/nonexistent/dir/x.txt"]);
    assert!(!o.status.success());
    assert!(cli::stderr(&o).contains("does not exist"), "{}", cli::stderr(&o));
}

#[test]
fn writing_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.txt");
    std::fs::write(&p, "old").unwrap();
    assert!(concordat::print::write_private(&p, "new text\n").is_err());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    let q = dir.path().join("b.txt");
    concordat::print::write_private(&q, "new text\n").unwrap();
    assert_eq!(std::fs::read_to_string(&q).unwrap(), "new text\n");
    #[cfg(unix)]
    assert_eq!(mode(&q), 0o600);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
}

#[test]
fn printing_twice_keeps_both_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = file_home(dir.path());
    let s = Store::open(&db).unwrap();
    let now = morning();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let first =
        concordat::print::print_incident(&s, id, now, &out.join(concordat::print::incident_file_name(id))).unwrap();
    std::fs::write(&first, "the first print, annotated by hand").unwrap();
    let second = concordat::print::print_incident(&s, id, now, &first).unwrap();
    assert_ne!(first, second);
    assert!(second.to_string_lossy().ends_with(&format!("incident-{id}-2.txt")));
    assert_eq!(
        std::fs::read_to_string(&first).unwrap(),
        "the first print, annotated by hand"
    );
    // A name the user chose is refused, never replaced.
    let chosen = out.join("mine.txt");
    std::fs::write(&chosen, "keep").unwrap();
    assert!(concordat::print::print_incident(&s, id, now, &chosen).is_err());
    assert_eq!(std::fs::read_to_string(&chosen).unwrap(), "keep");
    // The handover: the same name twice in a minute gets -2.
    let w = Window::SinceHandover;
    let h1 = concordat::print::print_handover(&s, now, w, &out).unwrap();
    let h2 = concordat::print::print_handover(&s, now, w, &out).unwrap();
    assert_ne!(h1, h2);
    assert!(h1.exists() && h2.exists());
    // Never the database.
    assert!(concordat::print::print_incident(&s, id, now, &db).is_err());
    assert!(std::fs::metadata(&db).unwrap().len() > 0);
}
