//! Research export (long CSV): consent honoured, unfinished only on request, pseudonyms, small
//! groups left out, filters, permissions, streaming download parsed back with the csv crate; the
//! language answered in as a column and a filter; the codebook and R script in any language — on
//! SQLite and PostgreSQL.
use crate::common;

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

/// The long CSV's columns by name.
const SCHOOL: usize = 1;
const PERIOD: usize = 7;
const LANGUAGE: usize = 8;
const ITEM: usize = 11;
const VALUE: usize = 12;
/// The leading columns of the wide CSV (the long CSV's up to `language`).
const LEAD: usize = 9;

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
            .push((r[ITEM].to_string(), r[VALUE].to_string()));
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
    // pseudonyms only: no real ids, dates cut to the month
    for r in &rows {
        assert!(r[0].starts_with('R') && r[1].starts_with('S'), "{r:?}");
        assert_eq!((&r[2], &r[3], &r[4]), ("nl", "teacher", "data_use"));
        assert!(
            r[PERIOD].len() == 7 && r[PERIOD].as_bytes()[4] == b'-',
            "a month, never the day: {r:?}"
        );
        assert_eq!(
            &r[LANGUAGE], "en",
            "answered in English (no other asked for)"
        );
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
    assert_eq!(
        header[..LEAD],
        reflect::export::service::LONG_COLUMNS[..LEAD]
    );
    assert_eq!(header[LEAD - 1], "language");
    let inst = common::leadership(app);
    let wide_rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(wide_rows.len(), 6);
    let mut from_wide: Vec<Vec<(String, String)>> = Vec::new();
    for row in &wide_rows {
        let mut answers: Vec<(String, String)> = header
            .iter()
            .zip(row.iter())
            .skip(LEAD)
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
        rows.iter().map(|r| r.get(ITEM).unwrap()).collect();
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
    assert!(
        md.body.contains("fewer than 5 respondents: left out")
            && !md.body.contains("2 respondents"),
        "the school of two, never its exact count: {}",
        md.body
    );
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
            .any(|(w, n)| w.starts_with("left out") && n.is_none()),
        "the school of two: fewer than k, never the exact count: {:?}",
        pv.suppression
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

/// Five schools, each with one headteacher and five teachers: the full export shows their roles
/// as "any" (one headteacher is a group of one). An export filtered to headteachers used to hand
/// out exactly those five rows — joined on their answers with the full export, it named each
/// school's headteacher. Filters now select by what the full export shows: nobody here.
async fn export_filters_cannot_single_out_a_coarsened_group(app: &mut common::TestApp) {
    for s in 0..5 {
        let code = format!("SCHL{s}234");
        common::add_school(app, &format!("school-{s}"), &code, "nl").await;
        for seed in 0..6 {
            let role = if seed == 0 { "headteacher" } else { "teacher" };
            let start = [
                ("innovation", "data_use"),
                ("consent", "yes"),
                ("school_code", code.as_str()),
                ("role", role),
            ];
            common::leadership_reflection(app, &start, usize::MAX, |c, i, _| {
                (1 + (s + seed + i + c) % 5).to_string()
            })
            .await;
        }
    }
    app.sign_in_as("r@x.org", "researcher", None).await;
    let full = app
        .get("/export/responses.csv?instrument=leadership-reflection")
        .await;
    assert_eq!(full.status, StatusCode::OK);
    let (_, people) = parse(&full.body);
    assert_eq!(people.len(), 30);
    let filtered = app
        .get("/export/responses.csv?instrument=leadership-reflection&role=headteacher")
        .await;
    assert_eq!(filtered.status, StatusCode::OK);
    let (_, people) = parse(&filtered.body);
    assert!(
        people.is_empty(),
        "the headteachers are shown as \"any\" in the full export: {} respondents",
        people.len()
    );
    let pv: reflect::export::model::ExportPreview = app
        .call(
            "preview_export",
            &[
                ("params[instrument]", "leadership-reflection"),
                ("params[role]", "headteacher"),
            ],
        )
        .await
        .json();
    assert_eq!(pv.respondents, 0);
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("left out by the filters") && *n == Some(5)),
        "{:?}",
        pv.suppression
    );
    // a filter on what the export does show still works: one school's six
    let one = app
        .get("/export/responses.csv?instrument=leadership-reflection&school=school-3")
        .await;
    let (_, people) = parse(&one.body);
    assert_eq!(people.len(), 6);
}

