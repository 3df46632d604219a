//! The handover screen: what happened, what is outstanding (due, overdue, none), acknowledging, the note
//! kept through a lock, and the browser with filters. Snapshots at 80x24, no colour, fixed clock.

mod common;

use chrono::Duration;
use common::*;
use concordat::domain::{Category, Change, Response};
use concordat::store::handover::Window;
use concordat::store::incidents::Filter;
use concordat::ui::screens::Page;
use concordat::ui::screens::browser::{BrowserScreen, PAGE, WINDOW};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Sunday 22 Nov 2026, 08:00 GMT: the day shift has just begun.
fn morning() -> chrono::DateTime<chrono::Utc> {
    t(2026, 11, 22, 8, 0)
}

/// An old incident whose 48-hour review is overdue, and a night-time police referral with items due.
fn busy_home() -> Home {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    let o = h.other.clone();
    let old = record(
        &o,
        t(2026, 11, 19, 21, 0),
        "Alex threw a mug at the wall in the lounge.",
    );
    save_at(&mut h, &w, old, t(2026, 11, 19, 21, 40));
    let night = police_record(
        &c,
        t(2026, 11, 22, 2, 10),
        "JJ punched a member of staff after being told to come inside.",
        "CAD 0221",
    );
    save_at(&mut h, &w, night, t(2026, 11, 22, 2, 50));
    h.store.set_clock(Some(t(2026, 11, 22, 7, 20)));
    h.store
        .add_handover_note(&w, "Ring JJ's social worker after 9.\nAlex is at football at 10.")
        .unwrap();
    h.store.set_clock(Some(morning()));
    h
}

