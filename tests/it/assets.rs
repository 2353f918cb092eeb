//! The built files (issue 16): pages link the wasm, JS and CSS at a versioned address that a
//! browser keeps for a year; pages and other files are revalidated, server function replies
//! never kept, a private link's pages never stored; precompressed copies go to browsers that
//! accept them; no path reaches outside the folder. On a site folder made for the test.
use crate::common;

use axum::http::{StatusCode, header};
use reflect::server::assets::{Assets, IMMUTABLE, NO_STORE, REVALIDATE, SiteFiles};
use std::sync::Arc;

/// A built site as `cargo leptos build --release --precompress` leaves it, in small.
fn site() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reflect-site-{}", uuid::Uuid::new_v4().simple()));
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(pkg.join("snippets")).unwrap();
    // big enough for the server to compress (it leaves bodies under 32 bytes alone)
    let wasm = "WASM ".repeat(100);
    for (name, text) in [
        ("reflect.js", "export default function init() {}"),
        ("reflect_bg.wasm", wasm.as_str()),
        ("reflect_bg.wasm.br", "BROTLI WASM"),
        ("reflect_bg.wasm.gz", "GZIP WASM"),
        ("reflect.css", "body {}"),
        ("snippets/helper.js", "export const x = 1;"),
    ] {
        std::fs::write(pkg.join(name), text).unwrap();
    }
    std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
    dir
}

fn cache(r: &common::Reply) -> &str {
    r.headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The site's files as the folder holds them and as the binary holds them (in memory, read from
/// the same folder): served alike.
async fn built_files_are_versioned_kept_and_precompressed(app: &mut common::TestApp) {
    let root = site();
    let folder = Assets::scan(&root.to_string_lossy(), "pkg");
    let mut files = Vec::new();
    for entry in walk(&root) {
        let name = entry
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        files.push((
            name,
            std::borrow::Cow::Owned(std::fs::read(&entry).unwrap()),
        ));
    }
    let memory = Assets::in_memory(files, "pkg");
    assert_eq!(memory.version, folder.version);
    assert!(matches!(memory.files, SiteFiles::Memory(_)));
    for assets in [folder, memory] {
        serves_the_site(app, &root, assets).await;
    }
    std::fs::remove_dir_all(&root).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn serves_the_site(app: &mut common::TestApp, root: &std::path::Path, assets: Assets) {
    let mut state = app.state.clone();
    let in_memory = matches!(assets.files, SiteFiles::Memory(_));
    let v = assets.version.clone();
    assert_eq!(v.len(), 16);
    // held in memory, nothing may come from the folder
    let site_root = if in_memory {
        root.join("not-there")
    } else {
        root.to_path_buf()
    };
    state.leptos_options.site_root = site_root.to_string_lossy().into_owned().into();
    state.leptos_options.site_pkg_dir = assets.linked_dir().into();
    state.assets = Arc::new(assets);
    let site_app = common::TestApp::attach(state, app);

    // a page links the versioned files and is revalidated
    let page = site_app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("/pkg/{v}/reflect.js")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("/pkg/{v}/reflect.css")));
    assert!(!page.body.contains("\"/pkg/reflect"), "an unversioned link");
    assert_eq!(cache(&page), REVALIDATE);

    // the versioned files: kept a year
    for file in ["reflect.js", "reflect.css", "snippets/helper.js"] {
        let r = site_app.get_compressed(&format!("/pkg/{v}/{file}")).await;
        assert_eq!(r.status, StatusCode::OK, "{file}");
        assert_eq!(cache(&r), IMMUTABLE, "{file}");
    }
    // the precompressed brotli copy for a browser that takes it; a browser that takes only gzip
    // gets the server's own gzip of the file, not the build's weaker .gz
    let br = site_app
        .get_compressed(&format!("/pkg/{v}/reflect_bg.wasm"))
        .await;
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(br.body, "BROTLI WASM");
    assert_eq!(cache(&br), IMMUTABLE);
    let gz = site_app
        .send(
            axum::http::Request::get(format!("/pkg/{v}/reflect_bg.wasm"))
                .header(header::ACCEPT_ENCODING, "gzip")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
    assert_ne!(
        gz.body, "GZIP WASM",
        "the build's .gz is not used for these files"
    );
    assert_eq!(cache(&gz), IMMUTABLE);

    // an older build's address is gone (its page keeps working without JavaScript until
    // reloaded); a subfolder's file is served as it is, asked for again next time
    let old = site_app.get("/pkg/0123456789abcdef/reflect.js").await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    let unversioned = site_app.get("/pkg/snippets/helper.js").await;
    assert_eq!(unversioned.status, StatusCode::OK);
    assert_eq!(cache(&unversioned), REVALIDATE);
    let icon = site_app.get("/favicon.svg").await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.body, "<svg/>");
    assert_eq!(cache(&icon), REVALIDATE);
    if in_memory {
        // revalidation: the ETag answers 304 without the file
        let tag = br.headers[header::ETAG].to_str().unwrap().to_string();
        let again = site_app
            .send(
                axum::http::Request::get(format!("/pkg/{v}/reflect_bg.wasm"))
                    .header(header::IF_NONE_MATCH, &tag)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        let js = site_app.get(&format!("/pkg/{v}/reflect.js")).await;
        assert_eq!(
            js.headers[header::CONTENT_TYPE].to_str().unwrap(),
            "text/javascript"
        );
    }

    // nothing outside the folder, and no 5xx
    for path in [
        format!("/pkg/{v}/missing.js"),
        format!("/pkg/{v}/%2e%2e/%2e%2e/Cargo.toml"),
        format!("/pkg/{v}/..%2f..%2fCargo.toml"),
        "/pkg/%2e%2e/%2e%2e/Cargo.toml".to_string(),
        format!("/pkg/{v}/%00"),
    ] {
        let r = site_app.get(&path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        assert!(!r.body.contains("[package]"), "{path}");
    }

    // server function replies are never kept; a private link's pages never stored
    let who = site_app.call("whoami", &[]).await;
    assert_eq!(cache(&who), NO_STORE);
    let token = site_app.start("leadership-reflection").await;
    let private = site_app.get(&format!("/r/{token}/c/1")).await;
    assert_eq!(private.status, StatusCode::OK);
    assert_eq!(cache(&private), "no-store");
}

on_both_backends!(built_files_are_versioned_kept_and_precompressed);