on_both_backends!(export_filters_cannot_single_out_a_coarsened_group);

/// The innovation, the version and the date are quasi-identifiers like school and role: a school
/// of six teachers on data use and one on a PLN must not export that one as a group of one (with
/// the day they finished), and a filter cannot pick the six back out of what the export shows.
async fn innovation_and_dates_are_quasi_identifiers(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    for seed in 0..6 {
        reflection(app, "ABCD2345", "yes", seed, true).await;
    }
    let start = [
        ("innovation", "pln"),
        ("consent", "yes"),
        ("school_code", "ABCD2345"),
    ];
    common::leadership_reflection(app, &start, usize::MAX, |_, _, _| "3".to_string()).await;
    app.sign_in_as("r@x.org", "researcher", None).await;
    let url = "/export/responses.csv?instrument=leadership-reflection";
    let r = app.get(url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (rows, by) = parse(&r.body);
    assert_eq!(by.len(), 7);
    // every group of the quasi-identifiers as exported (school, country, role, innovation,
    // version, date) holds at least k respondents
    let mut groups: BTreeMap<Vec<String>, std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let key = [1, 2, 3, 4, 6, PERIOD, LANGUAGE]
            .map(|i| r[i].to_string())
            .to_vec();
        groups.entry(key).or_default().insert(r[0].to_string());
    }
    for (key, who) in &groups {
        assert!(who.len() >= 5, "{key:?} holds {} respondents", who.len());
    }
    assert!(
        rows.iter().all(|r| &r[4] == "any" && r[PERIOD].len() == 4),
        "innovation left out, the month shown as its year"
    );
    // filters select by what the export shows: the six on data use cannot be picked out
    for filter in ["innovation=data_use", "innovation=pln"] {
        let (none, _) = parse(&app.get(&format!("{url}&{filter}")).await.body);
        assert!(none.is_empty(), "{filter}");
    }
}

on_both_backends!(innovation_and_dates_are_quasi_identifiers);

/// A finished leadership reflection of a teacher in a school, answered in `language`; the first two
/// statements tell `seed` (below 25) apart, the others are all 3.
async fn answered_in(app: &common::TestApp, school: &str, language: &str, seed: usize) {
    let start = [
        ("innovation", "data_use"),
        ("consent", "yes"),
        ("school_code", school),
        ("language", language),
    ];
    common::leadership_reflection(app, &start, usize::MAX, |c, i, _| {
        match (c, i) {
            (0, 0) => 1 + seed % 5,
            (0, 1) => 1 + seed / 5 % 5,
            _ => 3,
        }
        .to_string()
    })
    .await;
}

/// Per stored reflection its language, by its sorted answers (unique per respondent here).
async fn languages_by_answers(app: &common::TestApp) -> BTreeMap<Vec<(String, String)>, String> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.language, a.item_id, a.value FROM answers a JOIN reflections r ON r.id = a.reflection_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut by: BTreeMap<String, (String, Vec<(String, String)>)> = BTreeMap::new();
    for (id, language, item, value) in rows {
        let entry = by.entry(id).or_insert_with(|| (language, Vec::new()));
        entry.1.push((item, value));
    }
    by.into_values()
        .map(|(language, mut answers)| {
            answers.sort();
            (answers, language)
        })
        .collect()
}

