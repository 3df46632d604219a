//! The writer process used by the crash and concurrency tests (each test binary re-runs itself as it).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use concordat::domain::{Change, Notification, NotifyWho, new_uid};
use concordat::store::Store;

const ENV_DB: &str = "CONCORDAT_TEST_WRITER_DB";
const ENV_COUNT: &str = "CONCORDAT_TEST_WRITER_COUNT";
const ENV_INCIDENT: &str = "CONCORDAT_TEST_WRITER_INCIDENT";
const ENV_GO: &str = "CONCORDAT_TEST_WRITER_GO";

/// Not a test by itself: the writer process the other tests start (and kill). Writes incidents, each followed
/// by an entry, printing `SAVED <uid>` / `ENTRY <incident uid> <entry uid>` once each write has returned Ok.
/// With ENV_INCIDENT set it only adds entries to that incident (concurrency test). Any error is a panic, so
/// the process exits non-zero with the message.
pub fn writer_main() {
    let Some(db) = std::env::var_os(ENV_DB) else {
        return;
    };
    let count: u64 = std::env::var(ENV_COUNT)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::MAX);
    let shared: Option<i64> = std::env::var(ENV_INCIDENT).ok().and_then(|s| s.parse().ok());
    let mut s = Store::open(Path::new(&db)).expect("open");
    let a = super::manager(&s);
    let child = super::first_child_uid(&s);
    let pid = std::process::id();
    // Start together: wait for the go file.
    if let Some(go) = std::env::var_os(ENV_GO) {
        while !Path::new(&go).exists() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    for n in 0..count {
        let (id, uid) = match shared {
            Some(id) => (id, s.incident(id).expect("shared incident").record.uid),
            None => {
                let mut rec = super::record(&child, s.now(), &format!("Writer {pid} incident {n}: kicked a door."));
                rec.uid = new_uid();
                let uid = rec.uid.clone();
                let id = s.save_incident(&a, rec, None).expect("save incident");
                writeln!(out, "SAVED {uid}").unwrap();
                out.flush().unwrap();
                (id, uid)
            }
        };
        // A notification accumulates in the current state, so an entry lost by a race would show there.
        let change = if shared.is_some() {
            Change::Notified {
                notification: Notification {
                    who: NotifyWho::SocialWorker,
                    at: s.now(),
                    note: format!("Writer {pid} call {n}"),
                },
            }
        } else {
            Change::Note {
                text: format!("Writer {pid} note {n}"),
            }
        };
        let e = s.add_entry(&a, id, change).expect("add entry");
        writeln!(out, "ENTRY {uid} {}", e.uid).unwrap();
        out.flush().unwrap();
    }
}

/// Start the writer process.
pub fn spawn_writer(db: &Path, count: Option<u64>, incident: Option<i64>) -> std::process::Child {
    spawn_writer_with(db, count, incident, None)
}

/// Start the writer process; with `go`, it waits for that file to exist before writing.
pub fn spawn_writer_with(
    db: &Path,
    count: Option<u64>,
    incident: Option<i64>,
    go: Option<&Path>,
) -> std::process::Child {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "writer_child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(ENV_DB, db)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if let Some(n) = count {
        c.env(ENV_COUNT, n.to_string());
    }
    if let Some(g) = go {
        c.env(ENV_GO, g);
    }
    if let Some(i) = incident {
        c.env(ENV_INCIDENT, i.to_string());
    }
    c.spawn().expect("spawn writer")
}

#[derive(Default)]
pub struct Reported {
    pub incidents: Vec<String>,
    pub entries: Vec<(String, String)>,
}

pub fn parse(lines: &[String], into: &mut Reported) {
    for l in lines {
        let mut w = l.split_whitespace();
        match (w.next(), w.next(), w.next()) {
            (Some("SAVED"), Some(u), None) => into.incidents.push(u.to_string()),
            (Some("ENTRY"), Some(i), Some(e)) => into.entries.push((i.to_string(), e.to_string())),
            _ => {}
        }
    }
}

/// Every reported incident is present and readable, with every reported entry.
pub fn check_present(s: &Store, incidents: &[String], entries: &[(String, String)]) {
    for uid in incidents {
        let id = s
            .incident_id_by_uid(uid)
            .unwrap()
            .unwrap_or_else(|| panic!("incident {uid} was reported saved but is missing"));
        let d = s.incident(id).expect("record and entries parse");
        assert_eq!(&d.record.uid, uid);
        assert!(d.record.account.contains("kicked a door"));
    }
    for (iu, eu) in entries {
        let id = s.incident_id_by_uid(iu).unwrap().expect("entry's incident");
        let d = s.incident(id).unwrap();
        assert!(
            d.entries.iter().any(|e| &e.uid == eu),
            "entry {eu} of {iu} was reported saved but is missing"
        );
    }
}
