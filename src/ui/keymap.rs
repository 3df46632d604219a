//! Key bindings as data: each screen lists what its keys do, and the help bar and the `?` page draw them.

use std::borrow::Cow;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key and what it does here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub keys: Cow<'static, str>,
    pub action: &'static str,
}

impl Hint {
    pub const fn new(keys: &'static str, action: &'static str) -> Hint {
        Hint {
            keys: Cow::Borrowed(keys),
            action,
        }
    }
}

pub const fn hint(keys: &'static str, action: &'static str) -> Hint {
    Hint::new(keys, action)
}

/// What the characters typed do in a form: F1 names the keys "typing".
pub const TYPING: &str = "type into the field";

/// Keys that work everywhere once signed in.
pub const GLOBAL: &[Hint] = &[hint("F1/?", "help"), hint("Ctrl+L", "lock"), hint("Ctrl+Q", "quit")];

/// Keys in every form.
pub const FORM: &[Hint] = &[
    hint("Tab/Enter", "next field"),
    hint("Shift+Tab", "previous"),
    hint("Ctrl+S", "save"),
    hint("Esc", "back"),
];

pub fn is_ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char(x) if x.eq_ignore_ascii_case(&c))
}

/// A plain character key (no Ctrl/Alt), if any.
pub fn plain_char(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c) if !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

/// Save: Ctrl+S, or F2 where a terminal keeps Ctrl+S for itself.
pub fn is_save(k: &KeyEvent) -> bool {
    is_ctrl(k, 's') || k.code == KeyCode::F(2)
}

/// One key a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// A plain character (no Ctrl/Alt).
    Char(char),
    /// A named key (Enter, Esc, arrows, F-keys) without Ctrl/Alt.
    Key(KeyCode),
    /// Ctrl and a letter.
    Ctrl(char),
    /// Any key at all (a screen that only waits to be closed).
    Any,
    /// Any plain character typed (a list that jumps to the name starting with it).
    AnyChar,
}

impl KeySpec {
    pub fn matches(self, k: &KeyEvent) -> bool {
        match self {
            KeySpec::Char(c) => plain_char(k) == Some(c),
            KeySpec::Key(code) => k.code == code && !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT),
            KeySpec::Ctrl(c) => is_ctrl(k, c),
            KeySpec::Any => true,
            KeySpec::AnyChar => plain_char(k).is_some_and(|c| !c.is_control()),
        }
    }

    /// The key as the help page names it.
    pub fn name(self) -> String {
        match self {
            KeySpec::Char(' ') => "Space".into(),
            KeySpec::Char(c) => c.to_string(),
            KeySpec::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            KeySpec::Any => "any key".into(),
            KeySpec::AnyChar => "letter".into(),
            KeySpec::Key(code) => match code {
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift+Tab".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Delete => "Del".into(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other:?}"),
            },
        }
    }
}

/// A key (or keys) on a screen, what it does, and how the help bar names it: the one table from which a
/// screen's dispatch, its help bar and its F1 page are all made.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    pub keys: &'static [KeySpec],
    pub action: A,
    /// What the help bar says it does.
    pub label: &'static str,
    /// How the help bar names the keys ("Enter" for Enter/e); empty: movement keys, listed on F1 only.
    pub bar: &'static str,
}

pub const fn bind<A>(keys: &'static [KeySpec], action: A, bar: &'static str, label: &'static str) -> Binding<A> {
    Binding {
        keys,
        action,
        label,
        bar,
    }
}

/// The action for a key: the first binding that applies now and answers to the key.
pub fn lookup<A: Copy>(table: &[Binding<A>], k: &KeyEvent, applies: impl Fn(A) -> bool) -> Option<A> {
    table
        .iter()
        .find(|b| applies(b.action) && b.keys.iter().any(|s| s.matches(k)))
        .map(|b| b.action)
}

/// The help bar: each binding that applies now and is not a movement key, labelled by `label` (which may
/// give a label for the state the screen is in; None hides it, as it does not apply).
pub fn bar<A: Copy>(table: &[Binding<A>], label: impl Fn(&Binding<A>) -> Option<&'static str>) -> Vec<Hint> {
    table
        .iter()
        .filter(|b| !b.bar.is_empty())
        .filter_map(|b| label(b).map(|l| Hint::new(b.bar, l)))
        .collect()
}

/// The F1 page: every binding that applies now, each key named.
pub fn help<A: Copy>(table: &[Binding<A>], label: impl Fn(&Binding<A>) -> Option<&'static str>) -> Vec<Hint> {
    table
        .iter()
        .filter_map(|b| {
            let l = label(b)?;
            // Typing into a form's field is "typing"; "letter" is a list's jump to a name.
            let keys: Vec<String> = if l == TYPING {
                vec!["typing".into()]
            } else {
                b.keys.iter().map(|k| k.name()).collect()
            };
            let l = if l.is_empty() { movement(b.keys) } else { l };
            Some(Hint {
                keys: Cow::Owned(keys.join("/")),
                action: l,
            })
        })
        .collect()
}

/// What a movement key does, for the F1 page.
fn movement(keys: &[KeySpec]) -> &'static str {
    match keys.first() {
        Some(KeySpec::Key(KeyCode::Up | KeyCode::Down)) => "move",
        Some(KeySpec::Key(KeyCode::PageUp | KeyCode::PageDown)) => "a page at a time",
        Some(KeySpec::Key(KeyCode::Home)) => "back to the start",
        Some(KeySpec::Key(KeyCode::End)) => "to the end",
        Some(KeySpec::Key(KeyCode::Left | KeyCode::Right)) => "move",
        _ => "move",
    }
}

/// Shorthands for tables.
pub mod k {
    use super::KeySpec;
    use ratatui::crossterm::event::KeyCode;
    pub const ENTER: KeySpec = KeySpec::Key(KeyCode::Enter);
    pub const ESC: KeySpec = KeySpec::Key(KeyCode::Esc);
    pub const UP: KeySpec = KeySpec::Key(KeyCode::Up);
    pub const DOWN: KeySpec = KeySpec::Key(KeyCode::Down);
    pub const LEFT: KeySpec = KeySpec::Key(KeyCode::Left);
    pub const RIGHT: KeySpec = KeySpec::Key(KeyCode::Right);
    pub const PGUP: KeySpec = KeySpec::Key(KeyCode::PageUp);
    pub const PGDN: KeySpec = KeySpec::Key(KeyCode::PageDown);
    pub const HOME: KeySpec = KeySpec::Key(KeyCode::Home);
    pub const END: KeySpec = KeySpec::Key(KeyCode::End);
    pub const TAB: KeySpec = KeySpec::Key(KeyCode::Tab);
    /// The keys that edit a text field or change a choice in a form.
    pub const EDITING: &[KeySpec] = &[
        KeySpec::Key(KeyCode::Backspace),
        KeySpec::Key(KeyCode::Delete),
        KeySpec::Key(KeyCode::Left),
        KeySpec::Key(KeyCode::Right),
        KeySpec::Key(KeyCode::Home),
        KeySpec::Key(KeyCode::End),
    ];
    pub const fn c(ch: char) -> KeySpec {
        KeySpec::Char(ch)
    }
}
