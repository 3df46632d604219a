//! Peak resident memory of the app on each demo database: a child process opens the database, signs in (no
//! argon2), draws the handover at 80x24, presses Down twenty times drawing each frame, pages the incident list
//! to the end of the first 20 pages, then reports its own peak (VmHWM from /proc/self/status; Linux only).
//! Target: < 50 MB at 1M incidents. Run: `cargo bench --bench memory` (sizes from CONCORDAT_BENCH_SIZES).

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use concordat::store::incidents::Filter;
use concordat::ui::app::Msg;

fn peak_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn measure(path: &str) {
    let mut app = common::open_app(std::path::Path::new(path));
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| app.view(f)).unwrap();
    for _ in 0..20 {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
        t.draw(|f| app.view(f)).unwrap();
    }
    let mut cursor = None;
    for _ in 0..20 {
        let page = app.store.incident_page(&Filter::default(), cursor, 50).unwrap();
        cursor = page.last().map(|r| (r.occurred_at, r.id));
    }
    app.store.open_incidents(200).unwrap();
    println!("{}", peak_kb().unwrap_or(0));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        measure(&args[i + 1]);
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    for n in common::sizes() {
        let p = common::db(n);
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--measure")
            .arg(&p)
            .output()
            .unwrap();
        let kb: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0);
        println!(
            "memory/{n}: peak resident {:.1} MB (open, sign in, handover + 20 keys drawn, 20 list pages){}",
            kb as f64 / 1024.0,
            if out.status.success() { "" } else { " FAILED" }
        );
    }
}
