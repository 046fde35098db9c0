//! Suspect values and forecasts end to end, on SQLite and on PostgreSQL: an outlier posted as
//! JSON or CSV is stored and named in `warnings`, the series shows the flag, a member clears
//! it (viewers, tokens and anonymous callers may not); the contract status carries each
//! objective's Theil–Sen forecast, checked by hand.

use chrono::{Datelike, Days, NaiveDate, Utc};
use pilote_store::Backend;
use serde_json::{Value, json};

use crate::{
    helpers::Request,
    world::{Who, World},
};

/// Monday of the week `weeks` before the current one.
fn monday(weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let this = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    this - Days::new(7 * weeks)
}

fn flags(w: &World, path: &str, viewer: Option<&str>) -> Vec<(String, bool)> {
    let series = w.expect(200, "GET", path, viewer, None);
    series["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| {
            (
                m["period"].as_str().expect("period").to_owned(),
                m["suspect"].as_bool().expect("suspect"),
            )
        })
        .collect()
}

fn scenario(backend: Backend) {
    let w = World::on(backend).with_product_token().start();
    let Who {
        manager,
        member,
        viewer,
        token,
        ..
    } = w.who();
    let p = "/api/v1/products/mon-produit";
    w.weekly_indicators(&[("demarches", "increase"), ("delai", "decrease")]);

    // Ten weeks around 100 (median 100, MAD 1), then 1 000: stored, flagged, warned about.
    let mut rows: Vec<Value> = (2..=11)
        .rev()
        .zip([100, 101, 99, 100, 102, 98, 100, 101, 99, 100])
        .map(|(week, v)| json!({"indicator": "demarches", "period": monday(week), "value": v}))
        .collect();
    rows.push(json!({"indicator": "demarches", "period": monday(1), "value": 1000}));
    let posted = w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        token,
        Some(&json!({"measures": rows})),
    );
    assert_eq!(posted["created"], 11);
    let warnings = posted["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{posted}");
    assert_eq!(warnings[0]["field"], "measures[10].value");
    assert!(
        warnings[0]["problem"]
            .as_str()
            .expect("problem")
            .contains("median absolute deviations")
    );
    let series = format!("{p}/indicators/demarches/measures");
    let flagged = flags(&w, &series, viewer);
    assert_eq!(flagged.len(), 11);
    assert_eq!(flagged.last(), Some(&(monday(1).to_string(), true)));
    assert_eq!(flagged.iter().filter(|(_, s)| *s).count(), 1);

    // The same through CSV: a negative number where all were positive, named by its line.
    let csv = format!("indicator,period,value\ndemarches,{},-40\n", monday(0));
    let reply = w.server().send(
        "POST",
        &format!("{p}/measures.csv"),
        Request {
            bearer: token,
            body: Some(("text/csv", &csv)),
            ..Request::default()
        },
    );
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["warnings"][0]["field"], "lines[2].value");
    assert_eq!(
        flags(&w, &series, viewer)
            .iter()
            .filter(|(_, s)| *s)
            .count(),
        2
    );

    // Clearing: anonymous 401; viewer, API token 403; unknown period 404; bad date 422.
    let clear = format!(
        "{p}/indicators/demarches/measures/{}/clear-suspect",
        monday(1)
    );
    w.expect(401, "POST", &clear, None, None);
    w.expect(403, "POST", &clear, viewer, None);
    w.expect(403, "POST", &clear, token, None);
    w.expect(
        404,
        "POST",
        &format!("{p}/indicators/demarches/measures/2001-01-01/clear-suspect"),
        member,
        None,
    );
    w.expect(
        422,
        "POST",
        &format!("{p}/indicators/demarches/measures/hier/clear-suspect"),
        member,
        None,
    );
    // Any day of the week names it; the member clears it, the manager may too.
    let wednesday = monday(1) + Days::new(2);
    let cleared = w.expect(
        200,
        "POST",
        &format!("{p}/indicators/demarches/measures/{wednesday}/clear-suspect"),
        member,
        None,
    );
    assert_eq!(
        (cleared["value"].as_f64(), cleared["suspect"].as_bool()),
        (Some(1000.0), Some(false))
    );
    let again = format!(
        "{p}/indicators/demarches/measures/{}/clear-suspect",
        monday(0)
    );
    w.expect(200, "POST", &again, manager, None);
    assert!(flags(&w, &series, viewer).iter().all(|(_, s)| !s));

    // Forecast: « delai » falls by 2 a week, 50 six weeks back to 40 last week: −2/7 a day.
    // A target of 30, 70 days after last week's Monday: the trend is at 20 then (will meet),
    // and reaches 30 after 35 days.
    let rows: Vec<Value> = (1..=6)
        .map(|week| json!({"indicator": "delai", "period": monday(week), "value": 40 + 2 * (week - 1)}))
        .collect();
    let posted = w.expect(
        200,
        "POST",
        &format!("{p}/measures"),
        member,
        Some(&json!({"measures": rows})),
    );
    assert!(
        posted.get("warnings").is_none(),
        "no warning, no field: {posted}"
    );
    let deadline = monday(1) + Days::new(70);
    let contract = json!({"signed_on": monday(20), "starts_on": monday(20),
        "ends_on": deadline + Days::new(30), "review_cadence_months": 3,
        "budget_per_year": {}, "milestones": []});
    w.expect(
        200,
        "PUT",
        &format!("{p}/contract"),
        manager,
        Some(&contract),
    );
    let objective = json!({"indicator": "delai", "baseline": {"value": 52, "on": monday(7)},
        "target": {"value": 30, "by": deadline}});
    w.expect(
        201,
        "POST",
        &format!("{p}/contract/objectives"),
        manager,
        Some(&objective),
    );
    let status = w.expect(200, "GET", &format!("{p}/contract/status"), viewer, None);
    let forecast = &status["objectives"][0]["forecast"];
    assert_eq!(forecast["points"], 6, "{status}");
    assert_eq!(forecast["will_meet_deadline"], true);
    let at_deadline = forecast["value_at_deadline"].as_f64().expect("value");
    assert!((at_deadline - 20.0).abs() < 1e-6, "{forecast}");
    assert_eq!(
        forecast["target_reached_on"],
        (monday(1) + Days::new(35)).to_string()
    );
}

both_backends!(suspect_values_and_forecasts => scenario);
