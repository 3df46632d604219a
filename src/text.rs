//! Cleaning text before it is stored or drawn.
//!
//! Anything a person types, pastes or imports passes through here: terminal escape sequences, C0/C1 control
//! characters, bidirectional overrides and zero-width characters are removed, so no record can move the
//! cursor, change the terminal title, or disguise itself as something else.
//!
//! Cleaning never deletes words. Only the control sequence itself goes: a well-formed CSI (`ESC [`, its
//! parameter and intermediate bytes and its final byte, e.g. `ESC [ 3 1 m`), and an OSC's introducer (`ESC ]`)
//! and terminator (BEL, `ESC \` or ST). A lone ESC, an unterminated or malformed sequence, and the other
//! escapes (`ESC c`, `ESC ( B`, DCS, …) lose only their control characters: the letters after them stay.
//!
//! An OSC's payload (a window title, a hyperlink's address) is kept as plain text. Once its ESC is gone the
//! terminal does not act on it, so it is harmless; and a terminal-aware filter cannot tell a real title from
//! words that follow a stray `ESC ]` in a paste (`said: ESC]I will hurt myself tonight`). Keeping the payload
//! means nothing anyone wrote is ever thrown away unseen.

/// Remove escape sequences and invisible or control characters; keep newlines when `multiline`. At most
/// `max_chars` characters are kept: callers that must never cut use [`clean_checked`] (or check [`TooLong`]).
pub fn clean(input: &str, multiline: bool, max_chars: usize) -> String {
    let mut out = String::with_capacity(input.len().min(max_chars.saturating_mul(4)));
    let mut count = 0usize;
    clean_into(input, multiline, &mut |c| {
        if count >= max_chars {
            return false;
        }
        out.push(c);
        count += 1;
        true
    });
    out
}

/// The text is longer than the field allows: how long it is (after cleaning) and the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the text is {len} characters long and the limit is {max}")]
pub struct TooLong {
    pub len: usize,
    pub max: usize,
}

/// Clean `input` whole, or refuse it when the cleaned text is longer than `max_chars`: never cut.
pub fn clean_checked(input: &str, multiline: bool, max_chars: usize) -> Result<String, TooLong> {
    let s = clean(input, multiline, usize::MAX);
    let len = s.chars().count();
    if len > max_chars {
        Err(TooLong { len, max: max_chars })
    } else {
        Ok(s)
    }
}

/// Walk `input`, handing each character that survives cleaning to `emit` (which returns false to stop).
fn clean_into(input: &str, multiline: bool, emit: &mut dyn FnMut(char) -> bool) {
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    // Inside an OSC string: its terminator (BEL, ESC \ or ST) is removed, its payload kept.
    let mut in_osc = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let keep = match c {
            '\u{1b}' => {
                match chars.get(i) {
                    Some('[') => {
                        if let Some(end) = csi_end(&chars, i + 1) {
                            i = end;
                        }
                        // Malformed or unterminated: only the ESC goes, `[` and what follows stay.
                    }
                    Some(']') => {
                        i += 1;
                        in_osc = true;
                    }
                    Some('\\') if in_osc => {
                        i += 1;
                        in_osc = false;
                    }
                    _ => {}
                }
                continue;
            }
            // The one-character CSI (C1) goes alone: what follows stays, since a letter after it may be a word
            // ("\u{9b}a" would otherwise lose its `a`). Without it the rest is plain text to a terminal.
            '\u{9b}' => continue,
            '\u{9d}' => {
                in_osc = true;
                continue;
            }
            '\u{7}' | '\u{9c}' => {
                in_osc = false;
                continue;
            }
            '\r' => {
                if chars.get(i) == Some(&'\n') {
                    i += 1;
                }
                if multiline { '\n' } else { ' ' }
            }
            '\n' => {
                if multiline {
                    '\n'
                } else {
                    ' '
                }
            }
            '\t' => ' ',
            c if is_hidden(c) => continue,
            c => c,
        };
        if !emit(keep) {
            return;
        }
    }
}

