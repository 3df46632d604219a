//! Realistic demonstration data, deterministic for a seed.
//!
//! One home over ten years ending at [`END`] (a fixed date, not "now", so the same seed gives the same
//! records): a registered manager, a shift leader and three residential support workers; children admitted and
//! discharged so that about five live in the home at any time; incidents across every category with the
//! responses a home following its Concordat would make (mostly in-house, some restorative, fewer police),
//! police outcomes, restorative meetings, missing episodes, regulation 35 records, notifications, the
//! manager's review, and a handover acknowledged at every change of shift.
//!
//! Everything goes through the store's own code ([`Store::setup`], [`Store::add_staff`] and the batch writer
//! in `store::bulk`, which does what `add_child`, `save_incident`, `add_entry` and the handover methods do, audited), so
//! the result passes `concordat verify`. The text, times and identifiers of children, incidents and entries
//! come from the seed; the home's identifier, its pseudonym secret and the passphrase salts are random, as
//! they must be.

mod history;
mod people;
mod story;
#[cfg(test)]
mod tests;

use people::{other_home_name, other_home_urn, other_staff_name};

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::*;
use crate::store::bulk::Bulk;
use crate::store::staff::Setup;
use crate::store::{Actor, Store};

/// The last moment of the demo history (UTC). The history starts [`YEARS`] years before.
pub fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 6, 30, 0).unwrap()
}
pub const YEARS: i64 = 10;
/// The passphrase of every demo account (demo data only).
pub const PASSPHRASE: &str = "demo passphrase";
/// The demo accounts: (name, role). The first is the home's registered manager.
pub const STAFF: [(&str, Role); 5] = [
    ("Pat Manager", Role::Manager),
    ("Alex Senior", Role::Senior),
    ("Sam Night", Role::Staff),
    ("Jo Day", Role::Staff),
    ("Chris Relief", Role::Staff),
];
/// The longest stay: seven years, so that a child 10 on admission is 17 on leaving.
const MAX_STAY_DAYS: i64 = 7 * 365;
/// Writes per transaction while loading.
const BATCH: usize = 5_000;

/// What was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    /// Homes: this PC's and the others whose files it holds.
    pub homes: u32,
    pub staff: usize,
    pub children: u32,
    pub children_placed: u32,
    pub incidents: u32,
    pub in_house: u32,
    pub restorative: u32,
    pub police: u32,
    pub entries: u64,
    pub handovers: u32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl DemoSummary {
    pub fn line(&self) -> String {
        let homes = if self.homes > 1 {
            format!("{} homes (this one and {} imported), ", self.homes, self.homes - 1)
        } else {
            String::new()
        };
        format!(
            "{homes}{} children ({} placed now), {} staff, {} incidents ({} in-house, {} restorative, {} police), \
             {} later entries, {} handovers, {} to {}. Sign in as {} with the passphrase \"{}\".",
            self.children,
            self.children_placed,
            self.staff,
            self.incidents,
            self.in_house,
            self.restorative,
            self.police,
            self.entries,
            self.handovers,
            crate::time::local_date(self.from).format("%d/%m/%Y"),
            crate::time::local_date(self.to).format("%d/%m/%Y"),
            STAFF[0].0,
            PASSPHRASE
        )
    }
}

/// A child as the generator knows them.
struct DemoChild {
    /// Index into `Gen::homes` (0: this PC's home).
    home: usize,
    uid: String,
    first: String,
    yos_open: bool,
    admitted: DateTime<Utc>,
    discharged: Option<DateTime<Utc>>,
}

/// An incident as planned: its time, the child (index into `Gen::children`) and its number within its home.
type Planned = (i64, u32, u32);

/// Something that happens at a time. Kept small: an incident's record is made when its time comes.
enum Event {
    Admit(usize),
    Discharge(usize),
    Incident(usize),
    Entry {
        staff: usize,
        incident: usize,
        change: Box<Change>,
    },
    Note(usize),
    Handover {
        staff: usize,
        covers_from: DateTime<Utc>,
    },
}

