//! The dashboard: this week (or quarter) against the one before, as a table with words for up and down, and
//! charts of the last eight weeks. Readable without colour: every number and change is written out.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Row, Sparkline, Table};

use super::widgets::safe;
use super::{Page, Screen};
use crate::report::{Measures, Report, WeekCounts, compute, week_counts_of};
use crate::time::{Period, local_date};
use crate::ui::keymap::k::{ESC, LEFT, RIGHT, c};
use crate::ui::keymap::{self, Binding, Hint, bind};
use crate::ui::page::{Ctx, Outcome};

/// How many weeks the charts show.
pub const WEEKS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Week,
    Quarter,
}

struct Pair {
    this: Report,
    before: Report,
}

pub struct Dashboard {
    view: View,
    /// The homes of the database (uid, name) when it holds more than one; empty otherwise.
    homes: Vec<(String, String)>,
    /// Which home the figures are for: None for all homes together, else an index into `homes`.
    home: Option<usize>,
    week: Result<Pair, String>,
    quarter: Result<Pair, String>,
    weeks: Result<Vec<WeekCounts>, String>,
}

fn pair(ctx: &Ctx<'_>, p: Period) -> Result<Pair, String> {
    let before = p.previous();
    Ok(Pair {
        this: compute(ctx.store, &p).map_err(|e| e.to_string())?,
        before: compute(ctx.store, &before).map_err(|e| e.to_string())?,
    })
}

fn last_weeks(ctx: &Ctx<'_>, home: Option<&str>) -> Result<Vec<WeekCounts>, String> {
    let children = ctx.store.all_children().map_err(|e| e.to_string())?;
    let mut p = Period::week_of(local_date(ctx.now));
    let mut v = Vec::with_capacity(WEEKS);
    for _ in 0..WEEKS {
        v.push(week_counts_of(ctx.store, &p, &children, home).map_err(|e| e.to_string())?);
        p = p.previous();
    }
    v.reverse();
    Ok(v)
}

impl Dashboard {
    pub fn new(ctx: &Ctx<'_>) -> Dashboard {
        let today = local_date(ctx.now);
        let homes = ctx.store.homes().unwrap_or_default();
        Dashboard {
            view: View::Week,
            homes: if homes.len() > 1 { homes } else { Vec::new() },
            home: None,
            week: pair(ctx, Period::week_of(today)),
            quarter: pair(ctx, Period::quarter_of(today)),
            weeks: last_weeks(ctx, None),
        }
    }

    /// The home shown: its uid, or None for all homes.
    fn home_uid(&self) -> Option<&str> {
        self.home.and_then(|i| self.homes.get(i)).map(|(u, _)| u.as_str())
    }

    /// The next home in turn: all homes, then each home, then all homes again.
    fn next_home(&mut self, ctx: &Ctx<'_>) {
        if self.homes.is_empty() {
            return;
        }
        self.home = match self.home {
            None => Some(0),
            Some(i) if i + 1 < self.homes.len() => Some(i + 1),
            Some(_) => None,
        };
        self.weeks = last_weeks(ctx, self.home_uid().map(str::to_string).as_deref());
    }

    pub fn view_mode(&self) -> View {
        self.view
    }
}

pub fn open(ctx: &Ctx<'_>) -> Screen {
    Screen::new(Dashboard::new(ctx))
}

/// "up 3", "down 1", "same": the change in words, with an arrow for those who read shapes.
pub fn change(this: f64, before: f64, unit: &str) -> String {
    let d = this - before;
    if d.abs() < 0.05 {
        "= same".to_string()
    } else if d > 0.0 {
        format!("▲ up {}{unit}", num(d))
    } else {
        format!("▼ down {}{unit}", num(-d))
    }
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}

fn pct(r: &crate::report::Ratio) -> String {
    match r.percent {
        Some(p) => format!("{p:.1}% ({}/{})", r.count, r.of),
        None => "none".to_string(),
    }
}

