//! Measures: batches all or nothing, corrections kept, CSV in and out.

use serde_json::json;

use super::{PRODUCT, Who, World};
use crate::helpers::Request;

/// Runs this part of the scenario.
pub fn run(w: &World) {
    let Who {
        manager,
        other,
        member,
        viewer,
        ..
    } = w.who();
    let p = PRODUCT;
    let ind = format!("{p}/indicators");

    // Measures: all or nothing, corrections kept.
    let m = format!("{p}/measures");
    let batch = json!({"measures": [
        {"indicator": "demarches", "period": "2026-11-02", "value": 100},
        {"indicator": "demarches", "period": "2026-11-11", "value": 120, "comment": "semaine calme"},
        {"indicator": "delai", "period": "2026-10-15", "value": 12.5}
    ]});
    w.expect(401, "POST", &m, None, Some(&batch));
    w.expect(403, "POST", &m, viewer, Some(&batch));
    w.expect(403, "POST", &m, other, Some(&batch));
    assert_eq!(
        w.expect(200, "POST", &m, member, Some(&batch)),
        json!({"created": 3, "updated": 0, "unchanged": 0})
    );
    assert_eq!(
        w.expect(200, "POST", &m, member, Some(&batch)),
        json!({"created": 0, "updated": 0, "unchanged": 3})
    );
    let correction = json!({"measures": [{"indicator": "demarches", "period": "2026-11-04", "value": 110, "comment": "correction"}]});
    assert_eq!(
        w.expect(200, "POST", &m, manager, Some(&correction)),
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    let history = w.expect(
        200,
        "GET",
        &format!("{ind}/demarches/measures/2026-11-02/history"),
        viewer,
        None,
    );
    let values: Vec<_> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["value"].as_f64(),
                v["author"].as_str().map(str::to_owned),
                v["recorded_at"].is_string(),
            )
        })
        .collect();
    assert_eq!(values.len(), 2);
    assert_eq!(values[0].0, Some(110.0));
    assert_eq!(values[1].0, Some(100.0));
    assert!(
        values
            .iter()
            .all(|v| v.1.as_deref().is_some_and(|a| a.starts_with("user:")) && v.2)
    );

    // Clearing a suspect flag: another incubator's manager may not; the team may (a value
    // that is not flagged stays as it is).
    let clear = format!("{p}/indicators/demarches/measures/2026-11-02/clear-suspect");
    w.expect(403, "POST", &clear, other, None);
    let cleared = w.expect(200, "POST", &clear, member, None);
    assert_eq!(
        (cleared["value"].as_f64(), cleared["suspect"].as_bool()),
        (Some(110.0), Some(false))
    );

    let bad_rows = json!({"measures": [
        {"indicator": "demarches", "period": "2026-10-05", "value": 1},
        {"indicator": "demarches", "period": "2026-10-12", "value": "beaucoup"}
    ]});
    assert_eq!(
        w.fields(&w.expect(422, "POST", &m, member, Some(&bad_rows))),
        ["measures[1].value"]
    );
    let bad_rows = json!({"measures": [
        {"indicator": "demarches", "period": "2026-10-05", "value": 1},
        {"indicator": "inconnu", "period": "2026-10-12", "value": 2},
        {"indicator": "demarches", "period": "2999-01-04", "value": 3},
        {"indicator": "demarches", "period": "2026-10-06", "value": 4}
    ]});
    assert_eq!(
        w.fields(&w.expect(422, "POST", &m, member, Some(&bad_rows))),
        ["measures[1].indicator", "measures[2].period", "measures[3]"]
    );
    let nan = w.server.send(
        "POST",
        &m,
        Request {
            bearer: member,
            body: Some((
                "application/json",
                r#"{"measures":[{"indicator":"demarches","period":"2026-10-05","value":NaN}]}"#,
            )),
            ..Request::default()
        },
    );
    assert_eq!(nan.status, 400, "{:?}", nan.body);
    let huge = format!(
        r#"{{"measures":[{{"indicator":"demarches","period":"2026-10-05","value":1,"comment":"{}"}}]}}"#,
        "x".repeat(1_100_000)
    );
    let too_big = w.server.send(
        "POST",
        &m,
        Request {
            bearer: member,
            body: Some(("application/json", &huge)),
            ..Request::default()
        },
    );
    assert_eq!(too_big.status, 413, "{:?}", too_big.body);
    let series = w.expect(
        200,
        "GET",
        &format!("{ind}/demarches/measures?from=2026-10-01&per_page=500"),
        viewer,
        None,
    );
    assert_eq!(
        series["total"], 2,
        "nothing of the refused batches was written: {series:?}"
    );

    assert_eq!(w.post_csv(None, "indicator,period,value\n").status, 401);
    assert_eq!(w.post_csv(viewer, "indicator,period,value\n").status, 403);
    let ok = w.post_csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-10-26,90,\"virgule, dans le commentaire\"\ndelai,2026-09-01,\"13,5\",\n",
    );
    assert_eq!(
        (ok.status, ok.body.clone()),
        (200, json!({"created": 2, "updated": 0, "unchanged": 0}))
    );
    let bad = w.post_csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-10-19,1,\ndemarches,hier,2,\ndemarches,2026-10-12,abc,\n",
    );
    assert_eq!(bad.status, 422);
    assert_eq!(w.fields(&bad.body), ["lines[3].period", "lines[4].value"]);
    // The problem names and quotes the cell, so that a person finds it in the file.
    assert_eq!(
        bad.body["error"]["details"][1]["problem"],
        "line 4, column C (value): \"abc\" is not a number",
        "{:?}",
        bad.body
    );
    let semicolons = w.post_csv(
        member,
        "indicator;period;value;comment\ndemarches;2026-09-28;12,5;point-virgule\n",
    );
    assert_eq!(
        (semicolons.status, semicolons.body.clone()),
        (200, json!({"created": 1, "updated": 0, "unchanged": 0}))
    );
    let multiline = w.post_csv(
        member,
        "indicator,period,value,comment\ndemarches,2026-09-21,1,\"deux\nlignes\"\ndemarches,2026-09-14,x,\n",
    );
    assert_eq!(
        w.fields(&multiline.body),
        ["lines[4].value"],
        "line numbers count the lines of a quoted comment"
    );
    let download = w.call("GET", &format!("{p}/measures.csv"), viewer, None);
    assert_eq!(download.status, 200);
    assert!(
        download
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/csv"))
    );
    let text = download.body.as_str().expect("csv text");
    assert!(
        text.starts_with("indicator,period,value,comment\n"),
        "{text}"
    );
    assert!(
        text.contains("demarches,2026-10-26,90,\"virgule, dans le commentaire\""),
        "{text}"
    );
}
