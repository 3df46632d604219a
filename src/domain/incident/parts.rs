//! The parts of a record: who was involved, what staff did (in-house, restorative, police), a child missing,
//! the regulation 35 details, who was told, the child's view and the manager's review.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

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

impl Police {
    /// The police were called (by `route`, for `reason`) and nothing else is known yet: no time, reference or
    /// officer, the outcome not yet known.
    pub fn called(route: PoliceRoute, reason: CallReason) -> Police {
        Police {
            route,
            reason,
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
        }
    }
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
