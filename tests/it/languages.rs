//! Reflect in its users' languages (issue 17): how a page's language is chosen, that a reflection
//! keeps the language it is answered in, and that every respondent page in every language is in
//! that language — no English left where a translation exists.
use crate::common;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use reflect::lang::{self, Locale};

/// Every language Reflect speaks, English first (the library's list, which build.rs makes from
/// `locales/`).
fn languages() -> Vec<&'static str> {
    lang::all().iter().map(|l| lang::code(*l)).collect()
}

async fn get_with(
    app: &common::TestApp,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> common::Reply {
    let mut req = Request::get(path).header(header::ACCEPT, "text/html");
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

fn html_lang(body: &str) -> String {
    let at = body
        .find("<html lang=\"")
        .expect("an html element with lang")
        + 12;
    body[at..].split('"').next().unwrap().to_string()
}

/// Every string value in a locale file, by key path.
fn strings(value: &serde_json::Value, prefix: &str, out: &mut Vec<(String, String)>) {
    if let Some(map) = value.as_object() {
        for (k, v) in map {
            let key = format!("{prefix}.{k}");
            match v {
                serde_json::Value::String(s) => out.push((key, s.clone())),
                _ => strings(v, &key, out),
            }
        }
    }
}

fn locale_strings(lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // every namespace: every file of the language's folder
    let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{dir}: {files:?}");
    for path in files {
        let ns = path.file_stem().unwrap().to_string_lossy().to_string();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        strings(&json, &ns, &mut out);
    }
    out
}

/// English sentences that `lang` translates differently, long enough to be unmistakable (no
/// "Reflect", no placeholders): any of them on a page in `lang` is a fallback.
fn english_only(lang: &str) -> Vec<String> {
    let theirs: std::collections::HashMap<String, String> =
        locale_strings(lang).into_iter().collect();
    locale_strings("en")
        .into_iter()
        .filter(|(k, en)| {
            en.len() >= 24 && !en.contains("{{") && theirs.get(k).is_some_and(|t| t != en)
        })
        .map(|(_, en)| en.replace('&', "&amp;").replace('\'', "&#39;"))
        .collect()
}

/// The statements and category titles of the English instrument files that a translation words
/// differently.
fn english_instrument_texts(app: &common::TestApp, lang: Locale) -> Vec<String> {
    let en = common::leadership(app);
    let theirs = app.state.instruments.localized(&en, lang);
    let mut out = Vec::new();
    for (c, t) in en.categories.iter().zip(&theirs.categories) {
        if c.title != t.title {
            out.push(c.title.clone());
        }
        for (i, ti) in c.items().zip(t.items()) {
            if i.text != ti.text {
                out.push(i.text.replace('\'', "&#39;"));
            }
        }
    }
    out
}

/// `?lang=`, then the cookie it leaves, then the browser's languages, then English; `<html lang>`
/// follows, and the switch links to the same page in every other language.
async fn the_page_language_follows_the_rule(app: &mut common::TestApp) {
    let r = get_with(app, "/", &[]).await;
    assert_eq!(html_lang(&r.body), "en");
    let r = get_with(
        app,
        "/",
        &[(header::ACCEPT_LANGUAGE, "de-DE, nl;q=0.8, en;q=0.5")],
    )
    .await;
    assert_eq!(
        html_lang(&r.body),
        "nl",
        "the browser's best language Reflect speaks"
    );
    let r = get_with(app, "/join?lang=cs", &[(header::ACCEPT_LANGUAGE, "nl")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(html_lang(&r.body), "cs", "the address wins");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("reflect_lang="))
        .expect("the choice is kept in a cookie");
    assert!(
        cookie.starts_with("reflect_lang=cs;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let kept = cookie.split(';').next().unwrap().to_string();
    // the test client keeps one cookie; from here on each request names its own
    *app.cookie.lock().unwrap() = None;
    let r = get_with(
        app,
        "/",
        &[(header::COOKIE, &kept), (header::ACCEPT_LANGUAGE, "nl")],
    )
    .await;
    assert_eq!(html_lang(&r.body), "cs", "the cookie beats the browser");
    assert!(
        r.body.contains("href=\"/?lang=sv\"") && r.body.contains(">Svenska<"),
        "the switch links to this page in Swedish"
    );
    // something Reflect does not speak changes nothing
    *app.cookie.lock().unwrap() = None;
    let r = get_with(app, "/?lang=xx", &[(header::ACCEPT_LANGUAGE, "sv")]).await;
    assert_eq!(html_lang(&r.body), "sv");
    assert!(
        r.headers
            .get(header::SET_COOKIE)
            .is_none_or(|c| !c.to_str().unwrap().contains("reflect_lang"))
    );
}

/// A reflection started in Dutch opens in Dutch from a browser set to English (its private link
/// resumes in it); the switch on its pages changes the language it is kept in.
async fn a_reflection_keeps_its_language(app: &mut common::TestApp) {
    let r = app
        .call(
            "start_reflection",
            &[
                ("instrument", "leadership-reflection"),
                ("role", "headteacher"),
                ("innovation", "pln"),
                ("consent", "yes"),
                ("language", "nl"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token: String = r.json();
    let dutch = app
        .state
        .instruments
        .localized(&common::leadership(app), Locale::nl);
    let english = common::leadership(app);
    // each language is made once and kept, not per page
    let again = app.state.instruments.localized(&english, Locale::nl);
    assert!(std::sync::Arc::ptr_eq(&dutch, &again));
    assert_ne!(dutch.categories[0].title, english.categories[0].title);
    let english_browser = [(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")];
    let page = get_with(app, &format!("/r/{token}/c/1"), &english_browser).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(html_lang(&page.body), "nl");
    let first = &dutch.categories[0];
    assert!(page.body.contains(&first.title), "the Dutch category title");
    let statement = first.items().next().unwrap();
    assert!(
        page.body.contains(&statement.text.replace('\'', "&#39;")),
        "the Dutch statement"
    );
    assert!(
        !page
            .body
            .contains(&english.categories[0].items().next().unwrap().text)
    );
    // the answers are stored by id and value, whatever the language
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &statement.id), ("value", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored: (String, String) = sqlx::query_as("SELECT item_id, value FROM answers")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, (statement.id.clone(), "4".to_string()));
    // a refused answer is explained in the reflection's language, from an English browser,
    // with the statement as the respondent reads it
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", &statement.id), ("value", "9")],
        )
        .await;
    assert!(!r.status.is_success(), "{}", r.body);
    assert!(
        r.body
            .contains("“9” is geen antwoord op deze schaal: kies een waarde van 1 tot en met 5"),
        "{}",
        r.body
    );
    let key = format!("answers[{}]", statement.id);
    let r = app
        .call(
            "submit_category",
            &[
                ("token", &token),
                ("index", "1"),
                ("go", "next"),
                (&key, "9"),
            ],
        )
        .await;
    assert!(!r.status.is_success(), "{}", r.body);
    let dutch_start: String = statement.text.chars().take(30).collect();
    assert!(r.body.contains(&dutch_start), "{}", r.body);
    assert!(
        r.body.contains("is geen antwoord op deze schaal"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("is not an answer"), "{}", r.body);
    // the private link resumes in Dutch
    let r = get_with(app, &format!("/r/{token}"), &english_browser).await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{}",
        r.status
    );
    // switching on its page moves the reflection to Swedish, from any browser after that
    let r = get_with(app, &format!("/r/{token}/c/1?lang=sv"), &english_browser).await;
    assert_eq!(html_lang(&r.body), "sv");
    let r = get_with(
        app,
        &format!("/r/{token}/c/2"),
        &[(header::ACCEPT_LANGUAGE, "nl")],
    )
    .await;
    assert_eq!(html_lang(&r.body), "sv");
    let language: String = sqlx::query_scalar("SELECT language FROM reflections")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(language, "sv");
}

/// Every respondent page in every language: `<html lang>` is the language, no English sentence of
/// the interface that the language translates is on it, and no statement or category title is
/// left in English where the instrument's translation words it.
async fn every_page_speaks_every_language(app: &mut common::TestApp) {
    assert_eq!(languages(), ["en", "nl", "cs", "sl", "es", "sv"]);
    for code in languages() {
        let l = lang::parse(code).unwrap();
        let token =
            common::leadership_reflection(app, &[("language", code)], 0, |_, _, _| "3".into())
                .await;
        let finished =
            common::leadership_reflection(app, &[("language", code)], 99, |_, _, _| "3".into())
                .await;
        let total = common::leadership(app).categories.len();
        let mut pages: Vec<String> = vec![
            format!("/?lang={code}"),
            format!("/start/leadership-reflection?lang={code}"),
            format!("/start/networking-baseline?lang={code}"),
            format!("/resume?lang={code}"),
            format!("/join?lang={code}"),
            format!("/deleted?lang={code}"),
            format!("/no-such-page?lang={code}"),
            format!("/r/{finished}/profile"),
        ];
        pages.extend((1..=total).map(|n| format!("/r/{token}/c/{n}")));
        let english = if code == "en" {
            Vec::new()
        } else {
            english_only(code)
        };
        let statements = if code == "en" {
            Vec::new()
        } else {
            english_instrument_texts(app, l)
        };
        for path in &pages {
            let r = get_with(app, path, &[]).await;
            speaks(&r, code, path, english.iter().chain(&statements));
        }
        // the profile's means (every answer 3) as the language writes them
        let profile = get_with(app, &format!("/r/{finished}/profile"), &[]).await;
        let mean = if code == "en" { ">3.00<" } else { ">3,00<" };
        assert!(
            profile.body.contains(mean),
            "{code}: the mean written as {mean}"
        );
    }
}

/// A page in language `code`: found (or a page saying it is not), `<html lang>` the language, none
/// of `english` on it and no fallback marked.
fn speaks<'a>(
    r: &common::Reply,
    code: &str,
    path: &str,
    english: impl Iterator<Item = &'a String>,
) {
    assert!(
        r.status == StatusCode::OK || r.status == StatusCode::NOT_FOUND,
        "{code} {path}: {}",
        r.status
    );
    assert_eq!(html_lang(&r.body), code, "{path}");
    for sentence in english {
        assert!(
            !r.body.contains(sentence.as_str()),
            "{code} {path}: English left: “{sentence}”"
        );
    }
    assert!(
        !r.body.contains("class=\"untranslated\""),
        "{code} {path}: a fallback is marked"
    );
}

/// Every page a signed-in user sees (results with a ranking, the country comparison, admin,
/// export, workshops and the presenter view, the sign-in page) in every language: the same
/// checks as the respondent pages, and the results speak the language in their own words too —
/// the ranking sentence, the category names, the numbers.
async fn every_staff_page_speaks_every_language(app: &mut common::TestApp) {
    // five respondents (the minimum group size), category 1 lowest, released
    for _ in 0..5 {
        common::leadership_reflection(app, &[], 99, |c, _, _| ((c % 4) + 1).to_string()).await;
    }
    common::release_all(app).await;
    app.sign_in_as("admin@example.org", "admin", None).await;
    // the test client keeps one cookie and `?lang=` leaves the language cookie: the session is put
    // back before each page
    let session = app.cookie.lock().unwrap().clone();
    let signed_in = |app: &common::TestApp| *app.cookie.lock().unwrap() = session.clone();
    let r = app
        .call(
            "create_workshop",
            &[
                ("title", "Leading networks"),
                ("instrument", "leadership-reflection"),
                ("categories[organising]", "yes"),
                ("categories[people]", "yes"),
                ("ask_poll", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let workshop: String = r.json();
    common::add_school(app, "s1", "AAAABBBB", "nl").await;
    let r = app
        .call(
            "open_round",
            &[
                ("school", "s1"),
                ("instrument", "leadership-reflection"),
                ("innovation", "pln"),
                ("invitations", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let round: String = r.json();
    let r = app.call("get_round", &[("id", &round)]).await;
    let link = r.json::<reflect::rounds::model::Round>().groups[0]
        .link
        .rsplit_once("/g/")
        .unwrap()
        .1
        .to_string();
    let english_titles: Vec<String> = common::leadership(app)
        .categories
        .iter()
        .map(|c| c.title.clone())
        .collect();
    for code in languages() {
        let l = lang::parse(code).unwrap();
        let pages = [
            format!("/results?lang={code}"),
            format!("/results/all?lang={code}"),
            format!("/results/countries?lang={code}"),
            format!("/admin?lang={code}"),
            format!("/export?lang={code}"),
            format!("/workshops?lang={code}"),
            format!("/workshops/{workshop}?lang={code}"),
            format!("/workshops/{workshop}/present?lang={code}"),
            format!("/rounds?lang={code}"),
            format!("/rounds/{round}?lang={code}"),
            format!("/g/{link}?lang={code}"),
        ];
        let english = if code == "en" {
            Vec::new()
        } else {
            english_only(code)
        };
        for path in &pages {
            signed_in(app);
            let r = get_with(app, path, &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            speaks(&r, code, path, english.iter());
        }
        signed_in(app);
        let r = get_with(app, &format!("/results/all?lang={code}"), &[]).await;
        let first = &app
            .state
            .instruments
            .localized(&common::leadership(app), l)
            .categories[0];
        assert!(
            r.body.contains(&first.title),
            "{code}: the lowest category in the page's language"
        );
        // the ranking and the means in the page's words and numbers
        let (mean, ranking) = match code {
            "en" => ("1.00", format!("{} needs most work.", english_titles[0])),
            "nl" => (
                "1,00",
                format!("De meeste aandacht nodig: {}.", first.title),
            ),
            "cs" => (
                "1,00",
                format!("Nejvíce pozornosti potřebuje: {}.", first.title),
            ),
            "sl" => (
                "1,00",
                format!("Največ pozornosti potrebuje: {}.", first.title),
            ),
            "es" => ("1,00", format!("Necesita más atención: {}.", first.title)),
            "sv" => ("1,00", format!("Behöver utvecklas mest: {}.", first.title)),
            other => panic!("a language without expectations: {other}"),
        };
        assert!(
            r.body.contains(&ranking.replace('\'', "&#39;")),
            "{code}: “{ranking}” on the results page"
        );
        assert!(
            r.body.contains(&format!(">{mean}<")),
            "{code}: the mean written as {mean}"
        );
        if code != "en" {
            assert!(!r.body.contains("needs most work."), "{code}");
            for t in &english_titles {
                assert!(!r.body.contains(t.as_str()), "{code}: English “{t}”");
            }
        }
    }
    // the sign-in page, signed out
    app.sign_out_locally();
    for code in languages() {
        let english = if code == "en" {
            Vec::new()
        } else {
            english_only(code)
        };
        let path = format!("/login?lang={code}");
        let r = get_with(app, &path, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        speaks(&r, code, &path, english.iter());
    }
}

on_both_backends!(
    the_page_language_follows_the_rule,
    a_reflection_keeps_its_language,
    every_page_speaks_every_language,
    every_staff_page_speaks_every_language
);
