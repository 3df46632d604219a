//! Two small display fixes from issue 17: settings say "1 minute", never "1 minutes"; the dashboard's chart
//! numbers never run together (`163▇3▇` meant 16, 3, 3).

mod common;

use common::*;
use ratatui::crossterm::event::KeyCode;

fn morning() -> chrono::DateTime<chrono::Utc> {
    t(2026, 11, 22, 8, 0)
}

#[test]
fn settings_say_1_minute_never_1_minutes() {
    let mut h = home(morning());
    let m = h.manager();
    h.store.set_setting(&m, "idle_lock_minutes", "1").unwrap();
    let mut app = as_manager(h);
    app.update(key(KeyCode::Esc));
    app.update(ch('t'));
    let s = screen(&app);
    assert!(s.contains("Settings"), "{s}");
    assert!(s.contains("locks after 1 minute"), "{s}");
    assert!(!s.contains("1 minutes"), "{s}");
    assert_eq!(concordat::ui::screens::settings::minutes_text(1), "1 minute");
    assert_eq!(concordat::ui::screens::settings::minutes_text(15), "15 minutes");
}

#[test]
fn the_dashboard_chart_numbers_never_run_together() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    // This week: 16 in-house, 3 restorative and 3 police.
    for i in 0..3 {
        let at = t(2026, 11, 20, 10, 0) + chrono::Duration::minutes(30 * i);
        let mut r = record(&c, at, "Broke a cup.");
        r.response = concordat::domain::Response::Restorative;
        r.recommended = concordat::domain::Response::Restorative;
        r.in_house = None;
        r.restorative = Some(concordat::domain::Restorative {
            kind: concordat::domain::RestorativeKind::Meeting,
            facilitator: "Jo".into(),
            participants: "JJ, cook".into(),
            victim_consent: Some(true),
            planned_for: None,
            agreed: "Say sorry".into(),
            held: None,
            outcome: String::new(),
        });
        save_at(&mut h, &w, r, at + chrono::Duration::minutes(20));
    }
    for i in 0..16 {
        let at = t(2026, 11, 21, 1, 0) + chrono::Duration::minutes(40 * i);
        let r = record(&c, at, "Kicked the door.");
        save_at(&mut h, &w, r, at + chrono::Duration::minutes(20));
    }
    for i in 0..3 {
        let at = t(2026, 11, 21, 20, 0) + chrono::Duration::minutes(30 * i);
        let r = police_record(&c, at, "Pushed a member of staff.", &format!("CAD {i}"));
        save_at(&mut h, &w, r, at + chrono::Duration::minutes(20));
    }
    let mut app = as_manager(h);
    app.update(key(KeyCode::Esc));
    app.update(ch('r'));
    let s = screen(&app);
    assert!(s.contains("Responses by week"), "{s}");
    // Every number on the chart stands alone: "16" is followed by a space, never by another digit.
    let chart: Vec<&str> = s.lines().skip_while(|l| !l.contains("Responses by week")).collect();
    assert!(chart.iter().any(|l| l.contains("16")), "no 16 on the chart:\n{s}");
    for l in chart {
        let chars: Vec<char> = l.chars().collect();
        for w in chars.windows(3) {
            assert!(
                !(w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2].is_ascii_digit()),
                "numbers run together in {l:?}:\n{s}"
            );
        }
    }
    insta::assert_snapshot!(s);
}