fn rows(this: &Measures, before: &Measures) -> Vec<[String; 4]> {
    let count = |name: &str, a: u64, b: u64| {
        [
            name.to_string(),
            a.to_string(),
            b.to_string(),
            change(a as f64, b as f64, ""),
        ]
    };
    let rate = |name: &str, a: &crate::report::Ratio, b: &crate::report::Ratio| {
        let ch = match (a.percent, b.percent) {
            (Some(x), Some(y)) => change(x, y, " pts"),
            _ => "-".to_string(),
        };
        [name.to_string(), pct(a), pct(b), ch]
    };
    let div = rate(
        "Diversion rate",
        &this.responses.diversion_rate,
        &before.responses.diversion_rate,
    );
    let div_behaviour = rate(
        "  behaviour only",
        &this.responses.diversion_rate_behaviour,
        &before.responses.diversion_rate_behaviour,
    );
    // At a YOS: its own court entries (issue 20); a home's database does not hold them, so no rows there.
    let court: Vec<[String; 4]> = match (&this.court, &before.court) {
        (Some(a), Some(b)) => vec![
            count("Offences proven", a.offences_proven, b.offences_proven),
            count("Court appearances", a.appearances, b.appearances),
        ],
        _ => Vec::new(),
    };
    let mut v = vec![
        count("Incidents", this.incidents, before.incidents),
        count(
            "In-house",
            this.responses.in_house.count,
            before.responses.in_house.count,
        ),
        count(
            "Restorative",
            this.responses.restorative.count,
            before.responses.restorative.count,
        ),
        count(
            "Police referrals",
            this.responses.police.count,
            before.responses.police.count,
        ),
        div,
        div_behaviour,
        count("Police calls", this.police.calls, before.police.calls),
        count(
            "Offences reported",
            this.police.offences_reported,
            before.police.offences_reported,
        ),
        count(
            "Children involved",
            this.children.involved.count,
            before.children.involved.count,
        ),
        count("Restraints (reg 35)", this.reg35.restraints, before.reg35.restraints),
    ];
    v.extend(court);
    v
}

/// What a key does on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    NewIncident,
    Toggle,
    Week,
    Quarter,
    NextHome,
    Back,
}

/// The dashboard's keys: dispatch, help bar and F1 are all made from this.
const KEYS: &[Binding<Act>] = &[
    super::new_incident_key(Act::NewIncident),
    bind(&[LEFT, RIGHT], Act::Toggle, "←/→", "week/quarter"),
    bind(&[c('w'), c('W')], Act::Week, "w", "week"),
    bind(&[c('q'), c('Q')], Act::Quarter, "q", "quarter"),
    bind(&[c('h'), c('H')], Act::NextHome, "h", "next home"),
    bind(&[ESC], Act::Back, "Esc", "back"),
];

impl Dashboard {
    /// Whether a key applies now: `h` with homes to go to.
    fn applies(&self, a: Act) -> bool {
        match a {
            Act::NextHome => !self.homes.is_empty(),
            _ => true,
        }
    }
}

impl Page for Dashboard {
    fn title(&self) -> String {
        "Reports".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        match keymap::lookup(KEYS, &key, |a| self.applies(a)) {
            Some(Act::Back) => return Outcome::Back,
            Some(Act::NewIncident) => return super::new_incident(ctx),
            Some(Act::Toggle) => {
                self.view = match self.view {
                    View::Week => View::Quarter,
                    View::Quarter => View::Week,
                }
            }
            Some(Act::Week) => self.view = View::Week,
            Some(Act::Quarter) => self.view = View::Quarter,
            Some(Act::NextHome) => self.next_home(ctx),
            None => {}
        }
        Outcome::None
    }

