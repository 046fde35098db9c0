//! Realistic fixed data shared by the tests, the benchmark and the gallery example.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use pilote_charts::IndicatorChart;
use pilote_domain::{
    Direction, Objective, Period, Periodicity, Phase, Point, ProductStatus, Tolerance,
};

/// A date, for fixtures.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// A weekly series of `n` weeks from the week of `from`, growing with noise, with the
/// weeks in `missing` left out.
pub fn weekly(from: NaiveDate, n: usize, missing: &[usize]) -> Vec<(Period, f64)> {
    let mut p = Period::containing(Periodicity::Week, from);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if !missing.contains(&i) {
            // Deterministic wobble: no rand dependency.
            let wobble = ((i * 7919) % 13) as f64 * 90.0 - 540.0;
            out.push((p, 1200.0 + i as f64 * 85.0 + wobble));
        }
        p = p.next();
    }
    out
}

/// « Démarches déposées en ligne »: one year of weekly measures with a three-week gap,
/// an objective and two phase changes.
pub fn indicator() -> IndicatorChart {
    IndicatorChart {
        title: "Démarches déposées en ligne".to_owned(),
        unit: "démarches".to_owned(),
        direction: Direction::Increase,
        periodicity: Periodicity::Week,
        points: weekly(d(2025, 1, 6), 46, &[20, 21, 22]),
        objective: Some(
            Objective::new(
                Point {
                    value: 1000.0,
                    on: d(2025, 1, 1),
                },
                Point {
                    value: 7500.0,
                    on: d(2025, 12, 31),
                },
                Tolerance::default(),
            )
            .expect("valid objective"),
        ),
        phase_changes: vec![
            (d(2025, 3, 17), ProductStatus::Active(Phase::Construction)),
            (d(2025, 9, 1), ProductStatus::Active(Phase::Acceleration)),
        ],
        today: d(2025, 11, 24),
        forecast: None,
    }
}

/// The benchmark's indicator: 260 weekly points (five years), objective included.
pub fn indicator_260() -> IndicatorChart {
    let mut chart = indicator();
    chart.points = weekly(d(2021, 1, 4), 260, &[]);
    chart.today = d(2025, 12, 29);
    chart
        .phase_changes
        .push((d(2021, 1, 4), ProductStatus::Active(Phase::Investigation)));
    chart
}

/// A day `n` days after `from`.
pub fn plus(from: NaiveDate, n: u64) -> NaiveDate {
    from.checked_add_days(Days::new(n)).expect("in range")
}

/// Product names of the fixture portfolio, one with markup to prove the escaping.
pub const NAMES: [&str; 14] = [
    "Démarches simplifiées",
    "Aidants Connect",
    "Mon Suivi Justice",
    "Signal Conso",
    "Zéro Logement Vacant",
    "Histologe",
    "Trackdéchets",
    "Ecobalyse",
    "RDV-Solidarités",
    "Mes Aides Réno",
    "Carte Blanche",
    "Pass Sport",
    "L'Observatoire des données « Énergie »",
    "<script>alert(1)</script>",
];

/// The history of fixture product `i`: created at various dates, advanced at various paces,
/// some stopped, some overdue.
pub fn history(i: usize, today: NaiveDate) -> pilote_domain::PhaseHistory {
    use pilote_domain::{PhaseHistory, PhaseRecord};
    let start = plus(d(2021, 1, 4), (i as u64 * 97) % 1400);
    // Months spent in each phase before moving on; 0 = still there.
    let plan: [u64; 3] = match i % 5 {
        0 => [5, 20, 0],
        1 => [4, 0, 0],
        2 => [6, 14, 18],
        3 => [9, 0, 0],
        _ => [3, 30, 0],
    };
    let mut records = Vec::new();
    let mut from = start;
    let mut phases = Phase::ALL.into_iter();
    let mut stopped = None;
    for months in plan {
        let Some(phase) = phases.next() else { break };
        let end = plus(from, months * 30);
        if months == 0 || end >= today {
            records.push(PhaseRecord {
                phase,
                started_on: from,
                ended_on: None,
            });
            break;
        }
        records.push(PhaseRecord {
            phase,
            started_on: from,
            ended_on: Some(end),
        });
        from = end;
    }
    if records.last().is_some_and(|r| r.ended_on.is_some())
        && let Some(phase) = phases.next()
    {
        records.push(PhaseRecord {
            phase,
            started_on: from,
            ended_on: None,
        });
    }
    // Every seventh product was stopped last year.
    if i % 7 == 6
        && let Some(last) = records.last_mut()
    {
        let stop = plus(last.started_on, 60).min(today);
        last.ended_on = Some(stop);
        stopped = Some(stop);
    }
    PhaseHistory::from_records(records, stopped).expect("valid fixture history")
}

