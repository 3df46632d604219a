//! One child's incidents over time: counts per month by response, with a bar each (issue 4).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Page;
use super::widgets::safe;
use crate::store::browse::MonthCount;
use crate::ui::keymap::k::{ENTER, ESC, c};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, Outcome};

pub const MONTHS: u32 = 12;

pub struct TimelineScreen {
    child_id: i64,
    name: String,
    months: Vec<MonthCount>,
    error: Option<String>,
}

impl TimelineScreen {
    pub fn new(ctx: &Ctx<'_>, child_id: i64) -> TimelineScreen {
        let name = ctx
            .store
            .child(child_id)
            .map(|c| c.display_name())
            .unwrap_or_else(|_| format!("child {child_id}"));
        let (months, error) = match ctx.store.child_timeline(child_id, ctx.now, MONTHS) {
            Ok(m) => (m, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        TimelineScreen {
            child_id,
            name,
            months,
            error,
        }
    }
}

/// A bar of `n` out of `max` in `width` cells: `#` for police, `=` restorative, `-` in-house, so the mix
/// reads without colour.
fn bar(m: &MonthCount, max: u32, width: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let scale = |n: u32| ((n as usize * width) as f64 / max as f64).ceil() as usize;
    let mut s = String::new();
    s.push_str(&"#".repeat(scale(m.police)));
    s.push_str(&"=".repeat(scale(m.restorative)));
    s.push_str(&"-".repeat(scale(m.in_house)));
    s.chars().take(width).collect()
}

/// What a key does on a child's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Incidents,
    Back,
}

/// The timeline's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[ENTER, c('i')], Act::Incidents, "Enter", "this child's incidents"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];

impl Page for TimelineScreen {
    fn title(&self) -> String {
        "Timeline".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        let Some(act) = keymap::lookup(KEYS, &key, |_| true) else {
            return Outcome::None;
        };
        match act {
            Act::Back => Outcome::Back,
            Act::NewIncident => super::new_incident(ctx),
            Act::Incidents => Outcome::Replace(super::child_incidents(ctx, self.child_id)),
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let t = &ctx.theme;
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} - last {MONTHS} months ", safe(&self.name)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if let Some(e) = &self.error {
            frame.render_widget(Paragraph::new(Span::styled(format!("! {e}"), t.error())), inner);
            return;
        }
        let max = self.months.iter().map(MonthCount::total).max().unwrap_or(0);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "{:<9} {:>8} {:>11} {:>6} {:>5}  {}",
                "Month", "In-house", "Restorative", "Police", "Total", "# police = restorative - in-house"
            ),
            t.heading(),
        ))];
        for m in &self.months {
            lines.push(Line::from(format!(
                "{:<9} {:>8} {:>11} {:>6} {:>5}  {}",
                m.month.format("%b %Y"),
                m.in_house,
                m.restorative,
                m.police,
                m.total(),
                bar(m, max, 30)
            )));
        }
        let (ih, rj, po): (u32, u32, u32) = self.months.iter().fold((0, 0, 0), |a, m| {
            (a.0 + m.in_house, a.1 + m.restorative, a.2 + m.police)
        });
        lines.push(Line::from(Span::styled(
            format!("{:<9} {:>8} {:>11} {:>6} {:>5}", "Total", ih, rj, po, ih + rj + po),
            t.heading(),
        )));
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| Some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| Some(b.label))
    }
}
