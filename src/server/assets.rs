//! The site's built files and how browsers may keep them.
//!
//! The WebAssembly, its JavaScript and the CSS (`site-pkg-dir`) are linked from every page as
//! `/pkg/<version>/…`, where the version is a hash of those files as this server found them at
//! start. A new build gets a new address, so a browser keeps each file for a year (`immutable`)
//! and does not even ask again on the next visit; thirty phones in a workshop download it once
//! each, then never again until Reflect changes. Pages and every other file are sent `no-cache`
//! (the browser asks each time and gets a 304 when nothing changed), server functions `no-store`.
//! Unless a response chose its own `Cache-Control` (a private link's pages: `no-store`).
//!
//! `cargo leptos build --release --precompress` writes a `.br` and a `.gz` beside each file. The
//! `.br` (brotli at its best, 764 KB for the 3 MB wasm) goes to browsers that accept it, so the
//! release server does not compress the wasm again for them. The `.gz` is not used for these
//! files: cargo-leptos writes it with libflate, 1.30 MB, more than `gzip -1`, so a browser that
//! takes only gzip (Chrome on plain `http://` does not offer brotli) gets the server's own gzip
//! (1.10 MB) instead.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::AppState;

/// How long a versioned file may be kept: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and unversioned files: kept, but asked for again each time (a 304 when unchanged).
pub const REVALIDATE: &str = "no-cache";
/// Server functions' answers: never kept.
pub const NO_STORE: &str = "no-store";

/// The built files and their version.
#[derive(Debug, Clone)]
pub struct Assets {
    /// The folder of the wasm, JS and CSS (`site-root`/`site-pkg-dir`).
    pub pkg_dir: PathBuf,
    /// The `site-pkg-dir` as pages link it, e.g. `pkg`.
    pub pkg_path: String,
    /// A hash of the files in `pkg_dir` (16 hex digits), or `none` when there are none.
    pub version: String,
    /// Whether versioned files may be kept for good: not under `cargo leptos watch`, which
    /// rebuilds them while this server runs.
    pub immutable: bool,
}

impl Assets {
    /// Reads the built files once, at start.
    pub fn scan(site_root: &str, pkg_path: &str) -> Assets {
        let pkg_dir = PathBuf::from(site_root).join(pkg_path);
        Assets {
            version: version_of(&pkg_dir),
            immutable: std::env::var_os("LEPTOS_WATCH").is_none(),
            pkg_dir,
            pkg_path: pkg_path.trim_matches('/').to_string(),
        }
    }

    /// Where pages link the built files: `pkg/<version>`.
    pub fn linked_dir(&self) -> String {
        format!("{}/{}", self.pkg_path, self.version)
    }
}

/// A hash of every file under `dir` (names and contents, in name order), leaving out the
/// precompressed copies, which follow from the rest.
fn version_of(dir: &std::path::Path) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    if files.is_empty() {
        return "none".into();
    }
    files.sort();
    let mut hash = Sha256::new();
    for (name, path) in files {
        hash.update(name.as_bytes());
        hash.update([0]);
        match std::fs::read(&path) {
            Ok(bytes) => hash.update(&bytes),
            Err(e) => tracing::warn!(file = %path.display(), error = %e, "unreadable site file"),
        }
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if !path.extension().is_some_and(|x| x == "br" || x == "gz") {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            out.push((name, path));
        }
    }
}

/// `/pkg/<version>/<file>`: the file from the pkg folder, to be kept for a year when the version
/// is this server's. Any other `/pkg/<folder>/<file>` is that file of the folder as it is (a
/// subfolder such as `snippets/`), asked for again each time; an older build's version is no
/// folder, so a 404: its page keeps working without JavaScript until it is reloaded.
pub async fn versioned(State(state): State<AppState>, req: Request) -> Response {
    let assets = &state.assets;
    // the raw (still percent-encoded) path after `/pkg/`: ServeDir decodes and checks it
    let raw = req.uri().path();
    let rest = raw
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(assets.pkg_path.as_str()))
        .unwrap_or_default();
    let (path, keep) = match rest
        .strip_prefix('/')
        .and_then(|r| r.strip_prefix(assets.version.as_str()))
    {
        Some(file) if file.starts_with('/') => (
            file.to_string(),
            if assets.immutable {
                IMMUTABLE
            } else {
                REVALIDATE
            },
        ),
        _ => (rest.to_string(), REVALIDATE),
    };
    let mut inner = Request::builder().uri(path.as_str());
    if let Some(accept) = req.headers().get(header::ACCEPT_ENCODING) {
        inner = inner.header(header::ACCEPT_ENCODING, accept);
    }
    let Ok(inner) = inner.body(Body::empty()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // brotli as the build wrote it; gzip on the fly (see the module documentation)
    let served = ServeDir::new(&assets.pkg_dir)
        .precompressed_br()
        .oneshot(inner)
        .await;
    match served {
        Ok(res) => {
            let mut res = res.into_response();
            if res.status().is_success() {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(keep));
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "serving a site file");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Gives every response that chose none its `Cache-Control`: server functions `no-store`,
/// everything else `no-cache`.
pub async fn cache_control(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        let value = if api { NO_STORE } else { REVALIDATE };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_files_not_their_compressed_copies() {
        let dir = std::env::temp_dir().join(format!("reflect-assets-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        std::fs::write(pkg.join("reflect.js"), "a").unwrap();
        std::fs::write(pkg.join("snippets/x.js"), "b").unwrap();
        let site = dir.to_string_lossy().into_owned();
        let first = Assets::scan(&site, "pkg");
        assert_eq!(first.version.len(), 16);
        assert_eq!(first.linked_dir(), format!("pkg/{}", first.version));
        std::fs::write(pkg.join("reflect.js.br"), "compressed").unwrap();
        assert_eq!(Assets::scan(&site, "pkg").version, first.version);
        std::fs::write(pkg.join("snippets/x.js"), "c").unwrap();
        let changed = Assets::scan(&site, "pkg").version;
        assert_ne!(changed, first.version);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(Assets::scan(&site, "pkg").version, "none");
    }
}
