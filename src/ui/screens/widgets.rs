//! Small drawing helpers shared by the screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::ui::theme::Theme;

/// A list with one selected line, scrolled so the selection shows. Returns nothing; draws `lines`.
pub fn list(frame: &mut Frame<'_>, area: Rect, lines: Vec<Line<'static>>, selected: Option<usize>, theme: &Theme) {
    let mut lines: Vec<Option<Line<'static>>> = lines.into_iter().map(Some).collect();
    let n = lines.len();
    list_with(frame, area, n, selected, theme, |i| lines[i].take().unwrap_or_default());
}

/// As [`list`], building only the lines that fit (a long list costs the same to draw as a short one).
pub fn list_with(
    frame: &mut Frame<'_>,
    area: Rect,
    len: usize,
    selected: Option<usize>,
    theme: &Theme,
    mut line: impl FnMut(usize) -> Line<'static>,
) {
    let h = area.height as usize;
    if h == 0 {
        return;
    }
    let sel = selected.unwrap_or(0);
    let start = if sel >= h { sel + 1 - h } else { 0 };
    for i in (start..len).take(h) {
        let y = area.y + (i - start) as u16;
        let r = Rect {
            x: area.x,
            y,
            width: area.width,
            height: 1,
        };
        let (marker, style) = if Some(i) == selected {
            ("▸ ", theme.selected())
        } else {
            ("  ", Style::default())
        };
        let mut spans = vec![Span::styled(marker, style)];
        spans.extend(
            line(i)
                .spans
                .into_iter()
                .map(|s| if Some(i) == selected { s.patch_style(style) } else { s }),
        );
        frame.render_widget(Paragraph::new(Line::from(spans)), r);
    }
}

/// A titled box with text inside.
pub fn boxed(frame: &mut Frame<'_>, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(format!(" {title} ")))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Move a selection up or down within `len` items.
pub fn step(sel: usize, len: usize, down: bool, by: usize) -> usize {
    if len == 0 {
        return 0;
    }
    if down {
        (sel + by).min(len - 1)
    } else {
        sel.saturating_sub(by)
    }
}

/// Text from the database on its way to the screen.
pub fn safe(s: &str) -> String {
    crate::text::display(s)
}

/// A heading line.
pub fn heading(text: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), theme.heading()))
}
