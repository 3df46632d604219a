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

/// The three responses the Concordat asks staff to choose between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    InHouse,
    Restorative,
    Police,
}

impl Response {
    pub const ALL: [Response; 3] = [Response::InHouse, Response::Restorative, Response::Police];

    /// Stable code used in the database, exports and the protocol file.
    pub fn code(self) -> &'static str {
        match self {
            Response::InHouse => "in_house",
            Response::Restorative => "restorative",
            Response::Police => "police",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Response::InHouse => "In-house",
            Response::Restorative => "Restorative",
            Response::Police => "Police referral",
        }
    }

    pub fn from_code(s: &str) -> Option<Response> {
        Response::ALL.into_iter().find(|r| r.code() == s)
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

    pub fn code(self) -> &'static str {
        match self {
            Category::Violence => "violence",
            Category::CriminalDamage => "criminal_damage",
            Category::Threats => "threats",
            Category::Theft => "theft",
            Category::PublicOrder => "public_order",
            Category::Drugs => "drugs",
            Category::Weapon => "weapon",
            Category::SexualBehaviour => "sexual_behaviour",
            Category::MissingOrAbsent => "missing_or_absent",
            Category::Other => "other",
        }
    }

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

    pub fn from_code(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Record status as the manager sees it. Drafts live in the drafts table until saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    AwaitingReview,
    Reviewed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::AwaitingReview => "awaiting_review",
            Status::Reviewed => "reviewed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::AwaitingReview => "Awaiting review",
            Status::Reviewed => "Reviewed",
        }
    }
    pub fn from_code(s: &str) -> Option<Status> {
        [Status::Draft, Status::AwaitingReview, Status::Reviewed]
            .into_iter()
            .find(|c| c.code() == s)
    }
}
