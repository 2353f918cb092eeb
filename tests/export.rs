//! Research export (long CSV): consent honoured, unfinished only on request, pseudonyms, small
//! groups left out, filters, permissions, streaming download parsed back with the csv crate — on
//! SQLite and PostgreSQL.
mod common;

use axum::http::StatusCode;
use std::collections::BTreeMap;

/// A leadership reflection in a school, every item answered (values varying with `seed`),
/// finished unless `finish` is false (then only its first page is answered).
async fn reflection(app: &common::TestApp, school: &str, consent: &str, seed: usize, finish: bool) {
    let start = [
        ("innovation", "data_use"),
        ("consent", consent),
        ("school_code", school),
    ];
    let pages = if finish { usize::MAX } else { 1 };
    common::leadership_reflection(app, &start, pages, |c, i, _| {
        (1 + (seed + i + c) % 5).to_string()
    })
    .await;
}

/// Per respondent (by pseudonym) their sorted (item, value) pairs.
type ByRespondent = BTreeMap<String, Vec<(String, String)>>;

/// The rows, and the answers per respondent.
fn parse(csv_text: &str) -> (Vec<csv::StringRecord>, ByRespondent) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        reflect::export::service::LONG_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let mut by = ByRespondent::new();
    for r in &rows {
        by.entry(r[0].to_string())
            .or_default()
            .push((r[10].to_string(), r[11].to_string()));
    }
    for v in by.values_mut() {
        v.sort();
    }
    (rows, by)
}

/// The stored answers of the reflections matching `cond`, per reflection, sorted.
async fn stored(app: &common::TestApp, cond: &str) -> Vec<Vec<(String, String)>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT a.reflection_id, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id WHERE {cond}"
    ))
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut by: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (r, i, v) in rows {
        by.entry(r).or_default().push((i, v));
    }
    let mut out: Vec<Vec<(String, String)>> = by
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

