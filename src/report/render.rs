//! The report as text (for reading), CSV (one measure a row, for spreadsheets) and JSON.

use std::fmt::Write;

use super::{Line, Measures, Ratio, Report};
use crate::time::show_date;

fn per_text(v: Option<f64>) -> String {
    v.map_or_else(|| "none to count".to_string(), |x| format!("{x:.2}"))
}

/// Plain text, 100 columns at most, for reading or printing.
pub fn text(r: &Report) -> String {
    let mut s = String::new();
    let p = &r.period;
    let _ = writeln!(
        s,
        "Report {}: {} to {} (local dates, inclusive)",
        p.label,
        show_date(p.first_day),
        show_date(p.last_day)
    );
    let _ = writeln!(s, "Generated {}", crate::time::show(r.generated_at));
    measures_text(&mut s, &r.total);
    for m in &r.per_home {
        measures_text(&mut s, m);
    }
    let _ = writeln!(s, "\nNotes");
    for n in &r.notes {
        let _ = writeln!(s, "- {n}");
    }
    s
}

fn lines_text(s: &mut String, lines: &[Line], skip_zero: bool) {
    for l in lines.iter().filter(|l| !skip_zero || l.ratio.count > 0) {
        let _ = writeln!(s, "    {:<42} {}", l.label, l.ratio);
    }
}

fn measures_text(s: &mut String, m: &Measures) {
    let _ = writeln!(s, "\n== {} ==", m.scope);
    let row = |s: &mut String, label: &str, v: &dyn std::fmt::Display| {
        let _ = writeln!(s, "  {label:<44} {v}");
    };
    let _ = writeln!(s, "\nIncidents");
    if m.incidents == 0 {
        let _ = writeln!(s, "  No incidents in this period.");
    } else {
        row(s, "Incidents reported", &m.incidents);
        row(s, "Handled in-house", &m.responses.in_house);
        row(s, "Handled restoratively", &m.responses.restorative);
        row(s, "Referred to the police", &m.responses.police);
        row(
            s,
            "Diversion rate (not referred to police)",
            &m.responses.diversion_rate,
        );
        row(
            s,
            "Diversion rate, behaviour (not missing)",
            &m.responses.diversion_rate_behaviour,
        );
        row(s, "Violence to a person or criminal damage", &m.violence_or_damage);
        let _ = writeln!(s, "  By category (an incident can have several):");
        lines_text(s, &m.categories, true);
    }

    let _ = writeln!(s, "\nPolice calls for service");
    let pm = &m.police;
    if pm.calls == 0 {
        let _ = writeln!(s, "  No police calls in this period.");
    } else {
        row(s, "Calls for service", &pm.calls);
        let _ = writeln!(s, "  By reason:");
        lines_text(s, &pm.by_reason, false);
        row(s, "Offences reported (behaviour referrals)", &pm.offences_reported);
        row(
            s,
            "  of which violence or criminal damage",
            &pm.offences_violence_or_damage,
        );
        row(s, "999 (emergency)", &pm.emergency_999);
        row(s, "101 / non-emergency", &pm.non_emergency);
        if pm.route_not_recorded.count > 0 {
            row(s, "Missing reports, route not recorded", &pm.route_not_recorded);
        }
        row(
            s,
            "Referrals: violence or criminal damage",
            &pm.referrals_violence_or_damage,
        );
        let _ = writeln!(s, "  Outcomes (of calls with police details):");
        lines_text(s, &pm.outcomes, false);
    }

    let _ = writeln!(s, "\nRestorative interventions");
    let rm = &m.restorative;
    if rm.planned == 0 {
        let _ = writeln!(s, "  No restorative interventions in this period.");
    } else {
        row(s, "Planned or recorded", &rm.planned);
        row(s, "Held", &rm.held);
        row(s, "Did not happen", &rm.not_held);
        row(s, "Not yet known", &rm.not_yet_known);
        row(s, "Held, outcome recorded", &rm.outcome_recorded);
        row(s, "Victim consented", &rm.victim_consented);
        let _ = writeln!(s, "  By kind:");
        lines_text(s, &rm.by_kind, true);
    }

    let _ = writeln!(s, "\nChildren");
    let c = &m.children;
    row(s, "Children in the home during the period", &c.in_home);
    row(s, "Children involved in incidents", &c.involved);
    row(
        s,
        "Incidents per child involved",
        &per_text(c.incidents_per_child_involved),
    );
    row(
        s,
        "Incidents per child in the home",
        &per_text(c.incidents_per_child_in_home),
    );
    row(s, "Repeat (2 or more incidents), of involved", &c.repeat);

    let _ = writeln!(
        s,
        "\nOpen to the YOS at each quarter's end (the status on each day shown, see notes)"
    );
    let _ = writeln!(s, "  {:<32} {:>6} {:>8} {:>7}", "Quarter", "Open", "In home", "%");
    for y in &m.yos_snapshots {
        let when = if y.quarter_end { "end of" } else { "so far in" };
        let pc = y.open.percent.map_or("-".to_string(), |p| format!("{p:.1}%"));
        let _ = writeln!(
            s,
            "  {:<32} {:>6} {:>8} {:>7}",
            format!("{when} {} ({})", y.quarter, show_date(y.on)),
            y.open.count,
            y.open.of,
            pc
        );
    }

    let _ = writeln!(
        s,
        "\nDemographics: children referred to police | all children in the home"
    );
    if m.children.in_home == 0 {
        let _ = writeln!(s, "  No children in the home during this period.");
    } else {
        let _ = writeln!(s, "    {:<32} {:<22} | All in the home", "", "Referred to police");
        let mut dim = "";
        for d in &m.demographics {
            if d.dimension != dim {
                dim = &d.dimension;
                let title = match dim {
                    "gender" => "Gender",
                    "ethnic_group" => "Ethnic group",
                    "ethnicity" => "Ethnicity",
                    _ => "Age band",
                };
                let _ = writeln!(s, "  {title}:");
            }
            let _ = writeln!(s, "    {:<32} {:<22} | {}", d.group, d.referred.to_string(), d.in_home);
        }
    }

    gender_text(s, m);

    let st = &m.statutory;
    let _ = writeln!(
        s,
        "\nStatutory indicator (year {} to {})",
        show_date(st.year_from),
        show_date(st.year_to)
    );
    let _ = writeln!(s, "  Children looked after 12+ months and aged 10+ at the period end:");
    row(s, "Children in the cohort", &st.cohort);
    row(s, "Convicted or given a youth (cond.) caution", &st.indicator);
    row(s, "  of whom convicted", &st.convicted);
    row(s, "  of whom cautioned", &st.cautioned);

    super::court::text(s, &m.court);

    let _ = writeln!(s, "\nRegulation 35 (control, discipline, restraint)");
    let g = &m.reg35;
    if g.restraints == 0 {
        let _ = writeln!(s, "  No restraints recorded in this period.");
    } else {
        row(s, "Records", &g.restraints);
        row(s, "Children involved", &g.children);
        row(s, "Record complete within 24 hours", &g.recorded_within_24h);
        row(s, "Signed by the manager within 48 hours", &g.signed_within_48h);
    }
}

