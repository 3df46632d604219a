//! The history and its weeks: when each incident happens, the handovers at every change of shift, and the
//! agenda run through the batch writer in time order.

use rand::Rng;

use super::*;

impl Gen {
    /// Incident times (evenings and nights more likely) and who was involved, for the home whose children are
    /// `kids` (indexes into `self.children`).
    pub(super) fn plan_incidents(
        &mut self,
        kids: std::ops::Range<usize>,
        n: u32,
        start: i64,
        stop: i64,
        out: &mut Vec<Planned>,
    ) {
        let mut v = Vec::with_capacity(n as usize);
        let base = kids.start;
        let beds = kids.len().min(5);
        let hours: [u32; 24] = [4, 3, 2, 2, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 4, 5, 7, 8, 8, 8, 8, 7, 6, 5];
        for k in 0..n {
            // A few in the last three days, so the handover has something open to show.
            let from_day = if k < 6 { stop / 86_400 - 3 } else { start / 86_400 };
            let day = self.rng.random_range(from_day..stop / 86_400);
            let mut t = day * 86_400 + weighted(&mut self.rng, &hours) as i64 * 3600 + self.rng.random_range(0..3600);
            let bed = self.rng.random_range(0..beds);
            // The child in that bed at that time.
            let mut c = base + bed;
            while c + beds < kids.end && self.children[c + beds].admitted.timestamp() <= t {
                c += beds;
            }
            let ch = &self.children[c];
            let lo = ch.admitted.timestamp() + 3600;
            let hi = ch.discharged.map(|d| d.timestamp() - 3600).unwrap_or(stop);
            t = t.clamp(lo, hi.max(lo)).min(stop);
            v.push((t, c as u32));
        }
        // Numbered within the home, in time order.
        v.sort_unstable();
        out.extend(v.into_iter().enumerate().map(|(k, (t, c))| (t, c, k as u32)));
    }

    /// Number the incidents of every home in time order and put them on the agenda.
    pub(super) fn schedule_incidents(&mut self, mut v: Vec<Planned>) {
        let n = v.len();
        v.sort_unstable();
        self.incident_time = v.iter().map(|x| x.0).collect();
        self.incident_child = v.iter().map(|x| x.1).collect();
        self.incident_home_no = v.iter().map(|x| x.2).collect();
        self.incident_id = vec![0; n];
        for (i, &(t, _, k)) in v.iter().enumerate() {
            self.at_event(t + 3600 + (k as i64 % 5) * 600, Event::Incident(i));
        }
    }

    pub(super) fn plan_handovers(&mut self, start: i64, stop: i64) {
        let mut prev = start;
        let mut day = start / 86_400 + 1;
        while day * 86_400 < stop {
            for (h, m) in [(7, 45), (21, 45)] {
                let t = day * 86_400 + h * 3600 + m * 60;
                if t > stop {
                    break;
                }
                // The handovers are this PC's home's own: other homes hand over on their own PCs.
                let staff_n = self.homes[0].actors.len();
                if self.rng.random_bool(0.5) {
                    let who = self.rng.random_range(1..staff_n);
                    self.at_event(t - 1800, Event::Note(who));
                }
                let staff = self.rng.random_range(1..staff_n);
                self.at_event(
                    t,
                    Event::Handover {
                        staff,
                        covers_from: at(prev),
                    },
                );
                prev = t;
            }
            day += 1;
        }
    }

    /// Do one event through the batch writer.
    pub(super) fn run(&mut self, b: &mut Bulk<'_>, t: i64, e: Event) -> crate::store::Result<()> {
        // Whose records this event writes: the home of the child it is about.
        let home = match &e {
            Event::Admit(c) | Event::Discharge(c) => self.children[*c].home,
            Event::Incident(i) | Event::Entry { incident: i, .. } => {
                self.children[self.incident_child[*i] as usize].home
            }
            Event::Note(_) | Event::Handover { .. } => 0,
        };
        // With that home's random numbers.
        self.as_home(home, |g| g.run_for(b, t, e, home))
    }

    pub(super) fn run_for(&mut self, b: &mut Bulk<'_>, t: i64, e: Event, home: usize) -> crate::store::Result<()> {
        let when = at(t);
        b.set_home(&self.homes[home].uid);
        let actors = &self.homes[home].actors;
        match e {
            Event::Admit(c) => {
                let uid = self.children[c].uid.clone();
                self.child_id[c] = b.add_child(&actors[0], when, &uid, &self.inputs[c])?;
            }
            Event::Discharge(c) => {
                b.discharge_child(
                    &actors[0],
                    when,
                    self.child_id[c],
                    &crate::time::local_date(when).format("%Y-%m-%d").to_string(),
                    "Moved to a foster placement as planned.",
                )?;
            }
            Event::Incident(i) => {
                let (who, rec) = self.incident(i);
                let actor = self.homes[home].actors[who].clone();
                let r = rec.response;
                self.incident_id[i] = b.save_incident(&actor, when, rec)?;
                self.sum.incidents += 1;
                match r {
                    Response::InHouse => self.sum.in_house += 1,
                    Response::Restorative => self.sum.restorative += 1,
                    Response::Police => self.sum.police += 1,
                }
            }
            Event::Entry {
                staff,
                incident,
                change,
            } => {
                let id = self.incident_id[incident];
                let euid = uid(&mut self.rng);
                b.add_entry(&actors[staff], when, id, euid, *change)?;
                self.sum.entries += 1;
            }
            Event::Note(s) => {
                let text = [
                    "Kai has an early dentist appointment.",
                    "Ring the social worker about contact on Saturday.",
                    "Front door lock is sticking; maintenance booked.",
                    "Quiet shift, all in bed by 10.30.",
                ];
                let n = t as usize % text.len();
                b.add_handover_note(&actors[s], when, text[n])?;
            }
            Event::Handover { staff, covers_from } => {
                b.acknowledge_handover(&actors[staff], when, covers_from)?;
                self.sum.handovers += 1;
            }
        }
        Ok(())
    }
}
