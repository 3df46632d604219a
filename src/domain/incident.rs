//! An incident record as the regulations and the Concordat describe it, and the entries that add to it later.
//!
//! A saved record is never changed in place. What is learned later (a police outcome, a restorative meeting,
//! the child's view, a correction, the manager's review) is an [`Entry`]: attributed, timed, appended. The
//! record's current state is the saved record with every entry applied in order ([`apply`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Category, Response, Status};

mod entry;
mod parts;
#[cfg(test)]
mod tests;

pub use entry::*;
pub use parts::*;

/// The record as staff completed it in the wizard. Immutable once saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRecord {
    pub uid: String,
    pub home_uid: String,
    pub child_uid: String,
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub immediate_danger: bool,
    pub categories: Vec<Category>,
    pub account: String,
    pub injuries: String,
    pub medical_treatment: String,
    /// Estimated cost of damage, whole pounds.
    pub damage_cost: Option<u32>,
    pub involved: Vec<Involved>,
    pub deescalation: Vec<Deescalation>,
    pub deescalation_notes: String,
    pub protocol: ProtocolRef,
    pub answers: Vec<AnsweredStep>,
    pub recommended: Response,
    pub recommended_reason: String,
    pub response: Response,
    /// Required when the response differs from the recommendation.
    pub rationale: String,
    pub in_house: Option<InHouse>,
    pub restorative: Option<Restorative>,
    pub police: Option<Police>,
    pub missing: Option<Missing>,
    pub reg35: Option<Reg35>,
    pub notifications: Vec<Notification>,
    /// Who was not told when the record was made: to be told later (by a time) or not needed (with why).
    /// Left out of the stored JSON when empty, so records and export files read by older versions are unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_told: Vec<NotTold>,
    /// The manager judged a police incident serious: Ofsted must be told (regulation 40).
    pub ofsted_serious: bool,
    pub child_view: Option<ChildView>,
    pub review: Review,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// Recorded more than 24 hours after the incident (regulation 35 asks for a record within 24 hours). Set
    /// when the record is saved; kept with it.
    #[serde(default)]
    pub late_record: bool,
}

/// More than this long between the incident and its record marks the record as late.
pub const LATE_AFTER_HOURS: i64 = 24;

impl IncidentRecord {
    /// What the regulation 35 record still lacks; empty when there was no measure or it is complete. The one
    /// test of completeness: the check screen, the outstanding actions and the sign-off all ask it.
    pub fn reg35_missing(&self) -> Vec<&'static str> {
        self.reg35.as_ref().map(Reg35::missing_fields).unwrap_or_default()
    }

    /// Whether the record was made more than 24 hours after the incident.
    pub fn is_late(occurred_at: DateTime<Utc>, recorded_at: DateTime<Utc>) -> bool {
        recorded_at - occurred_at > chrono::Duration::hours(LATE_AFTER_HOURS)
    }

    /// Whether the police were involved (called, or told that the child was missing).
    pub fn police_involved(&self) -> bool {
        self.police.is_some() || self.missing.as_ref().is_some_and(|m| m.reported_to_police)
    }

    /// What stops a manager signing the record (its current state, with its entries): a regulation 35 record
    /// that is not complete, and, where the police were involved, no judgement yet on telling Ofsted (reg 40).
    pub fn sign_off_blockers(&self, entries: &[Entry]) -> Vec<String> {
        let mut b = Vec::new();
        let missing = self.reg35_missing();
        if !missing.is_empty() {
            b.push(format!(
                "The restraint record (reg 35) is not complete: still needed: {}.",
                missing.join(", ")
            ));
        }
        if self.police_involved() && !entries.iter().any(|e| matches!(e.change, Change::OfstedSerious { .. })) {
            b.push("The police were involved: first say whether it is serious enough to tell Ofsted (reg 40).".into());
        }
        b
    }

    pub fn status(&self) -> Status {
        if self.review.signed_at.is_some() {
            Status::Reviewed
        } else {
            Status::AwaitingReview
        }
    }

    /// One line for lists: the start of the account.
    pub fn summary(&self) -> String {
        crate::text::one_line(&self.account, 60)
    }

    pub fn police_reference(&self) -> Option<&str> {
        self.police
            .as_ref()
            .map(|p| p.reference.as_str())
            .filter(|r| !r.is_empty())
            .or_else(|| {
                self.missing
                    .as_ref()
                    .map(|m| m.police_reference.as_str())
                    .filter(|r| !r.is_empty())
            })
    }

    /// Check a record before it is saved: what the regulations and the protocol require.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), Vec<String>> {
        let mut e = Vec::new();
        if self.occurred_at > now {
            e.push("The time of the incident is in the future.".to_string());
        }
        if self.categories.is_empty() {
            e.push("Choose at least one category of what happened.".into());
        }
        if self.account.trim().is_empty() {
            e.push("Write a factual account of what happened.".into());
        }
        if self.response != self.recommended && self.rationale.trim().is_empty() {
            e.push(format!(
                "You chose {} where the protocol suggests {}: say why.",
                self.response.label(),
                self.recommended.label()
            ));
        }
        match self.response {
            Response::Police if self.police.is_none() => e.push("Add the police details.".into()),
            Response::Restorative if self.restorative.is_none() => e.push("Add the restorative details.".into()),
            Response::InHouse if self.in_house.is_none() => e.push("Add what was done in-house.".into()),
            _ => {}
        }
        if self.categories.contains(&Category::MissingOrAbsent) && self.missing.is_none() {
            e.push("Add the missing or absent details.".into());
        }
        e.extend(self.notify_problems());
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