/// A percentage cell of the gender table: "1/2 50%", or a dash ("-") when there is nobody to count.
fn gender_cell(r: &Ratio) -> String {
    match r.percent {
        Some(p) => format!("{}/{} {p:.0}%", r.count, r.of),
        None => "-".to_string(),
    }
}

/// The percentage of each gender by ethnic group and by age band, with an all column.
fn gender_text(s: &mut String, m: &Measures) {
    let t = &m.by_gender;
    let _ = writeln!(s, "\nChildren in the home by gender (% of each gender, by group)");
    if m.children.in_home == 0 {
        let _ = writeln!(s, "  No children in the home during this period.");
        return;
    }
    let _ = write!(s, "    {:<14}", "");
    for (c, n) in t.columns.iter().zip(&t.totals) {
        let head: String = format!("{} ({n})", c.split(' ').next().unwrap_or(c));
        let _ = write!(s, " {head:>14}");
    }
    let _ = writeln!(s);
    let mut dim = "";
    for r in &t.rows {
        if r.dimension != dim {
            dim = &r.dimension;
            let _ = writeln!(
                s,
                "  {}:",
                if dim == "ethnic_group" {
                    "Ethnic group"
                } else {
                    "Age band"
                }
            );
        }
        let _ = write!(s, "    {:<14}", r.group);
        for c in &r.cells {
            let _ = write!(s, " {:>14}", gender_cell(c));
        }
        let _ = writeln!(s);
    }
}

/// One measure a row: period, home (name, uid, Ofsted URN), section, measure, count, of, percent (blank when
/// there is nothing to count).
pub fn csv(r: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "from",
        "to",
        "home",
        "home_uid",
        "ofsted_urn",
        "section",
        "measure",
        "count",
        "of",
        "percent",
    ])?;
    let from = r.period.first_day.to_string();
    let to = r.period.last_day.to_string();
    for m in std::iter::once(&r.total).chain(r.per_home.iter()) {
        for (sec, name, v) in csv_rows(m) {
            let (count, of, pct) = match v {
                Value::Count(n) => (n.to_string(), String::new(), String::new()),
                Value::Ratio(r) => (
                    r.count.to_string(),
                    r.of.to_string(),
                    r.percent.map_or(String::new(), |p| format!("{p:.1}")),
                ),
                Value::Text(t) => (t, String::new(), String::new()),
                Value::Decimal(d) => (
                    d.map_or(String::new(), |x| format!("{x:.2}")),
                    String::new(),
                    String::new(),
                ),
            };
            w.write_record([
                r.period.label.as_str(),
                &from,
                &to,
                &crate::text::clean_line(&m.scope, 80),
                m.home_uid.as_deref().unwrap_or(""),
                &m.ofsted_urn,
                &sec,
                &name,
                &count,
                &of,
                &pct,
            ])?;
        }
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?)
}

