//! The wizard as a page of the app.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::*;
use crate::ui::keymap::Hint;
use crate::ui::page::{Ctx, Done, FormDraft, Outcome};

impl Page for Wizard {
    fn title(&self) -> String {
        "New incident".into()
    }

    fn update(&mut self, ctx: &Ctx<'_>, key: KeyEvent) -> Outcome {
        self.on_key(ctx, key)
    }

    fn paste(&mut self, _ctx: &Ctx<'_>, text: &str) -> Outcome {
        if let Some(f) = self.form_mut() {
            f.paste(text);
        }
        Outcome::None
    }

    fn done(&mut self, ctx: &Ctx<'_>, done: Done) -> Outcome {
        let waiting = std::mem::replace(&mut self.waiting, Waiting::Nothing);
        match (waiting, done) {
            (Waiting::Incident, Done::Ok(id)) => {
                self.saved = Some(id.unwrap_or(0));
                Outcome::Flash("Incident saved.".into())
            }
            (Waiting::Incident, Done::Err(e)) => {
                let part = part_for(&e);
                if part == Part::Review {
                    Outcome::Flash(format!("Not saved: {e}"))
                } else {
                    self.show_problems(ctx, vec![(part, e)])
                }
            }
            (Waiting::Draft, Done::Ok(id)) => {
                if let Some(id) = id {
                    self.draft_id = Some(id);
                }
                if self.leaving { Outcome::Back } else { Outcome::None }
            }
            (Waiting::Draft, Done::Err(e)) => {
                self.leaving = false;
                if e.contains("already saved or discarded") {
                    // Someone closed it: the next step starts a fresh draft.
                    self.draft_id = None;
                }
                Outcome::Flash(format!("Could not keep the draft: {e}"))
            }
            (_, Done::Fields(f)) => Outcome::Flash(f.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            (_, Done::Err(e)) => Outcome::Flash(e),
            (_, Done::Ok(_)) => Outcome::None,
        }
    }

    fn view(&self, frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
        draw::view(self, frame, area, ctx);
    }

    fn hints(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        self.key_bar()
    }

    fn help(&self, _ctx: &Ctx<'_>) -> Vec<Hint> {
        self.key_help()
    }

    fn form_draft(&self) -> Option<(FormDraft, String)> {
        if self.saved.is_some() || (self.danger.is_none() && self.draft_id.is_none()) {
            return None;
        }
        let state = serde_json::to_string(&self.saved()).ok()?;
        Some((
            FormDraft {
                screen: "wizard".into(),
                context: self.draft_id,
                values: BTreeMap::from([("state".to_string(), state)]),
            },
            format!("Incident: {}", self.title_for_draft()),
        ))
    }
}
