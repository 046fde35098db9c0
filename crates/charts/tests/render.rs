//! Golden tests: fixed data rendered, SVG checked structurally, PNG decoded.

mod common;

use pilote_charts::{Format, PortfolioPhases, Size, Sparkline, palette};
use roxmltree::Document;

fn svg_text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("SVG is UTF-8")
}

/// Elements named `tag` whose attribute `attr` is `value`.
fn count(doc: &Document<'_>, tag: &str, attr: &str, value: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
        .count()
}

fn texts(doc: &Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn indicator_svg_has_points_gap_target_and_french_labels() {
    let data = common::indicator();
    let bytes = pilote_charts::indicator_chart(&data, Size::DEFAULT, Format::Svg).expect("renders");
    let svg = svg_text(&bytes);
    let doc = Document::parse(&svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(children[0].has_tag_name("title"));
    assert!(children[1].has_tag_name("desc"));
    assert_eq!(
        children[0].text(),
        Some("Indicateur « Démarches déposées en ligne »")
    );
    let desc = children[1].text().expect("desc text");
    assert!(desc.contains("43 mesures"), "{desc}");
    assert!(desc.contains("3 périodes sans donnée"), "{desc}");

    let series = palette::hex(palette::SERIES);
    let target = palette::hex(palette::TARGET);
    // One dot per measure: 46 weeks less the 3 missing.
    assert_eq!(count(&doc, "circle", "fill", &series), 43);
    // The line is cut at the gap: two runs, plus the legend's swatch.
    assert_eq!(count(&doc, "polyline", "stroke", &series), 3);
    // The dashed trajectory and the target diamond.
    assert!(count(&doc, "polyline", "stroke", &target) > 3);
    assert_eq!(count(&doc, "polygon", "fill", &target), 1);
    let labels = texts(&doc);
    assert!(labels.iter().any(|t| t == "janv. 2025"), "{labels:?}");
    assert!(labels.iter().any(|t| t == "Accélération"));
    assert!(labels.iter().any(|t| t == "8\u{A0}000"), "{labels:?}");
    assert!(labels.iter().any(|t| t == "Cible 7\u{A0}500"));
    assert!(labels.iter().any(|t| t == "démarches"));
}

#[test]
fn user_strings_are_escaped_once() {
    let mut data = common::indicator();
    data.title = "<script>alert(1)</script> & « co »".to_owned();
    data.unit = "\"€\"".to_owned();
    let svg = svg_text(
        &pilote_charts::indicator_chart(&data, Size::DEFAULT, Format::Svg).expect("renders"),
    );
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("&amp;lt;"), "double escaping");
    let doc = Document::parse(&svg).expect("well-formed SVG");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(
        texts(&doc)
            .iter()
            .any(|t| t == "<script>alert(1)</script> & « co »")
    );
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(
        title,
        Some("Indicateur « <script>alert(1)</script> & « co » »")
    );

    let timeline = common::timeline(common::NAMES.len());
    let svg = svg_text(
        &pilote_charts::timeline_chart(&timeline, Size::new(1000, 500).expect("size"), Format::Svg)
            .expect("renders"),
    );
    let doc = Document::parse(&svg).expect("well-formed SVG");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(texts(&doc).iter().any(|t| t == "<script>alert(1)</script>"));
    let drift = svg_text(
        &pilote_charts::drift_chart(&common::drift(), Size::DEFAULT, Format::Svg).expect("renders"),
    );
    let doc = Document::parse(&drift).expect("well-formed SVG");
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .expect("desc");
    assert!(desc.contains("<script>alert(1)</script> :"));
}

#[test]
fn every_chart_renders_a_non_blank_png_of_the_right_size() {
    let today = common::d(2025, 11, 24);
    let phases = PortfolioPhases::from_statuses(
        "DINUM",
        (0..40).map(|i| common::history(i, today).status()),
    );
    let spark = Sparkline {
        label: "Démarches".to_owned(),
        points: common::indicator().points,
    };
    let size = Size::new(640, 360).expect("size");
    let cases: Vec<(&str, Vec<u8>, Size)> = vec![
        (
            "indicator",
            pilote_charts::indicator_chart(&common::indicator(), size, Format::Png).expect("png"),
            size,
        ),
        (
            "dashboard",
            pilote_charts::dashboard_chart(&common::dashboard(), size, Format::Png).expect("png"),
            size,
        ),
        (
            "phases",
            pilote_charts::phases_chart(&phases, size, Format::Png).expect("png"),
            size,
        ),
        (
            "timeline",
            pilote_charts::timeline_chart(&common::timeline(14), size, Format::Png).expect("png"),
            size,
        ),
        (
            "drift",
            pilote_charts::drift_chart(&common::drift(), size, Format::Png).expect("png"),
            size,
        ),
        (
            "sparkline",
            pilote_charts::sparkline(&spark, Size::SPARKLINE, Format::Png).expect("png"),
            Size::SPARKLINE,
        ),
    ];
    for (name, bytes, size) in cases {
        let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .to_rgb8();
        assert_eq!(
            (img.width(), img.height()),
            (size.width(), size.height()),
            "{name}"
        );
        let mut colours: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(
            colours.len() >= 4,
            "{name} looks blank: {} colours",
            colours.len()
        );
    }
}

#[test]
fn phases_chart_counts_and_keeps_stopped_apart() {
    let today = common::d(2025, 11, 24);
    let phases = PortfolioPhases::from_statuses(
        "DINUM",
        (0..40).map(|i| common::history(i, today).status()),
    );
    assert_eq!(phases.per_phase.iter().sum::<usize>() + phases.stopped, 40);
    let svg = svg_text(
        &pilote_charts::phases_chart(&phases, Size::DEFAULT, Format::Svg).expect("renders"),
    );
    let doc = Document::parse(&svg).expect("well-formed SVG");
    let labels = texts(&doc);
    for l in [
        "Investigation",
        "Construction",
        "Accélération",
        "Pérennisation",
        "Arrêtée",
    ] {
        assert!(labels.iter().any(|t| t == l), "{l}");
    }
    assert!(labels.iter().any(|t| *t == phases.stopped.to_string()));
}

#[test]
fn dashboard_puts_the_north_star_first() {
    let svg = svg_text(
        &pilote_charts::dashboard_chart(
            &common::dashboard(),
            Size::new(1200, 700).expect("size"),
            Format::Svg,
        )
        .expect("renders"),
    );
    let doc = Document::parse(&svg).expect("well-formed SVG");
    let labels = texts(&doc);
    let star = labels
        .iter()
        .position(|t| t.starts_with('★'))
        .expect("north star panel");
    let other = labels
        .iter()
        .position(|t| t.starts_with("Usagers actifs"))
        .expect("other panel");
    assert!(star < other);
    assert!(labels.iter().any(|t| t == "À risque"));
}

#[test]
fn a_forecast_is_a_dotted_continuation_only_when_given() {
    let mut data = common::indicator();
    let series = palette::hex(palette::SERIES);
    let without =
        pilote_charts::indicator_chart(&data, Size::DEFAULT, Format::Svg).expect("renders");
    let without = svg_text(&without);
    data.forecast = Some(pilote_charts::ForecastLine {
        from: (common::d(2025, 11, 17), 6_800.0),
        to: (common::d(2025, 12, 31), 7_900.0),
    });
    let with = pilote_charts::indicator_chart(&data, Size::DEFAULT, Format::Svg).expect("renders");
    let with = svg_text(&with);
    let (a, b) = (
        Document::parse(&without).expect("SVG"),
        Document::parse(&with).expect("SVG"),
    );
    // Without: the two runs of the line and the legend's swatch, as before.
    assert_eq!(count(&a, "polyline", "stroke", &series), 3);
    // With: many short dashes in the series' colour on top.
    assert!(count(&b, "polyline", "stroke", &series) > 6);
    assert!(!without.contains("Tendance prolongée"));
    assert!(
        with.contains(
            "Tendance prolongée en pointillés : 7\u{A0}900 démarches le 31 décembre 2025"
        ),
        "{with}"
    );
}

/// Every `font-size` of an SVG, in its own pixels.
fn font_sizes(svg: &str) -> Vec<f64> {
    let doc = Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter_map(|n| n.attribute("font-size"))
        .map(|s| s.parse::<f64>().expect("a number"))
        .collect()
}

#[test]
fn chart_text_never_goes_under_ten_pixels() {
    // The pack's print size, a slide, and small sizes whose scale alone would give 6 px text.
    for (w, h) in [(680, 520), (680, 300), (800, 400), (300, 200), (1000, 640)] {
        let size = Size::new(w, h).expect("size");
        let charts = [
            pilote_charts::indicator_chart(&common::indicator(), size, Format::Svg),
            pilote_charts::dashboard_chart(&common::dashboard(), size, Format::Svg),
            pilote_charts::drift_chart(&common::drift(), size, Format::Svg),
            pilote_charts::timeline_chart(&common::timeline(12), size, Format::Svg),
        ];
        for chart in charts {
            let sizes = font_sizes(&svg_text(&chart.expect("renders")));
            assert!(!sizes.is_empty());
            let smallest = sizes.iter().copied().fold(f64::INFINITY, f64::min);
            assert!(smallest >= 10.0, "{w}×{h}: {smallest} px");
        }
    }
}

#[test]
fn drift_labels_stay_inside_the_plot() {
    let doc_text = svg_text(
        &pilote_charts::drift_chart(
            &common::drift(),
            Size::new(680, 420).expect("size"),
            Format::Svg,
        )
        .expect("renders"),
    );
    let doc = Document::parse(&doc_text).expect("well-formed SVG");
    let x_of = |n: &roxmltree::Node<'_, '_>| n.attribute("x").and_then(|x| x.parse::<f64>().ok());
    // The y axis' figures are right-aligned against the plot's left edge.
    let axis_right = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.trim().ends_with('%')))
        .filter_map(|n| x_of(&n))
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(axis_right.is_finite(), "no y axis figures");
    let names: Vec<String> = common::drift()
        .points
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let labels: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("text")
                && n.text().is_some_and(|t| {
                    let shown = t.trim().trim_end_matches('…');
                    names.iter().any(|name| name.starts_with(shown))
                })
        })
        .collect();
    assert!(!labels.is_empty(), "no product label drawn");
    for label in labels {
        let x = x_of(&label).expect("x");
        assert!(
            x > axis_right,
            "{:?} at x = {x}, the axis at {axis_right}",
            label.text()
        );
    }
}
