//! Any input renders without panicking: empty, tiny, flat, huge, many.

mod common;

use chrono::NaiveDate;
use pilote_charts::{
    Dashboard, DashboardPanel, DriftPoint, DriftScatter, Format, PortfolioPhases, Size, Sparkline,
    Timeline,
};
use pilote_domain::{Period, Periodicity, ProductStatus};
use proptest::prelude::*;

fn both(f: impl Fn(Format) -> Result<Vec<u8>, pilote_charts::ChartError>) {
    for format in [Format::Svg, Format::Png] {
        let bytes = f(format).expect("renders");
        assert!(!bytes.is_empty());
    }
}

#[test]
fn edge_cases_render() {
    let small = Size::new(200, 200).expect("size");
    let week = |d| Period::containing(Periodicity::Week, d);
    let day = common::d(2025, 3, 3);
    let series: Vec<Vec<(Period, f64)>> = vec![
        vec![],
        vec![(week(day), 1.0)],
        vec![
            (week(day), 5.0),
            (week(common::plus(day, 7)), 5.0),
            (week(common::plus(day, 14)), 5.0),
        ],
        vec![
            (week(day), 1e300),
            (week(common::plus(day, 7)), -1e300),
            (week(common::plus(day, 21)), f64::MAX),
        ],
        vec![
            (week(day), f64::NAN),
            (week(common::plus(day, 7)), f64::INFINITY),
        ],
        vec![(week(NaiveDate::MIN), 1.0), (week(NaiveDate::MAX), 2.0)],
    ];
    for points in series {
        let mut data = common::indicator();
        data.points = points.clone();
        for size in [small, Size::DEFAULT] {
            both(|f| pilote_charts::indicator_chart(&data, size, f));
        }
        data.objective = None;
        data.phase_changes.clear();
        both(|f| pilote_charts::indicator_chart(&data, small, f));
        let spark = Sparkline {
            label: String::new(),
            points,
        };
        both(|f| pilote_charts::sparkline(&spark, Size::sparkline(16, 16).expect("size"), f));
    }
    let empty_dash = Dashboard {
        product: String::new(),
        status: ProductStatus::Stopped,
        panels: vec![],
    };
    both(|f| pilote_charts::dashboard_chart(&empty_dash, small, f));
    let many = Dashboard {
        panels: (0..40)
            .map(|_| DashboardPanel {
                chart: common::indicator(),
                north_star: false,
                status: None,
            })
            .collect(),
        ..common::dashboard()
    };
    both(|f| pilote_charts::dashboard_chart(&many, small, f));
    both(|f| pilote_charts::phases_chart(&PortfolioPhases::default(), small, f));
    let empty_timeline = Timeline {
        title: String::new(),
        today: day,
        rows: vec![],
    };
    both(|f| pilote_charts::timeline_chart(&empty_timeline, small, f));
    both(|f| {
        pilote_charts::timeline_chart(
            &common::timeline(1000),
            Size::new(1200, 4000).expect("size"),
            f,
        )
    });
    both(|f| pilote_charts::timeline_chart(&common::timeline(1000), small, f));
    let drift = DriftScatter {
        title: "x".repeat(500),
        points: vec![
            DriftPoint {
                name: "a".into(),
                status: ProductStatus::Stopped,
                schedule_days: f64::NAN,
                budget_drift: 0.0,
            },
            DriftPoint {
                name: "b".repeat(300),
                status: ProductStatus::Stopped,
                schedule_days: 1e300,
                budget_drift: -1e300,
            },
        ],
    };
    both(|f| pilote_charts::drift_chart(&drift, small, f));
    both(|f| {
        pilote_charts::drift_chart(
            &DriftScatter {
                title: String::new(),
                points: vec![],
            },
            small,
            f,
        )
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_series_renders(
        values in prop::collection::vec(prop::option::of(-1e12f64..1e12), 0..80),
        width in 200u32..1600,
        height in 200u32..900,
    ) {
        let start = Period::containing(Periodicity::Week, common::d(2024, 1, 1));
        let mut p = start;
        let mut points = Vec::new();
        for v in values {
            if let Some(v) = v {
                points.push((p, v));
            }
            p = p.next();
        }
        let mut data = common::indicator();
        data.points = points;
        let size = Size::new(width, height).expect("size in range");
        for format in [Format::Svg, Format::Png] {
            prop_assert!(pilote_charts::indicator_chart(&data, size, format).is_ok());
        }
    }
}
