//! Generates the `i18n` module from `locales/<language>/<namespace>.json` (leptos_i18n), after
//! checking that every language has every key of English: a missing or empty translation stops
//! the build with the file and the key, so no page can fall back to English unnoticed.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};

/// English first: the source language, and the fallback that must never be needed.
const LANGUAGES: [&str; 6] = ["en", "nl", "cs", "sl", "es", "sv"];
const NAMESPACES: [&str; 9] = [
    "common",
    "errors",
    "export",
    "reflection",
    "report",
    "results",
    "rounds",
    "staff",
    "workshops",
];
const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-env-changed=REFLECT_I18N_DRAFT");
    let problems = check_locales(Path::new("locales"))?;
    // while translating: REFLECT_I18N_DRAFT=1 builds with English in the gaps (warned); the test
    // command never sets it
    if std::env::var_os("REFLECT_I18N_DRAFT").is_some() {
        for p in &problems {
            println!("cargo::warning={p}");
        }
    } else if !problems.is_empty() {
        for p in &problems {
            println!("cargo::error={p}");
        }
        return Err(format!("{} translation problems (above)", problems.len()).into());
    }

    let mut cfg = Config::new(LANGUAGES[0])?;
    for l in &LANGUAGES[1..] {
        cfg = cfg.add_locale(l)?;
    }
    // interpolations also as plain strings (`td_string!`), for attributes and titles
    let cfg = cfg
        .add_namespaces(NAMESPACES)?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("i18n");
    infos.generate_i18n_module(dir)?;
    Ok(())
}

/// Keys of a translation file: nested objects joined with `.`; plural forms (`key_one`,
/// `key_few`, ...) stand for their base key, which needs its `_other` form.
fn keys(
    value: &serde_json::Value,
    prefix: &str,
    out: &mut BTreeSet<String>,
    empty: &mut Vec<String>,
) {
    let Some(map) = value.as_object() else {
        return;
    };
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            serde_json::Value::Object(_) => keys(v, &key, out, empty),
            serde_json::Value::String(s) if s.trim().is_empty() => empty.push(key),
            _ => {
                let base = PLURAL_FORMS
                    .iter()
                    .find_map(|f| key.strip_suffix(&format!("_{f}")))
                    .map(|b| format!("{b} (plural)"));
                out.insert(base.unwrap_or(key));
            }
        }
    }
}

fn check_locales(dir: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut problems = Vec::new();
    for ns in NAMESPACES {
        let mut source = None;
        for lang in LANGUAGES {
            let file = dir.join(lang).join(format!("{ns}.json"));
            let Ok(text) = std::fs::read_to_string(&file) else {
                problems.push(format!("{}: missing file", file.display()));
                continue;
            };
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            let (mut found, mut empty) = (BTreeSet::new(), Vec::new());
            keys(&json, "", &mut found, &mut empty);
            for key in empty {
                problems.push(format!("{}: `{key}` is empty", file.display()));
            }
            for key in found.iter().filter(|k| k.ends_with(" (plural)")) {
                let base = key.trim_end_matches(" (plural)");
                if !text.contains(&format!(
                    "\"{}_other\"",
                    base.rsplit('.').next().unwrap_or(base)
                )) {
                    problems.push(format!("{}: `{base}` has no `_other` form", file.display()));
                }
            }
            match &source {
                None => source = Some(found),
                Some(en) => {
                    for key in en.difference(&found) {
                        problems.push(format!(
                            "{}: `{key}` is missing (English has it)",
                            file.display()
                        ));
                    }
                    for key in found.difference(en) {
                        problems.push(format!("{}: `{key}` is not in English", file.display()));
                    }
                }
            }
        }
    }
    Ok(problems)
}
