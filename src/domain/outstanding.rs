//! What is still to do on an incident, and by when: the handover's "Outstanding" list and the regulation 35
//! deadlines (record within 24 hours, staff spoken to and signed within 48 hours, child spoken to within 5 days).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::{
    CallReason, IncidentRecord, Missing, NotTold, Notification, NotifyWho, Police, PoliceOutcome, Reg35, Response,
    Restorative, Review,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
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
    NotifyManagerOnCall,
    NotifyPlacingAuthority,
    NotifyParent,
    /// The child came back: the return interview is offered within 72 hours.
    ReturnInterview,
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
            ActionKind::NotifyManagerOnCall => "Tell the manager on call",
            ActionKind::NotifyPlacingAuthority => "Tell the placing authority",
            ActionKind::NotifyParent => "Tell the parent or carer",
            ActionKind::ReturnInterview => "Return interview (within 72 h of coming back)",
        }
    }

    /// The action of telling someone.
    pub fn tell(who: NotifyWho) -> ActionKind {
        match who {
            NotifyWho::ManagerOnCall => ActionKind::NotifyManagerOnCall,
            NotifyWho::SocialWorker => ActionKind::NotifySocialWorker,
            NotifyWho::PlacingAuthority => ActionKind::NotifyPlacingAuthority,
            NotifyWho::YosWorker => ActionKind::NotifyYos,
            NotifyWho::ParentOrCarer => ActionKind::NotifyParent,
            NotifyWho::Ofsted => ActionKind::NotifyOfsted,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    /// When it is due; None when there is no fixed deadline (e.g. waiting for the police).
    pub due: Option<DateTime<Utc>>,
    /// Someone chose this time: a person "to be told later, by …", or a return interview after the child came
    /// back. The handover lists these at its top when due this shift.
    #[serde(default)]
    pub promised: bool,
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
    /// To be told later (by when) or not needed: read with the notifications (issue 16).
    #[serde(default)]
    pub not_told: Vec<NotTold>,
    #[serde(default)]
    pub missing: Option<Missing>,
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
            not_told: r.not_told.clone(),
            missing: r.missing.clone(),
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
            promised: false,
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
                promised: false,
            });
        }
        a.push(Action {
            kind: ActionKind::ManagerReview,
            due: restraint.then(|| t + Duration::hours(REVIEW_WITHIN)),
            promised: false,
        });
    }
    if restraint && r.review.spoke_to_child_at.is_none() {
        a.push(Action {
            kind: ActionKind::SpeakToChild,
            due: Some(t + Duration::days(CHILD_WITHIN_DAYS)),
            promised: false,
        });
    }
    if r.response == Response::Restorative
        && let Some(rj) = &r.restorative
        && rj.held.is_none()
    {
        a.push(Action {
            kind: ActionKind::RestorativePlanned,
            due: rj.planned_for,
            promised: false,
        });
    }
    if let Some(p) = &r.police
        && p.outcome == PoliceOutcome::NotYetKnown
        && p.reason == CallReason::Behaviour
    {
        a.push(Action {
            kind: ActionKind::PoliceOutcome,
            due: None,
            promised: false,
        });
    }
    notify_actions(r, yos_open, &mut a);
    missing_actions(r, &mut a);
    if !r.child_view {
        a.push(Action {
            kind: ActionKind::ChildView,
            due: Some(t + Duration::days(CHILD_WITHIN_DAYS)),
            promised: false,
        });
    }
    a
}

/// Who is still to be told. A person "to be told later" is due by the time the worker gave; one "not needed" (with
/// why) is not asked for again; otherwise the YOS worker (child open to the YOS), the social worker and Ofsted (a
/// serious police incident) are due within 24 hours. Recording that they were told closes it.
pub fn notify_actions(r: &ActionFacts, yos_open: bool, a: &mut Vec<Action>) {
    let t = r.occurred_at;
    let told = |w: NotifyWho| r.notifications.iter().any(|n| n.who == w);
    let not_told = |w: NotifyWho| r.not_told.iter().find(|n| n.who() == w);
    // The YOS worker, the social worker and Ofsted first, as the handover has always listed them.
    for who in [
        NotifyWho::YosWorker,
        NotifyWho::SocialWorker,
        NotifyWho::Ofsted,
        NotifyWho::ManagerOnCall,
        NotifyWho::PlacingAuthority,
        NotifyWho::ParentOrCarer,
    ] {
        if told(who) {
            continue;
        }
        let (due, promised) = match not_told(who) {
            Some(NotTold::NotNeeded { .. }) => continue,
            Some(NotTold::Later { due, .. }) => (*due, true),
            None => {
                let expected = match who {
                    NotifyWho::YosWorker => yos_open,
                    NotifyWho::SocialWorker => true,
                    NotifyWho::Ofsted => r.ofsted_serious,
                    _ => false,
                };
                if !expected {
                    continue;
                }
                (t + Duration::hours(RECORD_WITHIN), false)
            }
        };
        a.push(Action {
            kind: ActionKind::tell(who),
            due: Some(due),
            promised,
        });
    }
}