/// School A: five teachers answered in Dutch, five in Swedish — two groups of k, shown as they
/// are. School B: six in Dutch and one in Swedish — the one would be named by their language, so
/// the school's language is "any" (and its month a year). A filter on a language selects by what
/// the export shows.
async fn the_language_answered_in_is_exported_and_anonymised(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    common::add_school(app, "school-b", "EFGH6789", "nl").await;
    for seed in 0..5 {
        answered_in(app, "ABCD2345", "nl", seed).await;
        answered_in(app, "ABCD2345", "sv", seed + 5).await;
    }
    for seed in 10..16 {
        answered_in(app, "EFGH6789", "nl", seed).await;
    }
    answered_in(app, "EFGH6789", "sv", 16).await;
    let stored = languages_by_answers(app).await;
    assert_eq!(
        stored.len(),
        17,
        "every respondent's answers tell them apart"
    );
    app.sign_in_as("r@x.org", "researcher", None).await;

    let url = "/export/responses.csv?instrument=leadership-reflection";
    let r = app.get(url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (rows, by) = parse(&r.body);
    assert_eq!(by.len(), 17);
    // per exported school: its respondents' languages as the export shows them
    let mut schools: BTreeMap<String, BTreeMap<String, std::collections::BTreeSet<String>>> =
        BTreeMap::new();
    for r in &rows {
        schools
            .entry(r[SCHOOL].to_string())
            .or_default()
            .entry(r[LANGUAGE].to_string())
            .or_default()
            .insert(r[0].to_string());
    }
    let shown: Vec<Vec<(String, usize)>> = schools
        .values()
        .map(|languages| {
            languages
                .iter()
                .map(|(l, who)| (l.clone(), who.len()))
                .collect()
        })
        .collect();
    let expected = |pairs: &[(&str, usize)]| -> Vec<(String, usize)> {
        pairs.iter().map(|(l, n)| (l.to_string(), *n)).collect()
    };
    assert!(
        shown.contains(&expected(&[("nl", 5), ("sv", 5)]))
            && shown.contains(&expected(&[("any", 7)])),
        "{shown:?}"
    );
    // each language shown is the one the respondent answered in
    for (pseudonym, answers) in &by {
        let row = rows.iter().find(|r| &r[0] == pseudonym).unwrap();
        let language = &stored[answers];
        if &row[LANGUAGE] == "any" {
            assert_eq!(row[PERIOD].len(), 4, "the month went first: {row:?}");
        } else {
            assert_eq!(&row[LANGUAGE], language.as_str(), "{row:?}");
            assert_eq!(row[PERIOD].len(), 7, "{row:?}");
        }
    }
    // every group of the quasi-identifiers as exported holds at least k respondents
    let mut groups: BTreeMap<Vec<String>, std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let key = [1, 2, 3, 4, 6, PERIOD, LANGUAGE]
            .map(|i| r[i].to_string())
            .to_vec();
        groups.entry(key).or_default().insert(r[0].to_string());
    }
    assert!(groups.values().all(|who| who.len() >= 5), "{groups:?}");

    // the wide CSV and the JSON carry the same column
    let wide = app
        .get("/export/responses-wide.csv?instrument=leadership-reflection")
        .await;
    let mut reader = csv::Reader::from_reader(wide.body.as_bytes());
    assert_eq!(&reader.headers().unwrap()[LANGUAGE], "language");
    let mut wide_languages: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[LANGUAGE].to_string())
        .collect();
    wide_languages.sort();
    let json = app
        .get("/export/responses.json?instrument=leadership-reflection")
        .await;
    let doc: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let mut json_languages: Vec<String> = doc["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["language"].as_str().unwrap().to_string())
        .collect();
    json_languages.sort();
    let mut csv_languages: Vec<String> = by
        .keys()
        .map(|p| rows.iter().find(|r| &r[0] == p).unwrap()[LANGUAGE].to_string())
        .collect();
    csv_languages.sort();
    assert_eq!(wide_languages, csv_languages);
    assert_eq!(json_languages, csv_languages);
    assert_eq!(csv_languages.iter().filter(|l| *l == "any").count(), 7);

    // the filter: school A's five Swedish-speaking teachers; school B's one is "any" there
    let (rows, swedes) = parse(&app.get(&format!("{url}&language=sv")).await.body);
    assert_eq!(swedes.len(), 5);
    assert!(rows.iter().all(|r| &r[LANGUAGE] == "sv"));
    for answers in swedes.values() {
        assert_eq!(stored[answers], "sv");
    }
    let (_, dutch) = parse(&app.get(&format!("{url}&language=nl")).await.body);
    assert_eq!(dutch.len(), 5, "school B's six Dutch are shown as \"any\"");
    assert!(dutch.values().all(|answers| stored[answers] == "nl"));
    let (none, _) = parse(&app.get(&format!("{url}&language=es")).await.body);
    assert!(none.is_empty());
    assert_eq!(
        app.get(&format!("{url}&language=klingon")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let preview = |language: &'static str| {
        let app = &*app;
        async move {
            app.call(
                "preview_export",
                &[
                    ("params[instrument]", "leadership-reflection"),
                    ("params[language]", language),
                ],
            )
            .await
            .json::<reflect::export::model::ExportPreview>()
        }
    };
    let pv = preview("sv").await;
    assert_eq!(pv.respondents, 5);
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("left out by the filters") && n.is_none()),
        "the lone Swedish speaker: fewer than k, never the count: {:?}",
        pv.suppression
    );
    let pv = preview("nl").await;
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("left out by the filters") && *n == Some(6)),
        "{:?}",
        pv.suppression
    );
    // the page offers the filter, each language by its own name
    let page = app
        .get("/export?instrument=leadership-reflection&language=sv")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"language\"")
            && page.body.contains(">Svenska<")
            && page.body.contains(">Čeština<"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("/export/responses.csv?instrument=leadership-reflection&amp;language=sv"),
        "{}",
        page.body
    );

    // the codebook names the column's codes and counts the coarsening
    let cb: serde_json::Value = serde_json::from_str(
        &app.get("/export/codebook.json?instrument=leadership-reflection")
            .await
            .body,
    )
    .unwrap();
    let columns = cb["columns"].as_array().unwrap();
    let language = columns.iter().find(|c| c[0] == "language").unwrap();
    let meaning = language[1].as_str().unwrap();
    assert!(
        meaning.contains("sv = Swedish") && meaning.contains("nl = Dutch"),
        "{meaning}"
    );
    assert!(
        cb["suppression"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s[0] == "month shown as its year, language left out (\"any\")" && s[1] == 7),
        "{}",
        cb["suppression"]
    );
}

