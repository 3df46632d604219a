//! The domain model: what a home manager, a YOS officer and the regulations talk about.
//! Pure data and rules: no terminal, no SQL.

pub mod child;
pub mod incident;
pub mod outstanding;
pub mod staff;

pub use child::{Child, ChildInput, Ethnicity, Gender, LegalStatus};
pub use incident::*;
pub use staff::{Role, Staff};

use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

/// `code()` and `from_code()` for each enum whose codes strum derives (`IntoStaticStr`, `EnumString`) by the rule
/// serde names it by (`snake_case` both), so the database, the CSV, the JSON, the command line and the forms use
/// one code per variant (issue 18: the CSV said `outcome_22` where the JSON said `outcome22`).
macro_rules! codes {
    ($($t:ty),* $(,)?) => {$(
        impl $t {
            /// The stable code: serde's name for the variant.
            pub fn code(self) -> &'static str {
                self.into()
            }
            /// The variant a code names; None for anything else.
            pub fn from_code(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    )*};
}

/// Codes the forms used before the codes became serde's names (issue 18), with the code now: a draft kept before
/// still comes back with what was chosen ([`current_code`]).
pub const RETIRED_CODES: [(&str, &str); 2] = [("outcome_21", "outcome21"), ("outcome_22", "outcome22")];

/// The code now for a code a form kept before issue 18 (`outcome_22` → `outcome22`); any other as it is.
pub fn current_code(v: &str) -> &str {
    RETIRED_CODES
        .iter()
        .find(|(old, _)| *old == v)
        .map_or(v, |(_, now)| now)
}

codes!(
    Gender,
    Ethnicity,
    LegalStatus,
    Role,
    outstanding::ActionKind,
    Response,
    Category,
    Status,
    PersonKind,
    InvolvedAs,
    Deescalation,
    RestorativeKind,
    PoliceRoute,
    CallReason,
    PoliceOutcome,
    CourtOutcome,
    DiversionAsked,
    MissingKind,
    NotifyWho,
    CorrectableField,
);

/// The three responses the Concordat asks staff to choose between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Response {
    InHouse,
    Restorative,
    Police,
}

impl Response {
    pub const ALL: [Response; 3] = [Response::InHouse, Response::Restorative, Response::Police];

    pub fn label(self) -> &'static str {
        match self {
            Response::InHouse => "In-house",
            Response::Restorative => "Restorative",
            Response::Police => "Police referral",
        }
    }

    /// How strong a response is: police is stronger than restorative, which is stronger than in-house.
    /// Choosing a stronger response than recommended needs a written rationale.
    pub fn strength(self) -> u8 {
        match self {
            Response::InHouse => 0,
            Response::Restorative => 1,
            Response::Police => 2,
        }
    }
}

/// What happened: the categories the YOS and committees count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Category {
    Violence,
    CriminalDamage,
    Threats,
    Theft,
    PublicOrder,
    Drugs,
    Weapon,
    SexualBehaviour,
    MissingOrAbsent,
    Other,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Violence,
        Category::CriminalDamage,
        Category::Threats,
        Category::Theft,
        Category::PublicOrder,
        Category::Drugs,
        Category::Weapon,
        Category::SexualBehaviour,
        Category::MissingOrAbsent,
        Category::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Violence => "Violence to a person",
            Category::CriminalDamage => "Criminal damage",
            Category::Threats => "Threats",
            Category::Theft => "Theft",
            Category::PublicOrder => "Public order",
            Category::Drugs => "Drugs",
            Category::Weapon => "Weapon",
            Category::SexualBehaviour => "Sexual behaviour",
            Category::MissingOrAbsent => "Missing or absent",
            Category::Other => "Other",
        }
    }
}

/// Record status as the manager sees it. Drafts live in the drafts table until saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Draft,
    AwaitingReview,
    Reviewed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::AwaitingReview => "Awaiting review",
            Status::Reviewed => "Reviewed",
        }
    }
}

#[cfg(test)]
mod codes_tests {
    use super::outstanding::ActionKind;
    use super::*;
    use serde::de::DeserializeOwned;
    use strum::IntoEnumIterator;

