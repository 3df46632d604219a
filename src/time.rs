//! Time as the home lives it: England's local time (Europe/London, with its clock changes) on screen and in
//! periods; UTC in the database. Every period is a half-open range [start, end) in UTC.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use serde::{Deserialize, Serialize};

/// The time zone of every home: England.
pub const ZONE: chrono_tz::Tz = London;

pub fn now() -> DateTime<Utc> {
    // Whole seconds: records and exports stay byte-stable across round trips.
    let n = Utc::now();
    Utc.timestamp_opt(n.timestamp(), 0).single().unwrap_or(n)
}

/// Stored form: `2026-11-22T02:15:00Z`, which sorts as text in time order.
pub fn to_db(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// Shown form, local time: `Sun 22 Nov 2026 02:15`.
pub fn show(t: DateTime<Utc>) -> String {
    t.with_timezone(&ZONE).format("%a %d %b %Y %H:%M").to_string()
}

/// Short shown form for lists: `22/11 02:15`.
pub fn show_short(t: DateTime<Utc>) -> String {
    t.with_timezone(&ZONE).format("%d/%m %H:%M").to_string()
}

pub fn show_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The local date of a UTC instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&ZONE).date_naive()
}

/// A local wall-clock time to UTC. In the autumn hour that happens twice, the first (summer time) is taken;
/// in the spring hour that does not exist, an error says so.
pub fn local_to_utc(t: NaiveDateTime) -> Result<DateTime<Utc>, String> {
    match ZONE.from_local_datetime(&t) {
        LocalResult::Single(x) => Ok(x.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Ok(a.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{} did not happen: the clocks went forward an hour.",
            t.format("%H:%M on %d/%m/%Y")
        )),
    }
}

/// Local midnight at the start of a date, in UTC (midnight always exists in London).
pub fn local_midnight(d: NaiveDate) -> DateTime<Utc> {
    local_to_utc(d.and_time(NaiveTime::MIN)).unwrap_or_else(|_| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)))
}

/// A date typed by a person: `22/11/2026`, `22/11/26`, `2026-11-22`, or `22-11-2026`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("Enter a date, for example 22/11/2026.".into());
    }
    for f in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f)
            && d.year() >= 1900
        {
            return Ok(d);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%d/%m/%y") {
        return Ok(d);
    }
    Err(format!(
        "'{}' is not a date: use day/month/year.",
        crate::text::one_line(s, 20)
    ))
}

/// A time typed by a person: `02:15`, `2:15`, `0215`.
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let s = s.trim();
    for f in ["%H:%M", "%H%M", "%H.%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    Err(format!(
        "'{}' is not a time: use hh:mm, 24-hour.",
        crate::text::one_line(s, 20)
    ))
}

/// A local date and time typed by a person, converted to UTC.
pub fn parse_local(date: &str, time: &str) -> Result<DateTime<Utc>, String> {
    let d = parse_date(date)?;
    let t = parse_time(time)?;
    local_to_utc(d.and_time(t))
}

