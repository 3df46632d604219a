//! A progress bar for the commands that can take a while (demo, verify, backup, restore, import, export, sync):
//! counts and the time left, on standard error, only when standard error is a terminal (never in a pipe, a log
//! or a test's captured output). The library reports through `crate::progress`; only this file knows indicatif.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::rc::Rc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Run `work`, showing its progress when standard error is a terminal. Nothing is drawn before the work's
/// first report (a passphrase is asked on the terminal first).
pub fn shown<R>(work: impl FnOnce() -> R) -> R {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let shared: Rc<RefCell<Option<ProgressBar>>> = Rc::default();
    let inner = shared.clone();
    let out = crate::progress::with(
        Box::new(move |stage, done, total| {
            let mut slot = inner.borrow_mut();
            let b = slot.get_or_insert_with(|| bar(ProgressDrawTarget::stderr()));
            if b.length() != Some(total) {
                b.set_length(total);
                b.reset_eta();
            }
            b.set_message(crate::text::display(stage));
            b.set_position(done);
        }),
        work,
    );
    if let Some(b) = shared.borrow_mut().take() {
        b.finish_and_clear();
    }
    out
}

fn bar(target: ProgressDrawTarget) -> ProgressBar {
    let style = ProgressStyle::with_template("{msg}: [{bar:30}] {human_pos}/{human_len}, about {eta} left")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::with_draw_target(Some(0), target).with_style(style);
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_terminal_the_work_runs_and_nothing_is_drawn() {
        let n = shown(|| {
            crate::progress::report("counting", 1, 2);
            42
        });
        assert_eq!(n, 42);
    }

    /// The weekly file reports each record it writes, up to the number it holds (before issue 18 it told
    /// nothing, so `concordat export` showed no bar).
    #[test]
    fn the_export_reports_its_progress() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        crate::demo::generate(&mut store, 4, 200, 1).unwrap();
        let now = store.now();
        let period = crate::time::Period::dates(
            crate::time::local_date(now) - chrono::Duration::days(3650),
            crate::time::local_date(now),
        )
        .unwrap();
        let seen: Rc<RefCell<Vec<(String, u64, u64)>>> = Rc::default();
        let s = seen.clone();
        let files = crate::progress::with(
            Box::new(move |stage, d, t| s.borrow_mut().push((stage.to_string(), d, t))),
            || crate::export::build(&store, &period).unwrap(),
        );
        let held = (files.counts.incidents + files.counts.amendments) as u64;
        assert!(held > 64, "{held} records: enough for more than one report");
        let seen = seen.borrow();
        let mine: Vec<_> = seen
            .iter()
            .filter(|(s, _, _)| s == crate::export::PROGRESS_STAGE)
            .collect();
        assert!(mine.len() > 2, "{seen:?}");
        assert_eq!(
            (mine[0].1, mine[0].2),
            (0, held),
            "told the whole before the first record"
        );
        assert!(mine.windows(2).all(|w| w[0].1 <= w[1].1), "went backwards");
        assert_eq!(
            *mine.last().unwrap(),
            &(crate::export::PROGRESS_STAGE.to_string(), held, held)
        );
    }

    /// The demo and verify report their counts through the plain callback, up to the whole.
    #[test]
    fn the_demo_and_verify_report_their_progress() {
        let seen: Rc<RefCell<Vec<(String, u64, u64)>>> = Rc::default();
        let s = seen.clone();
        crate::progress::with(
            Box::new(move |stage, d, t| s.borrow_mut().push((stage.to_string(), d, t))),
            || {
                let mut store = crate::store::Store::open_in_memory().unwrap();
                crate::demo::generate(&mut store, 4, 50, 1).unwrap();
                assert!(store.verify().unwrap().is_sound());
            },
        );
        let seen = seen.borrow();
        for stage in ["making the records", "checking the audit trail"] {
            let mine: Vec<_> = seen.iter().filter(|(s, _, _)| s == stage).collect();
            assert!(!mine.is_empty(), "no report for {stage}: {seen:?}");
            assert!(mine.windows(2).all(|w| w[0].1 <= w[1].1), "{stage} went backwards");
            let last = mine.last().unwrap();
            assert_eq!(last.1, last.2, "{stage} did not reach its total");
            assert!(last.2 > 0);
        }
    }
}
