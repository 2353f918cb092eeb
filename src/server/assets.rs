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
//!
//! Where the files come from: the site folder when it is there (`cargo leptos serve`, `watch` and
//! `end-to-end` run the server beside it, and tests make their own), else the copy compiled into
//! the binary (rust-embed: the release build embeds `target/site` as cargo-leptos left it, so
//! the one file runs from any folder; a debug build reads that folder instead). Both are served
//! the same way; the embedded files from memory, with an ETag for revalidation.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::AppState;

/// How long a versioned file may be kept: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and unversioned files: kept, but asked for again each time (a 304 when unchanged).
pub const REVALIDATE: &str = "no-cache";
/// Server functions' answers: never kept.
pub const NO_STORE: &str = "no-store";

/// The site as the release build found it in `target/site`, compiled in (the `.gz` copies are
/// left out: they are never served, see above).
#[derive(rust_embed::Embed)]
#[folder = "target/site/"]
#[exclude = "*.gz"]
#[allow_missing = true]
struct Built;

/// A site file held in memory, with its ETag.
#[derive(Debug, Clone)]
pub struct MemoryFile {
    data: Cow<'static, [u8]>,
    etag: String,
}

/// Where the site's files are read from.
#[derive(Debug, Clone)]
pub enum SiteFiles {
    /// The site folder on disk, read at each request.
    Folder(PathBuf),
    /// Files in memory by their path in the site (`pkg/reflect.js`, `favicon.svg`): the site
    /// compiled into the binary.
    Memory(Arc<HashMap<String, MemoryFile>>),
}

/// The built files and their version.
#[derive(Debug, Clone)]
pub struct Assets {
    /// Where the files are.
    pub files: SiteFiles,
    /// The `site-pkg-dir` as pages link it, e.g. `pkg`.
    pub pkg_path: String,
    /// A hash of the files in the pkg folder (16 hex digits), or `none` when there are none.
    pub version: String,
    /// Whether versioned files may be kept for good: not under `cargo leptos watch`, which
    /// rebuilds them while this server runs.
    pub immutable: bool,
}

impl Assets {
    /// The site folder's files, read once for the version, at start.
    pub fn scan(site_root: &str, pkg_path: &str) -> Assets {
        let root = PathBuf::from(site_root);
        let pkg_path = pkg_path.trim_matches('/').to_string();
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        let read = files.into_iter().filter_map(|(name, path)| {
            let under = name.strip_prefix(&format!("{pkg_path}/"))?.to_string();
            if under.ends_with(".br") || under.ends_with(".gz") {
                return None;
            }
            match std::fs::read(&path) {
                Ok(bytes) => Some((under, bytes)),
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "unreadable site file");
                    None
                }
            }
        });
        Assets {
            version: version_of(read),
            immutable: std::env::var_os("LEPTOS_WATCH").is_none(),
            files: SiteFiles::Folder(root),
            pkg_path,
        }
    }

    /// Files held in memory, by their path in the site.
    pub fn in_memory(
        files: impl IntoIterator<Item = (String, Cow<'static, [u8]>)>,
        pkg_path: &str,
    ) -> Assets {
        let pkg_path = pkg_path.trim_matches('/').to_string();
        let files: HashMap<String, MemoryFile> = files
            .into_iter()
            .map(|(name, data)| {
                let etag = format!("\"{}\"", &super::sha256_hex(&data)[..32]);
                (name, MemoryFile { data, etag })
            })
            .collect();
        let prefix = format!("{pkg_path}/");
        let version = version_of(files.iter().filter_map(|(name, f)| {
            Some((name.strip_prefix(&prefix)?.to_string(), f.data.as_ref()))
        }));
        Assets {
            version,
            immutable: true,
            files: SiteFiles::Memory(Arc::new(files)),
            pkg_path,
        }
    }

    /// The site compiled into this binary (empty in a debug build without a built site).
    pub fn embedded(pkg_path: &str) -> Assets {
        Assets::in_memory(
            Built::iter().filter_map(|name| {
                let file = Built::get(&name)?;
                Some((name.into_owned(), file.data))
            }),
            pkg_path,
        )
    }

    /// The site folder when it holds the built files, else the embedded copy.
    pub fn find(site_root: &str, pkg_path: &str) -> Assets {
        let folder = PathBuf::from(site_root).join(pkg_path.trim_matches('/'));
        let assets = if folder.is_dir() {
            Assets::scan(site_root, pkg_path)
        } else {
            Assets::embedded(pkg_path)
        };
        match &assets.files {
            SiteFiles::Folder(root) => {
                tracing::info!(folder = %root.display(), version = %assets.version, "site files from the folder");
            }
            SiteFiles::Memory(files) => {
                tracing::info!(files = files.len(), version = %assets.version, "site files built in");
            }
        }
        assets
    }

    /// Where pages link the built files: `pkg/<version>`.
    pub fn linked_dir(&self) -> String {
        format!("{}/{}", self.pkg_path, self.version)
    }
}

