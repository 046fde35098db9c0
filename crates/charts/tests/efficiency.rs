//! The efficiency scatter: escaped names, French text alternative, the log axis only when the
//! costs span a factor of ten, and any input renders.

use pilote_charts::{EfficiencyPoint, EfficiencyScatter, Format, Size};
use pilote_domain::{Phase, ProductStatus};
use roxmltree::Document;

fn point(name: &str, cost: f64, growth: f64) -> EfficiencyPoint {
    EfficiencyPoint {
        name: name.to_owned(),
        status: ProductStatus::Active(Phase::Acceleration),
        cost_per_active_user: cost,
        users_growth_pct: growth,
    }
}

fn scatter(points: Vec<EfficiencyPoint>) -> EfficiencyScatter {
    EfficiencyScatter {
        title: "Efficience — <DINUM> & co".to_owned(),
        points,
        without_figures: vec!["Sans <chiffres>".to_owned()],
    }
}

fn svg(data: &EfficiencyScatter) -> String {
    let bytes =
        pilote_charts::efficiency_chart(data, Size::new(900, 600).expect("size"), Format::Svg)
            .expect("renders");
    String::from_utf8(bytes).expect("UTF-8")
}

fn desc(svg: &str) -> String {
    let doc = Document::parse(svg).expect("well-formed SVG");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    doc.descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .expect("desc")
        .to_owned()
}

#[test]
fn names_are_escaped_and_the_text_alternative_lists_every_product() {
    let data = scatter(vec![
        point("<script>alert(1)</script>", 4.0, -20.0),
        point("Grand & cher", 400.0, 150.0),
    ]);
    let svg = svg(&data);
    assert!(!svg.contains("<script>alert"));
    let d = desc(&svg);
    assert!(
        d.contains("<script>alert(1)</script> : 4\u{a0}€ par usager actif, usage −20\u{a0}%"),
        "{d}"
    );
    assert!(
        d.contains("Grand & cher : 400\u{a0}€ par usager actif, usage +150\u{a0}%"),
        "{d}"
    );
    assert!(d.contains("échelle logarithmique"), "4 € to 400 €: {d}");
    assert!(
        d.contains(
            "1 produit sans coût par usager ou sans croissance calculable : Sans <chiffres>"
        ),
        "{d}"
    );
    assert!(svg.contains("Coût par usager actif"));
    assert!(svg.contains("Croissance de l’usage sur un an"));
}

#[test]
fn close_costs_keep_a_linear_axis() {
    let d = desc(&svg(&scatter(vec![
        point("A", 40.0, 10.0),
        point("B", 90.0, 30.0),
    ])));
    assert!(d.contains("échelle linéaire"), "{d}");
}

#[test]
fn any_input_renders() {
    let cases = vec![
        vec![],
        vec![point("Seul", 12.0, 0.0)],
        vec![
            point("Zéro", 0.0, 10.0),
            point("NaN", f64::NAN, f64::INFINITY),
        ],
        vec![
            point("Énorme", 1e300, -1e300),
            point("Minuscule", 1e-300, 1e300),
        ],
        (0..200)
            .map(|i| {
                point(
                    &format!("Produit {i}"),
                    1.0 + f64::from(i) * 7.0,
                    f64::from(i) - 50.0,
                )
            })
            .collect(),
    ];
    let small = Size::new(200, 200).expect("size");
    for points in cases {
        let data = scatter(points);
        for format in [Format::Svg, Format::Png] {
            let bytes = pilote_charts::efficiency_chart(&data, small, format).expect("renders");
            assert!(!bytes.is_empty());
        }
    }
}
