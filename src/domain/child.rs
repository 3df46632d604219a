//! The children register: who lives in the home, and what staff need to know to respond well.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::{EnumIter, EnumString, IntoStaticStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    NonBinary,
    NotStated,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Female, Gender::Male, Gender::NonBinary, Gender::NotStated];
    pub fn label(self) -> &'static str {
        match self {
            Gender::Female => "Female",
            Gender::Male => "Male",
            Gender::NonBinary => "Non-binary / other",
            Gender::NotStated => "Not stated",
        }
    }
}

/// The 2021 census ethnic groups for England and Wales (19 categories plus "not stated").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Ethnicity {
    AsianBangladeshi,
    AsianChinese,
    AsianIndian,
    AsianPakistani,
    AsianOther,
    BlackAfrican,
    BlackCaribbean,
    BlackOther,
    MixedWhiteAsian,
    MixedWhiteBlackAfrican,
    MixedWhiteBlackCaribbean,
    MixedOther,
    WhiteBritish,
    WhiteIrish,
    WhiteGypsyTraveller,
    WhiteRoma,
    WhiteOther,
    OtherArab,
    OtherAny,
    NotStated,
}

impl Ethnicity {
    pub const ALL: [Ethnicity; 20] = [
        Ethnicity::AsianBangladeshi,
        Ethnicity::AsianChinese,
        Ethnicity::AsianIndian,
        Ethnicity::AsianPakistani,
        Ethnicity::AsianOther,
        Ethnicity::BlackAfrican,
        Ethnicity::BlackCaribbean,
        Ethnicity::BlackOther,
        Ethnicity::MixedWhiteAsian,
        Ethnicity::MixedWhiteBlackAfrican,
        Ethnicity::MixedWhiteBlackCaribbean,
        Ethnicity::MixedOther,
        Ethnicity::WhiteBritish,
        Ethnicity::WhiteIrish,
        Ethnicity::WhiteGypsyTraveller,
        Ethnicity::WhiteRoma,
        Ethnicity::WhiteOther,
        Ethnicity::OtherArab,
        Ethnicity::OtherAny,
        Ethnicity::NotStated,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Ethnicity::AsianBangladeshi => "Asian: Bangladeshi",
            Ethnicity::AsianChinese => "Asian: Chinese",
            Ethnicity::AsianIndian => "Asian: Indian",
            Ethnicity::AsianPakistani => "Asian: Pakistani",
            Ethnicity::AsianOther => "Asian: any other",
            Ethnicity::BlackAfrican => "Black: African",
            Ethnicity::BlackCaribbean => "Black: Caribbean",
            Ethnicity::BlackOther => "Black: any other",
            Ethnicity::MixedWhiteAsian => "Mixed: White and Asian",
            Ethnicity::MixedWhiteBlackAfrican => "Mixed: White and Black African",
            Ethnicity::MixedWhiteBlackCaribbean => "Mixed: White and Black Caribbean",
            Ethnicity::MixedOther => "Mixed: any other",
            Ethnicity::WhiteBritish => "White: British",
            Ethnicity::WhiteIrish => "White: Irish",
            Ethnicity::WhiteGypsyTraveller => "White: Gypsy or Irish Traveller",
            Ethnicity::WhiteRoma => "White: Roma",
            Ethnicity::WhiteOther => "White: any other",
            Ethnicity::OtherArab => "Other: Arab",
            Ethnicity::OtherAny => "Other: any other",
            Ethnicity::NotStated => "Not stated",
        }
    }
    /// The census's five high-level groups, used in reports.
    pub fn group(self) -> &'static str {
        match self.code().split('_').next().unwrap_or("") {
            "asian" => "Asian",
            "black" => "Black",
            "mixed" => "Mixed",
            "white" => "White",
            "other" => "Other",
            _ => "Not stated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum LegalStatus {
    /// Children Act 1989 s20: accommodated with parental agreement.
    S20,
    /// s31 care order.
    S31,
    /// s38 interim care order.
    S38,
    /// Remanded to local authority accommodation (LASPO 2012 s104).
    Remand,
    PlacementOrder,
    EmergencyProtection,
    Other,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 7] = [
        LegalStatus::S20,
        LegalStatus::S31,
        LegalStatus::S38,
        LegalStatus::Remand,
        LegalStatus::PlacementOrder,
        LegalStatus::EmergencyProtection,
        LegalStatus::Other,
    ];
    pub fn label(self) -> &'static str {
        match self {
            LegalStatus::S20 => "s20 accommodated",
            LegalStatus::S31 => "s31 care order",
            LegalStatus::S38 => "s38 interim care order",
            LegalStatus::Remand => "Remand",
            LegalStatus::PlacementOrder => "Placement order",
            LegalStatus::EmergencyProtection => "Emergency protection",
            LegalStatus::Other => "Other",
        }
    }
}