pub fn json(r: &Report) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(r)?;
    s.push('\n');
    Ok(s)
}

enum Value {
    Count(u64),
    Ratio(Ratio),
    Decimal(Option<f64>),
    /// A count, or words in its place ("held by the YOS").
    Text(String),
}

fn csv_rows(m: &Measures) -> Vec<(String, String, Value)> {
    let mut rows: Vec<(String, String, Value)> = Vec::new();
    let mut put = |sec: &str, name: &str, v: Value| rows.push((sec.into(), name.into(), v));
    put("incidents", "incidents", Value::Count(m.incidents));
    put("responses", "in_house", Value::Ratio(m.responses.in_house));
    put("responses", "restorative", Value::Ratio(m.responses.restorative));
    put("responses", "police", Value::Ratio(m.responses.police));
    put("responses", "diversion_rate", Value::Ratio(m.responses.diversion_rate));
    put(
        "responses",
        "diversion_rate_behaviour",
        Value::Ratio(m.responses.diversion_rate_behaviour),
    );
    put(
        "incidents",
        "violence_or_criminal_damage",
        Value::Ratio(m.violence_or_damage),
    );
    for l in &m.categories {
        put("category", &l.code, Value::Ratio(l.ratio));
    }
    put("police", "calls_for_service", Value::Count(m.police.calls));
    for l in &m.police.by_reason {
        put("police_reason", &l.code, Value::Ratio(l.ratio));
    }
    put("police_route", "999", Value::Ratio(m.police.emergency_999));
    put("police_route", "non_emergency", Value::Ratio(m.police.non_emergency));
    put(
        "police_route",
        "not_recorded",
        Value::Ratio(m.police.route_not_recorded),
    );
    put(
        "police",
        "referrals_violence_or_criminal_damage",
        Value::Ratio(m.police.referrals_violence_or_damage),
    );
    put("police", "offences_reported", Value::Count(m.police.offences_reported));
    put(
        "police",
        "offences_violence_or_criminal_damage",
        Value::Ratio(m.police.offences_violence_or_damage),
    );
    for l in &m.police.outcomes {
        put("police_outcome", &l.code, Value::Ratio(l.ratio));
    }
    let rm = &m.restorative;
    put("restorative", "planned", Value::Count(rm.planned));
    put("restorative", "held", Value::Ratio(rm.held));
    put("restorative", "not_held", Value::Ratio(rm.not_held));
    put("restorative", "not_yet_known", Value::Ratio(rm.not_yet_known));
    put("restorative", "outcome_recorded", Value::Ratio(rm.outcome_recorded));
    put("restorative", "victim_consented", Value::Ratio(rm.victim_consented));
    for l in &rm.by_kind {
        put("restorative_kind", &l.code, Value::Ratio(l.ratio));
    }
    let c = &m.children;
    put("children", "in_home", Value::Count(c.in_home));
    put("children", "involved", Value::Ratio(c.involved));
    put(
        "children",
        "incidents_per_child_involved",
        Value::Decimal(c.incidents_per_child_involved),
    );
    put(
        "children",
        "incidents_per_child_in_home",
        Value::Decimal(c.incidents_per_child_in_home),
    );
    put("children", "repeat", Value::Ratio(c.repeat));
    for y in &m.yos_snapshots {
        put("yos_open", &format!("{} {}", y.quarter, y.on), Value::Ratio(y.open));
    }
    for d in &m.demographics {
        put(&format!("referred_{}", d.dimension), &d.group, Value::Ratio(d.referred));
        put(&format!("in_home_{}", d.dimension), &d.group, Value::Ratio(d.in_home));
    }
    let t = &m.by_gender;
    for r in &t.rows {
        for (c, v) in t.columns.iter().zip(&r.cells) {
            put(
                &format!("gender_by_{}", r.dimension),
                &format!("{} / {c}", r.group),
                Value::Ratio(*v),
            );
        }
    }
    put("statutory", "cohort", Value::Count(m.statutory.cohort));
    put("statutory", "indicator", Value::Ratio(m.statutory.indicator));
    put("statutory", "convicted", Value::Count(m.statutory.convicted));
    put("statutory", "cautioned", Value::Count(m.statutory.cautioned));
    for (name, v) in super::court::csv_rows(&m.court) {
        put("court", name, Value::Text(v));
    }
    put("reg35", "restraints", Value::Count(m.reg35.restraints));
    put("reg35", "children", Value::Count(m.reg35.children));
    put(
        "reg35",
        "recorded_within_24h",
        Value::Ratio(m.reg35.recorded_within_24h),
    );
    put("reg35", "signed_within_48h", Value::Ratio(m.reg35.signed_within_48h));
    rows
}
