//! Every screen's keys against its F1 page: a key that does something on a screen is listed there, and a
//! key listed there does something. The keys are found by pressing them (every key a keyboard sends), not
//! read from the binding tables, so a key dispatched by hand and missing from the help would fail here.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use crate::store::incidents::Filter;
use crate::ui::page::{Ctx, Outcome, Screen, Session};
use crate::ui::screens;
use crate::ui::screens::testing::ctx;

fn drawn(page: &Screen, ctx: &Ctx<'_>) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 22)).unwrap();
    t.draw(|f| page.view(f, Rect::new(0, 0, 80, 22), ctx)).unwrap();
    let buf = t.backend().buffer().clone();
    buf.content().iter().map(|c| c.symbol()).collect()
}

/// Every key worth pressing: the app itself takes F1, `?` (off text), Ctrl+L, Ctrl+Q and Ctrl+N first.
fn universe() -> Vec<KeyEvent> {
    let mut v = vec![];
    for c in ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(" /.,-+=*#[]<>:;'\"".chars())
    {
        v.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    for c in 'a'..='z' {
        if !matches!(c, 'l' | 'q' | 'n') {
            v.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        }
    }
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
    ]
    .into_iter()
    .chain((2..=12).map(KeyCode::F))
    {
        v.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    v
}

/// The keys an F1 line names ("Enter/e", "←/→", "Ctrl+S", "1-9", "any key").
fn named(text: &str) -> Vec<KeyEvent> {
    if text == "any key" {
        return universe();
    }
    let tokens: Vec<&str> = if text == "/" {
        vec!["/"]
    } else {
        text.split(char::is_whitespace).flat_map(|w| w.split('/')).collect()
    };
    let mut v = vec![];
    for t in tokens {
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let chars: Vec<char> = t.chars().collect();
        match t {
            "Enter" => v.push(plain(KeyCode::Enter)),
            "Esc" => v.push(plain(KeyCode::Esc)),
            "Tab" => v.push(plain(KeyCode::Tab)),
            "Shift+Tab" => v.push(plain(KeyCode::BackTab)),
            "Alt+Enter" => v.push(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)),
            "↑" => v.push(plain(KeyCode::Up)),
            "↓" => v.push(plain(KeyCode::Down)),
            "←" => v.push(plain(KeyCode::Left)),
            "→" => v.push(plain(KeyCode::Right)),
            "PgUp" => v.push(plain(KeyCode::PageUp)),
            "PgDn" => v.push(plain(KeyCode::PageDown)),
            "Home" => v.push(plain(KeyCode::Home)),
            "End" => v.push(plain(KeyCode::End)),
            "Backspace" => v.push(plain(KeyCode::Backspace)),
            "Del" => v.push(plain(KeyCode::Delete)),
            "Space" => v.push(plain(KeyCode::Char(' '))),
            _ if t.starts_with("Ctrl+") && chars.len() == 6 => v.push(KeyEvent::new(
                KeyCode::Char(chars[5].to_ascii_lowercase()),
                KeyModifiers::CONTROL,
            )),
            _ if t.starts_with('F') && t[1..].parse::<u8>().is_ok() => {
                v.push(plain(KeyCode::F(t[1..].parse().unwrap())))
            }
            _ if chars.len() == 1 => v.push(plain(KeyCode::Char(chars[0]))),
            _ if chars.iter().all(|c| "↑↓←→".contains(*c)) => {
                v.extend(chars.iter().flat_map(|c| named(&c.to_string())))
            }
            _ if chars.len() == 3 && chars[1] == '-' => {
                v.extend((chars[0]..=chars[2]).map(|c| plain(KeyCode::Char(c))));
            }
            // A form's fields take every character typed.
            "typing" => v.extend(
                universe()
                    .into_iter()
                    .filter(|k| k.modifiers == KeyModifiers::NONE && matches!(k.code, KeyCode::Char(_))),
            ),
            // Letter menus name their letters beside each line.
            "letter" => v.extend(('a'..='z').map(|c| plain(KeyCode::Char(c)))),
            _ => panic!("the help names a key this test cannot press: {t:?} in {text:?}"),
        }
    }
    v
}

fn same_key(a: &KeyEvent, b: &KeyEvent) -> bool {
    a.code == b.code && a.modifiers == b.modifiers
}

