use super::draw::wrapped_lines;
use super::*;
use crate::ui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn form() -> Form {
    Form::new(vec![
        Field::text("name", "Name", 5).required(),
        Field::multiline("account", "Account", 100),
        Field::choice(
            "g",
            "Gender",
            vec![("f".into(), "Female".into()), ("m".into(), "Male".into())],
        ),
        Field::toggle("yos", "Open to YOS"),
    ])
}

#[test]
fn typing_is_limited_and_cleaned() {
    let mut f = form();
    for c in "abcdefgh".chars() {
        f.handle_key(key(KeyCode::Char(c)));
    }
    assert_eq!(f.get("name"), "abcde");
    assert!(
        f.fields[0].error.as_deref().unwrap().contains("holds 5"),
        "the limit is said"
    );
    f.handle_key(key(KeyCode::Backspace));
    // Too long for the room left: refused whole, never cut, and the field keeps what it had.
    assert_eq!(f.paste("\x1b[31mZZZ\nQ"), FormEvent::Changed);
    assert_eq!(f.get("name"), "abcd");
    let e = f.fields[0].error.clone().unwrap();
    assert!(e.contains("5 characters long") && e.contains("holds 5"), "{e}");
    f.paste("\x1b[31mZ");
    assert_eq!(f.get("name"), "abcdZ");
    assert_eq!(f.fields[0].error, None);
}

#[test]
fn a_value_longer_than_its_field_is_kept_whole_and_said() {
    let mut f = form();
    f.fields[0].set("abcdefgh");
    assert_eq!(f.get("name"), "abcdefgh");
    let e = f.fields[0].error.clone().unwrap();
    assert!(e.contains("8 characters") && e.contains("holds 5"), "{e}");
}

#[test]
fn enter_moves_on_and_paste_never_submits() {
    let mut f = form();
    assert_eq!(f.handle_key(key(KeyCode::Enter)), FormEvent::None);
    assert_eq!(f.focused_key(), "account");
    assert_eq!(f.paste("line one\r\nline two\n"), FormEvent::Changed);
    assert_eq!(f.get("account"), "line one\nline two\n");
    assert_eq!(f.focused_key(), "account");
    f.handle_key(key(KeyCode::Enter));
    f.handle_key(key(KeyCode::Char('m')));
    assert_eq!(f.get("g"), "m");
    f.handle_key(key(KeyCode::Enter));
    f.handle_key(key(KeyCode::Char('y')));
    assert!(f.yes("yos"));
    assert_eq!(f.handle_key(key(KeyCode::Enter)), FormEvent::Done);
    assert_eq!(
        f.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        FormEvent::Save
    );
}

#[test]
fn values_round_trip_and_required() {
    let mut f = form();
    f.set("account", "a\nb");
    f.set("g", "f");
    let v = f.values();
    let mut g = form();
    g.restore(&v);
    assert_eq!(g.get("account"), "a\nb");
    assert_eq!(g.get("g"), "f");
    assert!(!g.check_required());
    assert_eq!(g.focused_key(), "name");
    assert!(g.field("name").unwrap().error.as_ref().unwrap().contains("required"));
}