    fn refresh(&mut self, ctx: &Ctx<'_>) {
        let (view, home) = (self.view, self.home_uid().map(str::to_string));
        *self = Dashboard::new(ctx);
        self.view = view;
        if let Some(h) = home
            && let Some(i) = self.homes.iter().position(|(u, _)| *u == h)
        {
            self.home = Some(i);
            self.weeks = last_weeks(ctx, Some(&h));
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let theme = ctx.theme;
        let (pair, what) = match self.view {
            View::Week => (&self.week, "Week"),
            View::Quarter => (&self.quarter, "Quarter"),
        };
        // A YOS's two court rows (offences proven, court appearances) take two lines from the charts.
        let court_rows = match pair {
            Ok(p) if p.this.total.court.is_some() => 2,
            _ => 0,
        };
        let [head, table, charts] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(11 + court_rows),
            Constraint::Min(0),
        ])
        .areas(area);
        let tabs = Line::from(vec![
            Span::raw(" View: "),
            Span::styled(
                if self.view == View::Week { "[WEEK]" } else { " week " },
                if self.view == View::Week {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
            Span::raw(" "),
            Span::styled(
                if self.view == View::Quarter {
                    "[QUARTER]"
                } else {
                    " quarter "
                },
                if self.view == View::Quarter {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
        ]);
        let mut tabs = tabs;
        if !self.homes.is_empty() {
            let name = match self.home.and_then(|i| self.homes.get(i)) {
                None => "ALL HOMES".to_string(),
                Some((_, name)) => crate::text::one_line(&safe(name), 30),
            };
            tabs.push_span(Span::raw("  Home: "));
            tabs.push_span(Span::styled(format!("[{name}]"), theme.selected()));
        }
        match pair {
            Err(e) => {
                frame.render_widget(
                    Paragraph::new(vec![
                        tabs,
                        Line::from(format!(" The figures could not be read: {}", safe(e))),
                    ]),
                    head,
                );
            }
            Ok(p) => {
                let (a, b) = (&p.this.period, &p.before.period);
                let d = |x: chrono::NaiveDate| x.format("%d/%m").to_string();
                let so_far = if a.contains(ctx.now) { ", so far" } else { "" };
                let sub = format!(
                    " {what} {} ({}-{}/{}{so_far}) vs {} ({}-{}/{})",
                    a.label,
                    d(a.first_day),
                    d(a.last_day),
                    a.last_day.format("%Y"),
                    b.label,
                    d(b.first_day),
                    d(b.last_day),
                    b.last_day.format("%Y"),
                );
                frame.render_widget(Paragraph::new(vec![tabs, Line::styled(sub, theme.heading())]), head);
                let header = Row::new(vec![
                    "Measure".to_string(),
                    format!("This {}", what.to_lowercase()),
                    "Before".to_string(),
                    "Change".to_string(),
                ])
                .style(theme.heading());
                let body: Vec<Row> = rows(self.pick(&p.this), self.pick(&p.before))
                    .into_iter()
                    .map(|r| Row::new(r.to_vec()))
                    .collect();
                let t = Table::new(
                    body,
                    [
                        Constraint::Length(20),
                        Constraint::Length(18),
                        Constraint::Length(18),
                        Constraint::Min(10),
                    ],
                )
                .header(header)
                .column_spacing(1);
                frame.render_widget(t, table.inner(ratatui::layout::Margin::new(1, 0)));
            }
        }
        self.charts(frame, charts, ctx);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::bar(KEYS, |b| self.applies(b.action).then_some(b.label))
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        keymap::help(KEYS, |b| self.applies(b.action).then_some(b.label))
    }
}

/// "Q1 26": a quarter's label ("2026-Q1") as the chart shows it.
pub fn quarter_label(label: &str) -> String {
    match label.split_once("-Q") {
        Some((year, q)) => format!("Q{q} {}", year.get(year.len().saturating_sub(2)..).unwrap_or(year)),
        None => label.to_string(),
    }
}

impl Dashboard {
    /// The figures of the home shown (or of all homes).
    fn pick<'r>(&self, r: &'r Report) -> &'r Measures {
        match self.home_uid() {
            None => &r.total,
            Some(uid) => r
                .per_home
                .iter()
                .find(|m| m.home_uid.as_deref() == Some(uid))
                .unwrap_or(&r.total),
        }
    }

    /// The quarter view's chart: children open to the YOS at each quarter's end, as a share of the children in the
    /// home that day, with the count written on each bar and the figures beside it.
    fn yos_chart(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        let theme = ctx.theme;
        let snaps = match &self.quarter {
            Ok(p) => &self.pick(&p.this).yos_snapshots,
            Err(e) => {
                frame.render_widget(Paragraph::new(format!(" Charts could not be read: {}", safe(e))), area);
                return;
            }
        };
        // Each quarter: a bar five wide ("12/30" fits), a space between quarters.
        const Q_COLS: u16 = 5 + 1;
        const RIGHT: u16 = 26;
        let fit = (area.width.saturating_sub(RIGHT + 3) / Q_COLS).clamp(1, snaps.len().max(1) as u16) as usize;
        let [left, right] =
            Layout::horizontal([Constraint::Min(fit as u16 * Q_COLS + 3), Constraint::Length(RIGHT)]).areas(area);
        let shown = &snaps[snaps.len().saturating_sub(fit)..];
        let bars: Vec<Bar> = shown
            .iter()
            .map(|y| {
                Bar::default()
                    .value(y.open.percent.map_or(0, |p| p.round() as u64))
                    .label(Line::from(quarter_label(&y.quarter)))
                    .text_value(format!("{}/{}", y.open.count, y.open.of))
                    .style(theme.title())
                    .value_style(theme.selected())
            })
            .collect();
        let chart = BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Open to the YOS, quarter ends "),
            )
            .bar_width(5)
            .bar_gap(1)
            .max(100)
            .data(BarGroup::default().bars(&bars));
        frame.render_widget(chart, left);

        let block = Block::default().borders(Borders::ALL).title(" Open / in home ");
        let inner = block.inner(right);
        frame.render_widget(block, right);
        let lines: Vec<Line> = snaps
            .iter()
            .rev()
            .take(inner.height as usize)
            .map(|y| {
                let pc = y.open.percent.map_or("none".to_string(), |p| format!("{p:.0}%"));
                let when = if y.quarter_end { "" } else { " so far" };
                Line::from(format!(
                    "{}{when} {}/{} {pc}",
                    quarter_label(&y.quarter),
                    y.open.count,
                    y.open.of
                ))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn charts(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        if area.height < 4 {
            return;
        }
        if self.view == View::Quarter {
            return self.yos_chart(frame, area, ctx);
        }
        let theme = ctx.theme;
        let weeks = match &self.weeks {
            Ok(w) => w,
            Err(e) => {
                frame.render_widget(Paragraph::new(format!(" Charts could not be read: {}", safe(e))), area);
                return;
            }
        };
        // Each week: three bars two wide with a space between them (so that the numbers 16, 3 and 3 never read as
        // "163 3"), and a space between weeks. As many of the latest weeks as fit beside the right-hand panel.
        const WEEK_COLS: u16 = 3 * (2 + 1) + 1;
        let fit = (area.width.saturating_sub(16 + 3) / WEEK_COLS).clamp(1, WEEKS as u16) as usize;
        let [left, right] =
            Layout::horizontal([Constraint::Length(fit as u16 * WEEK_COLS + 3), Constraint::Min(16)]).areas(area);
        let groups: Vec<BarGroup> = weeks
            .iter()
            .skip(weeks.len().saturating_sub(fit))
            .map(|w| {
                let label = w.label.split('-').nth(1).unwrap_or(&w.label).to_string();
                let bar = |v: u64, l: &'static str, style: Style| {
                    Bar::default()
                        .value(v)
                        .label(Line::from(l))
                        .text_value(v.to_string())
                        .style(style)
                        .value_style(theme.selected())
                };
                BarGroup::default().label(Line::from(label)).bars(&[
                    bar(w.in_house, "I", theme.ok()),
                    bar(w.restorative, "R", theme.title()),
                    bar(w.police, "P", theme.warning()),
                ])
            })
            .collect();
        let mut chart = BarChart::default()
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Responses by week: I in-house, R restorative, P police "),
            )
            .bar_width(2)
            .bar_gap(1)
            .group_gap(1);
        for g in groups {
            chart = chart.data(g);
        }
        frame.render_widget(chart, left);

        let per_child: Vec<u64> = weeks
            .iter()
            .map(|w| {
                (w.incidents() * 100 + w.children_in_home / 2)
                    .checked_div(w.children_in_home)
                    .unwrap_or(0)
            })
            .collect();
        let block = Block::default().borders(Borders::ALL).title(" Incidents/child ");
        let inner = block.inner(right);
        frame.render_widget(block, right);
        if inner.height < 2 {
            return;
        }
        let [spark, text] =
            Layout::vertical([Constraint::Length(inner.height.min(3)), Constraint::Min(0)]).areas(inner);
        frame.render_widget(Sparkline::default().data(per_child.clone()).style(theme.title()), spark);
        let mut lines = Vec::new();
        for (w, v) in weeks.iter().zip(&per_child).rev().take(text.height as usize) {
            let label = w.label.split('-').nth(1).unwrap_or(&w.label);
            let val = if w.children_in_home == 0 {
                "no children".to_string()
            } else {
                format!("{:.2}", *v as f64 / 100.0)
            };
            lines.push(Line::from(format!("{label} {val}")));
        }
        frame.render_widget(Paragraph::new(lines), text);
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::protocol::Protocol;
    use crate::report::tests::home;
    use crate::ui::theme::Theme;

    /// What a dashboard test reads: the store at `now`, nobody signed in.
    fn signed_out<'a>(store: &'a crate::store::Store, p: &'a Protocol, now: chrono::DateTime<chrono::Utc>) -> Ctx<'a> {
        Ctx {
            store,
            session: None,
            protocol: p,
            now,
            theme: Theme::plain(),
        }
    }

    fn protocol() -> Protocol {
        Protocol {
            id: "t".into(),
            version: "1".into(),
            title: "Test".into(),
            start: "s".into(),
            steps: vec![],
            sha256: String::new(),
        }
    }

    /// Draw the screen as the app does at 80x24: title bar, body, flash line, key hints.
    fn draw(d: &Dashboard, ctx: &Ctx<'_>) -> String {
        draw_at(d, ctx, 80, 24)
    }

    fn draw_at(d: &Dashboard, ctx: &Ctx<'_>, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| {
            f.render_widget(
                Paragraph::new(format!(" Oak House · {}", d.title())),
                Rect::new(0, 0, w, 1),
            );
            d.view(f, Rect::new(0, 1, w, h - 3), ctx);
            let hs: Vec<String> = d
                .hints(ctx)
                .iter()
                .map(|h| format!("{} {}", h.keys, h.action))
                .collect();
            f.render_widget(Paragraph::new(hs.join("  ")), Rect::new(0, h - 1, w, 1));
        })
        .unwrap();
        let buf = t.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn a_yos_dashboard_shows_offences_proven_and_court_appearances_a_home_none() {
        let (store, _) = crate::report::court::tests::three_homes();
        let p = protocol();
        let now = crate::time::parse_local("25/11/2026", "12:00").unwrap();
        let ctx = signed_out(&store, &p, now);
        let shown = draw(&Dashboard::new(&ctx), &ctx);
        assert!(shown.contains("Offences proven"), "{shown}");
        assert!(shown.contains("Court appearances"), "{shown}");
        let (home, _) = home();
        let ctx = signed_out(&home, &p, now);
        let shown = draw(&Dashboard::new(&ctx), &ctx);
        assert!(!shown.contains("Court appearances"), "{shown}");
    }

    #[test]
    fn dashboard_week_and_quarter_at_80x24() {
        let (store, _) = home();
        let p = protocol();
        // Wednesday of the week after W47: this week W48 so far, against W47.
        let now = crate::time::parse_local("25/11/2026", "12:00").unwrap();
        let ctx = signed_out(&store, &p, now);
        let mut d = Dashboard::new(&ctx);
        let week = draw(&d, &ctx);
        assert!(week.contains("2026-W48"), "{week}");
        assert!(week.contains("▼ down 6"), "{week}");
        insta::assert_snapshot!("dashboard_week", week);
        assert!(matches!(d.update(&ctx, key(KeyCode::Char('q'))), Outcome::None));
        assert_eq!(d.view_mode(), View::Quarter);
        let quarter = draw(&d, &ctx);
        assert!(quarter.contains("2026-Q4"), "{quarter}");
        insta::assert_snapshot!("dashboard_quarter", quarter);
        d.update(&ctx, key(KeyCode::Left));
        assert_eq!(d.view_mode(), View::Week);
        assert!(matches!(d.update(&ctx, key(KeyCode::Esc)), Outcome::Back));
    }

    /// A YOS's database of two homes: all homes together, then each home in turn with `h`, its own figures and
    /// its own chart; the home's name is on the screen at 80x24.
    #[test]
    fn each_home_and_all_homes() {
        let (mut store, a) = home();
        let cin = crate::domain::child::validate_child(
            &crate::store::children::tests::input("Far Away"),
            local_date(store.now()),
        )
        .unwrap();
        let mut cur = crate::domain::incident::fixtures::record();
        cur.uid = "far-1".into();
        cur.home_uid = "elm-uid".into();
        cur.occurred_at = crate::time::parse_local("24/11/2026", "10:00").unwrap();
        store.put_other_home_incident(&a, "elm-uid", "Elm Lodge", "far-child", &cin, &cur);
        let p = protocol();
        let now = crate::time::parse_local("25/11/2026", "12:00").unwrap();
        let ctx = signed_out(&store, &p, now);
        let mut d = Dashboard::new(&ctx);
        let all = draw(&d, &ctx);
        assert!(
            all.contains("Home: [ALL HOMES]") && all.contains("h next home"),
            "{all}"
        );
        // W48 so far: Elm Lodge's one incident.
        let incidents = |s: &str| s.lines().find(|l| l.contains("Incidents  ")).unwrap_or("").to_string();
        assert!(incidents(&all).contains(" 1 "), "{all}");
        d.update(&ctx, key(KeyCode::Char('h')));
        let oak = draw(&d, &ctx);
        assert!(oak.contains("Home: [Oak House]"), "{oak}");
        assert!(incidents(&oak).contains(" 0 "), "{oak}");
        d.update(&ctx, key(KeyCode::Char('h')));
        let elm = draw(&d, &ctx);
        assert!(elm.contains("Home: [Elm Lodge]"), "{elm}");
        assert!(incidents(&elm).contains(" 1 "), "{elm}");
        insta::assert_snapshot!("dashboard_one_home_of_two", elm);
        d.update(&ctx, key(KeyCode::Char('h')));
        assert!(draw(&d, &ctx).contains("Home: [ALL HOMES]"));
    }

    #[test]
    fn an_empty_database_draws_without_panicking() {
        let (store, _) = crate::store::staff::tests::set_up();
        let p = protocol();
        let ctx = signed_out(&store, &p, crate::time::parse_local("25/11/2026", "12:00").unwrap());
        let d = Dashboard::new(&ctx);
        let s = draw(&d, &ctx);
        assert!(s.contains("none"), "{s}");
        assert!(!s.contains("NaN"));
    }

    /// Issue 20: the quarter view charts children open to the YOS at the last four quarter ends, labelled "Q1 26", with the count and the children in the home written out, at 80x24 and wider.
    #[test]
    fn the_quarter_view_charts_the_yos_snapshot_over_several_quarters() {
        let (store, _) = home();
        let p = protocol();
        let now = crate::time::parse_local("25/11/2026", "12:00").unwrap();
        let ctx = signed_out(&store, &p, now);
        let mut d = Dashboard::new(&ctx);
        d.update(&ctx, key(KeyCode::Char('q')));
        let small = draw(&d, &ctx);
        assert!(small.contains("Open to the YOS"), "{small}");
        for q in ["Q1 26", "Q2 26", "Q3 26", "Q4 26"] {
            assert!(small.contains(q), "{q} in {small}");
        }
        // End of 2026-Q1: A open of A, C, D, E; this quarter: A of A, B, E.
        assert!(small.contains("Q1 26 1/4 25%"), "{small}");
        assert!(small.contains("Q4 26 1/3 33%"), "{small}");
        insta::assert_snapshot!("dashboard_quarter_yos_80x24", small);
        let wide = draw_at(&d, &ctx, 120, 30);
        assert!(wide.contains("Q1 26") && wide.contains("1/4"), "{wide}");
        insta::assert_snapshot!("dashboard_quarter_yos_120x30", wide);
        assert_eq!(quarter_label("2026-Q1"), "Q1 26");
    }

    #[test]
    fn changes_in_words() {
        assert_eq!(change(5.0, 2.0, ""), "▲ up 3");
        assert_eq!(change(2.0, 5.0, ""), "▼ down 3");
        assert_eq!(change(2.0, 2.0, ""), "= same");
        assert_eq!(change(66.7, 50.0, " pts"), "▲ up 16.7 pts");
    }
}
