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
