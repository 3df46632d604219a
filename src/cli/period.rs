//! The one period argument shared by `export` and `report`: an ISO week, a quarter, or two dates. Each value
//! is parsed by clap, so a malformed period is a mistake in the command line (exit 2) and never reaches the
//! database.

use chrono::NaiveDate;
use clap::Args;

use crate::time::Period;

#[derive(Debug, Clone, Default, Args)]
pub struct PeriodArgs {
    /// An ISO week, Monday to Sunday, e.g. 2026-W47.
    #[arg(long, value_name = "WEEK", value_parser = parse_week, conflicts_with_all = ["quarter", "from", "to"])]
    pub week: Option<Period>,
    /// A quarter, e.g. 2026-Q3.
    #[arg(long, value_name = "QUARTER", value_parser = parse_quarter, conflicts_with_all = ["from", "to"])]
    pub quarter: Option<Period>,
    /// First day, e.g. 16/11/2026 or 2026-11-16 (with --to).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Last day, included (with --from).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    pub to: Option<NaiveDate>,
}

pub fn parse_week(s: &str) -> Result<Period, String> {
    Period::parse_week(s)
}

pub fn parse_quarter(s: &str) -> Result<Period, String> {
    Period::parse_quarter(s)
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::time::parse_date(s)
}

impl PeriodArgs {
    /// The period asked for, or `default` when none was given. Two dates the wrong way round are a mistake in
    /// the command line (exit 2).
    pub fn period_or(&self, default: impl FnOnce() -> Period) -> anyhow::Result<Period> {
        match (&self.week, &self.quarter, self.from, self.to) {
            (Some(w), _, _, _) => Ok(w.clone()),
            (_, Some(q), _, _) => Ok(q.clone()),
            (_, _, Some(f), Some(t)) => Period::dates(f, t).map_err(|e| super::usage(format!("--from/--to: {e}"))),
            (_, _, Some(_), None) | (_, _, None, Some(_)) => Err(super::usage("Give both --from and --to.")),
            _ => Ok(default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct T {
        #[command(flatten)]
        p: PeriodArgs,
    }

    fn period(args: &[&str]) -> Result<String, String> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let t = T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map_err(|e| {
            assert_eq!(e.exit_code(), 2);
            e.to_string()
        })?;
        t.p.period_or(|| Period::quarter_of(today))
            .map(|p| p.label)
            .map_err(|e| {
                assert!(e.downcast_ref::<super::super::UsageError>().is_some());
                e.to_string()
            })
    }

    #[test]
    fn command_line_periods() {
        assert_eq!(period(&[]).unwrap(), "2026-Q4");
        assert_eq!(period(&["--week", "2026-W47"]).unwrap(), "2026-W47");
        assert_eq!(period(&["--quarter", "2026-Q3"]).unwrap(), "2026-Q3");
        assert_eq!(
            period(&["--from", "01/11/2026", "--to", "15/11/2026"]).unwrap(),
            "2026-11-01_to_2026-11-15"
        );
        let e = period(&["--from", "15/11/2026", "--to", "01/11/2026"]).unwrap_err();
        assert!(e.contains("before the start"), "{e}");
        let e = period(&["--quarter", "2026-Q5"]).unwrap_err();
        assert!(e.contains("not a quarter"), "{e}");
        let e = period(&["--week", "2026-W99"]).unwrap_err();
        assert!(e.contains("not a week"), "{e}");
        period(&["--week", "2026-W47", "--quarter", "2026-Q4"]).unwrap_err();
        period(&["--from", "2026-11-01"]).unwrap_err();
    }
}
