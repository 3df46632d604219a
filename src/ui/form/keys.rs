//! What a key does to a form: moving between fields, editing, choosing, ticking.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::CursorMove;

use super::*;
use crate::text::is_hidden;
use crate::ui::keymap::{is_save, plain_char};

impl Form {
    /// On to the next field, or done after the last.
    fn forward(&mut self) -> FormEvent {
        if self.next() { FormEvent::None } else { FormEvent::Done }
    }

    pub fn handle_key(&mut self, k: KeyEvent) -> FormEvent {
        // Letters typed in a row build a prefix; any other key starts afresh.
        let typed = std::mem::take(&mut self.typed);
        if is_save(&k) {
            return FormEvent::Save;
        }
        match k.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Tab => return self.forward(),
            KeyCode::BackTab => {
                self.prev();
                return FormEvent::None;
            }
            _ => {}
        }
        // On a choice, tick boxes or yes/no, Enter and ↓ go on to the next field and ↑ back (←/→ change it).
        let listed = |v: &Value| matches!(v, Value::Choice { .. } | Value::Multi { .. } | Value::Toggle(_));
        if self.fields.get(self.focus).is_some_and(|f| listed(&f.value)) {
            match k.code {
                KeyCode::Enter | KeyCode::Down => return self.forward(),
                KeyCode::Up => {
                    self.prev();
                    return FormEvent::None;
                }
                _ => {}
            }
        }
        let focus = self.focus;
        let today = self.today();
        let Some(f) = self.fields.get_mut(focus) else {
            return FormEvent::None;
        };
        // Ctrl+U empties the field (text, choice or ticks), whatever it holds.
        if crate::ui::keymap::is_ctrl(&k, 'u') {
            match &mut f.value {
                Value::Text { area, .. } => *area = fresh_area(area),
                Value::Choice { selected, .. } => *selected = None,
                Value::Multi { on, .. } => on.iter_mut().for_each(|x| *x = false),
                Value::Toggle(b) => *b = false,
                Value::Info(_) => return FormEvent::None,
            }
            f.fresh = false;
            f.auto = false;
            f.error = None;
            self.dirty = true;
            return FormEvent::Changed;
        }
        if f.kind == Kind::Date
            && let Some(c @ ('y' | 'Y' | 't' | 'T')) = plain_char(&k)
        {
            let d = if c.eq_ignore_ascii_case(&'y') {
                today.pred_opt().unwrap_or(today)
            } else {
                today
            };
            f.set(&crate::time::show_date(d));
            f.auto = false;
            f.error = None;
            self.dirty = true;
            return FormEvent::Changed;
        }
        let edits = matches!(
            k.code,
            KeyCode::Char(_)
                | KeyCode::Backspace
                | KeyCode::Delete
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::Home
                | KeyCode::End
        );
        let was_fresh = f.fresh && edits;
        if edits {
            f.fresh = false;
        }
        if was_fresh
            && let Value::Text { area, .. } = &mut f.value
            && plain_char(&k).is_some_and(|c| !is_hidden(c))
        {
            // Typing over a filled-in date or time replaces it.
            *area = fresh_area(area);
        }
        if matches!(f.kind, Kind::Date) && matches!(k.code, KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete) {
            f.auto = false;
        }
        let changed = match &mut f.value {
            Value::Text {
                area, max, multiline, ..
            } => {
                let count: usize =
                    area.lines().iter().map(|l| l.chars().count()).sum::<usize>() + area.lines().len() - 1;
                match k.code {
                    KeyCode::Enter if *multiline && k.modifiers.contains(KeyModifiers::ALT) && count < *max => {
                        area.insert_newline();
                        true
                    }
                    KeyCode::Enter if *multiline && k.modifiers.contains(KeyModifiers::ALT) => false,
                    KeyCode::Enter => return self.forward(),
                    KeyCode::Down if *multiline && area.cursor().0 + 1 < area.lines().len() => {
                        area.move_cursor(CursorMove::Down);
                        false
                    }
                    KeyCode::Up if *multiline && area.cursor().0 > 0 => {
                        area.move_cursor(CursorMove::Up);
                        false
                    }
                    KeyCode::Down => return self.forward(),
                    KeyCode::Up => {
                        self.prev();
                        return FormEvent::None;
                    }
                    KeyCode::Char(_) => match plain_char(&k) {
                        Some(c) if !is_hidden(c) && count < *max => {
                            area.insert_char(c);
                            true
                        }
                        Some(c) if !is_hidden(c) => {
                            f.error = Some(format!("This field holds {max} characters: it is full."));
                            return FormEvent::Changed;
                        }
                        _ => false,
                    },
                    KeyCode::Backspace if k.modifiers.contains(KeyModifiers::CONTROL) => area.delete_word(),
                    KeyCode::Backspace => area.delete_char(),
                    KeyCode::Delete => area.delete_next_char(),
                    KeyCode::Left => {
                        area.move_cursor(CursorMove::Back);
                        false
                    }
                    KeyCode::Right => {
                        area.move_cursor(CursorMove::Forward);
                        false
                    }
                    KeyCode::Home => {
                        area.move_cursor(CursorMove::Head);
                        false
                    }
                    KeyCode::End => {
                        area.move_cursor(CursorMove::End);
                        false
                    }
                    _ => false,
                }
            }
            Value::Choice { options, selected } => {
                let n = options.len();
                match k.code {
                    _ if n == 0 => false,
                    KeyCode::Char(c) if (c.is_alphanumeric() || c == ' ') && plain_char(&k).is_some() => {
                        match type_ahead(options, *selected, &typed, c) {
                            Some((j, prefix)) => {
                                self.typed = prefix;
                                let changed = *selected != Some(j);
                                *selected = Some(j);
                                changed
                            }
                            None if c == ' ' => {
                                *selected = Some(selected.map_or(0, |i| (i + 1) % n));
                                true
                            }
                            None => false,
                        }
                    }
                    KeyCode::Right => {
                        *selected = Some(selected.map_or(0, |i| (i + 1) % n));
                        true
                    }
                    KeyCode::Left => {
                        *selected = Some(selected.map_or(n - 1, |i| (i + n - 1) % n));
                        true
                    }
                    _ => false,
                }
            }
            Value::Multi { options, on, cursor } => {
                let n = options.len();
                match k.code {
                    _ if n == 0 => false,
                    KeyCode::Right => {
                        *cursor = (*cursor + 1) % n;
                        false
                    }
                    KeyCode::Left => {
                        *cursor = (*cursor + n - 1) % n;
                        false
                    }
                    KeyCode::Char(' ') | KeyCode::Char('x') => {
                        on[*cursor] = !on[*cursor];
                        true
                    }
                    KeyCode::Char(c) if c.is_ascii_digit() => {
                        let i = if c == '0' { 9 } else { c as usize - '1' as usize };
                        if i < n {
                            on[i] = !on[i];
                            *cursor = i;
                            true
                        } else {
                            false
                        }
                    }
                    _ => false,
                }
            }
            Value::Toggle(b) => match k.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *b = !*b;
                    true
                }
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    *b = true;
                    true
                }
                KeyCode::Char('n') | KeyCode::Char('N') => {
                    *b = false;
                    true
                }
                _ => false,
            },
            Value::Info(_) => false,
        };
        if changed {
            f.error = None;
            self.dirty = true;
            self.follow_time(focus);
            FormEvent::Changed
        } else {
            FormEvent::None
        }
    }
}

/// Type-ahead on a choice: the option that `typed` (letters typed in a row, lower case) and then `c` pick, with the
/// prefix it leaves. The longer prefix is looked for from the option shown on, so "o", "a" finds "Oak House" and
/// stays there, and a space belongs to it ("willow house 2"). Otherwise, the next option after the one shown that
/// starts with `c`, so the same letter again steps through the options that start with it. None: nothing matches
/// (a space then means "next", as it always has).
fn type_ahead(options: &[(String, String)], selected: Option<usize>, typed: &str, c: char) -> Option<(usize, String)> {
    let n = options.len();
    let starts = |j: &usize, p: &str| options[*j].1.to_lowercase().starts_with(p);
    let from = |start: usize| (0..n).map(move |j| (start + j) % n);
    let c: String = c.to_lowercase().collect();
    if let (false, Some(i)) = (typed.is_empty(), selected) {
        let longer = format!("{typed}{c}");
        if let Some(j) = from(i).find(|j| starts(j, &longer)) {
            return Some((j, longer));
        }
    }
    if c == " " {
        return None;
    }
    from(selected.map_or(0, |i| i + 1))
        .find(|j| starts(j, &c))
        .map(|j| (j, c))
}
