//! Entries: what is learned after the record is saved (a police outcome, a correction, the review), applied
//! in order to give the record's current state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::*;
use crate::domain::{Category, Response};

/// What an entry adds to a saved record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// New or updated police details (outcome, reference, court).
    Police {
        police: Police,
    },
    Restorative {
        restorative: Restorative,
    },
    InHouse {
        in_house: InHouse,
    },
    Missing {
        missing: Missing,
    },
    Reg35 {
        reg35: Reg35,
    },
    Notified {
        notification: Notification,
    },
    ChildView {
        view: ChildView,
    },
    OfstedSerious {
        serious: bool,
    },
    SpokeToStaff {
        at: DateTime<Utc>,
    },
    SpokeToChild {
        at: DateTime<Utc>,
    },
    /// The manager's signature. Only a manager may add it (enforced in the store).
    SignOff {
        comment: String,
    },
    /// A correction, with the reason; the old value stays in the history. `value` is the new text, or for the
    /// time, the child, the categories and the response: the time (RFC 3339), the child's uid, the category
    /// codes separated by commas, the response code ([`CorrectableField::parse`]).
    Correction {
        field: CorrectableField,
        value: String,
        reason: String,
    },
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum CorrectableField {
    Account,
    Location,
    Injuries,
    MedicalTreatment,
    DeescalationNotes,
    OccurredAt,
    Child,
    Categories,
    Response,
}

/// A corrected value, read from [`Change::Correction`]'s `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corrected {
    Text(String),
    OccurredAt(DateTime<Utc>),
    Child(String),
    Categories(Vec<Category>),
    Response(Response),
}

impl CorrectableField {
    /// Every field that can be corrected: the text ones ([`CorrectableField::ALL`]) and the facts.
    pub const EVERY: [CorrectableField; 9] = [
        CorrectableField::OccurredAt,
        CorrectableField::Child,
        CorrectableField::Categories,
        CorrectableField::Response,
        CorrectableField::Account,
        CorrectableField::Location,
        CorrectableField::Injuries,
        CorrectableField::MedicalTreatment,
        CorrectableField::DeescalationNotes,
    ];

    /// The text fields.
    pub const ALL: [CorrectableField; 5] = [
        CorrectableField::Account,
        CorrectableField::Location,
        CorrectableField::Injuries,
        CorrectableField::MedicalTreatment,
        CorrectableField::DeescalationNotes,
    ];
    pub fn label(self) -> &'static str {
        match self {
            CorrectableField::Account => "Account",
            CorrectableField::Location => "Location",
            CorrectableField::Injuries => "Injuries",
            CorrectableField::MedicalTreatment => "Medical treatment",
            CorrectableField::DeescalationNotes => "What was tried",
            CorrectableField::OccurredAt => "When it happened",
            CorrectableField::Child => "The child",
            CorrectableField::Categories => "What kind (categories)",
            CorrectableField::Response => "The response",
        }
    }

    pub fn is_text(self) -> bool {
        CorrectableField::ALL.contains(&self)
    }

    /// Read a correction's value; None when it cannot be read (an empty value, as a withheld import has).
    pub fn parse(self, value: &str) -> Option<Corrected> {
        match self {
            CorrectableField::OccurredAt => DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|t| Corrected::OccurredAt(t.with_timezone(&Utc))),
            CorrectableField::Child => (!value.trim().is_empty()).then(|| Corrected::Child(value.trim().to_string())),
            CorrectableField::Categories => {
                let mut v = Vec::new();
                for c in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    let c = Category::from_code(c)?;
                    if !v.contains(&c) {
                        v.push(c);
                    }
                }
                (!v.is_empty()).then_some(Corrected::Categories(v))
            }
            CorrectableField::Response => Response::from_code(value.trim()).map(Corrected::Response),
            _ => Some(Corrected::Text(value.to_string())),
        }
    }

    /// A correction's value (or [`CorrectableField::value_of`] a record) as people read it; `child_name` gives a
    /// child's name from their uid.
    pub fn shown(self, value: &str, child_name: &dyn Fn(&str) -> String) -> String {
        match self.parse(value) {
            Some(Corrected::Text(t)) => t,
            Some(Corrected::OccurredAt(t)) => crate::time::show(t),
            Some(Corrected::Child(uid)) => child_name(&uid),
            Some(Corrected::Categories(c)) => c.iter().map(|x| x.label()).collect::<Vec<_>>().join(", "),
            Some(Corrected::Response(r)) => r.label().to_string(),
            None => "(withheld)".to_string(),
        }
    }

    /// The value a record holds for this field, written as a correction's value would be.
    pub fn value_of(self, r: &IncidentRecord) -> String {
        match self {
            CorrectableField::Account => r.account.clone(),
            CorrectableField::Location => r.location.clone(),
            CorrectableField::Injuries => r.injuries.clone(),
            CorrectableField::MedicalTreatment => r.medical_treatment.clone(),
            CorrectableField::DeescalationNotes => r.deescalation_notes.clone(),
            CorrectableField::OccurredAt => r.occurred_at.to_rfc3339(),
            CorrectableField::Child => r.child_uid.clone(),
            CorrectableField::Categories => r.categories.iter().map(|c| c.code()).collect::<Vec<_>>().join(","),
            CorrectableField::Response => r.response.code().to_string(),
        }
    }
}

