//! Property tests: generated protocols checked and walked.

use super::*;

/// Where a generated answer goes: Ok(next step index) or Err(recommended response).
type Target = Result<usize, Response>;

/// A generated protocol: for each step, its fact and its answers as (id, target).
#[derive(Debug, Clone)]
struct Gen {
    steps: Vec<GenStep>,
}

/// One generated step: its fact, and its answers as (id, target).
type GenStep = (Option<&'static str>, Vec<(String, Target)>);

fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        Just(Response::InHouse),
        Just(Response::Restorative),
        Just(Response::Police)
    ]
}

/// Random valid protocols: a DAG (answers only go to later steps), every step reachable (each step after the
/// first has a parent before it), every step with answers, the last step offering all three responses.
fn gen_protocol() -> impl Strategy<Value = Gen> {
    (1usize..9)
        .prop_flat_map(|n| {
            let parents = (1..n).map(|i| 0..i).collect::<Vec<_>>();
            let extras = (0..n)
                .map(move |i| {
                    proptest::collection::vec(
                        prop_oneof![response().prop_map(Err), (i + 1..n.max(i + 2)).prop_map(Ok)],
                        0..4,
                    )
                })
                .collect::<Vec<_>>();
            let facts = proptest::collection::vec(any::<bool>(), n);
            (Just(n), parents, extras, facts)
        })
        .prop_map(|(n, parents, extras, facts)| {
            let mut links: Vec<Vec<Target>> = vec![vec![]; n];
            for (i, p) in parents.into_iter().enumerate() {
                links[p].push(Ok(i + 1));
            }
            for (i, ex) in extras.into_iter().enumerate() {
                for e in ex {
                    // Out-of-range targets (from the last step) become recommendations.
                    links[i].push(match e {
                        Ok(j) if j < n => Ok(j),
                        Ok(_) => Err(Response::InHouse),
                        Err(r) => Err(r),
                    });
                }
            }
            links[n - 1].extend([
                Err(Response::InHouse),
                Err(Response::Restorative),
                Err(Response::Police),
            ]);
            for l in links.iter_mut() {
                if l.is_empty() {
                    l.push(Err(Response::Police));
                }
            }
            let steps = links
                .into_iter()
                .zip(facts)
                .map(|(l, fact)| {
                    let with_fact = fact && l.len() >= 2;
                    let answers = l
                        .into_iter()
                        .enumerate()
                        .map(|(k, target)| {
                            let id = match (with_fact, k) {
                                (true, 0) => "yes".to_string(),
                                (true, 1) => "no".to_string(),
                                _ => format!("a{k}"),
                            };
                            (id, target)
                        })
                        .collect();
                    (with_fact.then_some("weapon"), answers)
                })
                .collect();
            Gen { steps }
        })
}

fn to_toml(g: &Gen) -> String {
    let mut s = String::from("id = \"gen\"\nversion = \"1\"\ntitle = \"Generated\"\nstart = \"s0\"\n");
    for (i, (fact, answers)) in g.steps.iter().enumerate() {
        s.push_str(&format!(
            "\n[[step]]\nid = \"s{i}\"\nquestion = \"Question {i}?\"\nhelp = \"Help {i}\"\n"
        ));
        if let Some(f) = fact {
            s.push_str(&format!("fact = \"{f}\"\n"));
        }
        for (id, target) in answers {
            s.push_str(&format!("\n[[step.answer]]\nid = \"{id}\"\nlabel = \"Answer {id}\"\n"));
            match target {
                Ok(j) => s.push_str(&format!("next = \"s{j}\"\n")),
                Err(r) => s.push_str(&format!("recommend = \"{}\"\nreason = \"Because {id}\"\n", r.code())),
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn walk_always_ends_in_a_response_when_answered(
        g in gen_protocol(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 9),
        weapon in prop_oneof![Just(None), Just(Some("yes")), Just(Some("no")), Just(Some("other"))],
    ) {
        let text = to_toml(&g);
        let p = match parse(&text) {
            Ok(p) => p,
            Err(ps) => return Err(TestCaseError::fail(format!("generated protocol refused: {ps:?}\n{text}"))),
        };
        let answers: BTreeMap<String, String> = p
            .steps
            .iter()
            .zip(&picks)
            .map(|(s, k)| (s.id.clone(), s.answers[k.index(s.answers.len())].id.clone()))
            .collect();
        let facts: BTreeMap<String, String> =
            weapon.map(|w| ("weapon".to_string(), w.to_string())).into_iter().collect();
        let w = walk(&p, &facts, &answers);
        prop_assert!(w.outcome.is_some(), "no outcome: {w:?}");
        prop_assert!(w.pending.is_none());
        prop_assert!(!w.path.is_empty() && w.path.len() <= p.steps.len());
        prop_assert_eq!(&w.path[0].step_id, &p.start);
        // Each shown answer is the given one, or the fact's, and the path follows the links.
        for pair in w.path.windows(2) {
            let s = p.step(&pair[0].step_id).expect("on path");
            let a = s.answer(&pair[0].answer_id).expect("answer");
            prop_assert_eq!(a.next.as_deref(), Some(pair[1].step_id.as_str()));
        }
        for shown in &w.path {
            if shown.automatic {
                prop_assert_eq!(Some(shown.answer_id.as_str()), weapon);
            } else {
                prop_assert_eq!(Some(&shown.answer_id), answers.get(&shown.step_id));
            }
        }
    }

    #[test]
    fn walk_never_panics_on_any_answers(
        g in gen_protocol(),
        answers in proptest::collection::btree_map("s[0-9]|x", "a[0-3]|yes|no|zz", 0..10),
    ) {
        let p = parse(&to_toml(&g)).expect("generated protocols are valid");
        let w = walk(&p, &BTreeMap::new(), &answers);
        prop_assert!(w.outcome.is_some() != w.pending.is_some(), "exactly one of outcome and pending: {w:?}");
    }

    #[test]
    fn parse_never_panics_on_tomlish_text(text in "[a-z_\\[\\]=\"' \n.{},0-9#\\\\-]{0,300}") {
        let _ = parse(&text);
    }

    #[test]
    fn parse_never_panics_on_damaged_protocols(
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..20, "[\\[\\]=\"\n a-z0-9]{0,5}"), 1..4),
    ) {
        let mut text = DEFAULT_TOML.to_string();
        for (at, len, insert) in cuts {
            let start = at.index(text.len() + 1);
            let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, &insert);
        }
        match parse(&text) {
            Ok(p) => prop_assert_eq!(p.sha256.len(), 64),
            Err(ps) => prop_assert!(!ps.is_empty()),
        }
    }
}
