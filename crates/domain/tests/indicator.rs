//! Indicators, the impact matrix and measures, on hand-computed examples.

mod common;

use common::{invalid, invalid_field, is_conflict};
use pilote_domain::{
    Aggregation, Change, Direction, Indicator, MatrixRole, MeasureValue, Periodicity, Principle,
    Slug, classify_change, normalize_comment, validate_indicator_set,
};

fn indicator(key: &str) -> Indicator {
    Indicator {
        key: Slug::parse(key).expect("valid key"),
        label: "Démarches déposées".to_owned(),
        unit: "démarches".to_owned(),
        direction: Direction::Increase,
        principle: Principle::Used,
        periodicity: Periodicity::Week,
        aggregation: Aggregation::Sum,
        matrix_role: None,
        north_star: false,
        description: None,
    }
}

#[test]
fn directions() {
    use Direction::{Decrease, Increase};
    assert!(Increase.is_better_or_equal(3.0, 3.0));
    assert!(Increase.is_better_or_equal(4.0, 3.0));
    assert!(!Increase.is_better_or_equal(2.0, 3.0));
    assert!(Decrease.is_better_or_equal(2.0, 3.0));
    assert!(!Decrease.is_better_or_equal(4.0, 3.0));
    assert_eq!(Increase.shortfall(8.0, 10.0), 2.0);
    assert_eq!(Increase.shortfall(12.0, 10.0), 0.0);
    assert_eq!(Decrease.shortfall(12.0, 10.0), 2.0);
    assert_eq!(Decrease.shortfall(8.0, 10.0), 0.0);
}

#[test]
fn matrix_roles_belong_to_principles() {
    assert_eq!(MatrixRole::EaseOfUse.principle(), Principle::Usable);
    assert_eq!(MatrixRole::MonthlyActiveUsers.principle(), Principle::Used);
    assert_eq!(MatrixRole::MarketPenetration.principle(), Principle::Used);
    assert_eq!(MatrixRole::ValueGenerated.principle(), Principle::Useful);
}

#[test]
fn aggregation_rolls_weeks_into_months() {
    let weeks = [1.0, 2.0, 3.0, 6.0];
    assert_eq!(Aggregation::Sum.aggregate(&weeks), Some(12.0));
    assert_eq!(Aggregation::Mean.aggregate(&weeks), Some(3.0));
    assert_eq!(Aggregation::Last.aggregate(&weeks), Some(6.0));
    assert_eq!(Aggregation::Sum.aggregate(&[]), None);
    assert_eq!(Aggregation::default(), Aggregation::Last);
}

#[test]
fn an_indicator_checks_its_fields() {
    assert_eq!(indicator("demarches").validate(), Ok(()));
    let field = |change: fn(&mut Indicator)| {
        let mut i = indicator("demarches");
        change(&mut i);
        invalid_field(i.validate())
    };
    assert_eq!(field(|i| i.label = "  ".into()), "label");
    assert_eq!(field(|i| i.label = "x".repeat(201)), "label");
    assert_eq!(field(|i| i.unit = "x".repeat(41)), "unit");
    assert_eq!(
        field(|i| i.description = Some("x".repeat(5001))),
        "description"
    );
    assert_eq!(
        field(|i| i.matrix_role = Some(MatrixRole::EaseOfUse)),
        "matrix_role"
    );

    let mut ok = indicator("mau");
    ok.unit = String::new();
    ok.description = Some("x".repeat(5000));
    ok.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
    assert_eq!(ok.validate(), Ok(()));
    ok.principle = Principle::Usable;
    ok.matrix_role = Some(MatrixRole::EaseOfUse);
    assert_eq!(ok.validate(), Ok(()));
}

#[test]
fn a_product_has_one_north_star_and_one_indicator_per_slot() {
    let mut north = indicator("demarches");
    north.north_star = true;
    let mut mau = indicator("mau");
    mau.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
    let mut penetration = indicator("penetration");
    penetration.matrix_role = Some(MatrixRole::MarketPenetration);
    let set = vec![north.clone(), mau.clone(), penetration];
    assert_eq!(validate_indicator_set(&set), Ok(()));
    assert_eq!(validate_indicator_set(&[]), Ok(()));

    let mut second_north = indicator("usagers");
    second_north.north_star = true;
    assert!(is_conflict(&validate_indicator_set(&[
        north.clone(),
        second_north
    ])));

    let mut second_mau = indicator("mau-bis");
    second_mau.matrix_role = Some(MatrixRole::MonthlyActiveUsers);
    assert!(is_conflict(&validate_indicator_set(&[mau, second_mau])));

    assert!(is_conflict(&validate_indicator_set(&[
        north.clone(),
        indicator("demarches")
    ])));

    let mut blank = indicator("vide");
    blank.label = String::new();
    assert_eq!(
        invalid_field(validate_indicator_set(&[north, blank])),
        "label"
    );
}

#[test]
fn measure_values_are_finite() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            invalid(MeasureValue::new(bad)),
            ("value".to_owned(), "must be a finite number".to_owned())
        );
    }
    assert_eq!(MeasureValue::new(42.5).map(MeasureValue::get), Ok(42.5));
    let zero = MeasureValue::new(-0.0).expect("finite");
    assert_eq!(zero.get().to_bits(), 0.0_f64.to_bits());
}

#[test]
fn comments_are_trimmed_and_bounded() {
    assert_eq!(normalize_comment(None), Ok(None));
    assert_eq!(normalize_comment(Some(" \n ")), Ok(None));
    assert_eq!(
        normalize_comment(Some("  Panne le mardi ")),
        Ok(Some("Panne le mardi".into()))
    );
    assert!(normalize_comment(Some(&"é".repeat(2000))).is_ok());
    assert_eq!(
        invalid_field(normalize_comment(Some(&"é".repeat(2001)))),
        "comment"
    );
}

#[test]
fn reposting_replaces_unless_nothing_changed() {
    let v = |x: f64| MeasureValue::new(x).expect("finite");
    assert_eq!(classify_change(None, v(42.0), None), Change::Created);
    assert_eq!(
        classify_change(Some((42.0, None)), v(42.0), None),
        Change::Unchanged
    );
    assert_eq!(
        classify_change(Some((42.0, Some("a"))), v(42.0), Some(" a ")),
        Change::Unchanged
    );
    assert_eq!(
        classify_change(Some((42.0, Some(""))), v(42.0), None),
        Change::Unchanged
    );
    assert_eq!(
        classify_change(Some((-0.0, None)), v(0.0), None),
        Change::Unchanged
    );
    assert_eq!(
        classify_change(Some((42.0, None)), v(43.0), None),
        Change::Updated
    );
    assert_eq!(
        classify_change(Some((0.1 + 0.2, None)), v(0.3), None),
        Change::Updated
    );
    assert_eq!(
        classify_change(Some((42.0, None)), v(42.0), Some("x")),
        Change::Updated
    );
    assert_eq!(
        classify_change(Some((42.0, Some("x"))), v(42.0), None),
        Change::Updated
    );
}
