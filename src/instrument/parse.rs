//! Parsing one instrument file's text: TOML into the instrument's types, then [`validate`]. Pure
//! (no files, no database), so the fuzz target in `fuzz/` drives it on its own (feature `parser`).
use super::{Instrument, validate};
use std::path::{Path, PathBuf};

/// An instrument file that cannot be used, with where and why.
#[derive(Debug)]
pub struct FileError {
    pub file: PathBuf,
    pub problems: Vec<String>,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "invalid instrument file {}:", self.file.display())?;
        for p in &self.problems {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

/// Parses and validates one instrument file's text. Syntax and type errors carry the line and
/// column; semantic errors carry the path inside the file.
pub fn parse_instrument(file: &Path, text: &str) -> Result<Instrument, FileError> {
    let inst: Instrument = toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        FileError {
            file: file.to_path_buf(),
            problems: vec![format!("{place}{}", e.message())],
        }
    })?;
    let problems = validate(&inst);
    if problems.is_empty() {
        Ok(inst)
    } else {
        Err(FileError {
            file: file.to_path_buf(),
            problems: problems.iter().map(ToString::to_string).collect(),
        })
    }
}

/// The line (1-based) of the first place in `text` where `needle` starts, if any.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
}

/// Parses one translation file's text (`<id>.<language>.toml`); syntax and type errors carry the
/// line. Whether it fits its instrument is `translate::missing` and `translate::unknown`.
pub fn parse_translation(
    file: &Path,
    text: &str,
) -> Result<super::translate::Translation, FileError> {
    toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        FileError {
            file: file.to_path_buf(),
            problems: vec![format!("{place}{}", e.message())],
        }
    })
}
