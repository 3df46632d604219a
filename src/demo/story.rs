//! Incidents and their stories: what staff record at the time, and what is added later.

use chrono::Duration;
use rand::Rng;

use super::*;

const LOCATIONS: [&str; 8] = [
    "Kitchen",
    "Lounge",
    "Hallway",
    "Bedroom",
    "Garden",
    "Office",
    "Dining room",
    "Outside the home",
];

impl Gen {
    pub(super) fn staff_member(&mut self) -> usize {
        // Support workers record most incidents; the shift leader some; the manager few.
        [2, 3, 4, 1, 0][weighted(&mut self.rng, &[30, 30, 15, 20, 5])]
    }

    pub(super) fn later(&mut self, t: i64, min_h: i64, max_h: i64) -> i64 {
        t + self.rng.random_range(min_h * 3600..max_h * 3600)
    }

    /// The record staff save for incident `i`, and what is added later (scheduled on the agenda).
    pub(super) fn incident(&mut self, i: usize) -> (usize, IncidentRecord) {
        // Its number within its home: what is made from it must not depend on other homes.
        let k = self.incident_home_no[i] as usize;
        let t = self.incident_time[i];
        let occurred = at(t);
        let c = self.incident_child[i] as usize;
        let (child_uid, name, yos_open) = {
            let ch = &self.children[c];
            (ch.uid.clone(), ch.first.clone(), ch.yos_open)
        };
        let recorder = self.staff_member();
        let recorder_name = self.homes[self.children[c].home].actors[recorder].name.clone();
        let r = &mut self.rng;
        use Category as C;
        let cats = [
            C::Violence,
            C::CriminalDamage,
            C::Threats,
            C::Theft,
            C::PublicOrder,
            C::Drugs,
            C::Weapon,
            C::SexualBehaviour,
            C::MissingOrAbsent,
            C::Other,
        ];
        let main = cats[weighted(r, &[22, 25, 12, 8, 6, 5, 2, 2, 13, 5])];
        let mut categories = vec![main];
        if matches!(main, C::Violence | C::CriminalDamage) && r.random_bool(0.2) {
            categories.push(if main == C::Violence {
                C::Threats
            } else {
                C::PublicOrder
            });
        }
        categories.sort();
        let danger = matches!(main, C::Weapon | C::Violence) && r.random_bool(0.08);
        let location = pick(r, &LOCATIONS).to_string();
        let (account, damage) = match main {
            C::Violence => (
                format!(
                    "{name} became upset after a phone call and pushed a member of staff in the {}.",
                    location.to_lowercase()
                ),
                None,
            ),
            C::CriminalDamage => (
                format!("{name} kicked a door and broke the handle after being asked to come off the games console."),
                Some(r.random_range(20..400)),
            ),
            C::Threats => (
                format!("{name} shouted threats at another young person during tea."),
                None,
            ),
            C::Theft => (
                format!(
                    "{name} took £{} from a staff member's bag in the office.",
                    r.random_range(5..60)
                ),
                None,
            ),
            C::PublicOrder => (
                format!("{name} was shouting and swearing at neighbours outside the home."),
                None,
            ),
            C::Drugs => (
                format!("Staff found a small amount of cannabis in {name}'s coat."),
                None,
            ),
            C::Weapon => (
                format!("{name} was found with a kitchen knife in their bedroom and handed it over."),
                None,
            ),
            C::SexualBehaviour => (
                format!("{name} made sexualised comments to another young person."),
                None,
            ),
            C::MissingOrAbsent => (format!("{name} did not return at the agreed time of 9pm."), None),
            C::Other => (
                format!("{name} refused to go to school and locked themselves in the bathroom."),
                None,
            ),
        };
        // The response a home following the protocol makes.
        let missing_kind = (main == C::MissingOrAbsent).then(|| {
            if r.random_bool(0.45) {
                MissingKind::Missing
            } else {
                MissingKind::Absent
            }
        });
        let serious = danger || main == C::Weapon || (main == C::Violence && r.random_bool(0.1));
        let response = if danger {
            Response::Police
        } else if let Some(k) = missing_kind {
            if k == MissingKind::Missing {
                Response::Police
            } else {
                Response::InHouse
            }
        } else if serious {
            [Response::Police, Response::Restorative][weighted(r, &[60, 40])]
        } else {
            [Response::InHouse, Response::Restorative, Response::Police][weighted(r, &[72, 22, 6])]
        };
        // Sometimes a victim reports themselves, stronger than the protocol suggests: the rationale says why.
        let recommended = if response == Response::Police && !serious && missing_kind.is_none() {
            Response::InHouse
        } else {
            response
        };
        let rationale = if recommended != response {
            "The member of staff assaulted wished to report it to the police, as is their right.".to_string()
        } else {
            String::new()
        };
        let police_ref = format!("CAD{}-{:06}", occurred.format("%y%m%d"), k % 1_000_000);
        let police = (response == Response::Police).then(|| Police {
            route: if danger {
                PoliceRoute::Emergency999
            } else {
                PoliceRoute::NonEmergency101
            },
            reason: match missing_kind {
                Some(MissingKind::Missing) => CallReason::Missing,
                Some(MissingKind::Absent) => CallReason::Absent,
                None => CallReason::Behaviour,
            },
            called_at: Some(occurred + Duration::minutes(10)),
            reference: police_ref.clone(),
            officer: format!("PC {}", 1000 + (k % 8000)),
            attended: Some(danger || r.random_bool(0.5)),
            arrest: danger && r.random_bool(0.3),
            appropriate_adult: String::new(),
            diversion_asked: if danger {
                DiversionAsked::None
            } else {
                DiversionAsked::Outcome22
            },
            outcome: PoliceOutcome::NotYetKnown,
            court: None,
            outcome_at: None,
        });
        let restorative = (response == Response::Restorative).then(|| Restorative {
            kind: [
                RestorativeKind::Conversation,
                RestorativeKind::Meeting,
                RestorativeKind::Reparation,
                RestorativeKind::Apology,
                RestorativeKind::Mediation,
            ][weighted(r, &[40, 25, 15, 15, 5])],
            facilitator: "Alex Senior".into(),
            participants: format!("{name} and the person harmed"),
            victim_consent: Some(true),
            planned_for: Some(at(t + r.random_range(1..7) * 86_400)),
            agreed: String::new(),
            held: None,
            outcome: String::new(),
        });
        let in_house = (response == Response::InHouse).then(|| InHouse {
            what_was_done: "Talked it through once calm; agreed what to do next time.".into(),
            consequence: if r.random_bool(0.5) {
                "Later bedtime lost for one night.".into()
            } else {
                String::new()
            },
            reparation: if damage.is_some() {
                "Helped to repair the door.".into()
            } else {
                String::new()
            },
            follow_up: String::new(),
        });
        let missing = missing_kind.map(|k| Missing {
            kind: k,
            left_at: Some(occurred),
            reported_to_police: k == MissingKind::Missing,
            police_reference: if k == MissingKind::Missing {
                police_ref.clone()
            } else {
                String::new()
            },
            reported_at: (k == MissingKind::Missing).then(|| at(t + 1800)),
            not_reported_why: if k == MissingKind::Missing {
                String::new()
            } else {
                "Whereabouts known: at a friend's house.".into()
            },
            returned_at: Some(at(t + r.random_range(2..30) * 3600)),
            return_interview_offered: Some(true),
        });
        let restraint = main == C::Violence && r.random_bool(0.15);
        let reg35 = restraint.then(|| Reg35 {
            measure: "Two-person standing hold".into(),
            duration_minutes: Some(r.random_range(1..6)),
            used_by: recorder_name.clone(),
            others_present: "Alex Senior".into(),
            avoid_tried: "Space, calm voice, offered a walk.".into(),
            effectiveness: "Calmed within minutes; no further restraint.".into(),
            consequences: "None.".into(),
            injuries: "None.".into(),
            treatment: String::new(),
        });
        let mut notifications = vec![Notification {
            who: NotifyWho::ManagerOnCall,
            at: at(t + 1200),
            note: String::new(),
        }];
        let sw_at = t + r.random_range(2..20) * 3600;
        if sw_at < t + 3600 * 18 {
            notifications.push(Notification {
                who: NotifyWho::SocialWorker,
                at: at(sw_at.min(t + 3000)),
                note: "Emailed the social worker.".into(),
            });
        }
        if yos_open {
            notifications.push(Notification {
                who: NotifyWho::YosWorker,
                at: at(t + 3000),
                note: String::new(),
            });
        }
        let child_view_now = r.random_bool(0.6);
        let rec = IncidentRecord {
            uid: uid(r),
            home_uid: String::new(),
            child_uid,
            occurred_at: occurred,
            location,
            immediate_danger: danger,
            categories,
            account,
            injuries: if main == C::Violence {
                "Red mark on staff member's arm; no treatment.".into()
            } else {
                String::new()
            },
            medical_treatment: String::new(),
            damage_cost: damage,
            involved: if main == C::Violence {
                vec![Involved {
                    kind: PersonKind::Staff,
                    name: "Jo Day".into(),
                    role: InvolvedAs::Victim,
                    reports_to_police: false,
                }]
            } else {
                vec![]
            },
            deescalation: vec![Deescalation::SpaceAndTime, Deescalation::TrustedAdult],
            deescalation_notes: "Offered space and a trusted adult.".into(),
            protocol: ProtocolRef {
                id: "national-2018".into(),
                version: "1".into(),
                title: "National protocol on reducing unnecessary criminalisation".into(),
                sha256: String::new(),
            },
            answers: vec![AnsweredStep {
                step_id: "reasonable_parent".into(),
                question: "Would a reasonable parent call the police?".into(),
                answer_id: if recommended == Response::Police { "yes" } else { "no" }.into(),
                answer: if recommended == Response::Police { "Yes" } else { "No" }.into(),
                automatic: false,
            }],
            recommended,
            recommended_reason: if recommended == Response::Police {
                "Immediate danger or serious harm: the police are needed.".into()
            } else {
                "A reasonable parent would not call the police.".into()
            },
            response,
            rationale,
            in_house,
            restorative,
            police,
            missing,
            reg35,
            notifications,
            not_told: vec![],
            ofsted_serious: serious && response == Response::Police,
            child_view: child_view_now.then(|| ChildView {
                text: "I was angry about my mum not ringing. I'm sorry about the door.".into(),
                recorded_at: at(t + 3000),
            }),
            review: Review::default(),
            recorded_by: String::new(),
            recorded_at: occurred,
            late_record: false,
        };
        // What is added later, each at its own time (whatever falls after the end has not happened yet).
        let mgr = 0;
        let mut later: Vec<(i64, usize, Change)> = Vec::new();
        if !rec.notifications.iter().any(|n| n.who == NotifyWho::SocialWorker) {
            let when = self.later(t, 20, 30);
            later.push((
                when,
                recorder,
                notified(
                    NotifyWho::SocialWorker,
                    t + 20 * 3600,
                    "Spoke to the duty social worker.",
                ),
            ));
        }
        if rec.ofsted_serious {
            let when = self.later(t, 3, 20);
            later.push((
                when,
                mgr,
                notified(NotifyWho::Ofsted, t + 3 * 3600, "Regulation 40 notification sent."),
            ));
        }
        if !child_view_now {
            let v = self.later(t, 12, 72);
            later.push((
                v,
                recorder,
                Change::ChildView {
                    view: ChildView {
                        text: "It wasn't fair. I didn't want to go to bed.".into(),
                        recorded_at: at(v),
                    },
                },
            ));
        }
        if let Some(mut rj) = rec.restorative.clone() {
            let when = rj.planned_for.map(secs).unwrap_or(t) + 3600;
            rj.held = Some(self.rng.random_bool(0.85));
            rj.agreed = "To apologise and help tidy up.".into();
            rj.outcome = if rj.held == Some(true) {
                "Apology accepted; both felt heard."
            } else {
                "Child declined on the day."
            }
            .into();
            later.push((when, 1, Change::Restorative { restorative: rj }));
        }
        if let Some(mut p) = rec.police.clone()
            && p.reason == CallReason::Behaviour
        {
            use PoliceOutcome as O;
            let outcomes = [
                O::Outcome21,
                O::Outcome22,
                O::CommunityResolution,
                O::NoFurtherAction,
                O::YouthCaution,
                O::YouthConditionalCaution,
                O::Charge,
            ];
            p.outcome = outcomes[weighted(&mut self.rng, &[20, 15, 15, 30, 8, 4, 8])];
            if p.outcome == O::Charge {
                p.court =
                    Some([CourtOutcome::Convicted, CourtOutcome::NotConvicted][weighted(&mut self.rng, &[60, 40])]);
            }
            later.push((self.later(t, 72, 24 * 40), mgr, Change::Police { police: p }));
        }
        // The manager's review: staff within 48 hours, the child within 5 days, then the signature.
        let staff_at = self.later(t, 6, 46);
        let child_at = staff_at + self.rng.random_range(3600..3 * 86_400);
        later.push((staff_at, mgr, Change::SpokeToStaff { at: at(staff_at) }));
        later.push((child_at, mgr, Change::SpokeToChild { at: at(child_at) }));
        let sign_at = later.iter().map(|x| x.0).max().unwrap_or(child_at).max(child_at) + 3600;
        later.push((
            sign_at,
            mgr,
            Change::SignOff {
                comment: "Discussed with staff and child.".into(),
            },
        ));
        if self.rng.random_bool(0.03) {
            later.push((
                self.later(t, 2, 12),
                recorder,
                Change::Correction {
                    field: CorrectableField::Location,
                    value: "Hallway".into(),
                    reason: "Wrong room recorded at first.".into(),
                },
            ));
        }
        for (when, staff, change) in later {
            self.at_event(
                when,
                Event::Entry {
                    staff,
                    incident: i,
                    change: Box::new(change),
                },
            );
        }
        (recorder, rec)
    }
}

/// A notification added later: `who` was told at `t` (seconds).
fn notified(who: NotifyWho, t: i64, note: &str) -> Change {
    Change::Notified {
        notification: Notification {
            who,
            at: at(t),
            note: note.into(),
        },
    }
}