/// A child who has come back is offered a return interview within 72 hours; recording it closes the action.
/// (A child not back yet is shown by the handover's "missing now" lines, not as an action.)
pub fn missing_actions(r: &ActionFacts, a: &mut Vec<Action>) {
    if let Some(due) = r.missing.as_ref().and_then(Missing::return_interview_due) {
        a.push(Action {
            kind: ActionKind::ReturnInterview,
            due: Some(due),
            promised: true,
        });
    }
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

    #[test]
    fn a_person_to_be_told_later_is_due_by_the_time_given_and_not_needed_is_not_asked_again() {
        let mut r = record();
        let nine = r.occurred_at + Duration::hours(7);
        r.not_told = vec![
            NotTold::Later {
                who: NotifyWho::YosWorker,
                due: nine,
            },
            NotTold::NotNeeded {
                who: NotifyWho::SocialWorker,
                why: "Told at the review meeting already".into(),
            },
            NotTold::Later {
                who: NotifyWho::ParentOrCarer,
                due: nine,
            },
        ];
        let a = actions(&r, true);
        let due = |k: ActionKind| a.iter().find(|x| x.kind == k).map(|x| x.due);
        assert_eq!(due(ActionKind::NotifyYos), Some(Some(nine)));
        assert_eq!(due(ActionKind::NotifyParent), Some(Some(nine)));
        assert_eq!(due(ActionKind::NotifySocialWorker), None, "not needed, with why");
        // Telling them (an entry) closes it.
        r.notifications.push(Notification {
            who: NotifyWho::YosWorker,
            at: nine,
            note: String::new(),
        });
        assert!(!actions(&r, true).iter().any(|x| x.kind == ActionKind::NotifyYos));
        // Both told and "later" for one person is refused when saving.
        assert!(r.validate(r.recorded_at).is_err());
    }

    #[test]
    fn a_child_who_came_back_is_offered_a_return_interview_within_72_hours() {
        let mut r = record();
        let left = r.occurred_at;
        let mut m = Missing {
            kind: MissingKind::Missing,
            left_at: Some(left),
            reported_to_police: true,
            police_reference: "CAD 9".into(),
            reported_at: Some(left),
            not_reported_why: String::new(),
            returned_at: None,
            return_interview_offered: None,
        };
        r.missing = Some(m.clone());
        assert!(!actions(&r, false).iter().any(|x| x.kind == ActionKind::ReturnInterview));
        m.returned_at = Some(left + Duration::hours(5));
        r.missing = Some(m.clone());
        let a = actions(&r, false);
        let ri = a.iter().find(|x| x.kind == ActionKind::ReturnInterview).unwrap();
        assert_eq!(ri.due, Some(left + Duration::hours(5 + 72)));
        m.return_interview_offered = Some(true);
        r.missing = Some(m);
        assert!(!actions(&r, false).iter().any(|x| x.kind == ActionKind::ReturnInterview));
    }

    #[test]
    fn an_older_record_with_only_a_list_of_notifications_still_reads() {
        let r = record();
        let mut v = serde_json::to_value(&r).unwrap();
        v.as_object_mut().unwrap().remove("not_told");
        v["missing"] = serde_json::json!({
            "kind": "missing", "left_at": null, "reported_to_police": false, "police_reference": "CAD 1",
            "returned_at": null, "return_interview_offered": null
        });
        v["notifications"] = serde_json::json!([{"who": "yos_worker", "at": "2026-11-18T02:30:00Z", "note": ""}]);
        let old: IncidentRecord = serde_json::from_value(v.clone()).unwrap();
        assert!(old.not_told.is_empty());
        assert_eq!(old.notifications[0].who, NotifyWho::YosWorker);
        assert!(old.missing.as_ref().unwrap().away_now());
        let f: ActionFacts = serde_json::from_value(v).unwrap();
        assert_eq!(f, ActionFacts::of(&old));
        assert!(!actions_of(&f, true).iter().any(|x| x.kind == ActionKind::NotifyYos));
    }
}
