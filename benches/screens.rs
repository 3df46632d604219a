//! How fast the screens staff use most are, at 1,000 / 100,000 / 1,000,000 incidents (CONCORDAT_BENCH_SIZES).
//! Targets (BENCHMARKS.md): open + first screen after sign-in < 20 ms at 100k; a key and the next frame < 2 ms;
//! handover and browser page at 1M no more than 1.5x their time at 1k.

mod common;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use concordat::store::Store;
use concordat::store::incidents::Filter;
use concordat::ui::app::{App, Msg};

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(80, 24)).unwrap()
}

fn draw(t: &mut Terminal<TestBackend>, app: &App) {
    t.draw(|f| app.view(f)).unwrap();
}

fn down() -> Msg {
    key(KeyCode::Down)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    let b = t.backend().buffer();
    b.content().iter().map(|c| c.symbol()).collect()
}

fn screens(c: &mut Criterion) {
    let sizes = common::sizes();
    let mut g = c.benchmark_group("open_signin_handover");
    common::quick(&mut g);
    for &n in &sizes {
        let p = common::db(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            let mut t = terminal();
            b.iter(|| {
                let app = common::open_app(p);
                draw(&mut t, &app);
                app
            })
        });
    }
    g.finish();

    // The same without Store::open: App::new, sign-in and the first frame on an already open store.
    let mut g = c.benchmark_group("signin_handover_on_open_store");
    common::quick(&mut g);
    for &n in &sizes {
        let p = common::db(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            let mut t = terminal();
            b.iter_batched(
                || Store::open(p).unwrap(),
                |store| {
                    let manager = store.list_staff(false).unwrap()[0].clone();
                    let mut app = App::new(
                        store,
                        common::protocol(),
                        concordat::ui::theme::Theme::plain(),
                        common::now(),
                    );
                    app.sign_in_as(manager);
                    draw(&mut t, &app);
                    app
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();

    // The incident browser, from the menu: each Down moves the selection and draws the next frame; every so
    // often it runs past the rows in memory and fetches the next page (keyset), as scrolling back in time does.
    let mut g = c.benchmark_group("browser_key_and_draw");
    common::quick(&mut g);
    for &n in &sizes {
        let mut app = common::open_app(&common::db(n));
        let mut t = terminal();
        app.update(key(KeyCode::Esc));
        app.update(key(KeyCode::Char('i')));
        draw(&mut t, &app);
        assert!(
            screen_text(&t).contains("Incidents"),
            "not the browser: {}",
            screen_text(&t)
        );
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                app.update(down());
                draw(&mut t, &app);
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("handover_key_and_draw");
    common::quick(&mut g);
    for &n in &sizes {
        let mut app = common::open_app(&common::db(n));
        let mut t = terminal();
        draw(&mut t, &app);
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                app.update(down());
                draw(&mut t, &app);
            })
        });
    }
    g.finish();
}

fn queries(c: &mut Criterion) {
    let sizes = common::sizes();
    for (name, filter) in [
        ("incident_page_first", Filter::default()),
        (
            "incident_page_first_police",
            Filter {
                response: Some(concordat::domain::Response::Police),
                ..Default::default()
            },
        ),
        (
            "incident_page_first_text",
            Filter {
                text: Some("console".into()),
                ..Default::default()
            },
        ),
    ] {
        let mut g = c.benchmark_group(name);
        common::quick(&mut g);
        for &n in &sizes {
            let s = Store::open(&common::db(n)).unwrap();
            g.bench_function(BenchmarkId::from_parameter(n), |b| {
                b.iter(|| s.incident_page(&filter, None, 50).unwrap())
            });
        }
        g.finish();
    }

    let mut g = c.benchmark_group("incident_page_next");
    common::quick(&mut g);
    for &n in &sizes {
        let s = Store::open(&common::db(n)).unwrap();
        let first = s.incident_page(&Filter::default(), None, 50).unwrap();
        let last = first.last().unwrap();
        let cursor = Some((last.occurred_at, last.id));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| s.incident_page(&Filter::default(), cursor, 50).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("open_incidents");
    common::quick(&mut g);
    for &n in &sizes {
        let s = Store::open(&common::db(n)).unwrap();
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| s.open_incidents(200).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, screens, queries);
criterion_main!(benches);