/// A hash of files (names and contents, in name order), leaving out the precompressed copies,
/// which follow from the rest: the same for the same files, wherever they are held.
fn version_of<'a, B: AsRef<[u8]> + 'a>(files: impl Iterator<Item = (String, B)>) -> String {
    let mut files: Vec<(String, B)> = files
        .filter(|(name, _)| !(name.ends_with(".br") || name.ends_with(".gz")))
        .collect();
    if files.is_empty() {
        return "none".into();
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut hash = Sha256::new();
    for (name, bytes) in files {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(bytes.as_ref());
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `dir` as (its path from `root` with `/`, its path).
fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path));
        }
    }
}

/// A file held in memory as a response: its brotli copy to a browser that takes brotli, a 304 to
/// one that has it already, a 404 when there is no such file.
fn from_memory(
    files: &HashMap<String, MemoryFile>,
    name: &str,
    headers: &axum::http::HeaderMap,
) -> Response {
    let Some(file) = files.get(name).filter(|_| !name.ends_with(".gz")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let mut res = Response::builder()
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::ETAG, &file.etag)
        .header(header::VARY, "accept-encoding");
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim() == file.etag || t.trim() == "*")
        });
    let takes_br = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|e| e.split(';').next().is_some_and(|e| e.trim() == "br"))
        });
    let body = if unchanged {
        res = res.status(StatusCode::NOT_MODIFIED);
        Body::empty()
    } else if let Some(br) = files.get(&format!("{name}.br")).filter(|_| takes_br) {
        res = res.header(header::CONTENT_ENCODING, "br");
        Body::from(br.data.clone())
    } else {
        Body::from(file.data.clone())
    };
    res.body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The other site files (the favicon, fonts, ECharts): from memory when the site is built in,
/// else from the folder; anything else is the app's own 404 page.
pub async fn site_file(
    uri: axum::http::Uri,
    State(state): State<super::AppState>,
    req: Request,
) -> Response {
    if let SiteFiles::Memory(files) = &state.assets.files {
        let name = urlencoding::decode(uri.path().trim_start_matches('/')).unwrap_or_default();
        if !name.is_empty() && files.contains_key(name.as_ref()) {
            return from_memory(files, &name, req.headers());
        }
    }
    leptos_axum::file_and_error_handler::<super::AppState, _>(crate::app::shell)(
        uri,
        State(state),
        req,
    )
    .await
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
    let res = match &assets.files {
        SiteFiles::Memory(files) => {
            let name = urlencoding::decode(path.trim_start_matches('/')).unwrap_or_default();
            from_memory(files, &format!("{}/{name}", assets.pkg_path), req.headers())
        }
        SiteFiles::Folder(root) => {
            let mut inner = Request::builder().uri(path.as_str());
            if let Some(accept) = req.headers().get(header::ACCEPT_ENCODING) {
                inner = inner.header(header::ACCEPT_ENCODING, accept);
            }
            let Ok(inner) = inner.body(Body::empty()) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            // brotli as the build wrote it; gzip on the fly (see the module documentation)
            let served = ServeDir::new(root.join(&assets.pkg_path))
                .precompressed_br()
                .oneshot(inner)
                .await;
            match served {
                Ok(res) => res.into_response(),
                Err(e) => {
                    tracing::error!(error = %e, "serving a site file");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            }
        }
    };
    let mut res = res;
    if res.status().is_success() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(keep));
    }
    res
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
        // the same files held in memory (as the binary holds them) have the same version
        let memory = |x: &'static str| {
            Assets::in_memory(
                [
                    ("pkg/reflect.js", "a"),
                    ("pkg/reflect.js.br", "compressed"),
                    ("pkg/snippets/x.js", x),
                    ("favicon.svg", "not in pkg"),
                ]
                .map(|(n, d)| (n.to_string(), Cow::Borrowed(d.as_bytes()))),
                "pkg",
            )
            .version
        };
        assert_eq!(memory("b"), first.version);
        std::fs::write(pkg.join("snippets/x.js"), "c").unwrap();
        let changed = Assets::scan(&site, "pkg").version;
        assert_ne!(changed, first.version);
        assert_eq!(memory("c"), changed);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(Assets::scan(&site, "pkg").version, "none");
    }
}
