//! Drawing the app: the title bar, the screen on top, the message line, the help bar and F1. Reads state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{App, MIN_H, MIN_W};
use crate::ui::keymap::Hint;
use crate::ui::theme::Theme;

impl App {
    /// Draw the whole screen. Reads state only.
    pub fn view(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_W || area.height < MIN_H {
            let mut lines = vec![
                Line::from(Span::styled("In an emergency, call 999 first.", self.theme.warning())),
                Line::from(format!(
                    "Make the window larger: concordat needs {MIN_W}x{MIN_H}, this one is {}x{}.",
                    area.width, area.height
                )),
                Line::from("Keys typed now are not used. Nothing is lost."),
            ];
            let mut keys = vec![Span::styled("Ctrl+Q", self.theme.key()), Span::raw(" quit")];
            if self.session.is_some() {
                keys.push(Span::raw("  "));
                keys.push(Span::styled("Ctrl+L", self.theme.key()));
                keys.push(Span::raw(" lock"));
            }
            lines.push(Line::from(keys));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
            return;
        }
        let hints = self.hints();
        let mut help_text = hint_lines(&hints, &self.theme, area.width);
        // More keys than two lines hold: the rest are behind F1, and the bar says so.
        if help_text.len() > 2 {
            help_text.truncate(2);
            help_text.push(Line::from(vec![
                Span::raw("… more: "),
                Span::styled("F1", self.theme.key()),
                Span::raw(" all keys"),
            ]));
            let last = help_text.remove(2);
            let keep = (area.width as usize).saturating_sub(last.width());
            let mut second = help_text.pop().unwrap_or_default();
            while (second.width() > keep || second.spans.len() % 2 == 1) && !second.spans.is_empty() {
                second.spans.pop();
            }
            second.spans.extend(last.spans);
            help_text.push(second);
        }
        let help_h = help_text.len().clamp(1, 2) as u16;
        // A long message (a print's whole path) wraps onto up to three lines instead of being cut.
        let flash_h = self
            .flash
            .as_ref()
            .map(|f| (f.text.chars().count() + 2).div_ceil(area.width.max(1) as usize))
            .unwrap_or(1)
            .clamp(1, 3) as u16;
        let [top, body, flash, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(flash_h),
            Constraint::Length(help_h),
        ])
        .areas(area);
        self.title_bar(frame, top);
        let ctx = self.ctx();
        self.top().view(frame, body, &ctx);
        if let Some(f) = &self.flash {
            let st = if f.error { self.theme.error() } else { self.theme.ok() };
            let prefix = if f.error { "! " } else { "" };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("{prefix}{}", crate::text::display(&f.text)), st))
                    .wrap(Wrap { trim: false }),
                flash,
            );
        }
        frame.render_widget(Paragraph::new(help_text), help);
        if self.show_help {
            self.help_overlay(frame, body);
        }
    }

    fn title_bar(&self, frame: &mut Frame<'_>, r: Rect) {
        let home = self
            .store
            .home()
            .ok()
            .flatten()
            .map(|h| h.name)
            .unwrap_or_else(|| "concordat".into());
        let who = self
            .session
            .as_ref()
            .map(|s| format!("{} ({})", s.staff.name, s.staff.role.label()))
            .unwrap_or_else(|| "not signed in".into());
        let left = format!(" {} · {}", crate::text::display(&home), self.top().title());
        let right = format!(
            "{who} · {} ",
            self.now.with_timezone(&crate::time::ZONE).format("%a %d %b %H:%M")
        );
        // A long screen title gives way to who is signed in and the time.
        let room = (r.width as usize).saturating_sub(right.chars().count() + 1);
        let left = crate::ui::form::truncate(&left, room);
        let pad = (r.width as usize).saturating_sub(left.chars().count() + right.chars().count());
        let line = Line::from(vec![
            Span::styled(left, self.theme.title()),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, self.theme.muted()),
        ]);
        frame.render_widget(Paragraph::new(line), r);
    }

    fn help_overlay(&self, frame: &mut Frame<'_>, body: Rect) {
        let r = Rect {
            x: body.x + 4,
            y: body.y + 1,
            width: body.width.saturating_sub(8),
            height: body.height.saturating_sub(2),
        };
        frame.render_widget(Clear, r);
        let mut lines = vec![
            Line::from(Span::styled("Keys on this screen", self.theme.heading())),
            Line::from(""),
        ];
        for h in self.help_keys() {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>14}  ", h.keys), self.theme.key()),
                Span::raw(h.action),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(
            "In forms: Enter/Tab next field, Shift+Tab back, Ctrl+S (or F2) saves.",
        ));
        lines.push(Line::from(
            "What you type is kept as your draft as you type, through a lock or a power cut.",
        ));
        lines.push(Line::from(Span::styled(
            "Any key closes this help.",
            self.theme.muted(),
        )));
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::default().borders(Borders::ALL).title(" Help "))
                .wrap(Wrap { trim: false }),
            r,
        );
    }
}

/// The help bar: key and action kept together, wrapped onto as many lines as the width needs.
pub fn hint_lines(h: &[Hint], theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans = Vec::new();
    let mut used = 0usize;
    for x in h {
        let w = x.keys.chars().count() + x.action.chars().count() + 3;
        if used + w > width as usize && !spans.is_empty() {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        spans.push(Span::styled(x.keys.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {}  ", x.action)));
        used += w;
    }
    if !spans.is_empty() {
        lines.push(Line::from(spans));
    }
    lines
}
