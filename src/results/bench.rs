//! `reflect-bench results`: loads N finished leadership reflections (36 statements each) into a
//! fresh database, builds the aggregates and times the school, country and all-respondents results
//! queries. Prints the figures; it asserts nothing about time (that is what benchmarks are for).
use super::compute::compute;
use super::db::{Filter, item_counts, respondents};
use super::model::Scope;
use crate::instrument::store;
use crate::server::bench::{COUNTRIES, INNOVATIONS, NETWORKS, ROLES, SCHOOLS, load_reflections};
use crate::server::db::Db;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::Instant;

/// The language of each country's generated respondents (`COUNTRIES`), as an index into
/// `lang::all()` (en, nl, cs, sl, es, sv): networks and everyone mix all six, as a study across
/// the partner countries would.
const COUNTRY_LANGUAGE: [usize; 10] = [1, 1, 2, 3, 0, 5, 5, 0, 0, 4];

/// The language of a generated school's respondents (the language of its country).
fn language_of_school(s: usize) -> usize {
    COUNTRY_LANGUAGE[s % COUNTRIES.len()]
}

pub async fn run(
    database_url: &str,
    instruments_dir: &std::path::Path,
    n: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let db = Db::connect(database_url).await?;
    let files = store::load_dir(instruments_dir)
        .map_err(|e| format!("{} invalid instrument file(s)", e.len()))?;
    let registry = store::sync(&db, files).await?;
    let loaded = registry
        .latest("leadership-reflection")
        .ok_or("leadership-reflection instrument missing")?;
    let inst = loaded.instrument.clone();
    let version = loaded.version;
    let items: Vec<String> = inst
        .categories
        .iter()
        .flat_map(|c| c.items())
        .map(|i| i.id.clone())
        .collect();
    let mut rng = StdRng::seed_from_u64(42);

    // Aggregates are counted while generating (a flat array over group × role × innovation × month
    // × language × item × value) and written once at the end: the production path (`aggregates::apply` per
    // finished reflection, `recompute` for repairs) is tested elsewhere; this measures the reads.
    let groups = 1 + SCHOOLS + 20 + COUNTRIES.len();
    let values = 6; // 1..5 and na
    let dims = [
        groups,
        ROLES.len(),
        INNOVATIONS.len(),
        12,
        crate::lang::all().len(),
        items.len(),
        values,
    ];
    let idx = |g: usize, r: usize, i: usize, m: usize, l: usize, it: usize, v: usize| {
        (((((g * dims[1] + r) * dims[2] + i) * dims[3] + m) * dims[4] + l) * dims[5] + it) * dims[6]
            + v
    };
    let mut answer_counts = vec![0u32; dims.iter().product()];
    let mut respondent_counts = vec![0u32; groups * dims[1] * dims[2] * dims[3] * dims[4]];
    // each group's total rows (role, innovation and month "*"): respondents, and item × value
    let mut totals = vec![0u32; groups * (values + 1)];
    let mut item_totals = vec![0u32; groups * dims[5] * values];
    // each group's totals by role (innovation, month, language and round "*")
    let mut role_totals = vec![0u32; groups * dims[1]];
    let mut role_items = vec![0u32; groups * dims[1] * dims[5] * values];
    let group_of_school = |s: usize| {
        [
            0,
            1 + s,
            1 + SCHOOLS + s % NETWORKS,
            1 + SCHOOLS + 20 + s % COUNTRIES.len(),
        ]
    };

    // reflections and answers, counted into the aggregates as they are written
    load_reflections(&db, loaded.version, &items, n, &mut rng, |r| {
        let l = language_of_school(r.school);
        for g in group_of_school(r.school) {
            respondent_counts[(((g * dims[1] + r.role) * dims[2] + r.innovation) * dims[3]
                + r.month
                - 1)
                * dims[4]
                + l] += 1;
            totals[g * (values + 1) + values] += 1;
            role_totals[g * dims[1] + r.role] += 1;
        }
        for (it, v) in r.values.iter().enumerate() {
            for g in group_of_school(r.school) {
                answer_counts[idx(g, r.role, r.innovation, r.month - 1, l, it, *v)] += 1;
                item_totals[(g * dims[5] + it) * values + v] += 1;
                role_items[((g * dims[1] + r.role) * dims[5] + it) * values + v] += 1;
            }
        }
    })
    .await?;
    let loaded_in = t0.elapsed();
    println!(
        "loaded {n} finished reflections × {} statements in {:.1} s",
        items.len(),
        loaded_in.as_secs_f64()
    );

    let t1 = Instant::now();
    let group_key = |g: usize| -> (&str, String) {
        match g {
            0 => ("all", String::new()),
            g if g <= SCHOOLS => ("school", format!("school-{}", g - 1)),
            g if g <= SCHOOLS + 20 => ("network", format!("net-{}", g - 1 - SCHOOLS)),
            g => ("country", COUNTRIES[g - 1 - SCHOOLS - 20].to_string()),
        }
    };
    let value_of = |v: usize| {
        if v == 0 {
            "na".to_string()
        } else {
            v.to_string()
        }
    };
    let mut rows: Vec<String> = Vec::new();
    let mut written = 0usize;
    let mut tx = db.begin_write().await?;
    crate::server::bench::bulk_pragmas(&db, &mut tx).await?;
    for (k, n) in answer_counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let v = k % dims[6];
        let it = (k / dims[6]) % dims[5];
        let l = (k / (dims[6] * dims[5])) % dims[4];
        let m = (k / (dims[6] * dims[5] * dims[4])) % dims[3];
        let i = (k / (dims[6] * dims[5] * dims[4] * dims[3])) % dims[2];
        let r = (k / (dims[6] * dims[5] * dims[4] * dims[3] * dims[2])) % dims[1];
        let g = k / (dims[6] * dims[5] * dims[4] * dims[3] * dims[2] * dims[1]);
        let (level, key) = group_key(g);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '{}', '{}', '2026-{:02}', '{}', '', '{}', '{}', {n})",
            loaded.version, ROLES[r], INNOVATIONS[i], m + 1, crate::lang::code(crate::lang::all()[l]), items[it], value_of(v)
        ));
        if rows.len() == 1000 {
            aggregates_insert(&mut tx, "answer_counts", &rows).await?;
            written += rows.len();
            rows.clear();
        }
    }
    aggregates_insert(&mut tx, "answer_counts", &rows).await?;
    written += rows.len();
    rows.clear();
    for (k, n) in respondent_counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
    {
        let l = k % dims[4];
        let m = (k / dims[4]) % dims[3];
        let i = (k / (dims[4] * dims[3])) % dims[2];
        let r = (k / (dims[4] * dims[3] * dims[2])) % dims[1];
        let g = k / (dims[4] * dims[3] * dims[2] * dims[1]);
        let (level, key) = group_key(g);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '{}', '{}', '2026-{:02}', '{}', '', {n})",
            loaded.version,
            ROLES[r],
            INNOVATIONS[i],
            m + 1,
            crate::lang::code(crate::lang::all()[l])
        ));
    }
    for g in 0..groups {
        let (level, key) = group_key(g);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '*', '*', '*', '*', '*', {})",
            loaded.version,
            totals[g * (values + 1) + values]
        ));
    }
    for (k, n) in role_totals.iter().enumerate().filter(|(_, n)| **n > 0) {
        let (level, key) = group_key(k / dims[1]);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '{}', '*', '*', '*', '*', {n})",
            loaded.version,
            ROLES[k % dims[1]]
        ));
    }
    for chunk in rows.chunks(1000) {
        aggregates_insert(&mut tx, "respondent_counts", chunk).await?;
    }
    let mut rows: Vec<String> = Vec::new();
    for (k, n) in item_totals.iter().enumerate().filter(|(_, n)| **n > 0) {
        let (v, it, g) = (k % values, (k / values) % dims[5], k / (values * dims[5]));
        let (level, key) = group_key(g);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '*', '*', '*', '*', '*', '{}', '{}', {n})",
            loaded.version,
            items[it],
            value_of(v)
        ));
    }
    for (k, n) in role_items.iter().enumerate().filter(|(_, n)| **n > 0) {
        let (v, it, gr) = (k % values, (k / values) % dims[5], k / (values * dims[5]));
        let (level, key) = group_key(gr / dims[1]);
        rows.push(format!(
            "('{level}', '{key}', 'leadership-reflection', {}, '{}', '*', '*', '*', '*', '{}', '{}', {n})",
            loaded.version,
            ROLES[gr % dims[1]],
            items[it],
            value_of(v)
        ));
    }
    for chunk in rows.chunks(1000) {
        aggregates_insert(&mut tx, "answer_counts", chunk).await?;
    }
    // every group released after the last generated reflection (all of 2026)
    for g in 0..groups {
        let (level, key) = group_key(g);
        sqlx::query(
            "INSERT INTO group_releases (level, group_key, instrument_id, released_at)
             VALUES ($1, $2, 'leadership-reflection', '2026-12-31T23:59:59Z')",
        )
        .bind(level)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if matches!(db.backend, crate::server::db::Backend::Sqlite) {
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    println!(
        "aggregates written in {:.1} s ({written} item × value rows over all groups)",
        t1.elapsed().as_secs_f64()
    );
    println!(
        "data set ready in {:.1} s (reflections, answers and aggregates)",
        t0.elapsed().as_secs_f64()
    );

    println!(
        "{:<34} {:>11} {:>9} {:>9} {:>9}",
        "results query (respondents)", "respondents", "median", "p95", "max"
    );
    let teachers = Filter {
        roles: Some(vec![crate::values::RespondentRole::Teacher]),
        ..Default::default()
    };
    let cases = [
        (
            "one school",
            Scope::School("school-7".into()),
            Filter::default(),
        ),
        (
            "one country",
            Scope::Country("nl".into()),
            Filter::default(),
        ),
        ("all respondents", Scope::All, Filter::default()),
        (
            "one school, teachers only",
            Scope::School("school-7".into()),
            teachers.clone(),
        ),
        ("all respondents, teachers only", Scope::All, teachers),
    ];
    for (name, scope, f) in cases {
        let mut times = Vec::new();
        let mut who = 0;
        for _ in 0..30 {
            let t = Instant::now();
            who = respondents(&db, "leadership-reflection", &scope, &f).await?;
            let counts = item_counts(&db, "leadership-reflection", &scope, &f).await?;
            let r = compute(&inst, who, &counts, 5);
            std::hint::black_box(&r);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        print_row(name, who, None, times);
    }

    // The whole results page's data, as `get_results` serves it: permissions, the privacy rules
    // (cells of the group and of the groups containing it, every school's count for the
    // subtraction rule), the results, the leaders/teachers gap. The server keeps each group's
    // pieces (`pieces::Memo`) and the joint pieces above school level (`joint::Memo`), so the
    // first page of a group after a release works them out and the others find them: "first" is
    // that page, median/p95/max are over all 30.
    println!(
        "{:<34} {:>11} {:>9} {:>9} {:>9} {:>9}",
        "results page data (respondents)", "respondents", "first", "median", "p95", "max"
    );
    let state = crate::server::AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("reflect")
            .build(),
        assets: std::sync::Arc::new(crate::server::assets::Assets::scan("target/site", "pkg")),
        db: db.clone(),
        instruments: std::sync::Arc::new(registry),
        config: std::sync::Arc::new(crate::server::Config::local(database_url, instruments_dir)),
        sign_in_limit: Default::default(),
        join_limit: std::sync::Arc::new(crate::server::clients::WrongCodes::new(
            crate::server::JOIN_TOO_MANY,
        )),
        school_code_limit: std::sync::Arc::new(crate::server::clients::WrongCodes::new(
            crate::server::SCHOOL_TOO_MANY,
        )),
        start_limit: Default::default(),
        sessions_ended: std::sync::Arc::new(tokio::sync::watch::Sender::new(0)),
        pieces: std::sync::Arc::default(),
        joint: std::sync::Arc::default(),
        releaser: std::sync::Arc::default(),
        live: Default::default(),
        saves: crate::reflection::saves::SaveWriter::spawn(db.for_writer(database_url).await?),
    };
    let admin = crate::accounts::model::CurrentUser {
        id: "bench".into(),
        email: "bench@example.org".into(),
        role: crate::accounts::model::Role::Admin,
        school_ids: Vec::new(),
    };
    let teachers = super::model::ResultsQuery {
        role: Some(crate::values::RoleGroup::Teachers.as_str().into()),
        ..Default::default()
    };
    let pages = [
        (
            "one school",
            Scope::School("school-7".into()),
            Default::default(),
        ),
        (
            "one country",
            Scope::Country("nl".into()),
            Default::default(),
        ),
        ("all respondents", Scope::All, Default::default()),
        (
            "one school, teachers only",
            Scope::School("school-7".into()),
            teachers.clone(),
        ),
        ("all respondents, teachers only", Scope::All, teachers),
    ];
    for (name, scope, q) in pages {
        let mut times = Vec::new();
        let mut who = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let v = super::service::view(&state, &admin, scope.clone(), q.clone())
                .await
                .map_err(|e| e.to_string())?;
            who = v.results.as_ref().map(|r| r.respondents).unwrap_or(-1);
            std::hint::black_box(&v);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        print_row(name, who, Some(times[0]), times);
    }
    release_above(&state, &admin, (version, &inst), &items, &mut rng).await
}

/// A respondent of generated school `school` who finished at `finished_at`: a random role and
/// innovation, the school's language, a random answer to each of `items`.
fn fresh_respondent(
    rng: &mut StdRng,
    (instrument, version): (&str, i64),
    school: usize,
    finished_at: &str,
    items: &[String],
) -> (super::aggregates::Respondent, Vec<(String, String)>) {
    use rand::Rng;
    let respondent = super::aggregates::Respondent {
        instrument_id: instrument.into(),
        instrument_version: version,
        school_id: Some(format!("school-{school}")),
        role: ROLES[rng.gen_range(0..ROLES.len())].into(),
        innovation: INNOVATIONS[rng.gen_range(0..INNOVATIONS.len())].into(),
        language: crate::lang::all()[language_of_school(school)],
        finished_at: finished_at.into(),
        round_id: None,
    };
    let answers = items
        .iter()
        .map(|it| (it.clone(), rng.gen_range(1..=5).to_string()))
        .collect();
    (respondent, answers)
}

/// Respondents who finish after the load, before a release above school level.
const FRESH: usize = 500;

/// A release above school level at the loaded size: [`FRESH`] respondents finish in every
/// school in turn (`aggregates::apply`, as a finish makes them; each school releases its own
/// when due), then one release attempt (`service::release_above`: the joint pieces of the last
/// release from the memo, those after the changes worked out, the check and, if it passes, the
/// short write transaction), then a country's first page after it. When the rule holds the
/// release back, the changes are published without it (as `recompute` would), to time the write
/// transaction alone, and the first page then works out the joint pieces itself.
async fn release_above(
    state: &crate::server::AppState,
    admin: &crate::accounts::model::CurrentUser,
    (version, inst): (i64, &crate::instrument::Instrument),
    items: &[String],
    rng: &mut StdRng,
) -> Result<(), Box<dyn std::error::Error>> {
    let (db, id) = (&state.db, "leadership-reflection");
    let t = Instant::now();
    for i in 0..FRESH {
        let finished_at = format!("2026-12-{:02}T10:00:00Z", 1 + i % 28);
        let (respondent, answers) =
            fresh_respondent(rng, (id, version), (i * 7) % SCHOOLS, &finished_at, items);
        let now = crate::server::now();
        let mut tx = db.begin_write().await?;
        super::aggregates::apply(&mut tx, inst, &respondent, &answers, 1, 5, &now).await?;
        tx.commit().await?;
    }
    println!(
        "{FRESH} more finished in {:.1} s (pending above school level)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let released = super::service::release_above(state, id)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "a release attempt above school level ({FRESH} changes): {:.1} ms, released: {released}",
        t.elapsed().as_secs_f64() * 1000.0
    );
    if !released {
        let pending = super::aggregates::pending_above(&db.pool, id).await?;
        let t = Instant::now();
        let done =
            super::aggregates::publish_above(db, id, &pending, &crate::server::now()).await?;
        println!(
            "the write transaction of a release above school level, without the check ({FRESH} changes): {:.1} ms, written: {done}",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let t = Instant::now();
    let v = super::service::view(
        state,
        admin,
        Scope::Country("nl".into()),
        Default::default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    std::hint::black_box(&v);
    println!(
        "a country's first page after it: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// Prints a row: its name, respondents, the first time when given, then median, p95 and max.
fn print_row(name: &str, who: i64, first: Option<f64>, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let first = first.map(|t| format!(" {t:>7.1}ms")).unwrap_or_default();
    println!(
        "{name:<34} {who:>11}{first} {:>7.1}ms {:>7.1}ms {:>7.1}ms",
        times[times.len() / 2],
        times[(times.len() * 95 / 100).min(times.len() - 1)],
        times[times.len() - 1]
    );
}

async fn aggregates_insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    rows: &[String],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns = if table == "answer_counts" {
        "level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, item_id, value, n"
    } else {
        "level, group_key, instrument_id, instrument_version, role, innovation, month, language, round_id, n"
    };
    sqlx::query(&format!(
        "INSERT INTO {table} ({columns}) VALUES {}",
        rows.join(",")
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `reflect-bench finish [BACKGROUND] [FINISHES]`: what finishing a reflection costs. Loads
/// BACKGROUND finished reflections (default 2,000) and their aggregates, then measures
/// - the finishing transaction's hold on the write lock: FINISHES (default 200) times a fresh
///   respondent's 36 answers added to the aggregates of everyone, their school, network and
///   country (`aggregates::apply`, the same call the finish makes), from taking the write lock to
///   the commit;
/// - a finish's latency over HTTP: FINISHES (at most 100, the start limit of one client)
///   reflections started with a school code and answered page by page, then the request that
///   finishes each, timed alone.
///
/// Prints the figures; asserts nothing about time.
pub async fn finish(
    database_url: &str,
    instruments_dir: &std::path::Path,
    background: usize,
    finishes: usize,
) -> Result<(), String> {
    use crate::server::bench::{form, ms, percentile, post, request, serve};
    use rand::Rng;
    let e = |e: sqlx::Error| e.to_string();
    let db = Db::connect(database_url).await.map_err(|e| e.to_string())?;
    let files = store::load_dir(instruments_dir)
        .map_err(|e| format!("{} invalid instrument file(s)", e.len()))?;
    let registry = store::sync(&db, files).await.map_err(e)?;
    let loaded = registry
        .latest("leadership-reflection")
        .ok_or("leadership-reflection instrument missing")?;
    let inst = loaded.instrument.clone();
    let pages: Vec<Vec<String>> = inst
        .categories
        .iter()
        .map(|c| c.items().map(|i| i.id.clone()).collect())
        .collect();
    let items: Vec<String> = pages.concat();
    let mut rng = StdRng::seed_from_u64(7);
    load_reflections(&db, loaded.version, &items, background, &mut rng, |_| {})
        .await
        .map_err(e)?;
    super::aggregates::recompute(&db, &registry)
        .await
        .map_err(e)?;
    println!(
        "finish benchmark, database {:?}: {background} finished reflections and their aggregates loaded",
        db.backend
    );

    // the write lock: the aggregate part of a finish, transaction by transaction
    let mut held = Vec::with_capacity(finishes);
    for i in 0..finishes {
        let school = rng.gen_range(0..SCHOOLS);
        let finished_at = format!("2026-11-{:02}T10:00:00Z", 1 + i % 28);
        let (respondent, answers) = fresh_respondent(
            &mut rng,
            (&inst.id, loaded.version),
            school,
            &finished_at,
            &items,
        );
        let now = crate::server::now();
        let t = Instant::now();
        let mut tx = db.begin_write().await.map_err(e)?;
        super::aggregates::apply(&mut tx, &inst, &respondent, &answers, 1, 5, &now)
            .await
            .map_err(e)?;
        tx.commit().await.map_err(e)?;
        held.push(t.elapsed());
    }
    held.sort();
    println!(
        "write lock held by a finish's aggregates ({finishes} finishes): median {}, p95 {}, max {}",
        ms(percentile(&held, 50.0)),
        ms(percentile(&held, 95.0)),
        ms(percentile(&held, 100.0))
    );

    // a finish over HTTP, as the last page's "Finish" sends it; schools get codes people can type
    let alphabet = crate::schools::codes::ALPHABET;
    let code_of = |s: usize| -> String {
        let digit =
            |d: usize| alphabet[(s / alphabet.len().pow(d as u32)) % alphabet.len()] as char;
        format!("BENCH{}{}{}", digit(2), digit(1), digit(0))
    };
    for s in 0..SCHOOLS {
        sqlx::query("UPDATE schools SET code = $1 WHERE id = $2")
            .bind(code_of(s))
            .bind(format!("school-{s}"))
            .execute(&db.pool)
            .await
            .map_err(e)?;
    }
    let (_state, addr) = serve(database_url, instruments_dir).await?;
    // one client may start 120 reflections at once (then one a second): stay within that
    let over_http = finishes.min(100);
    let mut latency = Vec::with_capacity(over_http);
    for i in 0..over_http {
        let code = code_of(rng.gen_range(0..SCHOOLS));
        let (status, reply) = request(
            &addr,
            &post("start_reflection", None),
            &form(&[
                ("instrument", "leadership-reflection"),
                ("role", ROLES[i % ROLES.len()]),
                ("innovation", INNOVATIONS[i % INNOVATIONS.len()]),
                ("innovation_detail", "a benchmark"),
                ("school_code", &code),
                ("consent", "yes"),
            ]),
        )
        .await?;
        let token: String = reply
            .split_once("\r\n\r\n")
            .and_then(|(_, body)| serde_json::from_str(body).ok())
            .ok_or_else(|| format!("start_reflection answered {status}: {}", body_of(&reply)))?;
        for (p, page) in pages.iter().enumerate() {
            let last = p + 1 == pages.len();
            let go = if last { "finish" } else { "stay" };
            let index = (p + 1).to_string();
            let values: Vec<(String, String)> = page
                .iter()
                .map(|it| (format!("answers[{it}]"), rng.gen_range(1..=5).to_string()))
                .collect();
            let mut fields: Vec<(&str, &str)> = vec![
                ("token", &token),
                ("index", &index),
                ("go", go),
                ("confirmed", go),
            ];
            fields.extend(values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let t = Instant::now();
            let (status, reply) =
                request(&addr, &post("submit_category", None), &form(&fields)).await?;
            if last {
                latency.push(t.elapsed());
            }
            if status != 200 {
                return Err(format!(
                    "submit_category answered {status}: {}",
                    body_of(&reply)
                ));
            }
        }
    }
    latency.sort();
    println!(
        "a finish over HTTP ({over_http} finishes, the last page's answers and the aggregates): median {}, p95 {}, max {}",
        ms(percentile(&latency, 50.0)),
        ms(percentile(&latency, 95.0)),
        ms(percentile(&latency, 100.0))
    );
    Ok(())
}

fn body_of(reply: &str) -> &str {
    reply.split_once("\r\n\r\n").map_or(reply, |(_, body)| body)
}