impl IncidentRecord {
    /// Who was told, who is to be told later and who need not be, contradicting itself: a person both told and
    /// "not told", or twice "not told"; a "not needed" without why.
    pub fn notify_problems(&self) -> Vec<String> {
        let mut e = Vec::new();
        for (i, n) in self.not_told.iter().enumerate() {
            let who = n.who();
            if self.notifications.iter().any(|x| x.who == who) || self.not_told[..i].iter().any(|x| x.who() == who) {
                e.push(format!(
                    "{} is recorded twice in who was told: choose one.",
                    who.label()
                ));
            }
            if let NotTold::NotNeeded { why, .. } = n
                && why.trim().is_empty()
            {
                e.push(format!(
                    "Say why telling the {} is not needed.",
                    who.label().to_lowercase()
                ));
            }
        }
        e
    }

    /// The person's status on "Who was told", as the record says now.
    pub fn told_status(&self, who: NotifyWho) -> Option<Told<'_>> {
        if let Some(n) = self.notifications.iter().find(|n| n.who == who) {
            return Some(Told::Told(n));
        }
        self.not_told.iter().find(|n| n.who() == who).map(Told::Not)
    }
}

/// What the record says about telling one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told<'a> {
    Told(&'a Notification),
    Not(&'a NotTold),
}

/// A new random identifier (hex, 128 bits) for records that travel between databases.
pub fn new_uid() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

#[cfg(test)]
pub mod fixtures {
    //! A complete record for tests in any module.
    use super::*;
    use chrono::TimeZone;

    pub fn record() -> IncidentRecord {
        let at = Utc.with_ymd_and_hms(2026, 11, 18, 2, 10, 0).unwrap();
        IncidentRecord {
            uid: "inc-1".into(),
            home_uid: "home-1".into(),
            child_uid: "child-1".into(),
            occurred_at: at,
            location: "Kitchen".into(),
            immediate_danger: false,
            categories: vec![Category::CriminalDamage],
            account: "J kicked the kitchen door after a phone call.".into(),
            injuries: String::new(),
            medical_treatment: String::new(),
            damage_cost: Some(120),
            involved: vec![],
            deescalation: vec![Deescalation::SpaceAndTime],
            deescalation_notes: String::new(),
            protocol: ProtocolRef::default(),
            answers: vec![],
            recommended: Response::InHouse,
            recommended_reason: "A reasonable parent would not call the police.".into(),
            response: Response::InHouse,
            rationale: String::new(),
            in_house: Some(InHouse {
                what_was_done: "Talked it through".into(),
                ..Default::default()
            }),
            restorative: None,
            police: None,
            missing: None,
            reg35: None,
            notifications: vec![],
            not_told: vec![],
            ofsted_serious: false,
            child_view: None,
            review: Review::default(),
            recorded_by: "Sam Night".into(),
            recorded_at: at + chrono::Duration::minutes(40),
            late_record: false,
        }
    }
}