#[test]
fn handover_with_items_overdue_and_due() {
    let h = busy_home();
    let app = as_manager(h);
    let s = screen(&app);
    assert!(s.contains("overdue: first under Outstanding below"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn handover_with_items_due_only() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    let r = record(&c, t(2026, 11, 22, 6, 0), "JJ kicked the bathroom door.");
    save_at(&mut h, &w, r, t(2026, 11, 22, 6, 30));
    let mut app = as_manager(h);
    let s = screen(&app);
    assert!(!s.contains("OVERDUE"), "{s}");
    // The first group (the most urgent) opens with Enter and shows its items.
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("due 23/11 06:00"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn handover_with_nothing_outstanding() {
    let h = home(morning());
    let id = h.staff.id;
    let app = app_signed_in(h, id, STAFF_PASS);
    let s = screen(&app);
    assert!(s.contains("Nothing outstanding"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn a_night_shift_handover_across_midnight() {
    let mut h = home(t(2026, 11, 22, 0, 30));
    let w = h.worker();
    let c = h.child.clone();
    let r = record(&c, t(2026, 11, 21, 23, 50), "JJ broke a cup just before midnight.");
    save_at(&mut h, &w, r, t(2026, 11, 22, 0, 10));
    let id = h.staff.id;
    let app = app_signed_in(h, id, STAFF_PASS);
    let s = screen(&app);
    assert!(
        s.contains("Night shift: Sat 21 Nov 22:00 to Sun 22 Nov 07:30 (9h30)"),
        "{s}"
    );
    assert!(s.contains("21/11 23:50"), "{s}");
}

#[test]
fn acknowledging_starts_the_next_handover_from_now() {
    let h = busy_home();
    let mut app = as_manager(h);
    assert!(screen(&app).contains("What happened: 1 incident recorded"));
    let shown = app.store.handover_sheet(morning(), Window::SinceHandover).unwrap();
    let items = shown.outstanding.len();
    // a asks once, with what is being acknowledged; Esc records nothing.
    app.update(ch('a'));
    let s = screen(&app);
    assert!(
        s.contains(&format!(
            "You have been shown 1 incident, {items} outstanding items, 1 note."
        )),
        "{s}"
    );
    assert!(
        app.store.last_handover().unwrap().is_none(),
        "asked, not yet acknowledged"
    );
    app.update(key(KeyCode::Esc));
    assert!(
        app.store.last_handover().unwrap().is_none(),
        "Esc recorded an acknowledgement"
    );
    assert!(screen(&app).contains("Not acknowledged: nothing was recorded."));
    app.update(ch('a'));
    app.update(ch('y'));
    let last = app.store.last_handover().unwrap().expect("acknowledged");
    assert_eq!(last.acknowledged_by, "Pat Manager");
    assert_eq!(last.acknowledged_at, morning());
    assert!(last.note.contains("Ring JJ's social worker"));
    assert_eq!(
        app.store.handover_seen_counts(last.id).unwrap(),
        Some((1, items as i64, 1)),
        "the acknowledgement records the counts shown"
    );
    let s = screen(&app);
    assert!(s.contains("Handover acknowledged by Pat Manager at 08:00"), "{s}");
    assert!(s.contains("What happened: 0 incidents recorded"), "{s}");
    assert!(
        s.contains("Since the last handover, 22/11 08:00 (acknowledged by Pat Manager)"),
        "{s}"
    );
    // Outstanding work stays on the handover until it is done.
    assert!(s.contains("overdue: first under Outstanding below"), "{s}");
    // w widens the window: the night's incident is back.
    app.update(ch('w'));
    assert!(screen(&app).contains("The last 12 hours"));
    assert!(screen(&app).contains("What happened: 1 incident recorded"));
    assert!(app.store.verify().unwrap().is_sound());
}

#[test]
fn an_incident_recorded_late_is_in_the_handover() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    // Happened on Friday, written up only this morning.
    let r = record(&c, t(2026, 11, 20, 15, 0), "JJ took £5 from the office.");
    save_at(&mut h, &w, r, t(2026, 11, 22, 7, 45));
    let app = as_manager(h);
    let s = screen(&app);
    assert!(s.contains("20/11 15:00"), "{s}");
}

#[test]
fn a_note_being_typed_survives_a_lock() {
    let h = home(morning());
    let id = h.staff.id;
    let mut app = app_signed_in(h, id, STAFF_PASS);
    app.update(ch('o'));
    for c in "Ring the YOS".chars() {
        app.update(ch(c));
    }
    app.lock("Locked on request.");
    assert!(app.session.is_none());
    assert!(!screen(&app).contains("Ring the YOS"));
    let d = app.perform(concordat::ui::app::Effect::SignIn {
        staff_id: id,
        passphrase: STAFF_PASS.into(),
    });
    assert_eq!(d, concordat::ui::app::Done::Ok(None));
    let s = screen(&app);
    assert!(s.contains("Ring the YOS"), "{s}");
    for c in " worker".chars() {
        app.update(ch(c));
    }
    app.update(ctrl('s'));
    let notes = app.store.handover_notes_since(morning() - Duration::hours(1)).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Ring the YOS worker");
    assert_eq!(notes[0].written_by, "Sam Night");
    assert!(screen(&app).contains("Ring the YOS worker"));
}

#[test]
fn an_empty_note_is_refused_in_the_form() {
    let h = home(morning());
    let id = h.staff.id;
    let mut app = app_signed_in(h, id, STAFF_PASS);
    app.update(ch('o'));
    app.update(ctrl('s'));
    assert!(screen(&app).contains("is required"), "{}", screen(&app));
    assert!(
        app.store
            .handover_notes_since(morning() - Duration::days(1))
            .unwrap()
            .is_empty()
    );
}

/// From the handover (the first screen) to the incident browser, through the menu, as a user goes.
fn open_browser(app: &mut concordat::ui::app::App) {
    app.update(key(KeyCode::Esc));
    app.update(ch('i'));
}

fn many(h: &mut Home, n: i64) {
    let w = h.worker();
    let (c, o) = (h.child.clone(), h.other.clone());
    for i in 0..n {
        let who = if i % 3 == 0 { &o } else { &c };
        let mut r = record(
            who,
            morning() - Duration::hours(2 + i),
            &format!("Incident number {i}."),
        );
        if i % 4 == 0 {
            r.categories = vec![Category::Theft];
            r.account = format!("Took money, number {i}.");
        }
        save_at(h, &w, r, morning() - Duration::hours(1 + i));
    }
}

#[test]
fn the_browser_filters_and_snapshots() {
    let mut h = home(morning());
    many(&mut h, 30);
    let jj = h.child.id;
    let mut app = as_manager(h);
    let f = Filter {
        child_id: Some(jj),
        category: Some(Category::Theft),
        ..Default::default()
    };
    let b = BrowserScreen::new(&ctx(&app), f);
    assert!(
        b.rows
            .iter()
            .all(|r| r.child_id == jj && r.categories.contains(&Category::Theft))
    );
    assert_eq!(b.rows.len(), 5);
    app.stack.push(concordat::ui::screens::Screen::new(b));
    insta::assert_snapshot!(screen(&app));
    // x clears the filters.
    app.update(ch('x'));
    let s = screen(&app);
    assert!(s.contains("All incidents, newest first"), "{s}");
    // f opens the filter form; Esc leaves it.
    app.update(ch('f'));
    assert!(screen(&app).contains("Filter incidents"));
    app.update(key(KeyCode::Esc));
    assert!(screen(&app).contains("All incidents, newest first"));
}

#[test]
fn the_filter_form_reads_dates_and_refuses_bad_ones() {
    let mut h = home(morning());
    many(&mut h, 30);
    let mut app = as_manager(h);
    open_browser(&mut app);
    assert!(screen(&app).contains("All incidents, newest first"), "{}", screen(&app));
    app.update(ch('f'));
    app.update(key(KeyCode::Tab)); // from
    for c in "31/02/2026".chars() {
        app.update(ch(c));
    }
    app.update(ctrl('s'));
    assert!(screen(&app).contains("is not a date"), "{}", screen(&app));
    for _ in 0..10 {
        app.update(key(KeyCode::Backspace));
    }
    for c in "21/11/2026".chars() {
        app.update(ch(c));
    }
    app.update(key(KeyCode::Tab)); // to
    for c in "21/11/2026".chars() {
        app.update(ch(c));
    }
    app.update(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Filtered: from 21/11/2026 · to 21/11/2026"), "{s}");
    // 22/11 08:00 minus 9..32 hours: the incidents on Saturday 21 Nov (local = UTC in November).
    assert!(s.contains("21/11 22:00") && !s.contains("22/11 "), "{s}");
}

#[test]
fn the_browser_keeps_a_window_and_pages_both_ways() {
    let mut h = home(morning());
    many(&mut h, 200);
    let app = as_manager(h);
    let c = ctx(&app);
    let mut b = BrowserScreen::new(&c, Filter::default());
    assert_eq!(b.rows.len(), PAGE);
    let first = b.rows[0].id;
    let down = KeyEvent::from(KeyCode::Down);
    let up = KeyEvent::from(KeyCode::Up);
    for _ in 0..150 {
        b.update(&c, down);
        assert!(b.rows.len() <= WINDOW);
    }
    // The 151st newest: 2 + 150 hours before the morning.
    assert_eq!(b.rows[b.selected].occurred_at, morning() - Duration::hours(152));
    for _ in 0..250 {
        b.update(&c, down);
    }
    assert_eq!(
        b.rows[b.selected].occurred_at,
        morning() - Duration::hours(201),
        "stops at the oldest"
    );
    for _ in 0..199 {
        b.update(&c, up);
        assert!(b.rows.len() <= WINDOW);
    }
    assert_eq!(b.rows[b.selected].id, first, "back at the newest");
    b.update(&c, up);
    assert_eq!(b.rows[b.selected].id, first);
}

#[test]
fn the_browser_filters_by_status_response_and_open_actions() {
    let mut h = home(morning());
    many(&mut h, 6);
    let m = h.manager();
    let w = h.worker();
    let c = h.child.clone();
    let p = police_record(&c, morning() - Duration::minutes(30), "Police came.", "CAD 9");
    let pid = save_at(&mut h, &w, p, morning() - Duration::minutes(20));
    // The police were involved: the Ofsted judgement (reg 40) comes before the signature.
    h.store
        .add_entry(&m, pid, Change::OfstedSerious { serious: false })
        .unwrap();
    h.store
        .add_entry(&m, pid, Change::SignOff { comment: "ok".into() })
        .unwrap();
    h.store
        .save_draft(
            &w,
            None,
            concordat::store::drafts::INCIDENT,
            "JJ - lounge (unfinished)",
            "{}",
        )
        .unwrap();
    let app = as_manager(h);
    let c = ctx(&app);
    let f = |f: Filter| BrowserScreen::new(&c, f);
    let reviewed = f(Filter {
        status: Some(concordat::domain::Status::Reviewed),
        ..Default::default()
    });
    assert_eq!(reviewed.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![pid]);
    let police = f(Filter {
        response: Some(Response::Police),
        ..Default::default()
    });
    assert_eq!(police.rows.len(), 1);
    let open = f(Filter {
        open_actions: true,
        ..Default::default()
    });
    assert_eq!(open.rows.len(), 7, "signing leaves other actions open");
    let words = f(Filter {
        text: Some("money".into()),
        ..Default::default()
    });
    assert_eq!(words.rows.len(), 2);
    let mut app = app;
    let d = f_draft(&app);
    app.stack.push(concordat::ui::screens::Screen::new(d));
    let s = screen(&app);
    assert!(s.contains("JJ - lounge (unfinished)"), "{s}");
    assert!(s.contains("Sam Night"), "{s}");
}

fn f_draft(app: &concordat::ui::app::App) -> BrowserScreen {
    BrowserScreen::new(
        &ctx(app),
        Filter {
            status: Some(concordat::domain::Status::Draft),
            ..Default::default()
        },
    )
}

#[test]
fn the_timeline_counts_a_childs_incidents_by_month() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    for (mo, d) in [(9, 3), (9, 20), (10, 25), (11, 2)] {
        let r = record(&c, t(2026, mo, d, 12, 0), "Shouting at staff.");
        save_at(&mut h, &w, r, t(2026, mo, d, 13, 0));
    }
    let p = police_record(&c, t(2026, 11, 10, 12, 0), "Assault.", "CAD 7");
    save_at(&mut h, &w, p, t(2026, 11, 10, 13, 0));
    let mut app = as_manager(h);
    let tl = concordat::ui::screens::timeline::TimelineScreen::new(&ctx(&app), c.id);
    app.stack.push(concordat::ui::screens::Screen::new(tl));
    insta::assert_snapshot!(screen(&app));
}

/// A word search looks through a bounded number of incidents per key, says how far back it has looked, and Down
/// looks further: a word that is nowhere never reads the whole history at once.
#[test]
fn a_word_search_says_how_far_back_it_has_looked_and_down_looks_further() {
    use concordat::store::browse::SCAN_ROWS;
    let mut h = home(morning());
    let w = h.worker();
    let (c, o) = (h.child.clone(), h.other.clone());
    let n = SCAN_ROWS as i64 + 300;
    let items = (0..n)
        .map(|i| {
            let who = if i % 3 == 0 { &o } else { &c };
            let mut r = record(
                who,
                morning() - Duration::hours(2 + i),
                &format!("Incident number {i}."),
            );
            r.recorded_at = morning() - Duration::hours(1 + i);
            if i == SCAN_ROWS as i64 + 100 {
                r.account = "Hid a needle in the garden.".into();
            }
            (r, vec![])
        })
        .collect();
    h.store.save_incidents_bulk(&w, items).unwrap();
    let mut app = as_manager(h);
    let f = Filter {
        text: Some("needle".into()),
        ..Default::default()
    };
    // With a generous time to look, the first key finds it beyond the first window.
    let b = BrowserScreen::looking_for(&ctx(&app), f.clone(), std::time::Duration::from_secs(30));
    assert_eq!(b.rows.len(), 1, "found in the second window");
    // With none, each key looks through one window.
    let b = BrowserScreen::looking_for(&ctx(&app), f, std::time::Duration::ZERO);
    assert!(b.rows.is_empty(), "the match is older than the first window");
    app.stack.push(concordat::ui::screens::Screen::new(b));
    let s = screen(&app);
    // Where the first window ends: the SCAN_ROWS-th newest incident.
    let edge = app.store.incident_page(&Filter::default(), None, SCAN_ROWS).unwrap();
    let day = concordat::time::show_date(concordat::time::local_date(edge.last().unwrap().occurred_at));
    assert!(s.contains(&format!("looked back to {day}")), "{s}");
    assert!(
        s.contains(&format!("No matches since {day}. ↓ looks further back")),
        "{s}"
    );
    insta::assert_snapshot!(s);
    app.update(key(KeyCode::Down));
    let s = screen(&app);
    assert!(s.contains("Hid a needle in the garden."), "{s}");
    assert!(
        !s.contains("looked back to"),
        "the rest of the history was looked through: {s}"
    );
}

/// A YOS's database: this home's incidents and another home's, imported from its file.
fn with_another_home(h: &mut Home) -> i64 {
    let at = morning() - Duration::minutes(30);
    let mut child = h.child.clone();
    child.uid = "elm-child".into();
    let mut r = record(
        &child,
        at - Duration::minutes(10),
        "Riley kicked the door at Elm House.",
    );
    r.home_uid = "elm-home".into();
    h.store
        .bulk(|b| {
            let by = concordat::store::Actor::system("test import");
            b.add_other_home(&by, at, "elm-home", "Elm House", "SC999999")?;
            b.set_home("elm-home");
            let input = concordat::domain::ChildInput {
                name: "Riley Other".into(),
                dob: "04/03/2011".into(),
                gender: "male".into(),
                ethnicity: "white_british".into(),
                legal_status: "s31".into(),
                admitted: "06/01/2025".into(),
                ..Default::default()
            };
            b.add_child(&by, at, "elm-child", &input)?;
            b.save_incident(&by, at, r)
        })
        .unwrap()
}

#[test]
fn in_a_database_of_several_homes_the_browser_names_the_home_and_filters_by_it() {
    let mut h = home(morning());
    many(&mut h, 6);
    let elm = with_another_home(&mut h);
    let mut app = as_manager(h);
    open_browser(&mut app);
    // Every home's incidents, newest first: Elm House's is the newest, and the selected row names its home.
    let s = screen(&app);
    assert!(s.contains("All incidents, newest first"), "{s}");
    assert!(s.contains(&format!("#{elm} Elm House · ")), "{s}");
    // This home's rows say which home too.
    app.update(key(KeyCode::Down));
    assert!(
        screen(&app).contains("#1 Oak House · Sam Night: Took money, number 0."),
        "{}",
        screen(&app)
    );
    // The filter offers the homes, this home first; choosing Elm House leaves only its incident.
    app.update(ch('f'));
    let s = screen(&app);
    assert!(s.contains("Home") && s.contains("Any home"), "{s}");
    assert!(s.contains("letter jump"), "typing finds a home: {s}");
    app.update(key(KeyCode::Right));
    assert!(screen(&app).contains("Oak House"), "{}", screen(&app));
    app.update(key(KeyCode::Right));
    assert!(screen(&app).contains("Elm House"), "{}", screen(&app));
    // Among many homes, typing the name's first letters finds it.
    app.update(ch('o'));
    assert!(screen(&app).contains("◂ Oak House ▸"), "{}", screen(&app));
    for c in "elm".chars() {
        app.update(ch(c));
    }
    assert!(screen(&app).contains("◂ Elm House ▸"), "{}", screen(&app));
    app.update(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Filtered: Elm House"), "{s}");
    assert!(s.contains("Riley") && !s.contains("Incident number"), "{s}");
    let b = BrowserScreen::new(
        &ctx(&app),
        Filter {
            home_uid: Some("elm-home".into()),
            ..Default::default()
        },
    );
    assert_eq!(b.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![elm]);
    insta::assert_snapshot!(s);
}

#[test]
fn a_home_alone_is_not_named_on_every_row_and_its_filter_has_no_home_field() {
    let mut h = home(morning());
    many(&mut h, 3);
    let mut app = as_manager(h);
    open_browser(&mut app);
    let s = screen(&app);
    assert!(
        s.contains("All incidents, newest first") && s.contains("\n#1 Sam Night: Took money"),
        "{s}"
    );
    app.update(ch('f'));
    assert!(!screen(&app).contains("Any home"), "{}", screen(&app));
}

/// Seven incidents in a night for two children, most of them police referrals: dozens of outstanding items.
fn seven_incidents() -> Home {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    let o = h.other.clone();
    for i in 0..7u32 {
        let child = if i % 2 == 0 { &c } else { &o };
        // On Friday, written up on Saturday: some items are overdue by Sunday morning.
        let at = t(2026, 11, 20, 9 + i * 2, 0);
        let mut r = if i % 3 == 2 {
            record(child, at, "Kicked the bathroom door.")
        } else {
            police_record(child, at, "Pushed a member of staff.", &format!("CAD 10{i}"))
        };
        r.notifications = vec![];
        save_at(&mut h, &w, r, t(2026, 11, 21, 10 + i, 0));
    }
    h
}

#[test]
fn seven_incidents_group_into_a_handover_that_fits() {
    let h = seven_incidents();
    let items = h
        .store
        .handover_sheet(morning(), Window::SinceHandover)
        .unwrap()
        .outstanding
        .len();
    assert!(items >= 25, "{items} outstanding items");
    let app = as_manager(h);
    let s = screen(&app);
    let sheet = app.store.handover_sheet(morning(), Window::SinceHandover).unwrap();
    let groups = sheet.outstanding_groups();
    // Every kind of outstanding work is on the first screen, with its count, the most urgent first.
    assert!(s.contains(&format!("Outstanding: {items} items")), "{s}");
    for g in &groups {
        assert!(
            s.contains(&format!("+ {}", g.kind.label())),
            "{} missing:\n{s}",
            g.kind.label()
        );
    }
    assert_eq!(groups.iter().map(|g| g.len()).sum::<usize>(), items);
    assert!(s.contains("overdue: first under Outstanding below"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn an_open_group_shows_its_items_by_child_and_says_how_many_more_below() {
    let h = seven_incidents();
    let mut app = as_manager(h);
    // Past the two children to the first outstanding group, and open it.
    for _ in 0..2 {
        app.update(key(KeyCode::Down));
    }
    app.update(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("▸ - "), "the group is open:\n{s}");
    // And the last group too: now there is more than fits, and the screen says so.
    for _ in 0..4 {
        app.update(key(KeyCode::PageDown));
    }
    app.update(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("▸ - "), "the group is open:\n{s}");
    // Speaking to staff and child are reg 35 items, only after a restraint: fewer groups, so the open
    // groups overflow below the selection, and the screen says how many more are below.
    assert!(s.contains("↓ ") && s.contains(" more"), "a scroll sign:\n{s}");
    assert!(s.contains("#1 incident of") || s.contains("#2 incident of"), "{s}");
    insta::assert_snapshot!(s);
    // Enter again closes it.
    app.update(key(KeyCode::Enter));
    assert!(screen(&app).contains("▸ + "), "{}", screen(&app));
}

#[test]
fn a_note_opens_in_full() {
    let mut h = home(morning());
    let w = h.worker();
    let long = format!(
        "Ring JJ's social worker after 9 about the weekend contact. {} The last words of the note are here.",
        "JJ was unsettled after the phone call and needs a calm start. ".repeat(5)
    );
    h.store.set_clock(Some(t(2026, 11, 22, 7, 20)));
    h.store.add_handover_note(&w, &long).unwrap();
    h.store.set_clock(Some(morning()));
    let mut app = as_manager(h);
    let s = screen(&app);
    assert!(s.contains("Ring JJ's social worker"), "{s}");
    assert!(
        !s.contains("The last words of the note are here."),
        "cut on the list:\n{s}"
    );
    // The note is the first thing that can be chosen: Enter reads it whole, wrapped.
    app.update(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(
        s.contains("Note from Jo Day at 22/11 07:20") || s.contains("Note from"),
        "{s}"
    );
    assert!(s.contains("are here."), "{s}");
    insta::assert_snapshot!(s);
    app.update(key(KeyCode::Esc));
    let s = screen(&app);
    assert!(s.contains("Notes from the outgoing shift: 1"), "{s}");
}

#[test]
fn a_child_missing_now_is_shown_first() {
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    let mut r = record(&c, t(2026, 11, 22, 5, 0), "JJ left through the back door.");
    r.categories = vec![Category::MissingOrAbsent];
    r.missing = Some(concordat::domain::incident::Missing {
        kind: concordat::domain::incident::MissingKind::Missing,
        left_at: Some(t(2026, 11, 22, 4, 45)),
        reported_to_police: true,
        police_reference: "CAD 77".into(),
        reported_at: None,
        not_reported_why: String::new(),
        returned_at: None,
        return_interview_offered: None,
    });
    save_at(&mut h, &w, r, t(2026, 11, 22, 5, 30));
    let app = as_manager(h);
    let s = screen(&app);
    let missing = s.find("is MISSING now: gone since 22/11 04:45").expect(&s);
    assert!(missing < s.find("What happened").unwrap(), "{s}");
    let text = concordat::print::handover_text(
        &app.store.handover_sheet(morning(), Window::SinceHandover).unwrap(),
        "Oak House",
    );
    assert!(text.contains("is MISSING now: gone since 22/11 04:45"), "{text}");
}

#[test]
fn people_to_be_told_later_and_a_return_interview_head_the_handover_with_their_due_times() {
    use concordat::domain::{NotTold, NotifyWho};
    let mut h = home(morning());
    let w = h.worker();
    let c = h.child.clone();
    // At 02:00 the YOS worker is to be told by 09:00 (this shift); the parent by tomorrow 10:00 (not this shift).
    let mut r = record(&c, t(2026, 11, 22, 2, 0), "JJ kicked the lounge door.");
    r.not_told = vec![
        NotTold::Later {
            who: NotifyWho::YosWorker,
            due: t(2026, 11, 22, 9, 0),
        },
        NotTold::Later {
            who: NotifyWho::ParentOrCarer,
            due: t(2026, 11, 23, 10, 0),
        },
    ];
    save_at(&mut h, &w, r, t(2026, 11, 22, 2, 30));
    // A child who came back at 06:00 last Thursday: the return interview was due 72 hours later, and is overdue.
    let mut m = record(&c, t(2026, 11, 19, 5, 0), "JJ did not come back from the shop.");
    m.categories = vec![Category::MissingOrAbsent];
    m.missing = Some(concordat::domain::incident::Missing {
        kind: concordat::domain::incident::MissingKind::Missing,
        left_at: Some(t(2026, 11, 19, 4, 45)),
        reported_to_police: true,
        police_reference: "CAD 78".into(),
        reported_at: Some(t(2026, 11, 19, 5, 0)),
        not_reported_why: String::new(),
        returned_at: Some(t(2026, 11, 19, 6, 0)),
        return_interview_offered: None,
    });
    save_at(&mut h, &w, m, t(2026, 11, 19, 7, 0));
    let app = as_manager(h);
    let s = screen(&app);
    let yos = s.find("! Tell the YOS worker: due 22/11 09:00").expect(&s);
    let ri = s
        .find("! Return interview (within 72 h of coming back): OVERDUE since 22/11 06:00")
        .expect(&s);
    assert!(
        yos < s.find("What happened").unwrap() && ri < s.find("What happened").unwrap(),
        "{s}"
    );
    assert!(!s.contains("! Tell the parent or carer"), "not due this shift: {s}");
    // The YOS worker's 24-hour default would have been 02:00 tomorrow: the worker's own time is kept.
    let sheet = app.store.handover_sheet(morning(), Window::SinceHandover).unwrap();
    assert!(sheet.outstanding.iter().any(|o| o.action.kind
        == concordat::domain::outstanding::ActionKind::NotifyParent
        && o.action.due == Some(t(2026, 11, 23, 10, 0))));
}