    /// Every variant's strum code is serde's name for it, parses back to the variant, and serde reads it too.
    fn same_as_serde<T>(all: Option<&[T]>) -> usize
    where
        T: IntoEnumIterator + Copy + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned + Into<&'static str>,
        T: std::str::FromStr,
    {
        let mut n = 0;
        for v in T::iter() {
            let code: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(code), "{v:?}");
            assert_eq!(code.parse::<T>().ok(), Some(v), "{code} parses back");
            assert_eq!(
                serde_json::from_value::<T>(code.into()).unwrap(),
                v,
                "serde reads {code}"
            );
            n += 1;
        }
        if let Some(all) = all {
            assert_eq!(
                all.to_vec(),
                T::iter().collect::<Vec<_>>(),
                "ALL lists every variant, in order"
            );
        }
        n
    }

    #[test]
    fn every_code_is_serdes_name_and_parses_back() {
        let n = same_as_serde(Some(&Gender::ALL))
            + same_as_serde(Some(&Ethnicity::ALL))
            + same_as_serde(Some(&LegalStatus::ALL))
            + same_as_serde(Some(&Role::ALL))
            + same_as_serde::<ActionKind>(None)
            + same_as_serde(Some(&Response::ALL))
            + same_as_serde(Some(&Category::ALL))
            + same_as_serde::<Status>(None)
            + same_as_serde::<PersonKind>(None)
            + same_as_serde::<InvolvedAs>(None)
            + same_as_serde(Some(&Deescalation::ALL))
            + same_as_serde(Some(&RestorativeKind::ALL))
            + same_as_serde::<PoliceRoute>(None)
            + same_as_serde::<CallReason>(None)
            + same_as_serde(Some(&PoliceOutcome::ALL))
            + same_as_serde::<CourtOutcome>(None)
            + same_as_serde::<DiversionAsked>(None)
            + same_as_serde::<MissingKind>(None)
            + same_as_serde(Some(&NotifyWho::ALL))
            + same_as_serde::<CorrectableField>(None);
        assert!(n > 90, "{n} variants checked");
        // The CSV's police outcome is the JSON's: outcome22, not outcome_22.
        assert_eq!(PoliceOutcome::Outcome22.code(), "outcome22");
        assert_eq!(DiversionAsked::Outcome21.code(), "outcome21");
        // A draft kept before the codes were one still reads back as what was chosen.
        for (old, now) in RETIRED_CODES {
            assert_eq!(current_code(old), now);
            assert!(PoliceOutcome::from_code(now).is_some() && DiversionAsked::from_code(now).is_some());
        }
        assert_eq!(current_code("youth_caution"), "youth_caution");
        assert_eq!(Category::from_code("nonsense"), None);
    }

    /// Every plain enum of the domain that serde names carries the strum codes and is checked above: a new one
    /// added without them fails here.
    #[test]
    fn every_named_domain_enum_derives_its_codes() {
        let checked = [
            "Gender",
            "Ethnicity",
            "LegalStatus",
            "Role",
            "ActionKind",
            "Response",
            "Category",
            "Status",
            "PersonKind",
            "InvolvedAs",
            "Deescalation",
            "RestorativeKind",
            "PoliceRoute",
            "CallReason",
            "PoliceOutcome",
            "CourtOutcome",
            "DiversionAsked",
            "MissingKind",
            "NotifyWho",
            "CorrectableField",
        ];
        let sources = [
            include_str!("mod.rs"),
            include_str!("child.rs"),
            include_str!("incident.rs"),
            include_str!("incident/parts.rs"),
            include_str!("incident/entry.rs"),
            include_str!("outstanding.rs"),
            include_str!("staff.rs"),
        ];
        let mut seen = Vec::new();
        for src in sources {
            let lines: Vec<&str> = src.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                let Some(name) = l.strip_prefix("pub enum ").and_then(|r| r.strip_suffix(" {")) else {
                    continue;
                };
                // The attributes above the enum (rustfmt may spread a derive over several lines).
                let attrs: Vec<&str> = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|a| !a.trim().is_empty() && !a.starts_with('}') && !a.starts_with("///"))
                    .copied()
                    .collect();
                let attrs = attrs.join(" ");
                if !(attrs.contains("Copy") && attrs.contains("Serialize")) {
                    continue;
                }
                assert!(
                    attrs.contains("EnumIter") && attrs.contains("#[strum(serialize_all = \"snake_case\")]"),
                    "{name} is named by serde but has no strum codes"
                );
                assert!(checked.contains(&name), "{name} is not in the codes test");
                seen.push(name);
            }
        }
        assert_eq!(seen.len(), checked.len(), "{seen:?}");
    }
}
