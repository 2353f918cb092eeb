//! Instrument files at start-up, on SQLite and PostgreSQL: a changed instrument that has answers
//! becomes a new version, old answers keep theirs; an invalid file stops start-up with a reason.
use crate::common;

use axum::http::StatusCode;
use reflect::reflection::model::ProfileView;

fn copy_instruments() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "reflect-instruments-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["leadership-reflection.toml", "networking-baseline.toml"] {
        std::fs::copy(common::instruments_dir().join(f), dir.join(f)).unwrap();
    }
    dir
}

fn edit(dir: &std::path::Path, from: &str, to: &str) {
    let path = dir.join("leadership-reflection.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

async fn versions(app: &common::TestApp) -> i64 {
    app.count("SELECT MAX(version) FROM instrument_versions WHERE instrument_id = 'leadership-reflection'").await
}

async fn changed_instruments_become_new_versions(app: &mut common::TestApp) {
    let dir = copy_instruments();
    app.restart(dir.clone()).await.unwrap();
    assert_eq!(versions(app).await, 1);
    // a change before anyone answered: updated in place
    edit(
        &dir,
        "title = \"Leadership reflection\"",
        "title = \"Leadership reflection (pilot)\"",
    );
    app.restart(dir.clone()).await.unwrap();
    assert_eq!(versions(app).await, 1);
    // answers on version 1, then a change: version 2
    let token = app.start("leadership-reflection").await;
    let r = app
        .call(
            "save_answer",
            &[("token", &token), ("item", "org_vision_1"), ("value", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    edit(
        &dir,
        "title = \"Leadership reflection (pilot)\"",
        "title = \"Leadership reflection 2027\"",
    );
    app.restart(dir.clone()).await.unwrap();
    assert_eq!(versions(app).await, 2);
    // unchanged files on restart: no new version
    app.restart(dir.clone()).await.unwrap();
    assert_eq!(versions(app).await, 2);
    // the earlier reflection still answers version 1 and shows its title
    let p: ProfileView = app.call("get_profile", &[("token", &token)]).await.json();
    assert_eq!(
        (p.instrument_version, p.instrument_title.as_str()),
        (1, "Leadership reflection (pilot)")
    );
    let fresh = app.start("leadership-reflection").await;
    let p: ProfileView = app.call("get_profile", &[("token", &fresh)]).await.json();
    assert_eq!(
        (p.instrument_version, p.instrument_title.as_str()),
        (2, "Leadership reflection 2027")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM reflections WHERE instrument_version = 1")
            .await,
        1
    );

    // an invalid file stops start-up, names the file and the place, and changes nothing
    edit(&dir, "scale = \"agree5\"", "scale = \"agree7\"");
    let err = common::TestApp::state_for(&app.database_url, dir.clone())
        .await
        .err()
        .expect("start-up must fail")
        .to_string();
    assert!(err.contains("leadership-reflection.toml"), "{err}");
    assert!(
        err.contains("categories[0].subcategories[0].items[0].scale")
            && err.contains("unknown scale “agree7”"),
        "{err}"
    );
    std::fs::write(
        dir.join("broken.toml"),
        "id = \"x\"\ntitle = 5\ndescription = \"d\"\ncategories = []\n",
    )
    .unwrap();
    let err = common::TestApp::state_for(&app.database_url, dir.clone())
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("broken.toml") && err.contains("line 2"),
        "{err}"
    );
    assert_eq!(versions(app).await, 2);
    std::fs::remove_dir_all(dir).ok();
}

on_both_backends!(changed_instruments_become_new_versions);

async fn failed_migration_stops_start_up(app: &mut common::TestApp) {
    // a schema that no longer matches the migrations (here: a tampered checksum)
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1")
        .bind(vec![0u8; 4])
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let err = common::TestApp::state_for(&app.database_url, common::instruments_dir())
        .await
        .err()
        .expect("start-up must fail")
        .to_string();
    assert!(err.starts_with("database migration failed"), "{err}");
}

on_both_backends!(failed_migration_stops_start_up);

/// The shipped translations: every instrument in every language Reflect speaks, complete (no
/// gaps, so `reflect check-instruments` passes), and every id the same as the source's.
#[test]
fn shipped_translations_are_complete() {
    use reflect::instrument::store;
    let dir = common::instruments_dir();
    let list = store::load_dir(&dir).unwrap();
    let translations = store::load_translations(&dir, &list).unwrap();
    assert_eq!(translations.gaps, Vec::<String>::new());
    for (_, inst) in &list {
        for &l in reflect::lang::all()
            .iter()
            .filter(|l| reflect::lang::code(**l) != inst.language)
        {
            let found = translations
                .ok
                .iter()
                .any(|(_, t)| t.instrument == inst.id && t.language == reflect::lang::code(l));
            assert!(found, "{} has no translation into {l}", inst.id);
        }
    }
    assert_eq!(translations.ok.len(), list.len() * 5);
}

/// What a translation lacks is reported with the file, the text and the source's line; texts for
/// ids the instrument does not have, a wrong name or language, and syntax errors stop loading.
#[test]
fn translation_problems_are_reported_with_file_and_line() {
    use reflect::instrument::store;
    let dir = copy_instruments();
    let src = common::instruments_dir().join("leadership-reflection.nl.toml");
    let dutch = std::fs::read_to_string(&src).unwrap();
    let path = dir.join("leadership-reflection.nl.toml");
    let list = store::load_dir(&dir).unwrap();

    // a missing help text: a gap, the rest loads
    let without_help = dutch
        .lines()
        .filter(|l| !l.starts_with("help ="))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, &without_help).unwrap();
    let t = store::load_translations(&dir, &list).unwrap();
    assert_eq!(t.ok.len(), 1);
    let gap = t
        .gaps
        .iter()
        .find(|g| g.contains("items.org_resource_1.help"))
        .expect("the gap");
    let source_line = std::fs::read_to_string(dir.join("leadership-reflection.toml"))
        .unwrap()
        .lines()
        .position(|l| l == "id = \"org_resource_1\"")
        .unwrap()
        + 1;
    assert!(gap.contains("leadership-reflection.nl.toml"), "{gap}");
    assert!(
        gap.contains(&format!("leadership-reflection.toml:{source_line}")),
        "{gap}"
    );

    // a text for an item the instrument does not have
    std::fs::write(
        &path,
        format!("{dutch}\n[items.no_such_item]\ntext = \"x\"\n"),
    )
    .unwrap();
    let errs = store::load_translations(&dir, &list).unwrap_err();
    let line = dutch.lines().count() + 2;
    assert!(
        errs[0]
            .problems
            .iter()
            .any(|p| p
                == &format!("line {line}: items.no_such_item: the instrument has no such text")),
        "{:?}",
        errs[0].problems
    );

    // the name and the file disagree; a language Reflect does not speak
    std::fs::write(
        &path,
        dutch.replacen("language = \"nl\"", "language = \"sv\"", 1),
    )
    .unwrap();
    assert!(store::load_translations(&dir, &list).is_err());
    std::fs::remove_file(&path).unwrap();
    std::fs::write(
        dir.join("leadership-reflection.fr.toml"),
        dutch.replacen("language = \"nl\"", "language = \"fr\"", 1),
    )
    .unwrap();
    let errs = store::load_translations(&dir, &list).unwrap_err();
    assert!(
        errs[0]
            .to_string()
            .contains("not a language Reflect translates into"),
        "{}",
        errs[0]
    );
    std::fs::remove_file(dir.join("leadership-reflection.fr.toml")).unwrap();

    // a syntax error names its line
    std::fs::write(&path, format!("{dutch}\ntitle = \n")).unwrap();
    let errs = store::load_translations(&dir, &list).unwrap_err();
    assert!(
        errs[0].problems[0].starts_with("line "),
        "{:?}",
        errs[0].problems
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
