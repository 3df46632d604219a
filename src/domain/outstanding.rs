//! What is still to do on an incident, and by when: the handover's "Outstanding" list and the regulation 35
//! deadlines (record within 24 hours, staff spoken to and signed within 48 hours, child spoken to within 5 days).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{
    CallReason, IncidentRecord, Notification, NotifyWho, Police, PoliceOutcome, Reg35, Response, Restorative, Review,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Reg35Incomplete,
    ManagerReview,
    SpeakToStaff,
    SpeakToChild,
    RestorativePlanned,
    PoliceOutcome,
    NotifyYos,
    NotifySocialWorker,
    NotifyOfsted,
    ChildView,
}

impl ActionKind {
    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Reg35Incomplete => "Restraint record incomplete (reg 35)",
            ActionKind::ManagerReview => "Manager review and signature",
            ActionKind::SpeakToStaff => "Manager to speak to staff",
            ActionKind::SpeakToChild => "Manager to speak to child",
            ActionKind::RestorativePlanned => "Restorative meeting",
            ActionKind::PoliceOutcome => "Police outcome not yet known",
            ActionKind::NotifyYos => "Tell the YOS worker",
            ActionKind::NotifySocialWorker => "Tell the social worker",
            ActionKind::NotifyOfsted => "Tell Ofsted (reg 40)",
            ActionKind::ChildView => "Child's view not recorded",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    /// When it is due; None when there is no fixed deadline (e.g. waiting for the police).
    pub due: Option<DateTime<Utc>>,
}

impl Action {
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.due.is_some_and(|d| d < now)
    }
}

pub const RECORD_WITHIN: i64 = 24; // hours
pub const REVIEW_WITHIN: i64 = 48; // hours
pub const CHILD_WITHIN_DAYS: i64 = 5;

/// The parts of a record that say what is still to do. The handover reads one for every open incident, so it is
/// read from the stored record without the rest of it (the account, the protocol answers and so on).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionFacts {
    pub occurred_at: DateTime<Utc>,
    pub response: Response,
    pub reg35: Option<Reg35>,
    pub review: Review,
    pub restorative: Option<Restorative>,
    pub police: Option<Police>,
    pub notifications: Vec<Notification>,
    pub ofsted_serious: bool,
    /// Whether the child's view is recorded (its words are not needed here).
    #[serde(default, deserialize_with = "present")]
    pub child_view: bool,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<serde::de::IgnoredAny>::deserialize(d)?.is_some())
}

impl ActionFacts {
    pub fn of(r: &IncidentRecord) -> ActionFacts {
        ActionFacts {
            occurred_at: r.occurred_at,
            response: r.response,
            reg35: r.reg35.clone(),
            review: r.review.clone(),
            restorative: r.restorative.clone(),
            police: r.police.clone(),
            notifications: r.notifications.clone(),
            ofsted_serious: r.ofsted_serious,
            child_view: r.child_view.is_some(),
        }
    }
}

/// Every open action on a record (its current state). `yos_open`: the child is open to the YOS.
pub fn actions(r: &IncidentRecord, yos_open: bool) -> Vec<Action> {
    actions_of(&ActionFacts::of(r), yos_open)
}

