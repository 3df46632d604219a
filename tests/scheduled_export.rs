//! The unattended weekly export: a manager allows it in the app (`a` on the export screen), which writes a key
//! file beside the database; a scheduled task then runs `concordat export --scheduled KEYFILE` with no one
//! signed in, and the set is recorded as the scheduled export that manager allowed, signed with that key.

mod common;

use std::process::Command;

use common::*;
use concordat::store::Store;
use ratatui::crossterm::event::KeyCode;

fn export(db: &std::path::Path, extra: &[&str]) -> (bool, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .arg("--db")
        .arg(db)
        .arg("export")
        .args(extra)
        .env_remove("CONCORDAT_DB")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

#[test]
fn a_manager_allows_it_in_the_app_and_the_task_exports_as_that_authorisation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("home.db");
    let mut h = home_at(Store::open(&db).unwrap(), t(2026, 11, 25, 10, 0));
    let child = h.child.clone();
    let m = h.manager();
    save_at(
        &mut h,
        &m,
        record(&child, t(2026, 11, 18, 21, 0), "Kicked a door."),
        t(2026, 11, 18, 22, 0),
    );

    // A member of staff cannot allow it (the app's menu does not offer them the weekly file either).
    let w = h.worker();
    let e = h.store.authorise_scheduled_export(&w).unwrap_err();
    assert!(e.to_string().contains("only a manager"), "{e}");
    drop(h);

    // The manager, from the export screen: the key's hint is on screen, `a` writes the key file.
    let mut app = app_signed_in(home_at_again(&db), 1, MANAGER_PASS);
    app.update(key(KeyCode::Esc));
    app.update(ch('e'));
    assert!(screen(&app).contains("allow a scheduled export"), "{}", screen(&app));
    app.update(ch('a'));
    let shown = screen(&app);
    assert!(shown.contains("Scheduled export allowed"), "{shown}");
    drop(app);
    let keyfile = dir.path().join("scheduled-export.key");
    assert!(keyfile.exists(), "{shown}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&keyfile).unwrap().permissions().mode() & 0o777, 0o600);
    }

    // The scheduled task: no --as, no passphrase.
    let out = dir.path().join("yos");
    std::fs::create_dir(&out).unwrap();
    let (ok, text) = export(
        &db,
        &[
            "--scheduled",
            keyfile.to_str().unwrap(),
            "--week",
            "2026-W47",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    assert!(text.contains("scheduled export, authorised by Pat Manager"), "{text}");
    let manifest = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".manifest.json"))
        .expect("a manifest");
    let m = std::fs::read_to_string(manifest.path()).unwrap();
    assert!(m.contains("scheduled export, authorised by Pat Manager"), "{m}");
    // Signed with the allowed key: the file still verifies.
    let s = Store::open_readonly(&db).unwrap();
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);

    // A key file nobody allowed, or an empty one, is refused and nothing is written.
    let forged = dir.path().join("forged.key");
    std::fs::write(&forged, "11".repeat(32)).unwrap();
    let before = std::fs::read_dir(&out).unwrap().count();
    for k in [&forged, &dir.path().join("missing.key")] {
        let (ok, text) = export(
            &db,
            &[
                "--scheduled",
                k.to_str().unwrap(),
                "--week",
                "2026-W47",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(!ok, "{text}");
        assert!(text.contains("Nothing was written"), "{text}");
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), before);
    // --as and --scheduled together is a mistake in the command line.
    let o = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "--as",
            "Pat Manager",
            "--scheduled",
            keyfile.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// The same home, opened again from its file (the first `Home` has been dropped or is still open read-only).
fn home_at_again(db: &std::path::Path) -> Home {
    let store = Store::open(db).unwrap();
    let manager = store.staff_by_id(1).unwrap();
    let staff = store.staff_by_id(2).unwrap();
    let children = store.list_children(true).unwrap();
    Home {
        manager_actor: concordat::store::Actor::staff(manager.id, &manager.name, manager.role),
        worker_actor: concordat::store::Actor::staff(staff.id, &staff.name, staff.role),
        manager,
        staff,
        child: children[0].clone(),
        other: children[1].clone(),
        store,
    }
}
