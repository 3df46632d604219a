//! Drawing the wizard's steps. Reads state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Part, Wizard, over_a_day, shown_value};
use chrono::Duration;

use crate::domain::Response;
use crate::domain::outstanding::RECORD_WITHIN;
use crate::ui::form::{Form, Value};
use crate::ui::page::Ctx;
use crate::ui::screens::widgets::safe;
use crate::ui::theme::Theme;

pub(super) fn view(w: &Wizard, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let t = &ctx.theme;
    let parts = w.parts(ctx);
    let (n, total, q) = step_number(&parts, &w.part);
    if w.show_999 {
        banner(frame, area, t, &format!("1 of {total}"));
        return;
    }
    if let Some(id) = w.saved {
        saved(w, frame, area, ctx, id);
        return;
    }
    let title = match q {
        Some(k) => format!(" Step {n} of {total} · {}, question {k} ", w.part.title()),
        None => format!(" Step {n} of {total} · {} ", w.part.title()),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title, t.heading()))
        .title_bottom(Line::from(Span::styled(" Esc back ", t.muted())).right_aligned());
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if w.confirm_leave && inner.height > 2 {
        let r = Rect {
            y: inner.y + inner.height - 2,
            height: 2,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled("Leave this incident?", t.warning())),
                Line::from("Your answers stay as a draft on the menu. y leaves, n stays."),
            ]),
            r,
        );
        inner.height -= 2;
    }
    match &w.part {
        Part::Danger => danger(w, frame, inner, t),
        Part::Question(id) => question(w, frame, inner, ctx, id),
        Part::Review => review(w, frame, inner, ctx),
        _ => {
            let notes = notes(w, ctx);
            let h = notes_height(&notes, inner.width).min(inner.height / 2);
            let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Min(1)]).areas(inner);
            if h > 0 {
                frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), top);
            }
            if let Some(f) = w.form() {
                f.render(frame, rest, t);
            }
        }
    }
}

/// The step shown: the protocol's questions count as one step ("Questions", then which one), so the total
/// does not grow as each answer leads to the next question. Returns (step, total, question number).
pub(super) fn step_number(parts: &[Part], current: &Part) -> (usize, usize, Option<usize>) {
    let mut n = 0;
    let mut at = (1, None);
    let mut q = 0;
    for (i, p) in parts.iter().enumerate() {
        let is_q = matches!(p, Part::Question(_));
        let follows_q = i > 0 && matches!(parts[i - 1], Part::Question(_));
        if !(is_q && follows_q) {
            n += 1;
            q = 0;
        }
        if is_q {
            q += 1;
        }
        if p == current {
            at = (n, is_q.then_some(q));
        }
    }
    (at.0, n, at.1)
}

