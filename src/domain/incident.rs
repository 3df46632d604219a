//! An incident record as the regulations and the Concordat describe it, and the entries that add to it later.
//!
//! A saved record is never changed in place. What is learned later (a police outcome, a restorative meeting,
//! the child's view, a correction, the manager's review) is an [`Entry`]: attributed, timed, appended. The
//! record's current state is the saved record with every entry applied in order ([`apply`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

use super::{Category, Response, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum PersonKind {
    Staff,
    Child,
    Public,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum InvolvedAs {
    Victim,
    Witness,
    Other,
}

/// Someone else involved: a member of staff, another child, a member of the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Involved {
    pub kind: PersonKind,
    pub name: String,
    pub role: InvolvedAs,
    /// A victim who reports to the police themselves: their own right, not a referral by the home.
    #[serde(default)]
    pub reports_to_police: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Deescalation {
    SpaceAndTime,
    Distraction,
    TrustedAdult,
    SupportPlan,
    Other,
}

impl Deescalation {
    pub const ALL: [Deescalation; 5] = [
        Deescalation::SpaceAndTime,
        Deescalation::Distraction,
        Deescalation::TrustedAdult,
        Deescalation::SupportPlan,
        Deescalation::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Deescalation::SpaceAndTime => "Space and time",
            Deescalation::Distraction => "Distraction",
            Deescalation::TrustedAdult => "A trusted adult",
            Deescalation::SupportPlan => "The child's behaviour support plan",
            Deescalation::Other => "Other",
        }
    }
}

/// The protocol the record was made under, so an old record reads true after the protocol changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolRef {
    pub id: String,
    pub version: String,
    pub title: String,
    pub sha256: String,
}

