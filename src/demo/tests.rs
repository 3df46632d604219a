use super::people::*;
use super::*;
use crate::domain::staff::look_alike_key;
use chrono::Duration;

fn small(seed: u64) -> (Store, DemoSummary) {
    let mut s = Store::open_in_memory().unwrap();
    let sum = generate(&mut s, 12, 300, seed).unwrap();
    (s, sum)
}

#[test]
fn small_demo_is_sound_realistic_and_deterministic() {
    let (s, sum) = small(7);
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
    assert_eq!(s.incident_count().unwrap(), 300);
    assert_eq!(sum.incidents, 300);
    assert_eq!(sum.in_house + sum.restorative + sum.police, 300);
    assert!(
        sum.in_house > sum.restorative && sum.restorative > 0 && sum.police > 0,
        "{sum:?}"
    );
    assert!(sum.in_house > sum.police, "{sum:?}");
    assert_eq!(s.list_children(true).unwrap().len(), 12);
    let placed = s.list_children(false).unwrap().len();
    assert!((1..=5).contains(&placed), "{placed} placed now");
    assert!(s.last_handover().unwrap().is_some());
    // Old incidents are finished; only recent ones still have something to do.
    let open = s.open_incidents(1000).unwrap();
    assert!(!open.is_empty() && open.len() < 30, "{} open", open.len());
    assert!(open.iter().all(|(r, _, _)| r.occurred_at > end() - Duration::days(60)));
    // Every category and every police outcome kind that matters appears.
    let cats: String = s.all_categories();
    for c in Category::ALL {
        assert!(cats.contains(c.code()), "{c:?} missing");
    }
    // The same seed gives the same records.
    let (s2, sum2) = small(7);
    assert_eq!(sum, sum2);
    let a = s.incidents_fingerprint();
    let b = s2.incidents_fingerprint();
    let strip = |x: &str, st: &Store| x.replace(&st.home().unwrap().unwrap().uid, "");
    assert_eq!(strip(&a, &s), strip(&b, &s2));
    let (s3, _) = small(8);
    let c = s3.incidents_fingerprint();
    assert_ne!(strip(&a, &s), strip(&c, &s3));
    let sync = s.synchronous();
    assert_eq!(sync, 2, "synchronous is FULL again after loading");
}

#[test]
fn other_homes_come_in_as_a_yos_import_would_and_stay_out_of_this_homes_handover() {
    let mut s = Store::open_in_memory().unwrap();
    let sum = generate_homes(&mut s, 3, 30, 600, 5).unwrap();
    assert_eq!(sum.homes, 3);
    assert!(
        sum.line().starts_with("3 homes (this one and 2 imported), "),
        "{}",
        sum.line()
    );
    let rep = s.verify().unwrap();
    assert!(rep.is_sound(), "{:?}", rep.problems);
    let own = s.home().unwrap().unwrap().uid;
    let per_home: Vec<(String, i64, i64)> = s.incidents_per_home();
    // Each home has its share, and its incidents are about its own children.
    assert_eq!(per_home.len(), 3, "{per_home:?}");
    assert!(per_home.iter().all(|h| h.1 == 200), "{per_home:?}");
    for (uid, n, no_account) in &per_home {
        if *uid == own {
            assert_eq!(*no_account, 0, "this home's staff have accounts");
        } else {
            assert_eq!(no_account, n, "other homes' staff have no account here");
        }
    }
    assert_eq!(s.other_homes_named().len(), 2);
    // Only this home's children are on its register, and its handover lists only its own incidents.
    assert_eq!(s.list_children(true).unwrap().len(), 10);
    let open = s.open_incidents(1000).unwrap();
    assert!(!open.is_empty());
    let home_of = |id: i64| -> String { s.incident_home(id) };
    assert!(open.iter().all(|(r, _, _)| home_of(r.id) == own));
    // This home's records do not depend on the other homes: the same as when it is the only one (what lets
    // the benchmarks compare this home's handover and week at 1,000 and at 1,000,000 incidents).
    let mut alone = Store::open_in_memory().unwrap();
    generate_homes(&mut alone, 1, 10, 200, 5).unwrap();
    let own_records = |st: &Store| st.own_records();
    let mine = own_records(&s);
    assert_eq!(mine.len(), 200);
    assert_eq!(mine, own_records(&alone));
}

/// Every child's (dob, admitted, left) as stored: left is the discharge date or the demo's end.
fn stays(s: &Store) -> Vec<(String, chrono::NaiveDate, chrono::NaiveDate, chrono::NaiveDate)> {
    let day = |t: &str| chrono::NaiveDate::parse_from_str(&t[..10], "%Y-%m-%d").unwrap();
    s.child_stays()
        .into_iter()
        .map(|r| {
            let (n, dob, adm, dis) = r;
            let left = dis.map(|d| day(&d)).unwrap_or(crate::time::local_date(end()));
            (n, day(&dob), day(&adm), left)
        })
        .collect()
}

