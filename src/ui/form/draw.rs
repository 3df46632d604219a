//! Drawing a form: each field's label, value, count and message, sized to the width there is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::*;
use crate::ui::theme::Theme;

impl Form {
    /// Height of a field's rows when drawn at `width`: its value, then its error in full (wrapped).
    fn field_height(f: &Field, width: u16) -> u16 {
        let w = width.saturating_sub(LABEL_W + 1).max(10);
        let base = match &f.value {
            Value::Text { multiline: true, .. } => 4,
            Value::Multi { options, .. } => multi_lines(options, &[], None, w).len().clamp(1, 6) as u16,
            _ => 1,
        };
        base + Self::error_height(f, w)
    }

    fn error_height(f: &Field, w: u16) -> u16 {
        f.error
            .as_ref()
            .map(|e| wrapped_height(&format!("! {e}"), w))
            .unwrap_or(0)
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
        if area.height == 0 || area.width < 20 {
            return;
        }
        // Scroll so that the focused field is visible.
        let heights: Vec<u16> = self.fields.iter().map(|f| Self::field_height(f, area.width)).collect();
        let mut start = 0;
        loop {
            let used: u16 = heights[start..=self.focus.min(heights.len().saturating_sub(1))]
                .iter()
                .sum();
            if used <= area.height || start >= self.focus {
                break;
            }
            start += 1;
        }
        let mut y = area.y;
        // The focused field's hint, wrapped whole (never cut off at 80 columns), at most three lines.
        let hint_h: u16 = match self.fields.get(self.focus) {
            Some(f) if !f.hint.is_empty() && area.height > 4 => {
                wrapped_lines(&format!("  {}", f.hint), area.width as usize).clamp(1, 3) as u16
            }
            _ => 0,
        };
        let bottom = area.y + area.height - hint_h;
        for (i, f) in self.fields.iter().enumerate().skip(start) {
            let h = heights[i];
            if y + h > bottom {
                break;
            }
            let focused = i == self.focus;
            let marker = if focused { "▸ " } else { "  " };
            let label_style = if focused { theme.focus_label() } else { theme.heading() };
            let req = if f.required { "*" } else { "" };
            let label = format!("{marker}{}{req}", f.label);
            let label_rect = Rect {
                x: area.x,
                y,
                width: LABEL_W.min(area.width),
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(truncate(&label, LABEL_W as usize), label_style)),
                label_rect,
            );
            let vx = area.x + LABEL_W + 1;
            let vw = area.width.saturating_sub(LABEL_W + 1);
            let eh = Self::error_height(f, vw.max(10));
            let vh = h - eh;
            let vrect = Rect {
                x: vx,
                y,
                width: vw,
                height: vh,
            };
            self.render_value(frame, f, focused, vrect, theme);
            if let Some(e) = &f.error {
                let er = Rect {
                    x: vx,
                    y: y + vh,
                    width: vw,
                    height: eh,
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("! {e}"), theme.error()))
                        .wrap(ratatui::widgets::Wrap { trim: false }),
                    er,
                );
            }
            y += h;
        }
        if hint_h > 0 {
            let f = &self.fields[self.focus];
            let r = Rect {
                x: area.x,
                y: area.y + area.height - hint_h,
                width: area.width,
                height: hint_h,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("  {}", f.hint), theme.muted()))
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                r,
            );
        }
    }

    /// "today" or "yesterday" beside a date field that holds one of them.
    pub(super) fn day_word(&self, f: &Field) -> Option<&'static str> {
        if f.kind != Kind::Date {
            return None;
        }
        let d = crate::time::parse_date(&f.get()).ok()?;
        let today = self.today();
        if d == today {
            Some("today")
        } else if Some(d) == today.pred_opt() {
            Some("yesterday")
        } else {
            None
        }
    }

    fn render_value(&self, frame: &mut Frame<'_>, f: &Field, focused: bool, r: Rect, theme: &Theme) {
        match &f.value {
            Value::Text { area, mask, .. } => {
                let (n, max) = f.char_count().unwrap_or((0, 0));
                let count = format!(" {n}/{max}");
                let cw = count.chars().count() as u16;
                let tr = Rect {
                    width: r.width.saturating_sub(cw),
                    ..r
                };
                if focused && f.fresh {
                    // Filled in: shown marked, since the first key typed replaces it.
                    let mut spans = vec![Span::styled(area.lines().join(" "), theme.selected())];
                    spans.push(Span::styled(" type to replace", theme.muted()));
                    frame.render_widget(Paragraph::new(Line::from(spans)), tr);
                } else if focused {
                    frame.render_widget(area, tr);
                } else {
                    let text = area.lines().join("\n");
                    let shown = if *mask {
                        "•".repeat(text.chars().count())
                    } else {
                        text
                    };
                    let mut spans = vec![Span::raw(shown)];
                    if let Some(day) = self.day_word(f) {
                        spans.push(Span::styled(format!(" ({day})"), theme.muted()));
                    }
                    frame.render_widget(
                        Paragraph::new(Line::from(spans)).wrap(ratatui::widgets::Wrap { trim: false }),
                        tr,
                    );
                }
                // A passphrase's length is not shown.
                if !*mask && (focused || n * 10 >= max * 9) {
                    let cr = Rect {
                        x: r.x + r.width.saturating_sub(cw),
                        y: r.y,
                        width: cw.min(r.width),
                        height: 1,
                    };
                    let st = if n >= max { theme.warning() } else { theme.muted() };
                    frame.render_widget(Paragraph::new(Span::styled(count, st)), cr);
                }
            }
            Value::Choice { options, selected } => {
                let text = selected
                    .and_then(|i| options.get(i))
                    .map(|o| o.1.as_str())
                    .unwrap_or("(choose)");
                let line = if focused {
                    Line::from(vec![
                        Span::styled("◂ ", theme.key()),
                        Span::styled(text.to_string(), theme.selected()),
                        Span::styled(" ▸", theme.key()),
                        Span::styled(format!("  ({} options)", options.len()), theme.muted()),
                    ])
                } else {
                    Line::from(text.to_string())
                };
                frame.render_widget(Paragraph::new(line), r);
            }
            Value::Multi { options, on, cursor } => {
                // Each box with its number key, the cursor (▸) on the one Space ticks; whole boxes per line.
                let cur = focused.then_some(*cursor);
                let rows = multi_lines(options, on, cur, r.width);
                let lines: Vec<Line<'static>> = rows
                    .into_iter()
                    .map(|row| {
                        Line::from(
                            row.into_iter()
                                .flat_map(|(i, text)| {
                                    let st = if cur == Some(i) {
                                        theme.selected()
                                    } else {
                                        ratatui::style::Style::default()
                                    };
                                    [Span::styled(text, st), Span::raw(" ")]
                                })
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect();
                let more = lines.len() > r.height as usize;
                let mut lines = lines;
                if more && r.height > 0 {
                    lines.truncate(r.height as usize);
                    if let Some(l) = lines.last_mut() {
                        l.spans.push(Span::styled("↓ more", theme.muted()));
                    }
                }
                frame.render_widget(Paragraph::new(lines), r);
            }
            Value::Toggle(b) => {
                let text = if *b { "[x] Yes" } else { "[ ] No" };
                let st = if focused {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                };
                frame.render_widget(Paragraph::new(Span::styled(text, st)), r);
            }
            Value::Info(s) => {
                frame.render_widget(Paragraph::new(Span::styled(s.clone(), theme.muted())), r);
            }
        }
    }

    /// Keys for the focused field, for the help bar.
    pub fn field_hints(&self) -> &'static [crate::ui::keymap::Hint] {
        use crate::ui::keymap::hint;
        const CHOICE: &[crate::ui::keymap::Hint] = &[hint("←/→", "choose"), hint("letter", "jump")];
        const MULTI: &[crate::ui::keymap::Hint] =
            &[hint("←/→", "move"), hint("Space/1-9", "tick"), hint("Ctrl+U", "clear")];
        const DATE: &[crate::ui::keymap::Hint] = &[hint("y", "yesterday"), hint("t", "today"), hint("Ctrl+U", "clear")];
        const TEXT: &[crate::ui::keymap::Hint] = &[hint("Ctrl+U", "clear")];
        const TOGGLE: &[crate::ui::keymap::Hint] = &[hint("Space/y/n", "yes or no")];
        const MULTILINE: &[crate::ui::keymap::Hint] = &[hint("Alt+Enter", "new line")];
        match self.fields.get(self.focus).map(|f| &f.value) {
            Some(Value::Choice { .. }) => CHOICE,
            Some(Value::Multi { .. }) => MULTI,
            Some(Value::Toggle(_)) => TOGGLE,
            Some(Value::Text { multiline: true, .. }) => MULTILINE,
            Some(Value::Text { .. }) if self.fields.get(self.focus).is_some_and(|f| f.kind == Kind::Date) => DATE,
            Some(Value::Text { mask: false, .. }) => TEXT,
            _ => &[],
        }
    }
}

const LABEL_W: u16 = 24;

/// Rows needed for `s` wrapped at `w` columns (words kept whole where they fit).
fn wrapped_height(s: &str, w: u16) -> u16 {
    let w = w.max(1) as usize;
    let mut rows = 1usize;
    let mut used = 0usize;
    for word in s.split(' ') {
        let n = word.chars().count();
        let need = if used == 0 { n } else { used + 1 + n };
        if need <= w {
            used = need;
        } else if n <= w {
            rows += 1;
            used = n;
        } else {
            // A word longer than the line is broken.
            rows += (used + 1 + n).div_ceil(w) - 1;
            used = (used + 1 + n) % w;
        }
    }
    rows as u16
}

/// Tick boxes laid out in rows of `w` columns, each whole: `▸1 [x] Shouting`. The number is its key (1-9, 0);
/// the cursor, when focused, marks the box Space ticks.
fn multi_lines(options: &[(String, String)], on: &[bool], cursor: Option<usize>, w: u16) -> Vec<Vec<(usize, String)>> {
    let w = w.max(10) as usize;
    let mut rows: Vec<Vec<(usize, String)>> = vec![];
    let mut used = 0usize;
    for (i, o) in options.iter().enumerate() {
        let num = match i {
            0..=8 => char::from(b'1' + i as u8),
            9 => '0',
            _ => ' ',
        };
        let mark = if on.get(i).copied().unwrap_or(false) {
            "[x]"
        } else {
            "[ ]"
        };
        let cur = if cursor == Some(i) { '▸' } else { ' ' };
        let text = format!("{cur}{num} {mark} {}", o.1);
        let n = text.chars().count() + 1;
        if rows.is_empty() || (used + n > w && used > 0) {
            rows.push(vec![]);
            used = 0;
        }
        used += n;
        rows.last_mut().expect("a row").push((i, text));
    }
    rows
}

/// How many lines `text` takes when wrapped at word boundaries to `width` columns (as ratatui's `Wrap` does,
/// near enough to size the space for it).
pub(super) fn wrapped_lines(text: &str, width: usize) -> usize {
    use unicode_width::UnicodeWidthStr;
    if width == 0 {
        return 1;
    }
    let (mut lines, mut used) = (1, 0usize);
    for word in text.split(' ') {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            lines += 1;
            used = w.min(width);
        }
    }
    lines
}
