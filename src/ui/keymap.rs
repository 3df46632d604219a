//! Key bindings as data: each screen lists what its keys do, and the help bar and the `?` page draw them.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key and what it does here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub keys: &'static str,
    pub action: &'static str,
}

pub const fn hint(keys: &'static str, action: &'static str) -> Hint {
    Hint { keys, action }
}

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