/// A home among a hundred: letters typed in a row narrow the choice, the same letter again steps through the
/// options that start with it, and any other key starts a new prefix.
#[test]
fn letters_typed_in_a_row_find_a_choice() {
    let homes = [
        "Any home",
        "Ash Lodge",
        "Holly House 1",
        "Holly House 2",
        "Hazel Court",
        "Oak House",
        "Oaklands",
    ];
    let mut f = Form::new(vec![Field::choice(
        "home",
        "Home",
        homes.iter().map(|h| (h.to_lowercase(), h.to_string())).collect(),
    )]);
    let typed = |f: &mut Form, keys: &str| {
        for c in keys.chars() {
            f.handle_key(key(KeyCode::Char(c)));
        }
        f.get("home")
    };
    assert_eq!(typed(&mut f, "o"), "oak house");
    assert_eq!(typed(&mut f, "akl"), "oaklands", "o-a-k-l narrows to Oaklands");
    assert_eq!(typed(&mut f, "x"), "oaklands", "no option starts with x: nothing moves");
    assert_eq!(
        typed(&mut f, "h"),
        "holly house 1",
        "a new letter after a miss starts afresh"
    );
    assert_eq!(typed(&mut f, "h"), "holly house 2", "the same letter again steps on");
    assert_eq!(typed(&mut f, "h"), "hazel court");
    assert_eq!(typed(&mut f, "h"), "holly house 1", "and round");
    assert_eq!(
        typed(&mut f, "A"),
        "hazel court",
        "h then A: capitals count, and \"ha\" is Hazel"
    );
    f.handle_key(key(KeyCode::Right));
    assert_eq!(f.get("home"), "oak house");
    assert_eq!(typed(&mut f, "ho"), "holly house 1", "after an arrow key, a new prefix");
    assert_eq!(
        typed(&mut f, "lly house 2"),
        "holly house 2",
        "a space within a name is part of it"
    );
    f.handle_key(key(KeyCode::Left));
    assert_eq!(
        typed(&mut f, " "),
        "holly house 2",
        "a space on its own is the next option, as before"
    );
    assert!(f.dirty);
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn when_form(now: DateTime<Utc>) -> Form {
    let l = now.with_timezone(&crate::time::ZONE);
    let mut f = Form::new(vec![
        Field::date("date", "Date"),
        Field::time("time", "Time", Some("date")),
        Field::text("where", "Where", 50),
    ]);
    f.set("date", &l.format("%d/%m/%Y").to_string());
    f.set("time", &l.format("%H:%M").to_string());
    f.set_now(now);
    f
}

fn type_in(f: &mut Form, now: DateTime<Utc>, s: &str) {
    for c in s.chars() {
        f.handle_key_at(key(KeyCode::Char(c)), now);
    }
}

/// 02:10 on 22/11 (GMT): 23:20 typed over the filled-in time replaces it and is last night, shown as
/// yesterday; 01:50 then is today again.
#[test]
fn a_time_typed_over_the_filled_in_one_replaces_it_and_is_the_most_recent() {
    let now = at(2026, 11, 22, 2, 10);
    let mut f = when_form(now);
    f.handle_key(key(KeyCode::Tab));
    assert_eq!(f.focused_key(), "time");
    type_in(&mut f, now, "23:20");
    assert_eq!(f.get("time"), "23:20", "typing replaced 02:10, not appended");
    assert_eq!(f.get("date"), "21/11/2026", "23:20 at 02:10 is last night");
    assert_eq!(f.day_word(f.field("date").unwrap()), Some("yesterday"));
    f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(f.get("time"), "", "Ctrl+U clears the field");
    type_in(&mut f, now, "01:50");
    assert_eq!(f.get("date"), "22/11/2026", "01:50 at 02:10 is today");
    // Midnight wrap: at 00:05, 23:59 is yesterday and 00:05 (now) is today.
    let now = at(2026, 11, 22, 0, 5);
    let mut f = when_form(now);
    f.focus_on("time");
    type_in(&mut f, now, "23:59");
    assert_eq!(f.get("date"), "21/11/2026");
    f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    type_in(&mut f, now, "00:05");
    assert_eq!(f.get("date"), "22/11/2026");
}

/// A date the worker chose is theirs: the time no longer moves it.
#[test]
fn y_and_t_in_a_date_field_and_a_chosen_date_stays() {
    let now = at(2026, 11, 22, 2, 10);
    let mut f = when_form(now);
    assert_eq!(f.focused_key(), "date");
    f.handle_key_at(key(KeyCode::Char('y')), now);
    assert_eq!(f.get("date"), "21/11/2026");
    f.handle_key_at(key(KeyCode::Char('t')), now);
    assert_eq!(f.get("date"), "22/11/2026");
    f.handle_key(key(KeyCode::Tab));
    type_in(&mut f, now, "23:20");
    assert_eq!(f.get("date"), "22/11/2026", "t chose today: 23:20 does not move it");
    assert_eq!(FormEvent::None, f.handle_key(key(KeyCode::Tab)));
    // The hints say so.
    f.focus_on("date");
    assert!(f.field_hints().iter().any(|h| h.keys == "y" && h.action == "yesterday"));
    assert!(f.field_hints().iter().any(|h| h.keys == "Ctrl+U"));
}

/// Clock changes (Europe/London). 29 March 2026: 01:00-02:00 did not happen, so at 03:00 BST "01:30" was last
/// seen yesterday; "00:30" is today. 25 October 2026: 01:30 happens twice; at 01:10 GMT (the second pass)
/// 01:30 BST has already been, today.
#[test]
fn the_most_recent_time_on_clock_change_days() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    // 03:00 BST on 29/03 is 02:00 UTC.
    let spring = at(2026, 3, 29, 2, 0);
    assert_eq!(most_recent_date(t(1, 30), spring), d(3, 28));
    assert_eq!(most_recent_date(t(0, 30), spring), d(3, 29));
    assert_eq!(most_recent_date(t(3, 0), spring), d(3, 29));
    assert_eq!(most_recent_date(t(3, 30), spring), d(3, 28));
    // 01:10 GMT on 25/10 is 01:10 UTC, after 01:30 BST (00:30 UTC).
    let autumn = at(2026, 10, 25, 1, 10);
    assert_eq!(most_recent_date(t(1, 30), autumn), d(10, 25));
    // 00:50 BST on 25/10 (23:50 UTC on the 24th): 01:30 is still to come, so yesterday's.
    let before = at(2026, 10, 24, 23, 50);
    assert_eq!(most_recent_date(t(1, 30), before), d(10, 24));
    assert_eq!(most_recent_date(t(0, 40), before), d(10, 25));
}