/// A timeline of `n` products (names cycle through [`NAMES`]).
pub fn timeline(n: usize) -> pilote_charts::Timeline {
    let today = d(2025, 11, 24);
    let limits = pilote_domain::PhaseDurations::default();
    let rows = (0..n)
        .map(|i| {
            let name = if n <= NAMES.len() {
                NAMES[i].to_owned()
            } else {
                format!("{} {}", NAMES[i % NAMES.len()], i)
            };
            pilote_charts::TimelineRow::from_history(name, &history(i, today), &limits, today)
        })
        .collect();
    pilote_charts::Timeline {
        title: "Incubateur de la DINUM".to_owned(),
        today,
        rows,
    }
}

/// The drift of every fixture product.
pub fn drift() -> pilote_charts::DriftScatter {
    let today = d(2025, 11, 24);
    let points = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| pilote_charts::DriftPoint {
            name: (*name).to_owned(),
            status: history(i, today).status(),
            schedule_days: ((i * 53) % 170) as f64 - 60.0,
            budget_drift: ((i * 37) % 60) as f64 / 100.0 - 0.22,
        })
        .collect();
    pilote_charts::DriftScatter {
        title: "Incubateur de la DINUM".to_owned(),
        points,
    }
}

/// A dashboard of four indicators, the north star given last to check it comes first.
pub fn dashboard() -> pilote_charts::Dashboard {
    use pilote_charts::DashboardPanel;
    use pilote_domain::ObjectiveStatus;
    let main = indicator();
    let mut monthly = main.clone();
    monthly.title = "Usagers actifs par mois".to_owned();
    monthly.unit = "usagers".to_owned();
    monthly.periodicity = Periodicity::Month;
    let mut p = Period::containing(Periodicity::Month, d(2024, 12, 1));
    monthly.points = (0..12)
        .map(|i| {
            let v = (8_000.0 + f64::from(i) * 1_150.0, p);
            p = p.next();
            (v.1, v.0)
        })
        .collect();
    monthly.objective = None;
    let mut delay = main.clone();
    delay.title = "Délai moyen de traitement".to_owned();
    delay.unit = "jours".to_owned();
    delay.direction = Direction::Decrease;
    delay.points = weekly(d(2025, 1, 6), 46, &[30])
        .into_iter()
        .map(|(p, v)| (p, 45.0 - v / 250.0))
        .collect();
    delay.objective = Objective::new(
        Point {
            value: 42.0,
            on: d(2025, 1, 1),
        },
        Point {
            value: 15.0,
            on: d(2025, 12, 31),
        },
        Tolerance::default(),
    )
    .ok();
    let mut satisfaction = main.clone();
    satisfaction.title = "Satisfaction des usagers".to_owned();
    satisfaction.unit = "%".to_owned();
    satisfaction.points = weekly(d(2025, 1, 6), 46, &[])
        .into_iter()
        .map(|(p, v)| (p, 70.0 + v / 800.0))
        .collect();
    satisfaction.objective = None;
    pilote_charts::Dashboard {
        product: "Démarches simplifiées".to_owned(),
        status: ProductStatus::Active(Phase::Acceleration),
        panels: vec![
            DashboardPanel {
                chart: monthly,
                north_star: false,
                status: None,
            },
            DashboardPanel {
                chart: delay,
                north_star: false,
                status: Some(ObjectiveStatus::OffTrack),
            },
            DashboardPanel {
                chart: satisfaction,
                north_star: false,
                status: None,
            },
            DashboardPanel {
                chart: main,
                north_star: true,
                status: Some(ObjectiveStatus::AtRisk),
            },
        ],
    }
}