/// A child in the register (current or discharged). Never deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: i64,
    /// Stable identifier across exports and imports.
    pub uid: String,
    pub home_uid: String,
    pub name: String,
    pub preferred_name: String,
    pub dob: NaiveDate,
    pub gender: Gender,
    pub ethnicity: Ethnicity,
    pub legal_status: LegalStatus,
    pub placing_authority: String,
    pub social_worker: String,
    pub social_worker_contact: String,
    pub admitted: NaiveDate,
    pub discharged: Option<NaiveDate>,
    pub discharge_reason: String,
    pub yos_open: bool,
    pub yos_worker: String,
    pub yos_ref: String,
    pub what_helps: String,
}

impl Child {
    /// The name staff use: preferred name, with the legal name when different.
    pub fn display_name(&self) -> String {
        if self.preferred_name.trim().is_empty() || self.preferred_name == self.name {
            self.name.clone()
        } else {
            format!("{} ({})", self.preferred_name, self.name)
        }
    }
    pub fn is_current(&self) -> bool {
        self.discharged.is_none()
    }
}

/// What a form submits; validated into a [`Child`]'s fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInput {
    pub name: String,
    pub preferred_name: String,
    pub dob: String,
    pub gender: String,
    pub ethnicity: String,
    pub legal_status: String,
    pub placing_authority: String,
    pub social_worker: String,
    pub social_worker_contact: String,
    pub admitted: String,
    pub yos_open: bool,
    pub yos_worker: String,
    pub yos_ref: String,
    pub what_helps: String,
}

/// Field length limits, shown as counts beside each field.
pub const NAME_MAX: usize = 80;
pub const SHORT_MAX: usize = 120;
pub const WHAT_HELPS_MAX: usize = 2000;

/// The validated fields of a child, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChild {
    pub name: String,
    pub preferred_name: String,
    pub dob: NaiveDate,
    pub gender: Gender,
    pub ethnicity: Ethnicity,
    pub legal_status: LegalStatus,
    pub placing_authority: String,
    pub social_worker: String,
    pub social_worker_contact: String,
    pub admitted: NaiveDate,
    pub yos_open: bool,
    pub yos_worker: String,
    pub yos_ref: String,
    pub what_helps: String,
}

/// Validate a child's details. Errors are (field, message) so the form shows each beside its field.
pub fn validate_child(input: &ChildInput, today: NaiveDate) -> Result<ValidChild, Vec<(&'static str, String)>> {
    use crate::text::{clean_line, clean_text};
    let mut errs = Vec::new();
    let name = clean_line(&input.name, NAME_MAX).trim().to_string();
    if name.is_empty() {
        errs.push(("name", "Name is required.".to_string()));
    }
    let dob = match crate::time::parse_date(&input.dob) {
        Ok(d) => {
            let age = crate::time::age_on(d, today);
            if d > today {
                errs.push(("dob", "Date of birth is in the future.".into()));
            } else if !(8..=25).contains(&age) {
                errs.push(("dob", format!("That makes the child {age}: expected 8 to 25.")));
            }
            Some(d)
        }
        Err(e) => {
            errs.push(("dob", e));
            None
        }
    };
    let admitted = match crate::time::parse_date(&input.admitted) {
        Ok(d) => {
            if d > today {
                errs.push(("admitted", "Admission date is in the future.".into()));
            } else if let Some(b) = dob
                && d <= b
            {
                errs.push(("admitted", "Admitted before the child was born.".into()));
            }
            Some(d)
        }
        Err(e) => {
            errs.push(("admitted", e));
            None
        }
    };
    let gender = Gender::from_code(&input.gender);
    if gender.is_none() {
        errs.push(("gender", "Choose a gender.".into()));
    }
    let ethnicity = Ethnicity::from_code(&input.ethnicity);
    if ethnicity.is_none() {
        errs.push(("ethnicity", "Choose an ethnicity (or Not stated).".into()));
    }
    let legal_status = LegalStatus::from_code(&input.legal_status);
    if legal_status.is_none() {
        errs.push(("legal_status", "Choose a legal status.".into()));
    }
    let yos_ref = clean_line(&input.yos_ref, 40).trim().to_string();
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(ValidChild {
        name,
        preferred_name: clean_line(&input.preferred_name, NAME_MAX).trim().to_string(),
        dob: dob.expect("checked"),
        gender: gender.expect("checked"),
        ethnicity: ethnicity.expect("checked"),
        legal_status: legal_status.expect("checked"),
        placing_authority: clean_line(&input.placing_authority, SHORT_MAX).trim().to_string(),
        social_worker: clean_line(&input.social_worker, NAME_MAX).trim().to_string(),
        social_worker_contact: clean_line(&input.social_worker_contact, SHORT_MAX).trim().to_string(),
        admitted: admitted.expect("checked"),
        yos_open: input.yos_open,
        yos_worker: clean_line(&input.yos_worker, NAME_MAX).trim().to_string(),
        yos_ref,
        what_helps: clean_text(&input.what_helps, WHAT_HELPS_MAX).trim().to_string(),
    })
}