impl Change {
    pub fn label(&self) -> &'static str {
        match self {
            Change::Police { .. } => "Police details",
            Change::Restorative { .. } => "Restorative details",
            Change::InHouse { .. } => "In-house details",
            Change::Missing { .. } => "Missing / absent details",
            Change::Reg35 { .. } => "Restraint / control record",
            Change::Notified { .. } => "Notification",
            Change::ChildView { .. } => "Child's view",
            Change::OfstedSerious { .. } => "Ofsted judgement",
            Change::SpokeToStaff { .. } => "Spoke to staff",
            Change::SpokeToChild { .. } => "Spoke to child",
            Change::SignOff { .. } => "Manager sign-off",
            Change::Correction { .. } => "Correction",
            Change::Note { .. } => "Note",
        }
    }
}

/// An attributed, timed addition to a saved incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub uid: String,
    pub incident_uid: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub change: Change,
}

/// Apply one entry to a record: the record's current state is the saved record with its entries applied.
pub fn apply(record: &mut IncidentRecord, entry: &Entry) {
    match &entry.change {
        Change::Police { police } => record.police = Some(police.clone()),
        Change::Restorative { restorative } => record.restorative = Some(restorative.clone()),
        Change::InHouse { in_house } => record.in_house = Some(in_house.clone()),
        Change::Missing { missing } => record.missing = Some(missing.clone()),
        Change::Reg35 { reg35 } => record.reg35 = Some(reg35.clone()),
        Change::Notified { notification } => record.notifications.push(notification.clone()),
        Change::ChildView { view } => record.child_view = Some(view.clone()),
        Change::OfstedSerious { serious } => record.ofsted_serious = *serious,
        Change::SpokeToStaff { at } => record.review.spoke_to_staff_at = Some(*at),
        Change::SpokeToChild { at } => record.review.spoke_to_child_at = Some(*at),
        Change::SignOff { comment } => {
            record.review.signed_by = Some(entry.by.clone());
            record.review.signed_at = Some(entry.at);
            record.review.comment = comment.clone();
        }
        Change::Correction { field, value, .. } => match field.parse(value) {
            Some(Corrected::Text(v)) => {
                let slot = match field {
                    CorrectableField::Location => &mut record.location,
                    CorrectableField::Injuries => &mut record.injuries,
                    CorrectableField::MedicalTreatment => &mut record.medical_treatment,
                    CorrectableField::DeescalationNotes => &mut record.deescalation_notes,
                    _ => &mut record.account,
                };
                *slot = v;
            }
            Some(Corrected::OccurredAt(t)) => record.occurred_at = t,
            Some(Corrected::Child(uid)) => record.child_uid = uid,
            Some(Corrected::Categories(c)) => record.categories = c,
            Some(Corrected::Response(r)) => record.response = r,
            // Unreadable (a value withheld from an export): the record keeps what it had.
            None => {}
        },
        Change::Note { .. } => {}
    }
}

/// The current state: the saved record with its entries applied in order.
pub fn current(record: &IncidentRecord, entries: &[Entry]) -> IncidentRecord {
    let mut r = record.clone();
    for e in entries {
        apply(&mut r, e);
    }
    r
}