/// Where a well-formed CSI whose parameters start at `from` ends (just after its final byte): parameter bytes
/// 0x30..=0x3f, then intermediate bytes 0x20..=0x2f, then one final byte 0x40..=0x7e. `None` when anything else
/// comes first (or the text ends): the sequence is malformed and none of its characters are removed.
fn csi_end(chars: &[char], from: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() && ('\u{30}'..='\u{3f}').contains(&chars[j]) {
        j += 1;
    }
    while j < chars.len() && ('\u{20}'..='\u{2f}').contains(&chars[j]) {
        j += 1;
    }
    match chars.get(j) {
        Some(f) if ('\u{40}'..='\u{7e}').contains(f) => Some(j + 1),
        _ => None,
    }
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
        assert_eq!(
            clean_line("a\u{9b}2Jb", 100),
            "a2Jb",
            "the 8-bit CSI goes alone, the text after it stays"
        );
        assert_eq!(clean_line("a\x1b[?25lb", 100), "ab");
    }

    #[test]
    fn an_osc_loses_its_introducer_and_terminator_and_keeps_its_words() {
        assert_eq!(clean_line("x\x1b]0;evil title\x07y", 100), "x0;evil titley");
        assert_eq!(
            clean_line("x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\y", 100),
            "x8;;http://elink8;;y"
        );
        assert_eq!(
            clean_text("said: \x1b]I will hurt myself tonight", 1000),
            "said: I will hurt myself tonight"
        );
        assert_eq!(clean_line("said: \u{9d}I will\u{9c} go", 100), "said: I will go");
    }

    #[test]
    fn a_lone_or_malformed_escape_loses_only_its_control_characters() {
        assert_eq!(clean_line("before \x1b after", 100), "before  after");
        assert_eq!(clean_line("before \x1bafter", 100), "before after");
        assert_eq!(clean_line("a\x1bcb", 100), "acb");
        assert_eq!(clean_line("path C:\x1b\\temp", 100), "path C:\\temp");
        assert_eq!(clean_line("a\x1b[12é more", 100), "a[12é more");
        assert_eq!(clean_line("a\x1b[\u{7}b", 100), "a[b");
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
    fn a_checked_clean_refuses_instead_of_cutting() {
        assert_eq!(clean_checked("abc", false, 3), Ok("abc".to_string()));
        assert_eq!(clean_checked("abcd", false, 3), Err(TooLong { len: 4, max: 3 }));
        // Counted after cleaning: an escape sequence does not count against the limit.
        assert_eq!(clean_checked("a\x1b[31mbc", false, 3), Ok("abc".to_string()));
    }

    #[test]
    fn unterminated_sequences_do_not_swallow_or_panic() {
        assert_eq!(clean_line("a\x1b", 10), "a");
        assert_eq!(clean_line("a\x1b[", 10), "a[");
        assert_eq!(clean_line("a\x1b]unterminated", 20), "aunterminated");
    }

    #[test]
    fn one_line_shortens() {
        assert_eq!(one_line("hello\nworld  again", 11), "hello worl…");
        assert_eq!(one_line("short", 10), "short");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// A piece of pasted text: words, or something a terminal would act on.
        #[derive(Debug, Clone)]
        enum Piece {
            Words(String),
            Csi(String, char),
            OscOpen,
            OscClose(u8),
            LoneEsc,
            Control(char),
            Invisible(char),
        }

        fn piece() -> impl Strategy<Value = Piece> {
            prop_oneof![
                // Words never start a sequence on their own: `[`, `]` and `\\` right after a lone ESC would.
                4 => "[^\\p{C}\\[\\]\\\\]{0,12}".prop_map(Piece::Words),
                1 => ("[0-9;?]{0,6}", proptest::char::range('\u{40}', '\u{7e}')).prop_map(|(p, f)| Piece::Csi(p, f)),
                1 => Just(Piece::OscOpen),
                1 => (0u8..3).prop_map(Piece::OscClose),
                1 => Just(Piece::LoneEsc),
                1 => prop_oneof![
                    proptest::char::range('\u{0}', '\u{8}'),
                    proptest::char::range('\u{e}', '\u{1a}'),
                    proptest::char::range('\u{80}', '\u{9f}'),
                ]
                .prop_map(Piece::Control),
                1 => proptest::sample::select(vec!['\u{202e}', '\u{200b}', '\u{2066}', '\u{feff}', '\u{200f}'])
                    .prop_map(Piece::Invisible),
            ]
        }

        fn render(pieces: &[Piece]) -> (String, String) {
            let (mut input, mut words) = (String::new(), String::new());
            for p in pieces {
                match p {
                    Piece::Words(w) => {
                        input.push_str(w);
                        words.extend(w.chars().filter(|c| !is_hidden(*c)));
                    }
                    Piece::Csi(params, fin) => {
                        input.push_str("\x1b[");
                        input.push_str(params);
                        input.push(*fin);
                    }
                    Piece::OscOpen => input.push_str("\x1b]"),
                    Piece::OscClose(0) => input.push('\u{7}'),
                    Piece::OscClose(1) => input.push('\u{9c}'),
                    Piece::OscClose(_) => input.push_str("\x1b\\"),
                    Piece::LoneEsc => input.push('\u{1b}'),
                    Piece::Control(c) | Piece::Invisible(c) => input.push(*c),
                }
            }
            (input, words)
        }

        proptest! {
            /// Every character of the words survives, in order: only control sequences and invisible
            /// characters are removed.
            #[test]
            fn words_are_never_deleted(pieces in proptest::collection::vec(piece(), 0..12)) {
                let (input, words) = render(&pieces);
                let out = clean(&input, true, usize::MAX);
                // A lone ESC or a stray `ESC \` keeps the printable character after it, and a CSI whose final
                // is followed by words is removed only up to its final: the words are a subsequence.
                let mut rest = out.chars();
                for w in words.chars() {
                    prop_assert!(rest.any(|c| c == w), "{:?} lost {:?} from {:?}", input, w, out);
                }
            }

            /// Whatever goes in, nothing a terminal acts on comes out.
            #[test]
            fn nothing_hidden_comes_out(s in any::<String>(), pieces in proptest::collection::vec(piece(), 0..8)) {
                let (p, _) = render(&pieces);
                for multiline in [false, true] {
                    for input in [&s, &p] {
                        let out = clean(input, multiline, usize::MAX);
                        prop_assert!(
                            out.chars().all(|c| !is_hidden(c) || (multiline && c == '\n')),
                            "{:?} -> {:?}", input, out
                        );
                        prop_assert!(!out.contains('\u{1b}'), "ESC in {:?}", out);
                        prop_assert_eq!(display(&out), out.clone());
                    }
                }
            }
        }
    }
}