/// A home in the demo. The first is this PC's home; the others are homes whose files a YOS imported: their
/// staff have no account here (no staff id), as with a real import.
struct DemoHome {
    uid: String,
    actors: Vec<Actor>,
}

struct Gen {
    /// The random numbers of the home being worked on (swapped in from `home_rngs` by [`Gen::as_home`]).
    rng: StdRng,
    /// Each home's own random numbers: this home's records are the same whatever other homes are added, so a
    /// benchmark at 1,000,000 incidents has exactly the 1,000-incident home's week and handover in it.
    home_rngs: Vec<StdRng>,
    homes: Vec<DemoHome>,
    children: Vec<DemoChild>,
    inputs: Vec<ChildInput>,
    /// Incident index -> child index (incidents are numbered in time order).
    incident_child: Vec<u32>,
    incident_time: Vec<i64>,
    /// Incident index -> its number within its home, in time order.
    incident_home_no: Vec<u32>,
    /// Incident index -> row id, once saved.
    incident_id: Vec<i64>,
    child_id: Vec<i64>,
    agenda: BTreeMap<(i64, u64), Event>,
    seq: u64,
    sum: DemoSummary,
}

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// Index into `weights`, chosen in proportion.
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn uid(rng: &mut StdRng) -> String {
    let b: [u8; 16] = rng.random();
    hex::encode(b)
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn at(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).single().unwrap_or_default()
}

impl Gen {
    /// Run `f` with home `h`'s random numbers.
    fn as_home<T>(&mut self, h: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        std::mem::swap(&mut self.rng, &mut self.home_rngs[h]);
        let out = f(self);
        std::mem::swap(&mut self.rng, &mut self.home_rngs[h]);
        out
    }

    fn at_event(&mut self, t: i64, e: Event) {
        self.seq += 1;
        self.agenda.insert((t, self.seq), e);
    }
}

/// Fill a new database with `children` children and `incidents` incidents over ten years, the same for a seed.
/// The store must not be set up yet. While loading, `synchronous` is OFF (one fsync at the end instead of one
/// per batch); it is set back to FULL before returning, whatever happens.
pub fn generate(store: &mut Store, children: u32, incidents: u32, seed: u64) -> anyhow::Result<DemoSummary> {
    generate_homes(store, 1, children, incidents, seed)
}

/// As [`generate`], with the children and incidents shared evenly between `homes` homes over the same ten
/// years: this PC's home (with the staff accounts and the handovers) and `homes - 1` others, recorded as a
/// YOS's imports of their files would be. A YOS that combines many homes holds a large history while each
/// home's week stays the size of one home's week, which is what the growth benchmarks need.
pub fn generate_homes(
    store: &mut Store,
    homes: u32,
    children: u32,
    incidents: u32,
    seed: u64,
) -> anyhow::Result<DemoSummary> {
    generate_homes_as(
        store,
        crate::store::settings::Role::Home,
        homes,
        children,
        incidents,
        seed,
    )
}

