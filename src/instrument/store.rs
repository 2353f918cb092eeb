//! Loading instrument files from disk and keeping their versions in the database (server only).
use super::Instrument;
pub use super::parse::{FileError, parse_instrument, parse_translation};
use super::translate::{self, Translation};
use crate::server::db::Db;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One instrument or translation file: where it is from (a path, or `instruments/NAME (built in)`
/// for a shipped file) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// The instrument files shipped with Reflect, compiled into the release binary (debug builds read
/// the folder), so that the binary runs from any folder.
#[derive(rust_embed::Embed)]
#[folder = "instruments/"]
#[include = "*.toml"]
struct Shipped;

/// The `*.toml` files instruments are read from, by file name.
#[derive(Debug, Clone, Default)]
pub struct Sources(Vec<(String, SourceFile)>);

impl Sources {
    /// The shipped instruments and their translations.
    pub fn shipped() -> Sources {
        let mut files: Vec<(String, SourceFile)> = Shipped::iter()
            .filter_map(|name| {
                let file = Shipped::get(&name)?;
                let text = String::from_utf8_lossy(&file.data).into_owned();
                let path = PathBuf::from(format!("instruments/{name} (built in)"));
                Some((name.into_owned(), SourceFile { path, text }))
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Sources(files)
    }

    /// Every `*.toml` in `dir`, and nothing else.
    pub fn folder(dir: &Path) -> Result<Sources, Vec<FileError>> {
        let cannot = |e: std::io::Error| {
            vec![FileError {
                file: dir.to_path_buf(),
                problems: vec![format!("cannot read the folder: {e}")],
            }]
        };
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(cannot)? {
            let path = entry.map_err(cannot)?.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| n.ends_with(".toml"))
                .map(str::to_string)
            else {
                continue;
            };
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push((name, SourceFile { path, text })),
                Err(e) => errors.push(FileError {
                    file: path,
                    problems: vec![format!("cannot read: {e}")],
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Sources(files))
    }

    /// The shipped files, with those of `dir` (when given) added, a file of the same name
    /// replacing the shipped one (REFLECT_INSTRUMENTS_DIR).
    pub fn shipped_with(dir: Option<&Path>) -> Result<Sources, Vec<FileError>> {
        let mut sources = Sources::shipped();
        if let Some(dir) = dir {
            for (name, file) in Sources::folder(dir)?.0 {
                match sources.0.iter_mut().find(|(n, _)| *n == name) {
                    Some(shipped) => shipped.1 = file,
                    None => sources.0.push((name, file)),
                }
            }
            sources.0.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(sources)
    }

    /// The instrument files (not translations), in name order.
    fn instruments(&self) -> impl Iterator<Item = &SourceFile> {
        self.0
            .iter()
            .filter(|(name, _)| translation_of(name).is_none())
            .map(|(_, f)| f)
    }

    /// The translation files with `(instrument id, language)` from their names.
    fn translations(&self) -> impl Iterator<Item = (&SourceFile, (String, String))> {
        self.0
            .iter()
            .filter_map(|(name, f)| translation_of(name).map(|t| (f, t)))
    }

    /// The text of the file at `path`.
    fn text_of(&self, path: &Path) -> &str {
        self.0
            .iter()
            .find(|(_, f)| f.path == path)
            .map_or("", |(_, f)| f.text.as_str())
    }
}

/// Reads every `*.toml` in `dir`, in name order. All problems of all files are returned together.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Instrument)>, Vec<FileError>> {
    load(&Sources::folder(dir)?)
}

/// Parses every instrument of `sources`, in name order. All problems of all files are returned
/// together.
pub fn load(sources: &Sources) -> Result<Vec<(PathBuf, Instrument)>, Vec<FileError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for source in sources.instruments() {
        let file = &source.path;
        match parse_instrument(file, &source.text) {
            Ok(inst) => {
                if let Some(other) = seen.insert(inst.id.clone(), file.clone()) {
                    errors.push(FileError {
                        file: file.clone(),
                        problems: vec![format!(
                            "id: “{}” is already used by {}",
                            inst.id,
                            other.display()
                        )],
                    });
                } else {
                    ok.push((file.clone(), inst));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if files_empty(&ok, &errors) {
        errors.push(FileError {
            file: PathBuf::from("instruments"),
            problems: vec!["no *.toml instrument files found".into()],
        });
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// `(instrument id, language)` of a translation file's name (`<id>.<language>.toml`).
fn translation_of(name: &str) -> Option<(String, String)> {
    let stem = name.strip_suffix(".toml")?;
    let (id, lang) = stem.rsplit_once('.')?;
    Some((id.to_string(), lang.to_string()))
}

/// What the translations in a folder hold: the usable ones, and every text they lack as
/// "file:line: what" (the page shows such a text in English, marked as such).
#[derive(Debug, Default)]
pub struct Translations {
    pub ok: Vec<(PathBuf, Translation)>,
    pub gaps: Vec<String>,
}

/// Reads every translation file (`<id>.<language>.toml`) in `dir` for the given instruments
/// (see [`translations_in`]).
pub fn load_translations(
    dir: &Path,
    instruments: &[(PathBuf, Instrument)],
) -> Result<Translations, Vec<FileError>> {
    translations_in(&Sources::folder(dir)?, instruments)
}

/// Reads every translation file (`<id>.<language>.toml`) of `sources` for the given instruments.
/// A file that names no loaded instrument or a language Reflect does not speak,
/// or has texts for ids the instrument lacks is an error; a missing text is a gap.
pub fn translations_in(
    sources: &Sources,
    instruments: &[(PathBuf, Instrument)],
) -> Result<Translations, Vec<FileError>> {
    let mut out = Translations::default();
    let mut errors = Vec::new();
    for (source, (id, lang)) in sources.translations() {
        let file = &source.path;
        let text = &source.text;
        let fail = |problems: Vec<String>| FileError {
            file: file.clone(),
            problems,
        };
        let tr = match parse_translation(file, text) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut problems = Vec::new();
        if tr.instrument != id || tr.language != lang {
            problems.push(format!(
                "line {}: the file's name says {id} in “{lang}”, the file says {} in “{}”",
                super::parse::line_of(text, "instrument").unwrap_or(1),
                tr.instrument,
                tr.language
            ));
        }
        let source_language = instruments.iter().find(|(_, i)| i.id == id);
        let Some((source_file, inst)) = source_language else {
            problems.push(format!("there is no instrument “{id}” to translate"));
            errors.push(fail(problems));
            continue;
        };
        if crate::lang::parse(&lang).is_none_or(|l| crate::lang::code(l) != lang)
            || lang == inst.language
        {
            problems.push(format!(
                "“{lang}” is not a language Reflect translates into"
            ));
        }
        for path in translate::unknown(inst, &tr) {
            // the table the text is in (`[items.x]`, `[items.x.options]`), or a top-level key
            let table: Vec<&str> = path.splitn(3, '.').take(2).collect();
            let line = if table.len() == 2 {
                let header = table.join(".");
                super::parse::line_of(text, &format!("[{header}]"))
                    .or_else(|| super::parse::line_of(text, &format!("[{header}.")))
            } else {
                super::parse::line_of(text, &format!("\n{path} ")).map(|l| l + 1)
            }
            .unwrap_or(1);
            problems.push(format!(
                "line {line}: {path}: the instrument has no such text"
            ));
        }
        if !problems.is_empty() {
            errors.push(fail(problems));
            continue;
        }
        let source = sources.text_of(source_file);
        for gap in translate::missing(inst, &tr) {
            let line = super::parse::line_of(source, &format!("id = \"{}\"", gap.id)).unwrap_or(1);
            out.gaps.push(format!(
                "{}: {} has no text in “{lang}” (the source: {}:{line}); shown in {} until translated",
                file.display(),
                gap.path,
                source_file.display(),
                inst.language
            ));
        }
        out.ok.push((file.clone(), tr));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn files_empty(ok: &[(PathBuf, Instrument)], errors: &[FileError]) -> bool {
    ok.is_empty() && errors.is_empty()
}

/// A loaded instrument version.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub version: i64,
    pub instrument: Arc<Instrument>,
}

/// Every instrument version the app knows: the current one per instrument (from the files) and
/// older ones still needed by earlier reflections (from the database).
#[derive(Debug, Default)]
pub struct Registry {
    current: Vec<(String, Loaded)>,
    all: HashMap<(String, i64), Arc<Instrument>>,
    /// Translations by instrument id and language code.
    translations: HashMap<(String, String), Arc<Translation>>,
    /// Instruments already put into a language, by the source's address and the language: each
    /// is made once, not per page. The source is kept with it, so that its address is not reused.
    localized: std::sync::Mutex<LocalizedCache>,
}

type LocalizedCache = HashMap<(usize, &'static str), (Arc<Instrument>, Arc<Instrument>)>;

impl Registry {
    pub fn current(&self) -> impl Iterator<Item = (&str, &Loaded)> {
        self.current.iter().map(|(id, l)| (id.as_str(), l))
    }
    pub fn latest(&self, id: &str) -> Option<&Loaded> {
        self.current.iter().find(|(i, _)| i == id).map(|(_, l)| l)
    }
    /// Every known version of an instrument, oldest first.
    pub fn versions(&self, id: &str) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .all
            .keys()
            .filter(|(i, _)| i == id)
            .map(|(_, v)| *v)
            .collect();
        v.sort_unstable();
        v
    }
    pub fn get(&self, id: &str, version: i64) -> Option<Arc<Instrument>> {
        self.all.get(&(id.to_string(), version)).cloned()
    }

    /// Adds the translations of the instruments (from [`load_translations`]).
    pub fn with_translations(mut self, translations: Translations) -> Self {
        for (_, tr) in translations.ok {
            self.translations
                .insert((tr.instrument.clone(), tr.language.clone()), Arc::new(tr));
        }
        self.localized
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        self
    }

    /// The instrument in language `l`: itself in its own language; else its translation, with
    /// what the translation lacks marked `untranslated`; with no translation at all, itself
    /// marked `untranslated`, so that pages say it is shown in the source language.
    pub fn localized(&self, inst: &Arc<Instrument>, l: crate::lang::Locale) -> Arc<Instrument> {
        let code = crate::lang::code(l);
        if code == inst.language {
            return inst.clone();
        }
        let key = (Arc::as_ptr(inst) as usize, code);
        let mut cache = self
            .localized
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, done)) = cache.get(&key) {
            return done.clone();
        }
        let done = match self.translations.get(&(inst.id.clone(), code.to_string())) {
            Some(tr) => Arc::new(translate::localize(inst, tr)),
            None => {
                let mut same = Instrument::clone(inst);
                same.untranslated = true;
                Arc::new(same)
            }
        };
        cache.insert(key, (inst.clone(), done.clone()));
        done
    }

    /// The note a translation carries for respondents (whose translation, not validated).
    pub fn translation_note(&self, id: &str, l: crate::lang::Locale) -> Option<String> {
        self.translations
            .get(&(id.to_string(), crate::lang::code(l).to_string()))
            .map(|t| t.translation_note.clone())
    }
}

fn content_hash(inst: &Instrument) -> String {
    let json = serde_json::to_vec(inst).unwrap_or_default();
    crate::server::sha256_hex(&json)
}

/// Stores the file instruments as versions: unchanged → same version; changed and the stored
/// version has reflections → a new version; changed without reflections → updated in place.
pub async fn sync(db: &Db, files: Vec<(PathBuf, Instrument)>) -> Result<Registry, sqlx::Error> {
    let mut registry = Registry::default();
    let mut tx = db.begin_write().await?;
    for (file, inst) in files {
        let hash = content_hash(&inst);
        let latest: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, content_hash FROM instrument_versions WHERE instrument_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(&inst.id)
        .fetch_optional(&mut *tx)
        .await?;
        let definition = serde_json::to_string(&inst).unwrap_or_default();
        let now = crate::server::now();
        let version = match latest {
            Some((v, h)) if h == hash => v,
            Some((v, _)) => {
                let used: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM reflections WHERE instrument_id = $1 AND instrument_version = $2",
                )
                .bind(&inst.id)
                .bind(v)
                .fetch_one(&mut *tx)
                .await?;
                if used == 0 {
                    sqlx::query(
                        "UPDATE instrument_versions SET content_hash = $1, definition = $2, source_file = $3, loaded_at = $4 WHERE instrument_id = $5 AND version = $6",
                    )
                    .bind(&hash).bind(&definition).bind(file.display().to_string()).bind(&now).bind(&inst.id).bind(v)
                    .execute(&mut *tx)
                    .await?;
                    tracing::info!(instrument = %inst.id, version = v, "instrument changed; version had no answers, updated in place");
                    v
                } else {
                    insert_version(&mut tx, &inst, v + 1, &hash, &definition, &file, &now).await?;
                    tracing::info!(instrument = %inst.id, version = v + 1, "instrument changed; stored as a new version");
                    v + 1
                }
            }
            None => {
                insert_version(&mut tx, &inst, 1, &hash, &definition, &file, &now).await?;
                1
            }
        };
        registry.current.push((
            inst.id.clone(),
            Loaded {
                version,
                instrument: Arc::new(inst),
            },
        ));
    }
    // older versions, still needed to show earlier reflections
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT instrument_id, version, definition FROM instrument_versions")
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    for (id, version, definition) in rows {
        match serde_json::from_str::<Instrument>(&definition) {
            Ok(inst) => {
                registry.all.insert((id, version), Arc::new(inst));
            }
            Err(e) => {
                tracing::warn!(instrument = %id, version, error = %e, "stored instrument version unreadable")
            }
        }
    }
    for (id, l) in &registry.current {
        registry
            .all
            .insert((id.clone(), l.version), l.instrument.clone());
    }
    Ok(registry)
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    inst: &Instrument,
    version: i64,
    hash: &str,
    definition: &str,
    file: &Path,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO instrument_versions (instrument_id, version, content_hash, definition, source_file, loaded_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&inst.id)
    .bind(version)
    .bind(hash)
    .bind(definition)
    .bind(file.display().to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_line() {
        let err = parse_instrument(Path::new("x.toml"), "id = \"a\"\ntitle = \n").unwrap_err();
        assert_eq!(err.file, Path::new("x.toml"));
        assert!(err.problems[0].starts_with("line 2:"), "{:?}", err.problems);
    }

    #[test]
    fn semantic_errors_name_the_path() {
        let text = "id='a'\ntitle='t'\ndescription='d'\n[[categories]]\nid='c'\ntitle='C'\npurpose='p'\n[[categories.subcategories]]\nid='s'\ntitle='S'\n[[categories.subcategories.items]]\nid='i'\ntype='likert'\nscale='missing'\ntext='x'\n";
        let err = parse_instrument(Path::new("y.toml"), text).unwrap_err();
        assert!(err.to_string().contains("y.toml"));
        assert!(
            err.problems.iter().any(|p| p
                .contains("categories[0].subcategories[0].items[0].scale")
                && p.contains("unknown scale")),
            "{:?}",
            err.problems
        );
    }
}
