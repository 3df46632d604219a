//! The demo's people: children's names and stays, the staff of the other homes and the homes' names.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::*;

pub(super) const FIRST: [&str; 24] = [
    "Jordan", "Kai", "Tyler", "Mia", "Leah", "Callum", "Ellie", "Reece", "Amara", "Liam", "Chloe", "Tariq", "Jade",
    "Connor", "Zara", "Kyle", "Paige", "Dylan", "Aaliyah", "Mason", "Kayden", "Shannon", "Jayden", "Summer",
];
pub(super) const LAST: [&str; 20] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "Okafor", "Hughes", "Green", "Hussain", "Clarke", "Campbell",
];
/// The other homes' staff: adults' names, none of them a child's first or last name above.
pub(super) const STAFF_FIRST: [&str; 13] = [
    "Helen", "Gary", "Donna", "Steve", "Janet", "Neil", "Karen", "Mark", "Beverley", "Paul", "Tracey", "Ian", "Denise",
];
pub(super) const STAFF_LAST: [&str; 11] = [
    "Marsh",
    "Fletcher",
    "Booth",
    "Kershaw",
    "Lowe",
    "Ashworth",
    "Holt",
    "Pickering",
    "Barlow",
    "Whitehead",
    "Ogden",
];
pub(super) const AUTHORITIES: [&str; 6] = [
    "Manchester City Council",
    "Lancashire County Council",
    "Birmingham City Council",
    "Leeds City Council",
    "Kent County Council",
    "Liverpool City Council",
];
pub(super) const WORKERS: [&str; 8] = [
    "Ruth Adams",
    "Imran Shah",
    "Claire Boyd",
    "Dan Price",
    "Nia Lewis",
    "Owen Hart",
    "Grace Obi",
    "Tom Reid",
];

impl Gen {
    /// A child admitted on `admitted` who leaves on `left` (the demo's end if still placed): aged 10 to 17
    /// throughout the stay (the stay is at most [`MAX_STAY_DAYS`] long, see [`Gen::plan_children`]).
    pub(super) fn child_input(
        &mut self,
        i: usize,
        admitted: DateTime<Utc>,
        left: DateTime<Utc>,
    ) -> (ChildInput, String, bool) {
        let r = &mut self.rng;
        let first = pick(r, &FIRST).to_string();
        let name = format!("{first} {}", pick(r, &LAST));
        let adm = crate::time::local_date(admitted);
        let leave = crate::time::local_date(left);
        // 10 or older on admission, 17 at most on leaving (or at the demo's end).
        let years = |d: chrono::NaiveDate, y: u32| d.checked_sub_months(chrono::Months::new(12 * y)).unwrap_or(d);
        let latest = years(adm, 10);
        let earliest = (years(leave, 18) + Duration::days(1)).min(latest);
        let dob = earliest + Duration::days(r.random_range(0..=(latest - earliest).num_days()));
        let gender = [Gender::Male, Gender::Female, Gender::NonBinary, Gender::NotStated][weighted(r, &[55, 42, 2, 1])];
        use Ethnicity as E;
        let eth = [
            E::WhiteBritish,
            E::WhiteOther,
            E::MixedWhiteBlackCaribbean,
            E::MixedOther,
            E::BlackAfrican,
            E::BlackCaribbean,
            E::AsianPakistani,
            E::AsianBangladeshi,
            E::AsianOther,
            E::WhiteGypsyTraveller,
            E::NotStated,
        ][weighted(r, &[66, 4, 7, 4, 5, 4, 3, 2, 2, 1, 2])];
        use LegalStatus as L;
        let legal = [L::S31, L::S20, L::S38, L::Remand, L::Other][weighted(r, &[60, 28, 6, 3, 3])];
        let yos_open = r.random_bool(0.25);
        let input = ChildInput {
            name,
            preferred_name: if r.random_bool(0.2) {
                first.chars().take(3).collect()
            } else {
                String::new()
            },
            dob: dob.format("%Y-%m-%d").to_string(),
            gender: gender.code().into(),
            ethnicity: eth.code().into(),
            legal_status: legal.code().into(),
            placing_authority: pick(r, &AUTHORITIES).to_string(),
            social_worker: pick(r, &WORKERS).to_string(),
            social_worker_contact: format!("0161 496 0{:03}", i % 1000),
            admitted: adm.format("%Y-%m-%d").to_string(),
            yos_open,
            yos_worker: if yos_open {
                pick(r, &WORKERS).to_string()
            } else {
                String::new()
            },
            yos_ref: if yos_open {
                format!("YOS/{:05}", 10_000 + i)
            } else {
                String::new()
            },
            what_helps: "Time on their own to calm down; music; a trusted adult to talk to.".into(),
        };
        (input, first, yos_open)
    }

    /// Children placed in slots (beds): each bed's ten years are shared by the children given to it.
    pub(super) fn plan_children(&mut self, home: usize, n: u32, start: i64, stop: i64) {
        let beds = (n as usize).min(5);
        let base = self.children.len();
        for i in 0..n as usize {
            let bed = i % beds;
            let per_bed = (n as usize - bed).div_ceil(beds);
            let j = i / beds;
            let len = (stop - start) / per_bed as i64;
            let from = start + j as i64 * len + if j == 0 { 0 } else { self.rng.random_range(0..86_400) };
            let last = j + 1 == per_bed;
            let to = (!last)
                .then(|| (start + (j as i64 + 1) * len - self.rng.random_range(86_400..4 * 86_400)).max(from + 86_400));
            // A child is 10 to 17 throughout their stay: a stay longer than that starts later.
            let from = from.max(to.unwrap_or(stop) - MAX_STAY_DAYS * 86_400);
            let admitted = at(from - from % 86_400 + 10 * 3600);
            let discharged = to.map(|t| at(t - t % 86_400 + 15 * 3600));
            let left = discharged.unwrap_or_else(end);
            let (input, first, yos_open) = self.child_input(base + i, admitted, left);
            let uid = uid(&mut self.rng);
            self.children.push(DemoChild {
                home,
                uid,
                first,
                yos_open,
                admitted,
                discharged,
            });
            self.inputs.push(input);
            self.at_event(secs(admitted), Event::Admit(base + i));
            if let Some(d) = discharged {
                self.at_event(secs(d), Event::Discharge(base + i));
            }
        }
        self.child_id = vec![0; self.children.len()];
    }
}

/// The names of the other homes (a YOS area's homes), numbered after the first dozen.
pub(super) const OTHER_HOMES: [&str; 12] = [
    "Ash", "Beech", "Birch", "Cedar", "Elm", "Hazel", "Holly", "Larch", "Maple", "Rowan", "Willow", "Yew",
];

/// Other home `h`'s name (h from 1): a tree's name, numbered after the first dozen.
pub(super) fn other_home_name(h: usize) -> String {
    let tree = OTHER_HOMES[(h - 1) % OTHER_HOMES.len()];
    match (h - 1) / OTHER_HOMES.len() {
        0 => format!("{tree} House"),
        round => format!("{tree} House {}", round + 1),
    }
}

/// Other home `h`'s Ofsted URN: SC and six digits, never this home's (SC123456).
pub(super) fn other_home_urn(h: usize) -> String {
    format!("SC{:06}", 200_000 + h)
}

/// The name of the `k`th member of staff of other home `h`: never a child's name (nor a look-alike).
pub(super) fn other_staff_name(h: usize, k: usize) -> String {
    format!(
        "{} {}",
        STAFF_FIRST[(h * 5 + k) % STAFF_FIRST.len()],
        STAFF_LAST[(h * 3 + k) % STAFF_LAST.len()]
    )
}