#[test]
fn every_child_is_10_to_17_throughout_their_stay() {
    for seed in 1..=5 {
        for (homes, children, incidents) in [(1, 3, 20), (1, 12, 50), (1, 40, 60), (3, 9, 30)] {
            let mut s = Store::open_in_memory().unwrap();
            generate_homes(&mut s, homes, children, incidents, seed).unwrap();
            let all = stays(&s);
            assert_eq!(all.len(), children as usize);
            for (name, dob, adm, left) in all {
                let (a, b) = (crate::time::age_on(dob, adm), crate::time::age_on(dob, left));
                assert!(
                    (10..=17).contains(&a) && (10..=17).contains(&b),
                    "seed {seed}, {children} children: {name} born {dob}, {a} on {adm}, {b} on {left}"
                );
            }
        }
    }
}

#[test]
fn homes_have_distinct_names_and_urns_at_200_homes() {
    let mut s = Store::open_in_memory().unwrap();
    generate_homes(&mut s, 200, 200, 200, 1).unwrap();
    let mut names = std::collections::HashSet::new();
    let mut urns = std::collections::HashSet::new();
    let home = s.home().unwrap().map(|h| (h.name, h.ofsted_urn)).unwrap();
    let others: Vec<(String, String)> = s.other_homes_named();
    assert_eq!(others.len(), 199);
    for (name, urn) in std::iter::once(home).chain(others) {
        assert!(names.insert(look_alike_key(&name)), "name twice: {name}");
        assert!(urns.insert(urn.clone()), "URN twice: {urn}");
        assert!(
            urn.len() == 8 && urn.starts_with("SC") && urn[2..].bytes().all(|b| b.is_ascii_digit()),
            "{urn}"
        );
    }
    // And at 10,000 homes, the names and URNs the generator would give them.
    let urns: std::collections::HashSet<_> = (1..10_000).map(other_home_urn).collect();
    let names: std::collections::HashSet<_> = (1..10_000).map(|h| look_alike_key(&other_home_name(h))).collect();
    assert_eq!((urns.len(), names.len()), (9_999, 9_999));
    assert!(!urns.contains("SC123456") && !names.contains(&look_alike_key("Oak House")));
}

#[test]
fn no_staff_name_looks_like_a_child_name() {
    let mut s = Store::open_in_memory().unwrap();
    generate_homes(&mut s, 30, 300, 100, 3).unwrap();
    let children: std::collections::HashSet<String> = stays(&s).into_iter().map(|(n, ..)| look_alike_key(&n)).collect();
    // Every name a child could have, too.
    let possible: std::collections::HashSet<String> = FIRST
        .iter()
        .flat_map(|f| LAST.iter().map(move |l| look_alike_key(&format!("{f} {l}"))))
        .collect();
    let staff = STAFF
        .iter()
        .map(|(n, _)| n.to_string())
        .chain((1..10_000).flat_map(|h| (0..STAFF.len()).map(move |k| other_staff_name(h, k))));
    for name in staff {
        let key = look_alike_key(&name);
        assert!(!children.contains(&key) && !possible.contains(&key), "{name}");
    }
    for (h, n) in [(1, 0), (7, 4), (9_999, 2)] {
        let names: std::collections::HashSet<_> = (0..STAFF.len())
            .map(|k| look_alike_key(&other_staff_name(h, k)))
            .collect();
        assert_eq!(names.len(), STAFF.len(), "home {h} ({n})");
    }
}

#[test]
fn a_small_generated_database_verifies_sound_and_is_the_same_for_a_seed() {
    let run = |seed| {
        let mut s = Store::open_in_memory().unwrap();
        generate_homes(&mut s, 3, 9, 60, seed).unwrap();
        let rep = s.verify().unwrap();
        assert!(rep.is_sound(), "{:?}", rep.problems);
        stays(&s)
    };
    assert_eq!(run(2), run(2));
}

/// The records a seed makes are pinned: splitting or tidying the generator must not change one byte of them
/// (the children, the incidents and every later entry; the home's identifier, which is random, left out).
#[test]
fn the_records_of_a_seed_are_pinned() {
    let (s, _) = small(7);
    let own = s.home().unwrap().unwrap().uid;
    let text = format!(
        "{}\n{:?}\n{:?}",
        s.incidents_fingerprint(),
        s.own_records(),
        s.child_stays()
    )
    .replace(&own, "HOME");
    assert_eq!(
        crate::hash::sha256_hex(text.as_bytes()),
        "36a424c94d1904af7bcf7129d28da513f3fd3f7a045b187a70b45cc0ace1648d"
    );
}