/// A discharge date must follow admission and not be in the future; a reason is required.
pub fn validate_discharge(
    child: &Child,
    date: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, String), String> {
    let d = crate::time::parse_date(date)?;
    if d > today {
        return Err("Discharge date is in the future.".into());
    }
    if d < child.admitted {
        return Err("Discharged before the child was admitted.".into());
    }
    let reason = crate::text::clean_line(reason, SHORT_MAX).trim().to_string();
    if reason.is_empty() {
        return Err("Give a reason for the discharge.".into());
    }
    Ok((d, reason))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    /// A complete child's form (Jordan Smith), for tests in any module.
    pub(crate) fn good() -> ChildInput {
        ChildInput {
            name: "Jordan Smith".into(),
            dob: "01/02/2011".into(),
            gender: "male".into(),
            ethnicity: "white_british".into(),
            legal_status: "s31".into(),
            admitted: "01/09/2025".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_child_passes() {
        let c = validate_child(&good(), today()).unwrap();
        assert_eq!(c.name, "Jordan Smith");
        assert_eq!(c.dob, NaiveDate::from_ymd_opt(2011, 2, 1).unwrap());
    }

    #[test]
    fn implausible_ages_and_dates_are_refused() {
        let mut i = good();
        i.dob = "01/01/2024".into();
        let e = validate_child(&i, today()).unwrap_err();
        assert!(e.iter().any(|(f, m)| *f == "dob" && m.contains("expected 8 to 25")));
        i.dob = "31/02/2011".into();
        assert!(
            validate_child(&i, today())
                .unwrap_err()
                .iter()
                .any(|(f, _)| *f == "dob")
        );
        i.dob = "01/01/2030".into();
        assert!(validate_child(&i, today()).unwrap_err()[0].1.contains("future"));
        let mut i = good();
        i.admitted = "01/01/2027".into();
        assert!(validate_child(&i, today()).unwrap_err()[0].1.contains("future"));
        let mut i = good();
        i.admitted = "01/01/2010".into();
        assert!(
            validate_child(&i, today()).unwrap_err()[0]
                .1
                .contains("before the child was born")
        );
        let mut i = good();
        i.name = "\x1b[2J  ".into();
        assert_eq!(validate_child(&i, today()).unwrap_err()[0].0, "name");
    }

    #[test]
    fn discharge_rules() {
        let v = validate_child(&good(), today()).unwrap();
        let child = Child {
            id: 1,
            uid: "c".into(),
            home_uid: "h".into(),
            name: v.name,
            preferred_name: String::new(),
            dob: v.dob,
            gender: v.gender,
            ethnicity: v.ethnicity,
            legal_status: v.legal_status,
            placing_authority: String::new(),
            social_worker: String::new(),
            social_worker_contact: String::new(),
            admitted: v.admitted,
            discharged: None,
            discharge_reason: String::new(),
            yos_open: false,
            yos_worker: String::new(),
            yos_ref: String::new(),
            what_helps: String::new(),
        };
        assert!(validate_discharge(&child, "01/01/2025", "moved", today()).is_err());
        assert!(validate_discharge(&child, "01/01/2027", "moved", today()).is_err());
        assert!(validate_discharge(&child, "01/11/2026", " ", today()).is_err());
        assert!(validate_discharge(&child, "01/11/2026", "Moved to foster care", today()).is_ok());
    }
}