/// One protocol question and the answer, exactly as shown at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredStep {
    pub step_id: String,
    pub question: String,
    pub answer_id: String,
    pub answer: String,
    /// True when the answer came from what staff had already recorded (e.g. immediate danger).
    #[serde(default)]
    pub automatic: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InHouse {
    pub what_was_done: String,
    pub consequence: String,
    pub reparation: String,
    pub follow_up: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum RestorativeKind {
    Conversation,
    Meeting,
    Reparation,
    Apology,
    Mediation,
}

impl RestorativeKind {
    pub const ALL: [RestorativeKind; 5] = [
        RestorativeKind::Conversation,
        RestorativeKind::Meeting,
        RestorativeKind::Reparation,
        RestorativeKind::Apology,
        RestorativeKind::Mediation,
    ];
    pub fn label(self) -> &'static str {
        match self {
            RestorativeKind::Conversation => "Restorative conversation",
            RestorativeKind::Meeting => "Restorative meeting / conference",
            RestorativeKind::Reparation => "Reparation",
            RestorativeKind::Apology => "Apology",
            RestorativeKind::Mediation => "Mediation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restorative {
    pub kind: RestorativeKind,
    pub facilitator: String,
    pub participants: String,
    /// The victim's consent: None until asked.
    pub victim_consent: Option<bool>,
    pub planned_for: Option<DateTime<Utc>>,
    pub agreed: String,
    /// Whether it happened: None until known.
    pub held: Option<bool>,
    pub outcome: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum PoliceRoute {
    Emergency999,
    NonEmergency101,
}

impl PoliceRoute {
    pub fn label(self) -> &'static str {
        match self {
            PoliceRoute::Emergency999 => "999 (emergency)",
            PoliceRoute::NonEmergency101 => "101 / non-emergency",
        }
    }
}

/// Why the police were called: the YOS counts calls for service by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum CallReason {
    Behaviour,
    Missing,
    Absent,
}

impl CallReason {
    pub fn label(self) -> &'static str {
        match self {
            CallReason::Behaviour => "Behaviour",
            CallReason::Missing => "Missing",
            CallReason::Absent => "Absent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum PoliceOutcome {
    NotYetKnown,
    #[strum(to_string = "outcome21", serialize = "outcome_21")]
    Outcome21,
    #[strum(to_string = "outcome22", serialize = "outcome_22")]
    Outcome22,
    CommunityResolution,
    YouthCaution,
    YouthConditionalCaution,
    Charge,
    NoFurtherAction,
}

impl PoliceOutcome {
    pub const ALL: [PoliceOutcome; 8] = [
        PoliceOutcome::NotYetKnown,
        PoliceOutcome::Outcome21,
        PoliceOutcome::Outcome22,
        PoliceOutcome::CommunityResolution,
        PoliceOutcome::YouthCaution,
        PoliceOutcome::YouthConditionalCaution,
        PoliceOutcome::Charge,
        PoliceOutcome::NoFurtherAction,
    ];
    pub fn label(self) -> &'static str {
        match self {
            PoliceOutcome::NotYetKnown => "Not yet known",
            PoliceOutcome::Outcome21 => "Outcome 21 (not in public interest)",
            PoliceOutcome::Outcome22 => "Outcome 22 (diversionary, NFA)",
            PoliceOutcome::CommunityResolution => "Community resolution",
            PoliceOutcome::YouthCaution => "Youth caution",
            PoliceOutcome::YouthConditionalCaution => "Youth conditional caution",
            PoliceOutcome::Charge => "Charge",
            PoliceOutcome::NoFurtherAction => "No further action",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum CourtOutcome {
    Pending,
    Convicted,
    NotConvicted,
}

impl CourtOutcome {
    pub fn label(self) -> &'static str {
        match self {
            CourtOutcome::Pending => "Pending",
            CourtOutcome::Convicted => "Convicted",
            CourtOutcome::NotConvicted => "Not convicted",
        }
    }
}

/// Which diversionary outcome staff asked the police to consider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum DiversionAsked {
    None,
    #[strum(to_string = "outcome21", serialize = "outcome_21")]
    Outcome21,
    #[strum(to_string = "outcome22", serialize = "outcome_22")]
    Outcome22,
    CommunityResolution,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Police {
    pub route: PoliceRoute,
    pub reason: CallReason,
    pub called_at: Option<DateTime<Utc>>,
    pub reference: String,
    pub officer: String,
    pub attended: Option<bool>,
    pub arrest: bool,
    pub appropriate_adult: String,
    pub diversion_asked: DiversionAsked,
    pub outcome: PoliceOutcome,
    pub court: Option<CourtOutcome>,
    /// When the outcome was given (None while it is not yet known, and in records made before it was asked).
    #[serde(default)]
    pub outcome_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum MissingKind {
    Missing,
    Absent,
}

/// One missing (or absent) episode: left, reported (or not, and why), came back (or not yet), return interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub kind: MissingKind,
    pub left_at: Option<DateTime<Utc>>,
    pub reported_to_police: bool,
    /// Only when reported: a reference beside "not reported" is refused ([`Missing::problems`]).
    pub police_reference: String,
    /// When the police were told (records made before issue 16 have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<DateTime<Utc>>,
    /// Why the police were not told (an absent child whose whereabouts are known, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub not_reported_why: String,
    /// None: not back yet, so the child is missing (or absent) now.
    pub returned_at: Option<DateTime<Utc>>,
    /// Some(true) once the return interview has been offered; due within [`RETURN_INTERVIEW_HOURS`] of the return.
    pub return_interview_offered: Option<bool>,
}

/// The return interview is offered within 72 hours of the child coming back.
pub const RETURN_INTERVIEW_HOURS: i64 = 72;

impl Missing {
    /// The child has not come back: missing (or absent) now.
    pub fn away_now(&self) -> bool {
        self.returned_at.is_none()
    }

    /// When the return interview is due, while it has not been offered.
    pub fn return_interview_due(&self) -> Option<DateTime<Utc>> {
        match (self.returned_at, self.return_interview_offered) {
            (Some(back), o) if o != Some(true) => Some(back + chrono::Duration::hours(RETURN_INTERVIEW_HOURS)),
            _ => None,
        }
    }

    /// What makes the episode contradict itself, in plain words.
    pub fn problems(&self) -> Vec<String> {
        let mut e = Vec::new();
        if !self.reported_to_police && !self.police_reference.trim().is_empty() {
            e.push("A police reference, but \"not reported\": choose one.".into());
        }
        if !self.reported_to_police && self.kind == MissingKind::Missing && self.not_reported_why.trim().is_empty() {
            e.push("Say why the police were not told.".into());
        }
        if let (Some(l), Some(b)) = (self.left_at, self.returned_at)
            && b < l
        {
            e.push("Came back before leaving: check the times.".into());
        }
        if let (Some(l), Some(r)) = (self.left_at, self.reported_at)
            && r < l
        {
            e.push("Reported to the police before the child left: check the times.".into());
        }
        e
    }
}

/// Regulation 35: any measure of control, discipline or restraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reg35 {
    pub measure: String,
    pub duration_minutes: Option<u32>,
    pub used_by: String,
    pub others_present: String,
    pub avoid_tried: String,
    pub effectiveness: String,
    pub consequences: String,
    pub injuries: String,
    pub treatment: String,
}

impl Reg35 {
    /// Fields the regulation requires within 24 hours that are still empty.
    pub fn missing_fields(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.measure.trim().is_empty() {
            m.push("measure");
        }
        if self.duration_minutes.is_none() {
            m.push("duration");
        }
        if self.used_by.trim().is_empty() {
            m.push("who used it");
        }
        if self.avoid_tried.trim().is_empty() {
            m.push("what was done to avoid it");
        }
        if self.effectiveness.trim().is_empty() {
            m.push("effectiveness");
        }
        m
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum NotifyWho {
    ManagerOnCall,
    SocialWorker,
    PlacingAuthority,
    YosWorker,
    ParentOrCarer,
    Ofsted,
}

impl NotifyWho {
    pub const ALL: [NotifyWho; 6] = [
        NotifyWho::ManagerOnCall,
        NotifyWho::SocialWorker,
        NotifyWho::PlacingAuthority,
        NotifyWho::YosWorker,
        NotifyWho::ParentOrCarer,
        NotifyWho::Ofsted,
    ];
    pub fn label(self) -> &'static str {
        match self {
            NotifyWho::ManagerOnCall => "Manager on call",
            NotifyWho::SocialWorker => "Social worker",
            NotifyWho::PlacingAuthority => "Placing authority",
            NotifyWho::YosWorker => "YOS worker",
            NotifyWho::ParentOrCarer => "Parent or carer",
            NotifyWho::Ofsted => "Ofsted (reg 40)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub who: NotifyWho,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// Someone not told when the record was made, said honestly (issue 16): never a false "told" time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NotTold {
    /// To be told later, by `due`: an outstanding action until someone records that they told them.
    Later { who: NotifyWho, due: DateTime<Utc> },
    /// Not needed, and why.
    NotNeeded { who: NotifyWho, why: String },
}

impl NotTold {
    pub fn who(&self) -> NotifyWho {
        match self {
            NotTold::Later { who, .. } | NotTold::NotNeeded { who, .. } => *who,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildView {
    pub text: String,
    pub recorded_at: DateTime<Utc>,
}

/// The manager's review (regulation 35: spoken to staff within 48 hours, to the child within 5 days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub spoke_to_staff_at: Option<DateTime<Utc>>,
    pub spoke_to_child_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub comment: String,
}

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

#[cfg(test)]
mod tests {
    use super::fixtures::record;
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_complete_record_validates() {
        let r = record();
        assert!(r.validate(r.recorded_at).is_ok());
    }

    #[test]
    fn stronger_response_needs_rationale() {
        let mut r = record();
        r.response = Response::Police;
        r.police = Some(Police {
            route: PoliceRoute::NonEmergency101,
            reason: CallReason::Behaviour,
            called_at: None,
            reference: String::new(),
            officer: String::new(),
            attended: None,
            arrest: false,
            appropriate_adult: String::new(),
            diversion_asked: DiversionAsked::None,
            outcome: PoliceOutcome::NotYetKnown,
            court: None,
            outcome_at: None,
        });
        let e = r.validate(r.recorded_at).unwrap_err();
        assert!(e[0].contains("say why"), "{e:?}");
        r.rationale = "Staff member wished to report the assault.".into();
        assert!(r.validate(r.recorded_at).is_ok());
    }

    #[test]
    fn future_and_empty_records_are_refused() {
        let mut r = record();
        r.occurred_at = r.recorded_at + chrono::Duration::hours(1);
        r.categories.clear();
        r.account = "  ".into();
        assert_eq!(r.validate(r.recorded_at).unwrap_err().len(), 3);
    }

    #[test]
    fn entries_build_the_current_state_without_touching_the_record() {
        let r = record();
        let at = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
        let entries = vec![
            Entry {
                uid: "e1".into(),
                incident_uid: r.uid.clone(),
                at,
                by: "Pat Manager".into(),
                change: Change::Correction {
                    field: CorrectableField::Location,
                    value: "Hallway".into(),
                    reason: "Wrong room".into(),
                },
            },
            Entry {
                uid: "e2".into(),
                incident_uid: r.uid.clone(),
                at,
                by: "Pat Manager".into(),
                change: Change::SignOff {
                    comment: "Spoke to all".into(),
                },
            },
        ];
        let now = current(&r, &entries);
        assert_eq!(now.location, "Hallway");
        assert_eq!(now.status(), Status::Reviewed);
        assert_eq!(now.review.signed_by.as_deref(), Some("Pat Manager"));
        assert_eq!(r.location, "Kitchen");
        assert_eq!(r.status(), Status::AwaitingReview);
    }

    #[test]
    fn change_serialises_with_a_type_tag() {
        let c = Change::Note { text: "hi".into() };
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"type":"note","text":"hi"}"#);
    }

    #[test]
    fn corrections_reach_the_time_the_child_the_categories_and_the_response() {
        let r = record();
        let at = Utc.with_ymd_and_hms(2026, 11, 19, 9, 0, 0).unwrap();
        let new_time = Utc.with_ymd_and_hms(2026, 11, 18, 1, 30, 0).unwrap();
        let fix = |field, value: &str| Entry {
            uid: "e".into(),
            incident_uid: r.uid.clone(),
            at,
            by: "Pat Manager".into(),
            change: Change::Correction {
                field,
                value: value.into(),
                reason: "wrong".into(),
            },
        };
        let entries = vec![
            fix(CorrectableField::OccurredAt, &new_time.to_rfc3339()),
            fix(CorrectableField::Child, "child-2"),
            fix(CorrectableField::Categories, "violence,theft,violence"),
            fix(CorrectableField::Response, "restorative"),
            // Unreadable values (as an export that withheld them has) leave the record as it was.
            fix(CorrectableField::Child, ""),
            fix(CorrectableField::Categories, "nonsense"),
            fix(CorrectableField::OccurredAt, ""),
        ];
        let now = current(&r, &entries);
        assert_eq!(now.occurred_at, new_time);
        assert_eq!(now.child_uid, "child-2");
        assert_eq!(now.categories, vec![Category::Violence, Category::Theft]);
        assert_eq!(now.response, Response::Restorative);
        assert_eq!(r.occurred_at, Utc.with_ymd_and_hms(2026, 11, 18, 2, 10, 0).unwrap());
        for f in CorrectableField::EVERY {
            assert!(f.parse(&f.value_of(&now)).is_some(), "{f:?} reads back");
        }
        let names = |u: &str| if u == "child-2" { "Lily".to_string() } else { "?".into() };
        assert_eq!(CorrectableField::Child.shown("child-2", &names), "Lily");
        assert_eq!(CorrectableField::Response.shown("police", &names), "Police referral");
    }

    #[test]
    fn older_records_read_with_the_new_fields_defaulted() {
        let mut v = serde_json::to_value(record()).unwrap();
        v.as_object_mut().unwrap().remove("late_record");
        v["involved"] = serde_json::json!([{"kind": "staff", "name": "Sam", "role": "victim"}]);
        let r: IncidentRecord = serde_json::from_value(v).unwrap();
        assert!(!r.late_record);
        assert!(!r.involved[0].reports_to_police);
        let p = serde_json::json!({"route": "non_emergency101", "reason": "behaviour", "called_at": null,
            "reference": "", "officer": "", "attended": null, "arrest": false, "appropriate_adult": "",
            "diversion_asked": "none", "outcome": "charge", "court": null});
        let p: Police = serde_json::from_value(p).unwrap();
        assert_eq!(p.outcome_at, None);
        assert!(IncidentRecord::is_late(
            r.occurred_at,
            r.occurred_at + chrono::Duration::hours(25)
        ));
        assert!(!IncidentRecord::is_late(
            r.occurred_at,
            r.occurred_at + chrono::Duration::hours(24)
        ));
    }
}
