//! The code's layout, checked (tests only): each domain names only the domains below it in the
//! graph drawn in the README's "Layout of the code", never another domain's SQL (`db`), and a
//! service never calls its domain's server functions. Benchmarks are outside the graph.
use std::path::{Path, PathBuf};

/// Each domain and the domains it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("accounts", &[]),
    ("schools", &["accounts"]),
    ("instrument", &[]),
    ("results", &["accounts", "schools", "instrument", "rounds"]),
    ("rounds", &["accounts", "schools", "instrument"]),
    ("workshops", &["accounts", "results", "instrument"]),
    (
        "reflection",
        &[
            "accounts",
            "schools",
            "instrument",
            "results",
            "rounds",
            "workshops",
        ],
    ),
    (
        "export",
        &["accounts", "schools", "instrument", "results", "reflection"],
    ),
];

/// The source files under `dir` that the graph covers (benchmarks are outside it).
fn sources(dir: &Path) -> Vec<PathBuf> {
    sources_all(dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "bench.rs"))
        .collect()
}

/// The lines of a file that are code (not comments).
fn code(p: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// Every place that breaks the layout: "file:line: what".
fn breaches(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for (domain, allowed) in ALLOWED {
        let dir = root.join(domain);
        if !dir.exists() {
            continue;
        }
        for file in sources(&dir) {
            for (n, line) in code(&file) {
                for (other, _) in ALLOWED.iter().filter(|(o, _)| o != domain) {
                    let named = line.contains(&format!("crate::{other}::"))
                        || line.contains(&format!("crate::{other}::{{"));
                    if named && !allowed.contains(other) {
                        out.push(format!("{}:{n}: {domain} uses {other}", file.display()));
                    }
                    if line.contains(&format!("{other}::db::"))
                        || line.contains(&format!("{other}::db;"))
                    {
                        out.push(format!(
                            "{}:{n}: {domain} names {other}'s SQL",
                            file.display()
                        ));
                    }
                }
                if file.ends_with("service.rs") && line.contains("super::api::") {
                    out.push(format!(
                        "{}:{n}: a service calls the API layer",
                        file.display()
                    ));
                }
            }
        }
    }
    out
}

/// The ids of the shared value types that must only be written by their type's `as_str`: roles
/// (but "other", which is also an innovation's id), role groups, a reflection's and a workshop's
/// statuses.
fn typed_ids() -> Vec<&'static str> {
    use crate::values::{RespondentRole, RoleGroup, Status};
    use crate::workshops::model::WorkshopStatus;
    let mut ids: Vec<&str> = RespondentRole::ALL
        .into_iter()
        .filter(|r| *r != RespondentRole::Other)
        .map(RespondentRole::as_str)
        .collect();
    ids.extend(RoleGroup::ALL.map(RoleGroup::as_str));
    ids.extend([Status::InProgress, Status::Finished].map(Status::as_str));
    ids.extend([WorkshopStatus::Open, WorkshopStatus::Closed].map(WorkshopStatus::as_str));
    ids
}

/// Every string literal (Rust `"…"` or SQL `'…'`) that spells one of [`typed_ids`], outside the
/// files that define the types: "file:line: the literal".
fn literal_breaches(root: &Path) -> Vec<String> {
    let defining = ["values.rs", "workshops/model.rs", "layout.rs"];
    let mut out = Vec::new();
    for file in sources_all(root) {
        if defining.iter().any(|d| file.ends_with(d)) {
            continue;
        }
        for (n, line) in code(&file) {
            for id in typed_ids() {
                if spelled(&line, id) {
                    out.push(format!("{}:{n}: \"{id}\" written out", file.display()));
                }
            }
        }
    }
    out
}

/// Whether `line` holds `id` as a Rust `"…"` or SQL `'…'` literal. A `"id"` right after a `:` is
/// JSON text (expected bytes in a test, `"role":"teacher"`), not a literal.
fn spelled(line: &str, id: &str) -> bool {
    let quoted = format!("\"{id}\"");
    line.contains(&format!("'{id}'"))
        || line
            .match_indices(&quoted)
            .any(|(at, _)| !line[..at].ends_with(':'))
}

/// Every source file under `dir`, benchmarks included.
fn sources_all(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(sources_all(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

#[test]
fn typed_values_are_written_only_by_their_types() {
    let found = literal_breaches(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_literal_check_finds_a_role_and_a_status() {
    let root = std::env::temp_dir().join(format!("reflect-literals-{}", std::process::id()));
    std::fs::create_dir_all(root.join("results")).unwrap();
    std::fs::write(
        root.join("results/db.rs"),
        "const Q: &str = \"SELECT 1 WHERE status = 'finished'\";\nfn f() -> &'static str { \"teacher\" }\n// \"deputy\" in a comment\nconst J: &str = r#\"{\"role\":\"teacher\"}\"#;\n",
    )
    .unwrap();
    let found = literal_breaches(&root);
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].ends_with(":1: \"finished\" written out"));
    assert!(found[1].ends_with(":2: \"teacher\" written out"));
}

/// Every `mod bench;` not right under `#[cfg(feature = "bench")]`: benchmark code the shipped
/// binary would compile.
fn ungated_benches(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in sources_all(root) {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            let declares = *line == "mod bench;" || *line == "pub mod bench;";
            if declares && (i == 0 || lines[i - 1] != "#[cfg(feature = \"bench\")]") {
                out.push(format!(
                    "{}:{}: mod bench without the bench feature",
                    file.display(),
                    i + 1
                ));
            }
        }
    }
    out
}

#[test]
fn benchmarks_are_only_in_the_bench_build() {
    let found = ungated_benches(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(found.is_empty(), "{}", found.join("\n"));
    // the check finds one
    let root = std::env::temp_dir().join(format!("reflect-benches-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("mod.rs"),
        "#[cfg(feature = \"bench\")]\npub mod assets;\npub mod bench;\n",
    )
    .unwrap();
    let planted = ungated_benches(&root);
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(planted.len(), 1, "{planted:?}");
    assert!(planted[0].ends_with(":3: mod bench without the bench feature"));
}

#[test]
fn every_domain_keeps_to_the_layout() {
    let found = breaches(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_finds_each_kind_of_breach() {
    let root = std::env::temp_dir().join(format!("reflect-layout-{}", std::process::id()));
    std::fs::create_dir_all(root.join("results")).unwrap();
    std::fs::write(
        root.join("results/service.rs"),
        "use crate::reflection::db::Row;\n// crate::workshops::model in a comment\nfn f() { super::api::g() }\n",
    )
    .unwrap();
    let found = breaches(&root);
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].ends_with(":1: results uses reflection"));
    assert!(found[1].ends_with(":1: results names reflection's SQL"));
    assert!(found[2].ends_with(":3: a service calls the API layer"));
}