/// The codebook and the R script speak the request's language: their headings, sentences, item
/// texts and labels; the ids and values stay as they are.
async fn codebook_and_r_script_in_the_request_s_language(app: &mut common::TestApp) {
    use reflect::lang::Locale;
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    for seed in 0..5 {
        answered_in(app, "ABCD2345", "nl", seed).await;
    }
    app.sign_in_as("r@x.org", "researcher", None).await;
    let inst = common::leadership(app);
    let first = &inst.categories[0].subcategories[0].items[0];
    let dutch = app.state.instruments.localized(&inst, Locale::nl);
    let dutch_first = &dutch.categories[0].subcategories[0].items[0];
    assert_eq!(dutch_first.id, first.id);
    assert_ne!(
        dutch_first.text, first.text,
        "the questionnaire has a Dutch text"
    );
    let query = "instrument=leadership-reflection";

    // no language asked for, none in the browser: English
    let en = app.get(&format!("/export/codebook.md?{query}")).await;
    assert_eq!(en.status, StatusCode::OK, "{}", en.body);
    assert!(en.body.starts_with("# Codebook: "), "{}", en.body);
    assert!(en.body.contains("\n## Anonymisation\n") && en.body.contains("\n## Items\n"));
    assert!(en.body.contains(&first.text) && !en.body.contains(&dutch_first.text));
    assert!(!en.body.contains("## Translation"), "English is the source");

    // ?lang=nl: Dutch headings, sentences and item texts; the same ids
    let nl = app
        .get(&format!("/export/codebook.md?{query}&lang=nl"))
        .await;
    assert_eq!(nl.status, StatusCode::OK, "{}", nl.body);
    assert!(nl.body.starts_with("# Codeboek: "), "{}", nl.body);
    for heading in [
        "## Vertaling",
        "## Anonimisering",
        "## Onderdrukking in deze export",
        "## Kolommen (lange CSV)",
    ] {
        assert!(nl.body.contains(heading), "{heading}: {}", nl.body);
    }
    assert!(nl.body.contains(&dutch_first.text), "{}", nl.body);
    assert!(!nl.body.contains(&first.text), "no English item text");
    assert!(nl.body.contains(&format!("`{}`", first.id)));
    assert!(
        nl.body.contains("Vertaling door het Reflect-team"),
        "the translation's own note: {}",
        nl.body
    );
    assert!(!nl.body.contains("## Anonymisation"));
    // the address's choice is kept in a cookie, which here stood for the session: sign in again
    app.sign_in("r@x.org", "a long test password").await;

    // the JSON codebook: the language named, the texts and labels translated, values the same
    let cb: serde_json::Value = serde_json::from_str(
        &app.get(&format!("/export/codebook.json?{query}&lang=nl"))
            .await
            .body,
    )
    .unwrap();
    app.sign_in("r@x.org", "a long test password").await;
    assert_eq!(cb["language"], "nl");
    assert!(cb["translation_note"].as_str().unwrap().contains("Reflect"));
    let item = &cb["items"][0];
    assert_eq!(item["id"], first.id.as_str());
    assert_eq!(item["text"], dutch_first.text.as_str());
    let scale = dutch.scale(dutch_first).unwrap();
    assert_eq!(item["values"][0][0], "1");
    assert_eq!(item["values"][0][1], scale.labels[0].as_str());
    assert_ne!(scale.labels[0], inst.scale(first).unwrap().labels[0]);
    let rules = cb["anonymisation"].to_string();
    assert!(rules.contains("taal × versie × periode"), "{rules}");

    // the browser's language when none is asked for
    let swedish = app
        .send(
            axum::http::Request::get(format!("/export/codebook.md?{query}"))
                .header(axum::http::header::ACCEPT_LANGUAGE, "sv-SE, en;q=0.5")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(swedish.status, StatusCode::OK);
    assert!(swedish.body.starts_with("# Kodbok: "), "{}", swedish.body);

    // the R script in Czech: comments, messages and labels; the code the same
    let english_script = app.get(&format!("/export/reflect-wide.R?{query}")).await;
    assert!(
        english_script
            .body
            .starts_with("# Reads a Reflect research export")
    );
    let czech = app.state.instruments.localized(&inst, Locale::cs);
    let czech_label = &czech
        .scale(&czech.categories[0].subcategories[0].items[0])
        .unwrap()
        .labels[0];
    assert_ne!(czech_label, &inst.scale(first).unwrap().labels[0]);
    let script = app
        .get(&format!("/export/reflect-wide.R?{query}&lang=cs"))
        .await;
    app.sign_in("r@x.org", "a long test password").await;
    assert_eq!(script.status, StatusCode::OK, "{}", script.body);
    assert!(
        script.body.starts_with("# Načte výzkumný export"),
        "{}",
        script.body
    );
    assert!(
        script.body.contains("Překlad"),
        "the translation's note: {}",
        script.body
    );
    assert!(
        script.body.contains(&format!(
            "{} = c(\"1\" = {}",
            reflect::export::rscript::r_string(&first.id),
            reflect::export::rscript::r_string(czech_label)
        )),
        "{}",
        script.body
    );
    assert!(!script.body.contains("Reads a Reflect research export"));
    for code in [
        "reflect <- read.csv(path, colClasses = \"character\"",
        "for (column in c(\"school\", \"country\", \"role\", \"innovation\", \"language\"))",
    ] {
        assert!(
            script.body.contains(code) && english_script.body.contains(code),
            "{code}"
        );
    }

    // the CLI: --lang
    let out = cli(
        app,
        &[
            "codebook-md",
            "--as",
            "r@x.org",
            "--instrument",
            "leadership-reflection",
            "--lang",
            "nl",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("# Codeboek: ") && md.contains(&dutch_first.text),
        "{md}"
    );
}

on_both_backends!(
    the_language_answered_in_is_exported_and_anonymised,
    codebook_and_r_script_in_the_request_s_language
);

/// A networking-baseline respondent of a school (unfinished: their first answers only): a scale
/// answer, a school type and two written answers.
async fn baseline(app: &common::TestApp, school: &str, n: usize, school_type: &str) {
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", "networking-baseline"),
                ("role", "teacher"),
                ("school_code", school),
                ("innovation", "pln"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    let value = (1 + n % 5).to_string();
    let short = format!("partner school {n}");
    let word = format!("trust{n}");
    for (item, value) in [
        ("ti_collab_time", value.as_str()),
        ("resp_school_type", school_type),
        ("top_other", short.as_str()),
        ("plnf_one_word", word.as_str()),
    ] {
        let r = app
            .call(
                "save_answer",
                &[("token", &token), ("item", item), ("value", value)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{item}: {}", r.body);
    }
}

const WRITTEN: [&str; 2] = ["top_other", "plnf_one_word"];

async fn written_answers_json_r_and_cli(app: &mut common::TestApp) {
    common::add_school(app, "school-a", "ABCD2345", "nl").await;
    common::add_school(app, "school-b", "EFGH6789", "nl").await;
    // one of school A's ten names another type of school: alone with it, they would stand out
    for n in 0..10 {
        let school_type = if n == 0 { "secondary" } else { "primary" };
        baseline(app, "ABCD2345", n, school_type).await;
    }
    for n in 10..15 {
        baseline(app, "EFGH6789", n, "primary").await;
    }
    app.sign_in_as("facilitator@x.org", "facilitator", None)
        .await;
    assert_eq!(
        app.call("export_choices", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    app.sign_in_as("r@x.org", "researcher", None).await;
    let choices: reflect::export::model::FilterChoices =
        app.call("export_choices", &[]).await.json();
    assert_eq!(choices.schools.len(), 2);
    assert_eq!(choices.countries, ["nl"]);
    assert!(
        choices
            .instruments
            .iter()
            .any(|(id, _)| id == "networking-baseline")
    );

    let base = "instrument=networking-baseline&unfinished=yes";
    // by default no written answers at all
    let (rows, by) = parse(&app.get(&format!("/export/responses.csv?{base}")).await.body);
    assert_eq!(by.len(), 15);
    assert!(rows.iter().all(|r| !WRITTEN.contains(&&r[ITEM])));
    // the school type is a quasi-identifier: school A's one "secondary" would single them out,
    // and the other nine left alone would tell it by elimination, so A's types all stay out
    let types: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[ITEM] == "resp_school_type")
        .collect();
    assert_eq!(types.len(), 5, "school B's five, all the same");
    assert!(types.iter().all(|r| &r[VALUE] == "primary"));
    assert_eq!(
        app.get(&format!("/export/responses.csv?{base}&text=perhaps"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // on request: only from the group of 10 (school A's teachers), exactly as typed
    let with_text = format!("{base}&text=yes");
    let (rows, by) = parse(
        &app.get(&format!("/export/responses.csv?{with_text}"))
            .await
            .body,
    );
    assert_eq!(by.len(), 15, "everyone's other answers still go out");
    let mut words: Vec<&str> = rows
        .iter()
        .filter(|r| &r[ITEM] == "plnf_one_word")
        .map(|r| r.get(VALUE).unwrap())
        .collect();
    words.sort();
    let mut expected: Vec<String> = (0..10).map(|n| format!("trust{n}")).collect();
    expected.sort();
    assert_eq!(words, expected);
    let texts: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| WRITTEN.contains(&&r[ITEM]))
        .collect();
    assert_eq!(texts.len(), 20);
    let school_a = &texts[0][SCHOOL];
    assert!(
        texts.iter().all(|r| &r[SCHOOL] == school_a),
        "one school's group only"
    );
    let pv: reflect::export::model::ExportPreview = app
        .call(
            "preview_export",
            &[
                ("params[instrument]", "networking-baseline"),
                ("params[unfinished]", "yes"),
                ("params[text]", "yes"),
            ],
        )
        .await
        .json();
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("written answers left out") && *n == Some(5)),
        "{:?}",
        pv.suppression
    );
    assert!(
        pv.suppression
            .iter()
            .any(|(w, n)| w.starts_with("answers describing the respondent") && *n == Some(10)),
        "{:?}",
        pv.suppression
    );

    // JSON: one object per respondent with the same answers and the scale scores
    let json = app
        .get(&format!("/export/responses.json?{with_text}"))
        .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    assert!(
        json.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(doc["instrument"], "networking-baseline");
    assert_eq!(doc["written_answers"], true);
    let people = doc["respondents"].as_array().unwrap();
    assert_eq!(people.len(), 15);
    let mut from_json: Vec<Vec<(String, String)>> = people
        .iter()
        .map(|p| {
            let mut a: Vec<(String, String)> = p["answers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            a.sort();
            a
        })
        .collect();
    from_json.sort();
    let mut from_csv: Vec<Vec<(String, String)>> = by.values().cloned().collect();
    from_csv.sort();
    assert_eq!(
        from_json, from_csv,
        "JSON and long CSV hold the same answers"
    );
    for p in people {
        assert!(p["respondent"].as_str().unwrap().starts_with('R'));
        assert_eq!(p["version"], 1);
        let scale: f64 = p["answers"]["ti_collab_time"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(p["scores"]["teacher_involvement"].as_f64(), Some(scale));
    }

    // the R script names this questionnaire's labels; R runs it on the wide CSV where R is here
    let script = app
        .get(&format!("/export/reflect-wide.R?{with_text}"))
        .await;
    assert_eq!(script.status, StatusCode::OK, "{}", script.body);
    assert!(
        script
            .body
            .contains(r#""ti_collab_time" = c("1" = "Strongly disagree""#),
        "{}",
        script.body
    );
    assert!(
        script
            .body
            .contains(r#""resp_school_type" = c("primary" = "Primary""#)
    );
    let wide = app
        .get(&format!("/export/responses-wide.csv?{with_text}"))
        .await;
    assert_eq!(wide.status, StatusCode::OK);
    assert!(wide.body.lines().next().unwrap().contains("plnf_one_word"));
    run_r(&script.body, &wide.body, 15);

    // the CLI: the same exports for scripts, the same rules, logged as the account named
    let logged = app.count("SELECT COUNT(*) FROM export_log").await;
    let out = cli(
        app,
        &[
            "responses-json",
            "--as",
            "r@x.org",
            "--instrument",
            "networking-baseline",
            "--unfinished",
            "yes",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["respondents"].as_array().unwrap().len(), 15);
    assert_eq!(doc["written_answers"], false);
    let out = cli(
        app,
        &[
            "responses",
            "--as",
            "R@X.org",
            "--instrument",
            "networking-baseline",
            "--unfinished",
            "yes",
            "--text",
            "yes",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (cli_rows, cli_by) = parse(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(cli_by.len(), 15);
    assert_eq!(cli_rows.len(), rows.len());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM export_log").await,
        logged + 2
    );
    for (args, message) in [
        (
            &[
                "responses",
                "--as",
                "facilitator@x.org",
                "--instrument",
                "networking-baseline",
            ][..],
            "Only researchers",
        ),
        (
            &[
                "responses",
                "--as",
                "nobody@x.org",
                "--instrument",
                "networking-baseline",
            ],
            "no account",
        ),
        (
            &["responses", "--as", "r@x.org", "--instrument", "nope"],
            "no questionnaire",
        ),
        (
            &["responses", "--as", "r@x.org", "--colour", "red"],
            "unexpected argument '--colour'",
        ),
        (
            &[
                "spreadsheet",
                "--as",
                "r@x.org",
                "--instrument",
                "networking-baseline",
            ],
            "invalid value 'spreadsheet'",
        ),
    ] {
        let out = cli(app, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing written on failure"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM export_log").await,
        logged + 2
    );
}

/// No table stores an IP address or a browser's user agent, so no export can carry one.
async fn no_ip_or_user_agent_is_stored(app: &mut common::TestApp) {
    let sql = match app.backend {
        common::Backend::Sqlite => {
            "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        common::Backend::Postgres => {
            "SELECT CAST(table_name || '.' || column_name AS TEXT) FROM information_schema.columns WHERE table_schema = 'public'"
        }
    };
    let columns: Vec<String> = sqlx::query_scalar(sql)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(columns.iter().any(|c| c == "answers.value"), "{columns:?}");
    for c in &columns {
        let name = c.rsplit('.').next().unwrap().to_lowercase();
        assert!(
            !(name == "ip"
                || name.contains("ip_")
                || name.contains("addr")
                || name.contains("agent")),
            "{c} looks like an IP address or user agent"
        );
    }
}

/// `reflect export …` on this test's database.
fn cli(app: &common::TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_reflect"))
        .arg("export")
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("REFLECT_INSTRUMENTS_DIR", common::instruments_dir())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run reflect export")
}

/// Runs the R script on the wide CSV and checks what R made of it, where R is installed.
fn run_r(script: &str, wide_csv: &str, respondents: usize) {
    if std::process::Command::new("Rscript")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIPPED: Rscript is not installed here, so the export's R script was not run (its content is checked above)"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("reflect-r-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("reflect-wide.R"), script).unwrap();
    std::fs::write(dir.join("wide.csv"), wide_csv).unwrap();
    let check = format!(
        r#"path <- "wide.csv"; source("reflect-wide.R")
stopifnot(nrow(reflect) == {respondents})
stopifnot(is.ordered(reflect$ti_collab_time), nlevels(reflect$ti_collab_time) == 5)
stopifnot(all(as.character(reflect$ti_collab_time) %in% levels(reflect$ti_collab_time)))
stopifnot(is.factor(reflect$resp_school_type), sum(!is.na(reflect$resp_school_type)) == 5)
stopifnot(all(reflect$resp_school_type == "Primary", na.rm = TRUE))
stopifnot(is.numeric(reflect$score_teacher_involvement))
stopifnot(is.factor(reflect$period), is.factor(reflect$language))
cat("R checks passed\n")"#
    );
    let out = std::process::Command::new("Rscript")
        .current_dir(&dir)
        .args(["-e", &check])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success() && stdout.contains("R checks passed"),
        "{stdout}\n{stderr}"
    );
}

on_both_backends!(
    written_answers_json_r_and_cli,
    no_ip_or_user_agent_is_stored
);