/// Press every key on a fresh copy of the screen; compare what reacts with what its F1 page lists.
fn check(name: &str, ctx: &Ctx<'_>, make: &dyn Fn(&Ctx<'_>) -> Screen) -> Vec<String> {
    let mut problems = vec![];
    let listed: Vec<(String, Vec<KeyEvent>)> = make(ctx)
        .help(ctx)
        .iter()
        .map(|h| (h.keys.to_string(), named(&h.keys)))
        .collect();
    let listed_keys: Vec<KeyEvent> = listed.iter().flat_map(|(_, k)| k.clone()).collect();
    let mut reacted = vec![];
    for key in universe() {
        let mut page = make(ctx);
        let before = drawn(&page, ctx);
        let out = page.update(ctx, key);
        let did = !matches!(out, Outcome::None) || drawn(&page, ctx) != before;
        if did {
            reacted.push(key);
            if !listed_keys.iter().any(|l| same_key(l, &key)) {
                problems.push(format!(
                    "{name}: {:?} {:?} works but is not on its help page",
                    key.modifiers, key.code
                ));
            }
        }
    }
    // The help bar's keys (the F1 page adds movement keys, which may have nowhere to go on a short list).
    for h in make(ctx).hints(ctx) {
        let keys = named(&h.keys);
        // Reading the handover again shows nothing new when nobody has written since.
        // `w` on the dashboard's week view (which it opens on) shows the week it is showing.
        // ...and ↑/↓ on a sign-in list of one name (this home has one member of staff) has nowhere to go.
        let quiet = (name == "handover" && h.keys == "r")
            || (name == "dashboard" && h.keys == "w")
            || (name == "sign in" && h.keys == "↑/↓")
            // The app takes Ctrl+N (a new incident) before any screen sees it.
            || (name == "settings" && h.keys == "Ctrl+N")
            // ...and a fresh set-up's first field (the home's name) is empty: Ctrl+U has nothing to clear.
            || (name == "set-up" && h.keys == "Ctrl+U")
            // ...nor has a new YOS entry's first field (its date).
            || (name == "YOS entry: its fields" && h.keys == "Ctrl+U")
            // Alt+Enter (a new line in a long text) is not pressed here: the keys above hold no Alt.
            || h.keys == "Alt+Enter";
        if h.keys != "any key" && !quiet && !keys.iter().any(|k| reacted.iter().any(|r| same_key(r, k))) {
            problems.push(format!("{name}: the help bar lists {:?} but it does nothing", h.keys));
        }
    }
    problems
}

#[test]
// The closures keep each screen's maker the same shape.
#[allow(clippy::redundant_closure)]
fn every_key_that_works_is_on_the_help_page_and_every_key_there_works() {
    let (s, actor) = crate::report::tests::home();
    let staff = s.list_staff(false).unwrap().into_iter().next().unwrap();
    let session = Session { staff, actor };
    let p = crate::protocol::resolve(None).unwrap();
    let c = ctx(&s, &session, &p);
    let child = s.list_children(false).unwrap()[0].id;
    let incident = s.incident_page(&Filter::default(), None, 1).unwrap()[0].id;
    type Make = Box<dyn Fn(&Ctx<'_>) -> Screen>;
    let screens: Vec<(&str, Make)> = vec![
        ("browser", Box::new(|c| screens::browser::open(c))),
        (
            "children",
            Box::new(|c| Screen::new(screens::children::ChildrenScreen::new(c))),
        ),
        ("staff", Box::new(|c| Screen::new(screens::staff::StaffScreen::new(c)))),
        (
            "timeline",
            Box::new(move |c| Screen::new(screens::timeline::TimelineScreen::new(c, child))),
        ),
        ("arrivals", Box::new(|c| screens::arrivals::open(c))),
        ("dashboard", Box::new(|c| screens::dashboard::open(c))),
        ("export", Box::new(|c| screens::export::open(c))),
        (
            "handover",
            Box::new(|c| Screen::new(screens::handover::HandoverScreen::new(c))),
        ),
        ("detail", Box::new(move |c| screens::detail::open(c, incident))),
        ("menu", Box::new(|c| Screen::new(screens::menu::MenuScreen::new(c)))),
        ("placeholder", Box::new(|c| screens::placeholder::screen(c, "Later"))),
        (
            "sign in",
            Box::new(|c| Screen::new(screens::signin::SignInScreen::new(c.store, None))),
        ),
        (
            "recovery code",
            Box::new(|_| Screen::new(screens::setup::RecoveryCodeScreen::new("ABCD-EFGH".into()))),
        ),
        (
            "settings",
            Box::new(|c| Screen::new(screens::settings::SettingsScreen::new(c))),
        ),
        ("set-up", Box::new(|_| Screen::new(screens::setup::SetupScreen::new()))),
        (
            "what to add",
            Box::new(move |c| {
                let d = c.store.incident(incident).unwrap();
                Screen::new(screens::detail::EntryMenu::new(c, &d, false))
            }),
        ),
        (
            "YOS entry: what to add",
            Box::new(move |c| {
                Screen::new(screens::detail::court::CourtScreen::new(
                    &c.store.incident(incident).unwrap(),
                ))
            }),
        ),
        (
            "YOS entry: its fields",
            Box::new(move |c| {
                let mut s = Screen::new(screens::detail::court::CourtScreen::new(
                    &c.store.incident(incident).unwrap(),
                ));
                let _ = s.update(c, KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE));
                s
            }),
        ),
        (
            "add information: a note",
            Box::new(move |c| screens::detail::open_entry(c, incident, screens::detail::EntryKind::Note).unwrap()),
        ),
        ("new incident: danger", Box::new(|c| screens::wizard::start(c))),
        (
            "new incident: a step's form",
            Box::new(|c| {
                let mut w = screens::wizard::start(c);
                let _ = w.update(c, KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE));
                w
            }),
        ),
    ];
    let mut problems = vec![];
    for (name, make) in &screens {
        problems.extend(check(name, &c, make.as_ref()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
