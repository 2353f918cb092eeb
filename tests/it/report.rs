//! The school report of a round (issue 18): only once the round has closed, only for the
//! school's coordinators, its numbers against a recompute from the answers given, the larger
//! groups beside it where they may show, the change since the previous round, and the PDF — on
//! SQLite and PostgreSQL.
use crate::common;

use axum::http::{StatusCode, header};
use reflect::results::model::{ReportStatus, RoundReport};
use reflect::results::stats::{Distribution, Estimate, difference, estimate};
use reflect::rounds::model::Round;
use reflect::values::{RoleGroup, Withheld};

const SCHOOL: &str = "s1";

async fn open_round(app: &common::TestApp) -> Round {
    let r = app
        .call(
            "open_round",
            &[
                ("school", SCHOOL),
                ("instrument", "leadership-reflection"),
                ("innovation", "pln"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id: String = r.json();
    let r = app.call("get_round", &[("id", &id)]).await;
    r.json()
}

fn link(r: &Round, group: RoleGroup) -> String {
    let g = r.groups.iter().find(|g| g.group == group).unwrap();
    g.link.rsplit_once("/g/").unwrap().1.to_string()
}

/// Each value is one respondent who gives it to every statement, through the group's link.
async fn answer(app: &common::TestApp, link: &str, role: &str, values: &[i64]) {
    let pages = common::leadership(app).categories.len();
    for v in values {
        let r = app
            .call(
                "start_from_link",
                &[
                    ("link", link),
                    ("role", role),
                    ("invitation", ""),
                    ("consent", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let token: String = r.json();
        let v = v.to_string();
        common::answer_pages(app, &token, pages, |_, _, _| v.clone()).await;
    }
}

/// The estimate a group of respondents gives a category when each gives one value to all of
/// its `statements` statements: worked out here from the answers, not read from the server.
fn recompute(values: &[i64], statements: i64) -> Estimate {
    let mut d = Distribution::new(5);
    for v in values {
        d.add(*v, statements);
    }
    estimate(d.moments(), values.len() as i64).unwrap()
}

fn close_to(a: Estimate, b: Estimate) {
    let near = |x: f64, y: f64| (x - y).abs() < 1e-9 || (x.is_infinite() && x == y);
    assert!(
        near(a.mean, b.mean) && near(a.low, b.low) && near(a.high, b.high) && a.n == b.n,
        "{a:?} != {b:?}"
    );
}

async fn report(app: &common::TestApp, id: &str) -> RoundReport {
    let r = app.call("get_round_report", &[("id", id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn close(app: &common::TestApp, id: &str) {
    let r = app.call("close_round", &[("id", id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn a_closed_round_has_a_school_report(app: &mut common::TestApp) {
    for (id, code) in [(SCHOOL, "AAAABBBB"), ("s2", "CCCCDDDD"), ("s3", "EEEEFFFF")] {
        common::add_school(app, id, code, "nl").await;
    }
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    let first = open_round(app).await;
    let inst = common::leadership(app);
    let category = inst.categories.iter().find(|c| c.is_scored()).unwrap();
    let statements = category
        .items()
        .filter(|i| i.kind == reflect::instrument::ItemType::Likert)
        .count() as i64;

    // round 1: five leaders and five teachers through the group links
    let (leaders1, teachers1) = ([1, 2, 2, 3, 2], [3, 4, 4, 3, 4]);
    answer(
        app,
        &link(&first, RoleGroup::Leaders),
        "headteacher",
        &leaders1,
    )
    .await;
    answer(
        app,
        &link(&first, RoleGroup::Teachers),
        "teacher",
        &teachers1,
    )
    .await;
    // two other schools of the country, five teachers each: everyone and the country may show
    for code in ["CCCCDDDD", "EEEEFFFF"] {
        for _ in 0..5 {
            common::leadership_reflection(app, &[("school_code", code)], 99, |_, _, _| "3".into())
                .await;
        }
    }
    common::release_all(app).await;

    // while the round runs there is no report, on the page or as PDF
    let running = report(app, &first.id).await;
    assert_eq!(running.status, ReportStatus::NotClosed);
    let pdf = app.get(&format!("/rounds/{}/report.pdf", first.id)).await;
    assert_eq!(pdf.status, StatusCode::CONFLICT, "{}", pdf.body);

    close(app, &first.id).await;
    let one = report(app, &first.id).await;
    let ReportStatus::Ready(body) = &one.status else {
        panic!("a closed round of ten: {:?}", one.status);
    };
    assert_eq!(body.respondents, 10);
    assert_eq!(body.leaders, Ok(5));
    assert_eq!(body.teachers, Ok(5));
    let row = body
        .categories
        .iter()
        .find(|c| c.id == category.id)
        .unwrap();
    let all: Vec<i64> = leaders1.iter().chain(&teachers1).copied().collect();
    close_to(row.all.unwrap(), recompute(&all, statements));
    let (l, t) = (
        recompute(&leaders1, statements),
        recompute(&teachers1, statements),
    );
    close_to(row.leaders.unwrap(), l);
    close_to(row.teachers.unwrap(), t);
    close_to(row.gap.unwrap(), difference(&t, &l));
    assert!(row.gap.unwrap().low > 0.0, "teachers clearly above leaders");
    // the weakest category in words, with its statements lowest first
    assert!(!body.weakest.is_empty());
    for w in &body.weakest {
        assert!(!w.statements.is_empty(), "{w:?}");
        assert!(w.statements.windows(2).all(|p| p[0].1 <= p[1].1));
    }
    // the country and everyone: three schools, and without any one of them still five
    let names: Vec<(&str, Option<Withheld>)> = body
        .comparison
        .iter()
        .map(|c| (c.name.as_str(), c.withheld))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|(_, w)| w.is_none()), "{names:?}");
    let everyone = body.comparison.last().unwrap();
    assert_eq!(everyone.respondents, 20);
    assert!(body.previous.is_none(), "the school's first round");

    // the page, and the PDF to download
    let page = app.get(&format!("/rounds/{}/report", first.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("School s1"), "{}", page.body);
    assert!(page.body.contains("id=\"report-weakest\""));
    assert!(
        page.body
            .contains(&format!("/rounds/{}/report.pdf", first.id))
    );
    let pdf = app.get(&format!("/rounds/{}/report.pdf", first.id)).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(pdf.headers[header::CACHE_CONTROL], "no-store");
    assert!(
        pdf.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(pdf.body.trim_end().ends_with("%%EOF"));
    assert!(
        pdf.body.contains("/FontFile2"),
        "the font travels with the file"
    );

    // round 2, a year on: growth since round 1
    let second = open_round(app).await;
    let (leaders2, teachers2) = ([3, 3, 4, 3, 4], [4, 4, 4, 3, 4]);
    answer(app, &link(&second, RoleGroup::Leaders), "deputy", &leaders2).await;
    answer(
        app,
        &link(&second, RoleGroup::Teachers),
        "teacher",
        &teachers2,
    )
    .await;
    common::release_all(app).await;
    close(app, &second.id).await;
    let two = report(app, &second.id).await;
    let ReportStatus::Ready(body2) = &two.status else {
        panic!("the second round: {:?}", two.status);
    };
    let previous = body2
        .previous
        .as_ref()
        .expect("round 1 is the previous round");
    assert_eq!(previous.opened_on, &first.created_at[..10]);
    assert_eq!(previous.column.respondents, 10);
    let i = body2
        .categories
        .iter()
        .position(|c| c.id == category.id)
        .unwrap();
    let before = recompute(&all, statements);
    close_to(previous.column.estimates[i].unwrap(), before);
    let all2: Vec<i64> = leaders2.iter().chain(&teachers2).copied().collect();
    let now = recompute(&all2, statements);
    close_to(body2.categories[i].all.unwrap(), now);
    close_to(previous.change[i].unwrap(), difference(&now, &before));
    assert!(previous.change[i].unwrap().mean > 0.0, "the school grew");
    // round 1's own figures stay as they were, and it still has no previous round
    let again = report(app, &first.id).await;
    let ReportStatus::Ready(again) = &again.status else {
        panic!("{:?}", again.status);
    };
    assert_eq!(again.categories, body.categories);
    assert!(again.previous.is_none());

    // nobody else sees it: another school's coordinator, and nobody signed in
    common::add_school(app, "s9", "GGGGHHHH", "nl").await;
    app.sign_in_as("c9@x.org", "coordinator", Some("s9")).await;
    let r = app.call("get_round_report", &[("id", &first.id)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let pdf = app.get(&format!("/rounds/{}/report.pdf", first.id)).await;
    assert_eq!(pdf.status, StatusCode::NOT_FOUND);
    app.sign_out_locally();
    let r = app.call("get_round_report", &[("id", &first.id)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let pdf = app.get(&format!("/rounds/{}/report.pdf", first.id)).await;
    assert_eq!(pdf.status, StatusCode::UNAUTHORIZED);
}

async fn a_round_too_small_has_no_figures_in_its_report(app: &mut common::TestApp) {
    common::add_school(app, SCHOOL, "AAAABBBB", "nl").await;
    app.sign_in_as("c1@x.org", "coordinator", Some(SCHOOL))
        .await;
    let round = open_round(app).await;
    answer(
        app,
        &link(&round, RoleGroup::Leaders),
        "headteacher",
        &[2, 3, 4],
    )
    .await;
    common::release_all(app).await;
    close(app, &round.id).await;
    let r = report(app, &round.id).await;
    assert!(
        matches!(r.status, ReportStatus::Withheld(_)),
        "three respondents: {:?}",
        r.status
    );
    let pdf = app.get(&format!("/rounds/{}/report.pdf", round.id)).await;
    assert_eq!(pdf.status, StatusCode::CONFLICT);
    assert!(!pdf.body.starts_with("%PDF"));
}

on_both_backends!(
    a_closed_round_has_a_school_report,
    a_round_too_small_has_no_figures_in_its_report,
);