fn drawn(f: &Form, w: u16, h: u16) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|fr| f.render(fr, fr.area(), &Theme::plain())).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// At 80 columns: tick boxes carry their number keys and the cursor; a long error is shown whole, wrapped
/// under the field it belongs to.
#[test]
fn numbered_tick_boxes_and_a_wrapped_error_at_80_columns() {
    let opts: Vec<(String, String)> = [
        "Violence to a person",
        "Criminal damage",
        "Threats",
        "Theft",
        "Public order",
        "Drugs",
        "Weapon",
        "Sexual behaviour",
        "Missing or absent",
        "Other",
    ]
    .iter()
    .enumerate()
    .map(|(i, l)| (format!("c{i}"), l.to_string()))
    .collect();
    let mut f = Form::new(vec![
        Field::multi("kinds", "What kind", opts),
        Field::time("time", "Time", None),
    ]);
    f.handle_key(key(KeyCode::Char('2')));
    f.handle_key(key(KeyCode::Right));
    f.set_error(
        "time",
        "'25:70' is not a time: use hh:mm, 24-hour. For example 02:15 for a quarter past two in the night, \
         or 23:20 for twenty past eleven at night.",
    );
    let s = drawn(&f, 80, 12);
    insta::assert_snapshot!("form_ticks_and_wrapped_error", s);
    assert!(s.contains("1 [ ] Violence to a person"), "{s}");
    assert!(s.contains("2 [x] Criminal damage"), "{s}");
    assert!(s.contains("▸3 [ ] Threats"), "the cursor is on the third: {s}");
    assert!(s.contains("0 [ ] Other"), "{s}");
    assert!(s.contains("twenty past eleven at night."), "the error is whole: {s}");
}

/// A hint longer than the window is wrapped whole under the form, never cut off ("Tick all that ap").
#[test]
fn a_long_hint_is_wrapped_never_cut_off_at_80_columns() {
    let f = Form::new(vec![
        Field::multi("kinds", "What kind", vec![("a".into(), "Violence".into())]).with_hint(
            "←/→ move, Space ticks (or the number 1-9, 0 for the tenth). Tick all that apply, as the record \
             will be read by the manager.",
        ),
    ]);
    let s = drawn(&f, 80, 12);
    assert!(s.contains("Tick all that") && s.contains("apply, as the record"), "{s}");
    assert!(s.contains("read by the manager."), "the hint is whole: {s}");
    assert_eq!(wrapped_lines("  one two", 80), 1);
    assert_eq!(wrapped_lines("aaaa bbbb cccc", 9), 2);
}