async fn researchers_export_anonymised_answers(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    common::add_school(app, "school-b", "EFGH6789", "nl").await;
    for seed in 0..6 {
        reflection(app, "ABCD2345", "yes", seed, true).await;
    }
    // not for research; unfinished; a school of two
    reflection(app, "ABCD2345", "no", 10, true).await;
    reflection(app, "ABCD2345", "yes", 11, false).await;
    reflection(app, "EFGH6789", "yes", 12, true).await;
    reflection(app, "EFGH6789", "yes", 13, true).await;

    let url = "/export/responses.csv?instrument=leadership-reflection";
    // who may export
    let r = app.get(url).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for role in ["facilitator", "coordinator"] {
        let school = (role == "coordinator").then_some("school-a");
        app.sign_in_as(&format!("{role}@x.org"), role, school).await;
        assert_eq!(app.get(url).await.status, StatusCode::FORBIDDEN, "{role}");
        let r = app
            .call(
                "preview_export",
                &[("params[instrument]", "leadership-reflection")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    app.sign_in_as("r@x.org", "researcher", None).await;
    // bad filters: a clear message, nothing logged
    for (bad, status) in [
        ("/export/responses.csv", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "/export/responses.csv?instrument=nope",
            StatusCode::NOT_FOUND,
        ),
        (
            &format!("{url}&from=22-11-2026") as &str,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &format!("{url}&role=king"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &format!("{url}&version=99"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &format!("{url}&unfinished=maybe"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        assert_eq!(app.get(bad).await.status, status, "{bad}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM export_log").await, 0);

    let r = app.get(url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let (rows, by) = parse(&r.body);
    // the 6 consenting finished respondents of school A; school B's two are too few even merged
    assert_eq!(by.len(), 6, "{:?}", by.keys());
    let mut exported: Vec<Vec<(String, String)>> = by.values().cloned().collect();
    exported.sort();
    assert_eq!(
        exported,
        stored(
            app,
            "r.school_id = 'school-a' AND r.consent_research = 1 AND r.status = 'finished'"
        )
        .await,
        "the CSV holds exactly the stored answers"
    );
    // pseudonyms only: no real ids, dates cut to the day
    for r in &rows {
        assert!(r[0].starts_with('R') && r[1].starts_with('S'), "{r:?}");
        assert_eq!((&r[2], &r[3], &r[4]), ("nl", "teacher", "data_use"));
        assert_eq!(r[7].len(), 10, "a day, not a time");
    }
    assert!(!r.body.contains("school-a") && !r.body.contains("ABCD2345"));
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM reflections")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(ids.iter().all(|id| !r.body.contains(id.as_str())));

    // as a browser fetches it: compressed, streamed to the end without a hitch
    let gz = app.get_compressed(url).await;
    assert_eq!(gz.status, StatusCode::OK);
    assert!(["gzip", "br"].contains(&gz.headers["content-encoding"].to_str().unwrap()));
    assert!(gz.body.len() > 100);

    // the wide CSV: one row per respondent, the same answers, and a scale score per category
    let wide = app
        .get("/export/responses-wide.csv?instrument=leadership-reflection")
        .await;
    assert_eq!(wide.status, StatusCode::OK, "{}", wide.body);
    let mut reader = csv::Reader::from_reader(wide.body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..8], reflect::export::service::LONG_COLUMNS[..8]);
    let inst = app
        .state
        .instruments
        .latest("leadership-reflection")
        .unwrap()
        .instrument
        .clone();
    let wide_rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(wide_rows.len(), 6);
    let mut from_wide: Vec<Vec<(String, String)>> = Vec::new();
    for row in &wide_rows {
        let mut answers: Vec<(String, String)> = header
            .iter()
            .zip(row.iter())
            .skip(8)
            .filter(|(h, v)| !h.starts_with("score_") && !v.is_empty())
            .map(|(h, v)| (h.clone(), v.to_string()))
            .collect();
        answers.sort();
        for c in &inst.categories {
            let values: Vec<f64> = c
                .items()
                .filter_map(|i| answers.iter().find(|(id, _)| *id == i.id))
                .filter_map(|(_, v)| v.parse().ok())
                .collect();
            let col = header
                .iter()
                .position(|h| *h == format!("score_{}", c.id))
                .unwrap();
            let expected = values.iter().sum::<f64>() / values.len() as f64;
            assert!(
                (row[col].parse::<f64>().unwrap() - expected).abs() < 1e-3,
                "{}",
                c.id
            );
        }
        from_wide.push(answers);
    }
    from_wide.sort();
    assert_eq!(from_wide, exported, "the wide CSV holds the same answers");

    // fresh pseudonyms per export
    let again = app.get(url).await;
    let (_, by_again) = parse(&again.body);
    let mut same_answers: Vec<Vec<(String, String)>> = by_again.values().cloned().collect();
    same_answers.sort();
    assert_eq!(same_answers, exported);

    // unfinished on request; filters narrow
    let (_, with_unfinished) = parse(&app.get(&format!("{url}&unfinished=yes")).await.body);
    assert_eq!(with_unfinished.len(), 7);
    let (none, _) = parse(&app.get(&format!("{url}&role=headteacher")).await.body);
    assert!(none.is_empty());
    let (none, _) = parse(&app.get(&format!("{url}&country=BE")).await.body);
    assert!(none.is_empty());
    let (a_only, _) = parse(
        &app.get(&format!("{url}&school=school-a&innovation=data_use"))
            .await
            .body,
    );
    assert_eq!(a_only.len(), rows.len());

    // the codebook: items, reliability over the same respondents, what was suppressed
    let cb = app
        .get("/export/codebook.json?instrument=leadership-reflection")
        .await;
    assert_eq!(cb.status, StatusCode::OK, "{}", cb.body);
    let cb: serde_json::Value = serde_json::from_str(&cb.body).unwrap();
    assert_eq!(cb["respondents"], 6);
    assert_eq!(cb["minimum_group_size"], 5);
    let items = cb["items"].as_array().unwrap();
    let exported_items: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.get(10).unwrap()).collect();
    assert_eq!(items.len(), exported_items.len());
    let first = &items[0];
    assert_eq!(first["type"], "likert");
    assert_eq!(
        first["values"].as_array().unwrap().len(),
        6,
        "5 points and na"
    );
    // alpha per category from the CSV's own numbers
    for cat in cb["categories"].as_array().unwrap() {
        let ids: Vec<&str> = cat["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let table: Vec<Vec<Option<f64>>> = by
            .values()
            .map(|answers| {
                ids.iter()
                    .map(|id| {
                        answers
                            .iter()
                            .find(|(i, _)| i == id)
                            .and_then(|(_, v)| v.parse().ok())
                    })
                    .collect()
            })
            .collect();
        let (alpha, n) = reflect::export::stats::cronbach_alpha(&table);
        assert_eq!(cat["n"], n);
        match alpha {
            Some(a) => assert!((cat["alpha"].as_f64().unwrap() - a).abs() < 1e-9),
            None => assert!(cat["alpha"].is_null()),
        }
    }
    let suppression = cb["suppression"].to_string();
    assert!(suppression.contains("left out"), "{suppression}");
    let md = app
        .get("/export/codebook.md?instrument=leadership-reflection")
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(
        md.body.contains("Cronbach's alpha") && md.body.contains("k = 5"),
        "{}",
        md.body
    );
    assert!(md.body.contains("2 respondents: left out"), "{}", md.body);
    assert_eq!(
        app.get("/export/secrets.txt").await.status,
        StatusCode::NOT_FOUND
    );

    // the researcher page: a preview of the counts (not logged) and the download links
    let pv: reflect::export::model::ExportPreview = app
        .call(
            "preview_export",
            &[("params[instrument]", "leadership-reflection")],
        )
        .await
        .json();
    assert_eq!((pv.respondents, pv.minimum_group_size), (6, 5));
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("left out") && *n == 2)
    );
    let page = app
        .get("/export?instrument=leadership-reflection&role=teacher")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("6 respondents"), "{}", page.body);
    assert!(
        page.body
            .contains("/export/responses.csv?instrument=leadership-reflection&amp;role=teacher"),
        "{}",
        page.body
    );

    // every export is logged: who, when, filters, rows — never the data
    let log: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT user_id, filters, row_count FROM export_log ORDER BY created_at")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(log.len(), 10);
    assert!(log.iter().all(|(u, _, _)| !u.is_empty()));
    assert!(log[0].1.contains("leadership-reflection"));
    assert!(log.iter().any(|(_, _, n)| *n == Some(rows.len() as i64)));
}

on_both_backends!(researchers_export_anonymised_answers);
