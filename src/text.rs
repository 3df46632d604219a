//! Cleaning text before it is stored or drawn.
//!
//! Anything a person types, pastes or imports passes through here: terminal escape sequences (CSI, OSC, and
//! the rest), C0/C1 control characters, bidirectional overrides and zero-width characters are removed, so no
//! record can move the cursor, change the terminal title, or disguise itself as something else.

/// Remove escape sequences and invisible or control characters; keep newlines when `multiline`.
pub fn clean(input: &str, multiline: bool, max_chars: usize) -> String {
    let mut out = String::with_capacity(input.len().min(max_chars.saturating_mul(4)));
    let mut chars = input.chars().peekable();
    let mut count = 0usize;
    while let Some(c) = chars.next() {
        if count >= max_chars {
            break;
        }
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI/OSC introducers: skip as their 7-bit forms.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                push(&mut out, if multiline { '\n' } else { ' ' }, &mut count);
            }
            '\n' => push(&mut out, if multiline { '\n' } else { ' ' }, &mut count),
            '\t' => push(&mut out, ' ', &mut count),
            c if is_hidden(c) => {}
            c => push(&mut out, c, &mut count),
        }
    }
    out
}

fn push(out: &mut String, c: char, count: &mut usize) {
    out.push(c);
    *count += 1;
}

/// Characters that must never reach the terminal or a record: controls, bidi overrides, zero-width.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
                | '\u{00ad}'
                | '\u{180e}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if ('\u{20}'..='\u{7e}').contains(&c) => {
            // Two- or three-character escapes such as ESC ( B or ESC c.
            chars.next();
            if ('\u{20}'..='\u{2f}').contains(&c)
                && let Some(&n) = chars.peek()
                && ('\u{30}'..='\u{7e}').contains(&n)
            {
                chars.next();
            }
        }
        _ => {}
    }
}

/// CSI: parameter and intermediate bytes, then one final byte in 0x40..=0x7e.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/PM/APC strings end at BEL or ST (ESC \ or U+9C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// One line of text (names, places, references): no newlines, trimmed of escapes.
pub fn clean_line(input: &str, max_chars: usize) -> String {
    clean(input, false, max_chars)
}

/// A free-text account: newlines kept, everything else cleaned.
pub fn clean_text(input: &str, max_chars: usize) -> String {
    clean(input, true, max_chars)
}

/// Text on its way to the screen, whatever its origin (database, import): the same cleaning, no limit.
pub fn display(input: &str) -> String {
    if input.chars().any(|c| is_hidden(c) && c != '\n') {
        clean(input, true, usize::MAX)
    } else {
        input.to_string()
    }
}

/// First line of an account, shortened for a list, with an ellipsis when cut.
pub fn one_line(input: &str, max_chars: usize) -> String {
    let flat = clean_line(input, usize::MAX);
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let mut s: String = flat.chars().take(max_chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_and_osc() {
        assert_eq!(clean_line("a\x1b[31mred\x1b[0m b", 100), "ared b");
        assert_eq!(clean_line("x\x1b]0;evil title\x07y", 100), "xy");
        assert_eq!(clean_line("x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\y", 100), "xlinky");
        assert_eq!(clean_line("a\u{9b}2Jb", 100), "ab");
        assert_eq!(clean_line("a\x1bcb", 100), "ab");
    }

    #[test]
    fn strips_bidi_zero_width_and_controls() {
        assert_eq!(clean_line("ab\u{202e}cd\u{200b}e\u{feff}", 100), "abcde");
        assert_eq!(clean_line("a\x07\x08\x00b", 100), "ab");
        assert_eq!(clean_line("a\rb", 100), "a b");
        assert_eq!(clean_text("a\r\nb\rc", 100), "a\nb\nc");
        assert_eq!(clean_text("tab\there", 100), "tab here");
    }

    #[test]
    fn limits_length_in_characters() {
        assert_eq!(clean_line("ééééé", 3), "ééé");
        assert_eq!(clean_line(&"x".repeat(10_000), 5).len(), 5);
    }

    #[test]
    fn unterminated_sequences_do_not_swallow_panic() {
        assert_eq!(clean_line("a\x1b", 10), "a");
        assert_eq!(clean_line("a\x1b[", 10), "a");
        assert_eq!(clean_line("a\x1b]unterminated", 10), "a");
    }

    #[test]
    fn one_line_shortens() {
        assert_eq!(one_line("hello\nworld  again", 11), "hello worl…");
        assert_eq!(one_line("short", 10), "short");
    }
}
