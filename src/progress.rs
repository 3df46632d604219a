//! Progress of a long piece of work (the demo, a verify, a backup, a restore), reported through a plain
//! callback. The library only calls [`report`]; the command line (`src/cli/progress.rs`) decides whether and
//! how to show it (a bar on a terminal's standard error, nothing otherwise). Nothing here knows a terminal.

use std::cell::RefCell;

/// What is told: the stage ("checking the audit trail"), how much is done, out of how much.
pub type Sink = Box<dyn FnMut(&str, u64, u64)>;

thread_local! {
    static SINK: RefCell<Option<Sink>> = const { RefCell::new(None) };
}

/// Tell whoever listens on this thread how far the work is. Does nothing when no one listens.
pub fn report(stage: &str, done: u64, total: u64) {
    SINK.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut()
            && let Some(f) = s.as_mut()
        {
            f(stage, done.min(total), total);
        }
    });
}

/// Run `work` with `sink` listening to its progress on this thread; the previous listener is put back after.
pub fn with<R>(sink: Sink, work: impl FnOnce() -> R) -> R {
    let before = SINK.with(|s| s.borrow_mut().replace(sink));
    let out = work();
    SINK.with(|s| *s.borrow_mut() = before);
    out
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    #[test]
    fn reports_reach_the_listener_only_while_it_listens() {
        report("nobody listens", 1, 2);
        let seen = Rc::new(RefCell::new(vec![]));
        let s = seen.clone();
        let n = with(
            Box::new(move |stage, d, t| s.borrow_mut().push((stage.to_string(), d, t))),
            || {
                report("a", 1, 3);
                report("a", 5, 3);
                7
            },
        );
        assert_eq!(n, 7);
        report("after", 1, 1);
        assert_eq!(*seen.borrow(), vec![("a".to_string(), 1, 3), ("a".to_string(), 3, 3)]);
    }
}
