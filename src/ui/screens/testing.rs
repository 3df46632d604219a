//! What the screens' unit tests share: a protocol with no steps, a signed-in context and a screen drawn at
//! 80x24 as text.

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Ctx, Page};
use crate::protocol::Protocol;
use crate::store::Store;
use crate::ui::page::Session;
use crate::ui::theme::Theme;

/// A protocol with no steps (the screens here never ask its questions).
pub(crate) fn protocol() -> Protocol {
    Protocol {
        id: "t".into(),
        version: "1".into(),
        title: "T".into(),
        start: "s".into(),
        steps: vec![],
        sha256: String::new(),
    }
}

/// `session` signed in, at the store's time.
pub(crate) fn ctx<'a>(s: &'a Store, session: &'a Session, p: &'a Protocol) -> Ctx<'a> {
    ctx_at(s, session, p, s.now())
}

/// `session` signed in, at `now`.
pub(crate) fn ctx_at<'a>(s: &'a Store, session: &'a Session, p: &'a Protocol, now: DateTime<Utc>) -> Ctx<'a> {
    Ctx {
        store: s,
        session: Some(session),
        protocol: p,
        now,
        theme: Theme::plain(),
    }
}

/// The page drawn at 80x24, one line of text a row, trailing spaces cut.
pub(crate) fn render(page: &dyn Page, ctx: &Ctx<'_>) -> String {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| page.view(f, f.area(), ctx)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