fn notes_height(lines: &[Line<'_>], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w) as u16).sum()
}

fn banner(frame: &mut Frame<'_>, area: Rect, t: &Theme, step: &str) {
    let st = t.danger();
    let blank = || Line::from(Span::styled(" ".repeat(area.width as usize), st));
    let centre = |s: &str| {
        let pad = (area.width as usize).saturating_sub(s.chars().count()) / 2;
        let right = (area.width as usize).saturating_sub(pad + s.chars().count());
        Line::from(Span::styled(format!("{}{s}{}", " ".repeat(pad), " ".repeat(right)), st))
    };
    let mut lines = vec![centre(&format!("Step {step} · Immediate danger")), blank()];
    lines.push(centre("!!!  CALL 999 NOW  !!!"));
    lines.push(blank());
    lines.push(centre("C A L L    9 9 9    N O W"));
    lines.push(blank());
    lines.push(centre("Someone is in danger: phone 999 before anything else."));
    lines.push(centre(
        "Ask for the police and/or an ambulance. Keep everyone as safe as you can.",
    ));
    lines.push(blank());
    lines.push(centre("Record the rest afterwards: nothing is lost."));
    lines.push(centre("Press any key when you are ready to continue the record."));
    while lines.len() < area.height as usize {
        lines.push(blank());
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn saved(w: &Wizard, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>, id: i64) {
    let t = &ctx.theme;
    let mut l = vec![
        Line::from(Span::styled(format!("Saved: incident {id}."), t.ok())),
        Line::from(""),
        Line::from(
            "The record now waits for the manager's review. Anything learned later (police outcome, \
             the child's view, a correction) is added to it as an entry from the incident list.",
        ),
    ];
    if w.reg35.yes("r35_used")
        && let Some(o) = w.occurred(ctx)
    {
        l.push(Line::from(""));
        l.push(Line::from(Span::styled("Regulation 35 deadlines:", t.heading())));
        l.push(Line::from(super::sections::reg35_deadlines(o)));
    }
    l.push(Line::from(""));
    l.push(Line::from(Span::styled("Any key returns to the menu.", t.muted())));
    frame.render_widget(
        Paragraph::new(l)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Incident saved ")),
        area,
    );
}

fn danger(w: &Wizard, frame: &mut Frame<'_>, area: Rect, t: &Theme) {
    let opt = |i: usize, key: &str, text: &str| {
        let sel = w.danger_sel == i;
        let st = if sel { t.selected() } else { Style::default() };
        Line::from(vec![
            Span::raw(if sel { " ▸ " } else { "   " }),
            Span::styled(format!("{key}  {text}"), st),
        ])
    };
    let lines = vec![
        Line::from(""),
        Line::from(Span::styled(" Is anyone in immediate danger right now?", t.heading())),
        Line::from(""),
        Line::from(" A serious injury, a weapon, a threat to life, a child at serious risk."),
        Line::from(""),
        opt(0, "y", "Yes: someone is in danger now"),
        opt(1, "n", "No"),
        Line::from(""),
        Line::from(" If yes, the next screen says call 999. Make the call first;"),
        Line::from(" record everything afterwards. Nothing you type here is lost."),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn context_lines(w: &Wizard, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let Some(c) = w.child() else {
        return vec![Line::from("No child chosen yet.")];
    };
    let mut l = vec![Line::from(Span::styled(safe(&c.display_name()), t.heading()))];
    if c.yos_open {
        l.push(Line::from(Span::styled("Open to the YOS:", t.warning())));
        l.push(Line::from(format!("tell the YOS worker {}", safe(&c.yos_worker))));
    } else {
        l.push(Line::from("Not open to the YOS."));
    }
    let n7 = ctx.store.child_incident_count(c.id, 7).unwrap_or(0);
    let n30 = ctx.store.child_incident_count(c.id, 30).unwrap_or(0);
    l.push(Line::from(format!("Incidents, last 7 days: {n7}")));
    l.push(Line::from(format!("Incidents, last 30 days: {n30}")));
    l.push(Line::from(""));
    l.push(Line::from(Span::styled("What helps", t.heading())));
    if c.what_helps.trim().is_empty() {
        l.push(Line::from(Span::styled("(nothing recorded)", t.muted())));
    }
    for line in safe(&c.what_helps).lines() {
        l.push(Line::from(line.to_string()));
    }
    l
}

fn question(w: &Wizard, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>, id: &str) {
    let t = &ctx.theme;
    let [left, right] = Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).areas(area);
    frame.render_widget(
        Paragraph::new(context_lines(w, ctx))
            .wrap(Wrap { trim: true })
            .block(Block::default().borders(Borders::LEFT).title(" The child ")),
        right,
    );
    let Some(step) = ctx.protocol.steps.iter().find(|s| s.id == id) else {
        frame.render_widget(Paragraph::new("This question is no longer in the protocol."), left);
        return;
    };
    let mut l = vec![
        Line::from(Span::styled(safe(&step.question), t.heading())),
        Line::from(""),
    ];
    if !step.help.trim().is_empty() {
        for h in safe(&step.help).lines() {
            l.push(Line::from(h.to_string()));
        }
        l.push(Line::from(""));
    }
    let chosen = w.answers.get(id);
    for (i, a) in step.answers.iter().enumerate() {
        let sel = i == w.q_sel;
        let st = if sel { t.selected() } else { Style::default() };
        let mark = if chosen == Some(&a.id) { "(chosen) " } else { "" };
        l.push(Line::from(vec![
            Span::raw(if sel { "▸ " } else { "  " }),
            Span::styled(format!("{}  {}", i + 1, safe(&a.label)), st),
            Span::styled(format!(" {mark}"), t.muted()),
        ]));
    }
    let walk = w.walk(ctx.protocol);
    let autos: Vec<_> = walk.path.iter().filter(|s| s.automatic).collect();
    if !autos.is_empty() {
        l.push(Line::from(""));
        l.push(Line::from(Span::styled("Answered from what you recorded:", t.muted())));
        for s in autos {
            l.push(Line::from(Span::styled(
                format!("✓ {} {}", safe(&s.question), safe(&s.answer)),
                t.muted(),
            )));
        }
    }
    frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: false }), left);
}

fn notes(w: &Wizard, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let mut l = vec![];
    match w.part {
        Part::About => {
            if w.children.is_empty() {
                l.push(Line::from(Span::styled(
                    "! No children in the register: add the child from the menu (Children) first.",
                    t.error(),
                )));
            }
            if let Some(o) = w.occurred(ctx)
                && over_a_day(o, ctx.now)
            {
                l.push(Line::from(Span::styled(
                    "WARNING: this is more than 24 hours ago. Check the date; say in the account why it is late.",
                    t.warning(),
                )));
            }
        }
        Part::Response => {
            match w.walk(ctx.protocol).outcome {
                Some(r) => {
                    l.push(Line::from(vec![
                        Span::raw("The protocol suggests: "),
                        Span::styled(r.response.label().to_string(), t.heading()),
                    ]));
                    l.push(Line::from(safe(&r.reason)));
                    if let Some(c) = w.chosen()
                        && c != r.response
                    {
                        l.push(Line::from(Span::styled(
                            format!("You chose {}: write why below (required).", c.label()),
                            t.warning(),
                        )));
                    }
                }
                None => l.push(Line::from(Span::styled(
                    "The protocol has not reached a recommendation: check its questions (PgUp).",
                    t.warning(),
                ))),
            }
            l.push(Line::from(""));
        }
        Part::Details => {
            let what = match w.chosen() {
                Some(Response::InHouse) => "In-house: what the home did under its behaviour policy.",
                Some(Response::Restorative) => "Restorative: with the victim's consent; fill in what is known now.",
                Some(Response::Police) => "Police: what is known now. The outcome can be added later.",
                None => "Choose the response first (PgUp).",
            };
            l.push(Line::from(Span::styled(what, t.muted())));
        }
        Part::Missing => {
            l.push(Line::from(Span::styled(
                "Missing: whereabouts unknown. Absent: known, but away without permission.",
                t.muted(),
            )));
            if w.missing.get("mi_back") == "no" {
                l.push(Line::from(Span::styled(
                    "Not back yet: the handover shows this child first until \"came back\" is recorded.",
                    t.warning(),
                )));
            }
        }
        Part::Reg35 => {
            if w.reg35.yes("r35_used") {
                let due = w
                    .occurred(ctx)
                    .map(super::sections::reg35_deadlines)
                    .unwrap_or_else(|| "Enter the time of the incident first.".into());
                l.push(Line::from(Span::styled(format!("Due: {due}"), t.warning())));
                l.push(Line::from(Span::styled(
                    "Leave empty what is not known yet: it stays on the handover until added.",
                    t.muted(),
                )));
            } else {
                l.push(Line::from(Span::styled(
                    "Was any measure of control, discipline or restraint used? y for yes, then describe it.",
                    t.muted(),
                )));
            }
        }
        Part::Notify => {
            if let Some(c) = w.child()
                && c.yos_open
            {
                l.push(Line::from(Span::styled(
                    format!(
                        "This child is open to the YOS: the YOS worker ({}) must be told.",
                        safe(&c.yos_worker)
                    ),
                    t.warning(),
                )));
            }
            l.push(Line::from(Span::styled(
                "Each person: 1 told now, 2 told at, 3 tell later (by when), 4 not needed (why).",
                t.muted(),
            )));
            if let Some(yos) = crate::store::settings::yos_contact_line(ctx.store) {
                l.push(Line::from(Span::styled(yos, t.muted())));
            }
        }
        Part::View => l.push(Line::from(Span::styled(
            "The child's own account and view, in their words, when things are calm. Optional now.",
            t.muted(),
        ))),
        _ => {}
    }
    l
}

/// A label and its value, always apart: a label as wide as the column still gets a space after it.
fn kv(k: &str, v: &str, t: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{k:<21} "), t.muted()), Span::raw(safe(v))])
}

fn form_lines(f: &Form, t: &Theme, l: &mut Vec<Line<'static>>) {
    for x in &f.fields {
        if matches!(x.value, Value::Info(_)) {
            continue;
        }
        let v = shown_value(x);
        if v.is_empty() || x.get().is_empty() || matches!(x.value, Value::Toggle(false)) || x.key == "r35_used" {
            continue;
        }
        for (i, line) in v.lines().enumerate() {
            l.push(kv(if i == 0 { x.label.trim() } else { "" }, line, t));
        }
    }
}

/// Each person as the record will say it: told (when), to be told later (by when), not needed (why).
fn told_lines(w: &Wizard, ctx: &Ctx<'_>, l: &mut Vec<Line<'static>>) {
    let t = &ctx.theme;
    let mut scratch = vec![];
    let (told, not) = super::sections::notify_read(&w.notify, ctx.now, false, &mut scratch);
    if told.is_empty() && not.is_empty() {
        l.push(Line::from("Nobody recorded yet."));
    }
    for n in &told {
        l.push(kv(n.who.label(), &format!("told {}", crate::time::show(n.at)), t));
    }
    for n in &not {
        let s = match n {
            crate::domain::NotTold::Later { due, .. } => {
                format!("to be told later, by {} (outstanding)", crate::time::show(*due))
            }
            crate::domain::NotTold::NotNeeded { why, .. } => format!("not needed: {why}"),
        };
        l.push(kv(n.who().label(), &s, t));
    }
    if w.notify.yes("ofsted_serious") {
        l.push(kv("Serious (reg 40)", "Yes", t));
    }
}

pub(super) fn review_lines(w: &Wizard, ctx: &Ctx<'_>) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let mut l = vec![];
    let incomplete = w.reg35_missing();
    if w.problems.is_empty() && incomplete.is_empty() {
        l.push(Line::from(Span::styled(
            "Everything needed is here. Read it through; Ctrl+S saves the record.",
            t.ok(),
        )));
    } else if w.problems.is_empty() {
        l.push(Line::from(Span::styled(
            format!(
                "Not complete yet: the restraint record (reg 35) still needs: {}.",
                incomplete.join(", ")
            ),
            t.warning(),
        )));
        let due = w
            .occurred(ctx)
            .map(|o| crate::time::show(o + Duration::hours(RECORD_WITHIN)))
            .unwrap_or_default();
        l.push(Line::from(Span::styled(
            format!("Ctrl+S saves it marked incomplete; add the rest by {due} (PgUp to add it now)."),
            t.warning(),
        )));
    } else {
        l.push(Line::from(Span::styled("Before this can be saved:", t.error())));
        for (p, m) in &w.problems {
            l.push(Line::from(Span::styled(format!("! {m} ({})", p.title()), t.error())));
        }
    }
    l.push(Line::from(""));
    let h = |s: &str| Line::from(Span::styled(s.to_string(), t.heading()));
    l.push(kv(
        "Immediate danger",
        match w.danger {
            Some(true) => "Yes (999)",
            Some(false) => "No",
            None => "Not answered",
        },
        t,
    ));
    l.push(kv("Child", &w.child().map(|c| c.display_name()).unwrap_or_default(), t));
    let when = w
        .occurred(ctx)
        .map(|o| {
            let mut s = crate::time::show(o);
            if over_a_day(o, ctx.now) {
                s.push_str("  WARNING: over 24 hours ago");
            }
            s
        })
        .unwrap_or_else(|| "not valid".into());
    l.push(kv("When", &when, t));
    l.push(kv("Where", &w.about.text("location"), t));
    l.push(h("What happened"));
    form_lines(&w.what, t, &mut l);
    form_lines(&w.calm, t, &mut l);
    l.push(h("The protocol"));
    let walk = w.walk(ctx.protocol);
    for s in &walk.path {
        let auto = if s.automatic { " (from the record)" } else { "" };
        l.push(Line::from(format!("{} {}{auto}", safe(&s.question), safe(&s.answer))));
    }
    if let Some(r) = &walk.outcome {
        l.push(kv("Suggests", &format!("{}: {}", r.response.label(), r.reason), t));
    }
    l.push(h("The response"));
    form_lines(&w.response, t, &mut l);
    if let Some(f) = w.details_form() {
        form_lines(f, t, &mut l);
    }
    if w.missing_ticked() {
        l.push(h("Missing or absent"));
        form_lines(&w.missing, t, &mut l);
    }
    l.push(h("Control, discipline or restraint (reg 35)"));
    if w.reg35.yes("r35_used") {
        form_lines(&w.reg35, t, &mut l);
    } else {
        l.push(Line::from("None used."));
    }
    l.push(h("Who was told"));
    told_lines(w, ctx, &mut l);
    if !w.outstanding.is_empty() {
        l.push(h("Outstanding after saving (on the handover)"));
        for o in &w.outstanding {
            l.push(Line::from(Span::styled(format!("- {o}"), t.warning())));
        }
    }
    l.push(h("The child's view"));
    let v = w.view.text("child_view");
    if v.is_empty() {
        l.push(Line::from("Not yet (can be added later)."));
    } else {
        for line in safe(&v).lines() {
            l.push(Line::from(line.to_string()));
        }
    }
    l
}

fn review(w: &Wizard, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let lines = review_lines(w, ctx);
    // More below than fits: the last row says so (↓ scrolls).
    let more = notes_height(&lines, area.width) > area.height + w.review_scroll && area.height > 1;
    let body = Rect {
        height: area.height - u16::from(more),
        ..area
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((w.review_scroll, 0)),
        body,
    );
    if more {
        let r = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        frame.render_widget(
            Paragraph::new(Span::styled("↓ more: ↓ to read on", ctx.theme.warning())).right_aligned(),
            r,
        );
    }
}

#[cfg(test)]
mod step_and_label_tests {
    use super::*;

    /// "Who else was present" is 20 characters: its value never runs into it.
    #[test]
    fn a_long_label_stays_apart_from_its_value() {
        let l = kv("Who else was present", "Lily Brown", &Theme::plain());
        let s: String = l.spans.iter().map(|s| s.content.to_string()).collect();
        assert!(s.contains("present ") && !s.contains("presentLily"), "{s}");
        let l = kv("A label longer than the column", "Lily", &Theme::plain());
        let s: String = l.spans.iter().map(|s| s.content.to_string()).collect();
        assert!(s.contains("column Lily"), "{s}");
    }

    /// Each answer leads to the next question: the step number and the total stay put while the questions go on.
    #[test]
    fn the_step_count_does_not_grow_with_the_questions() {
        let base = |qs: usize| {
            let mut v = vec![Part::Danger, Part::About, Part::What, Part::Calm];
            v.extend((0..qs).map(|i| Part::Question(format!("q{i}"))));
            v.extend([
                Part::Response,
                Part::Details,
                Part::Reg35,
                Part::Notify,
                Part::View,
                Part::Review,
            ]);
            v
        };
        let first = step_number(&base(1), &Part::Question("q0".into()));
        let third = step_number(&base(3), &Part::Question("q2".into()));
        assert_eq!(first, (5, 11, Some(1)));
        assert_eq!(third, (5, 11, Some(3)), "the same step and total, question 3");
        assert_eq!(step_number(&base(3), &Part::Review), (11, 11, None));
        assert_eq!(
            step_number(&base(1), &Part::Response),
            step_number(&base(4), &Part::Response)
        );
    }
}