/// [`generate_homes`], the database set up as `role`: a YOS's (for the sync benchmark) holds the same
/// history, its own row named as the service.
pub fn generate_homes_as(
    store: &mut Store,
    role: crate::store::settings::Role,
    homes: u32,
    children: u32,
    incidents: u32,
    seed: u64,
) -> anyhow::Result<DemoSummary> {
    if store.is_set_up()? {
        anyhow::bail!("This database already holds a home's records: demo data is only written into a new one.");
    }
    let homes = homes.max(1);
    let children = children.max(homes);
    let stop = secs(end());
    let start = stop - YEARS * 36_525 * 864; // YEARS * 365.25 days
    store.set_clock(Some(at(start - 86_400)));
    let yos = role == crate::store::settings::Role::Yos;
    let (mgr, _) = store.setup_as(
        &Setup {
            home_name: if yos { "Northshire YOS" } else { "Oak House" },
            ofsted_urn: if yos { "" } else { "SC123456" },
            manager_name: STAFF[0].0,
            passphrase: PASSPHRASE,
        },
        role,
        false,
    )?;
    // Every write is signed: each member of staff's key is unlocked by the demo passphrase.
    let mgr_actor = mgr.actor.clone();
    let mut actors = vec![mgr_actor.clone()];
    for (name, role) in &STAFF[1..] {
        let s = store.add_staff(&mgr_actor, name, *role, PASSPHRASE)?;
        actors.push(store.signer_for(s.id, PASSPHRASE)?);
    }
    let own_uid = store.home()?.map(|h| h.uid).unwrap_or_default();
    let mut demo_homes = vec![DemoHome { uid: own_uid, actors }];
    let mut others = Vec::new();
    for h in 1..homes as usize {
        let name = other_home_name(h);
        // Their staff have no account here; their names are kept on what they recorded, as an import keeps them,
        // and the manager who imported the files signs for them.
        let actors = STAFF
            .iter()
            .enumerate()
            .map(|(k, (_, role))| Actor {
                staff_id: None,
                name: other_staff_name(h, k),
                role: *role,
                signer: mgr_actor.signer.clone(),
            })
            .collect();
        let uid = format!("demo-home-{h:05}");
        others.push((uid.clone(), name, other_home_urn(h)));
        demo_homes.push(DemoHome { uid, actors });
    }
    // This home's random numbers are the seed's, as when it was the only home; each other home's are its own.
    let home_rngs = (0..homes as u64)
        .map(|h| StdRng::seed_from_u64(seed ^ h.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
        .collect();
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        home_rngs,
        homes: demo_homes,
        children: Vec::new(),
        inputs: Vec::new(),
        incident_child: Vec::new(),
        incident_time: Vec::new(),
        incident_home_no: Vec::new(),
        incident_id: Vec::new(),
        child_id: Vec::new(),
        agenda: BTreeMap::new(),
        seq: 0,
        sum: DemoSummary {
            homes,
            staff: STAFF.len(),
            children,
            from: at(start),
            to: at(stop),
            ..Default::default()
        },
    };
    // Each home's share, the first homes taking what does not divide evenly.
    let share = |total: u32, h: u32| total / homes + u32::from(h < total % homes);
    let mut kids = Vec::new();
    for h in 0..homes {
        let from = g.children.len();
        g.as_home(h as usize, |g| {
            g.plan_children(h as usize, share(children, h), start, stop)
        });
        kids.push(from..g.children.len());
    }
    let mut planned = Vec::with_capacity(incidents as usize);
    for h in 0..homes {
        let k = kids[h as usize].clone();
        g.as_home(h as usize, |g| {
            g.plan_incidents(k, share(incidents, h), start + 86_400, stop - 3600, &mut planned)
        });
    }
    g.schedule_incidents(planned);
    g.as_home(0, |g| g.plan_handovers(start, stop));
    g.sum.children_placed = g.children.iter().filter(|c| c.discharged.is_none()).count() as u32;
    // A large history inserts into indexes keyed by random uids: a bigger page cache while loading keeps those
    // pages in memory instead of re-reading them for every batch. Put back afterwards.
    let fast = store.begin_fast_load()?;
    let result = (|| -> anyhow::Result<()> {
        if !others.is_empty() {
            let mut by = Actor::system("demo: other homes' files");
            by.signer = mgr_actor.signer.clone();
            store.bulk(|b| {
                for (uid, name, urn) in &others {
                    b.add_other_home(&by, at(start), uid, name, urn)?;
                }
                Ok(())
            })?;
        }
        let total = g.agenda.len() as u64;
        while let Some((&(t, _), _)) = g.agenda.first_key_value() {
            if t > stop {
                break;
            }
            crate::progress::report("making the records", total - g.agenda.len() as u64, total);
            store.bulk(|b| {
                for _ in 0..BATCH {
                    match g.agenda.first_key_value() {
                        Some((&(t, _), _)) if t <= stop => {}
                        _ => break,
                    }
                    let ((t, _), e) = g.agenda.pop_first().expect("checked");
                    g.run(b, t, e)?;
                }
                Ok(())
            })?;
        }
        crate::progress::report("making the records", total, total);
        Ok(())
    })();
    let restored = store.end_fast_load(fast);
    store.set_clock(None);
    result?;
    restored?;
    store.checkpoint()?;
    Ok(g.sum)
}