/// As [`actions`], from the facts alone.
pub fn actions_of(r: &ActionFacts, yos_open: bool) -> Vec<Action> {
    let t = r.occurred_at;
    let mut a = Vec::new();
    if let Some(reg) = &r.reg35
        && !reg.missing_fields().is_empty()
    {
        // The same test as the check screen's and the sign-off's (IncidentRecord::reg35_missing).
        a.push(Action {
            kind: ActionKind::Reg35Incomplete,
            due: Some(t + Duration::hours(RECORD_WITHIN)),
        });
    }
    // Regulation 35's deadlines (staff spoken to and the record signed within 48 hours, the child spoken to
    // within 5 days) are for a measure of control, discipline or restraint. Every record is still reviewed and
    // signed; without a measure that has no fixed deadline.
    let restraint = r.reg35.is_some();
    if r.review.signed_at.is_none() {
        if restraint && r.review.spoke_to_staff_at.is_none() {
            a.push(Action {
                kind: ActionKind::SpeakToStaff,
                due: Some(t + Duration::hours(REVIEW_WITHIN)),
            });
        }
        a.push(Action {
            kind: ActionKind::ManagerReview,
            due: restraint.then(|| t + Duration::hours(REVIEW_WITHIN)),
        });
    }
    if restraint && r.review.spoke_to_child_at.is_none() {
        a.push(Action {
            kind: ActionKind::SpeakToChild,
            due: Some(t + Duration::days(CHILD_WITHIN_DAYS)),
        });
    }
    if r.response == Response::Restorative
        && let Some(rj) = &r.restorative
        && rj.held.is_none()
    {
        a.push(Action {
            kind: ActionKind::RestorativePlanned,
            due: rj.planned_for,
        });
    }
    if let Some(p) = &r.police
        && p.outcome == PoliceOutcome::NotYetKnown
        && p.reason == CallReason::Behaviour
    {
        a.push(Action {
            kind: ActionKind::PoliceOutcome,
            due: None,
        });
    }
    let told = |w: NotifyWho| r.notifications.iter().any(|n| n.who == w);
    if yos_open && !told(NotifyWho::YosWorker) {
        a.push(Action {
            kind: ActionKind::NotifyYos,
            due: Some(t + Duration::hours(RECORD_WITHIN)),
        });
    }
    if !told(NotifyWho::SocialWorker) {
        a.push(Action {
            kind: ActionKind::NotifySocialWorker,
            due: Some(t + Duration::hours(RECORD_WITHIN)),
        });
    }
    if r.ofsted_serious && !told(NotifyWho::Ofsted) {
        a.push(Action {
            kind: ActionKind::NotifyOfsted,
            due: Some(t + Duration::hours(RECORD_WITHIN)),
        });
    }
    if !r.child_view {
        a.push(Action {
            kind: ActionKind::ChildView,
            due: Some(t + Duration::days(CHILD_WITHIN_DAYS)),
        });
    }
    a
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::incident::fixtures::record;
    use crate::domain::*;

    #[test]
    fn a_fresh_record_has_its_deadlines() {
        let mut r = record();
        let plain = actions(&r, true);
        let review = plain.iter().find(|x| x.kind == ActionKind::ManagerReview).unwrap();
        assert_eq!(review.due, None, "no regulation 35 deadline without a restraint");
        assert!(
            !plain.iter().any(|x| matches!(
                x.kind,
                ActionKind::SpeakToStaff | ActionKind::SpeakToChild | ActionKind::Reg35Incomplete
            )),
            "{plain:?}"
        );
        r.reg35 = Some(complete_reg35());
        let a = actions(&r, true);
        assert!(a.iter().any(|x| x.kind == ActionKind::SpeakToStaff));
        assert!(a.iter().any(|x| x.kind == ActionKind::SpeakToChild));
        assert!(!a.iter().any(|x| x.kind == ActionKind::Reg35Incomplete));
        let kinds: Vec<_> = a.iter().map(|x| x.kind).collect();
        assert!(kinds.contains(&ActionKind::ManagerReview));
        assert!(kinds.contains(&ActionKind::NotifyYos));
        assert!(!kinds.contains(&ActionKind::PoliceOutcome));
        let review = a.iter().find(|x| x.kind == ActionKind::ManagerReview).unwrap();
        assert_eq!(review.due, Some(r.occurred_at + Duration::hours(48)));
        assert!(!review.overdue(r.occurred_at + Duration::hours(47)));
        assert!(review.overdue(r.occurred_at + Duration::hours(49)));
        assert!(!actions(&r, false).iter().any(|x| x.kind == ActionKind::NotifyYos));
    }

    pub fn complete_reg35() -> Reg35 {
        Reg35 {
            measure: "Two-person hold".into(),
            duration_minutes: Some(4),
            used_by: "Sam Night, Jo Day".into(),
            others_present: String::new(),
            avoid_tried: "Space and time".into(),
            effectiveness: "He calmed and sat down".into(),
            consequences: String::new(),
            injuries: String::new(),
            treatment: String::new(),
        }
    }

    #[test]
    fn reg35_tasks_follow_the_one_completeness_test() {
        let mut r = record();
        let mut reg = complete_reg35();
        reg.duration_minutes = None;
        reg.effectiveness.clear();
        r.reg35 = Some(reg);
        assert_eq!(r.reg35_missing(), vec!["duration", "effectiveness"]);
        let a = actions(&r, false);
        let inc = a.iter().find(|x| x.kind == ActionKind::Reg35Incomplete).unwrap();
        assert_eq!(inc.due, Some(r.occurred_at + Duration::hours(24)));
        assert_eq!(r.sign_off_blockers(&[]).len(), 1, "{:?}", r.sign_off_blockers(&[]));
        r.reg35 = Some(complete_reg35());
        assert!(r.reg35_missing().is_empty());
        assert!(r.sign_off_blockers(&[]).is_empty());
    }

    #[test]
    fn a_finished_record_has_none() {
        let mut r = record();
        let at = r.occurred_at;
        r.review = Review {
            spoke_to_staff_at: Some(at),
            spoke_to_child_at: Some(at),
            signed_by: Some("M".into()),
            signed_at: Some(at),
            comment: String::new(),
        };
        r.child_view = Some(ChildView {
            text: "I was angry".into(),
            recorded_at: at,
        });
        r.notifications.push(Notification {
            who: NotifyWho::SocialWorker,
            at,
            note: String::new(),
        });
        assert!(actions(&r, false).is_empty());
        r.reg35 = Some(Reg35::default());
        assert_eq!(actions(&r, false)[0].kind, ActionKind::Reg35Incomplete);
    }

    #[test]
    fn the_facts_read_from_a_stored_record_give_the_same_actions_as_the_whole_record() {
        let mut r = record();
        let at = r.occurred_at;
        let stored =
            |r: &IncidentRecord| serde_json::from_str::<ActionFacts>(&serde_json::to_string(r).unwrap()).unwrap();
        assert_eq!(stored(&r), ActionFacts::of(&r));
        assert!(!stored(&r).child_view);
        r.child_view = Some(ChildView {
            text: "I was angry".into(),
            recorded_at: at,
        });
        r.reg35 = Some(Reg35::default());
        r.ofsted_serious = true;
        r.notifications.push(Notification {
            who: NotifyWho::YosWorker,
            at,
            note: "rang".into(),
        });
        let f = stored(&r);
        assert_eq!(f, ActionFacts::of(&r));
        assert!(f.child_view);
        assert_eq!(actions_of(&f, true), actions(&r, true));
        assert_eq!(actions_of(&f, false), actions(&r, false));
    }
}