/// A stretch of time to report on or export: [start, end) in UTC, with a label people recognise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub label: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// First and last local dates, inclusive.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Period {
    pub fn dates(from: NaiveDate, to: NaiveDate) -> Result<Period, String> {
        if to < from {
            return Err("The end date is before the start date.".into());
        }
        let end_day = to.succ_opt().ok_or("The end date is out of range.")?;
        Ok(Period {
            label: format!("{}_to_{}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d")),
            start: local_midnight(from),
            end: local_midnight(end_day),
            first_day: from,
            last_day: to,
        })
    }

    /// ISO week: Monday 00:00 to Sunday 24:00 local time.
    pub fn iso_week(year: i32, week: u32) -> Result<Period, String> {
        let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)
            .ok_or_else(|| format!("{year}-W{week:02} is not a week."))?;
        let mut p = Period::dates(monday, monday + Duration::days(6))?;
        p.label = format!("{year}-W{week:02}");
        Ok(p)
    }

    /// `2026-W47`.
    pub fn parse_week(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "'{}' is not a week. Use year-Wnn, for example 2026-W47.",
                crate::text::one_line(s, 20)
            )
        };
        let (y, w) = s.split_once(['-']).ok_or_else(bad)?;
        let w = w.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Period::iso_week(year, week)
    }

    pub fn week_of(d: NaiveDate) -> Period {
        let iw = d.iso_week();
        Period::iso_week(iw.year(), iw.week()).expect("a date's own ISO week exists")
    }

    pub fn quarter(year: i32, q: u32) -> Result<Period, String> {
        if !(1..=4).contains(&q) {
            return Err(format!("Q{q} is not a quarter: use Q1 to Q4."));
        }
        let from = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or("Year out of range.")?;
        let next = if q == 4 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)
        }
        .ok_or("Year out of range.")?;
        let mut p = Period::dates(from, next.pred_opt().ok_or("Year out of range.")?)?;
        p.label = format!("{year}-Q{q}");
        Ok(p)
    }

    /// `2026-Q3`.
    pub fn parse_quarter(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let bad = || {
            format!(
                "'{}' is not a quarter. Use year-Qn, for example 2026-Q3.",
                crate::text::one_line(s, 20)
            )
        };
        let (y, q) = s.split_once('-').ok_or_else(bad)?;
        let q = q.strip_prefix(['Q', 'q']).ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        if !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Period::quarter(year, q.parse().map_err(|_| bad())?)
    }

    pub fn quarter_of(d: NaiveDate) -> Period {
        Period::quarter(d.year(), (d.month() - 1) / 3 + 1).expect("a date's own quarter exists")
    }

    pub fn month(year: i32, month: u32) -> Result<Period, String> {
        let from = NaiveDate::from_ymd_opt(year, month, 1).ok_or("Not a month.")?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .ok_or("Not a month.")?;
        let mut p = Period::dates(from, next.pred_opt().ok_or("Not a month.")?)?;
        p.label = format!("{year}-{month:02}");
        Ok(p)
    }

    pub fn year(year: i32) -> Result<Period, String> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("Year out of range.")?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or("Year out of range.")?;
        let mut p = Period::dates(from, to)?;
        p.label = format!("{year}");
        Ok(p)
    }

    /// The period of equal kind just before this one (previous week, previous quarter…).
    pub fn previous(&self) -> Period {
        if self.label.contains("-W") {
            return Period::week_of(self.first_day - Duration::days(1));
        }
        if self.label.contains("-Q") {
            return Period::quarter_of(self.first_day - Duration::days(1));
        }
        let len = (self.last_day - self.first_day).num_days();
        let to = self.first_day - Duration::days(1);
        Period::dates(to - Duration::days(len), to).expect("valid range")
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.start && t < self.end
    }
}

/// Age in whole years on a date.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        from_db(s).unwrap()
    }

    #[test]
    fn week_is_monday_to_sunday_local() {
        let p = Period::parse_week("2026-W47").unwrap();
        assert_eq!(p.first_day, NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert_eq!(p.last_day, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(to_db(p.start), "2026-11-16T00:00:00Z");
        assert_eq!(to_db(p.end), "2026-11-23T00:00:00Z");
        // Summer time: local midnight is 23:00 UTC the day before.
        let s = Period::parse_week("2026-W27").unwrap();
        assert_eq!(to_db(s.start), "2026-06-28T23:00:00Z");
    }

    #[test]
    fn clock_change_weeks_are_not_seven_times_24_hours() {
        // Clocks go back on Sunday 25 October 2026: that week is 169 hours long.
        let p = Period::parse_week("2026-W43").unwrap();
        assert_eq!((p.end - p.start).num_hours(), 169);
        let spring = Period::parse_week("2026-W13").unwrap();
        assert_eq!((spring.end - spring.start).num_hours(), 167);
    }

    #[test]
    fn local_times_across_clock_changes() {
        // 01:30 on 25 Oct 2026 happens twice; we take the first (BST).
        let t = parse_local("25/10/2026", "01:30").unwrap();
        assert_eq!(to_db(t), "2026-10-25T00:30:00Z");
        // 01:30 on 29 March 2026 never happened.
        assert!(
            parse_local("29/03/2026", "01:30")
                .unwrap_err()
                .contains("clocks went forward")
        );
        assert_eq!(show(utc("2026-07-01T12:00:00Z")), "Wed 01 Jul 2026 13:00");
    }

    #[test]
    fn bad_dates_are_refused_plainly() {
        assert!(parse_date("31/02/2026").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_time("25:00").is_err());
        assert!(Period::parse_week("2026-W54").is_err());
        assert!(Period::parse_week("2026W1").is_err());
        assert!(Period::parse_quarter("2026-Q5").is_err());
        assert_eq!(
            parse_date("2026-11-22").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
        );
    }

    #[test]
    fn quarters_and_previous() {
        let q = Period::parse_quarter("2026-Q3").unwrap();
        assert_eq!(q.first_day, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.last_day, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(q.previous().label, "2026-Q2");
        assert_eq!(Period::parse_week("2026-W01").unwrap().previous().label, "2025-W52");
    }

    #[test]
    fn ages() {
        let dob = NaiveDate::from_ymd_opt(2010, 3, 1).unwrap();
        assert_eq!(age_on(dob, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()), 13);
        assert_eq!(age_on(dob, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()), 14);
    }
}
