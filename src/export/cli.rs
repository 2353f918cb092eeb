//! `reflect export WHAT --as EMAIL [--FILTER VALUE …]`: the web downloads for scripts, written to
//! standard output. The account named by `--as` (a researcher or an admin) is who the export log
//! records; the same rules as on the web apply. `--lang CODE` chooses the language of the codebook
//! and the R script (English by default); `--language CODE` is the filter on the language
//! answered in, as on the web.
use crate::server::AppState;
use std::io::Write;

pub const USAGE: &str = "Usage: reflect export responses|responses-wide|responses-json|codebook-json|codebook-md|r-script \
--as EMAIL --instrument ID [--version N] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--country CC] \
[--network ID] [--school ID] [--role ROLE] [--innovation ID] [--language CODE] [--unfinished yes] [--text yes] \
[--lang CODE]";

/// What the command line asks for: who, the filters, and the language of the codebook and R
/// script.
#[derive(Debug)]
struct Asked {
    email: String,
    params: super::model::ExportParams,
    lang: crate::lang::Locale,
}

/// Parses `--name value` pairs after the format.
fn params(args: &[String]) -> Result<Asked, String> {
    let mut p = super::model::ExportParams::default();
    let mut email = None;
    let mut lang = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .clone();
        let slot = match flag.as_str() {
            "--as" => &mut email,
            "--instrument" => &mut p.instrument,
            "--version" => &mut p.version,
            "--from" => &mut p.from,
            "--to" => &mut p.to,
            "--country" => &mut p.country,
            "--network" => &mut p.network,
            "--school" => &mut p.school,
            "--role" => &mut p.role,
            "--innovation" => &mut p.innovation,
            "--language" => &mut p.language,
            "--lang" => &mut lang,
            "--unfinished" => &mut p.unfinished,
            "--text" => &mut p.text,
            other => return Err(format!("unknown option {other}")),
        };
        *slot = Some(value);
    }
    let lang = match lang {
        None => crate::lang::Locale::default(),
        Some(code) => crate::lang::parse(&code).ok_or_else(|| {
            format!(
                "--lang {code}: not one of {}",
                crate::lang::all()
                    .iter()
                    .map(|l| crate::lang::code(*l))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?,
    };
    Ok(Asked {
        email: email.ok_or("--as EMAIL is required")?,
        params: p,
        lang,
    })
}

/// Writes a download's chunks as they come.
async fn pipe(
    stream: impl futures::Stream<Item = Result<axum::body::Bytes, std::io::Error>>,
    out: &mut impl Write,
) -> Result<(), String> {
    use futures::StreamExt;
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        out.write_all(&chunk).map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub async fn run(state: &AppState, args: &[String]) -> Result<(), String> {
    let what = args.first().ok_or(USAGE)?.as_str();
    let Asked {
        email,
        params: p,
        lang: l,
    } = params(&args[1..])?;
    let email = crate::accounts::service::normalise_email(&email).map_err(|e| e.to_string())?;
    let user = crate::accounts::service::by_email(&state.db, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account {email} with a known role"))?;
    let mut out = std::io::stdout().lock();
    enum Output {
        Text(String),
        Stream(super::service::Download),
    }
    use Output::*;
    let e = |e: crate::error::AppError| e.to_string();
    let output = match what {
        "responses" => Stream(
            super::service::long_csv(state, &user, &p)
                .await
                .map_err(e)?,
        ),
        "responses-wide" => Stream(
            super::service::wide_csv(state, &user, &p)
                .await
                .map_err(e)?,
        ),
        "responses-json" => Stream(super::service::json(state, &user, &p).await.map_err(e)?),
        "codebook-json" => Text(
            serde_json::to_string_pretty(
                &super::service::codebook(state, &user, &p, l)
                    .await
                    .map_err(e)?,
            )
            .map_err(|e| e.to_string())?,
        ),
        "codebook-md" => Text(super::codebook::markdown(
            &super::service::codebook(state, &user, &p, l)
                .await
                .map_err(e)?,
            l,
        )),
        "r-script" => Text(
            super::service::r_script(state, &user, &p, l)
                .await
                .map_err(e)?,
        ),
        _ => return Err(USAGE.into()),
    };
    match output {
        Text(text) => out.write_all(text.as_bytes()).map_err(|e| e.to_string())?,
        Stream(stream) => pipe(stream, &mut out).await?,
    }
    out.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_in_pairs() {
        let args: Vec<String> = [
            "--as",
            "r@x.org",
            "--instrument",
            "leadership-reflection",
            "--role",
            crate::values::RespondentRole::Teacher.as_str(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let Asked {
            email,
            params: p,
            lang,
        } = params(&args).unwrap();
        assert_eq!(email, "r@x.org");
        assert_eq!(lang, crate::lang::Locale::en, "English unless asked");
        assert_eq!(p.instrument.as_deref(), Some("leadership-reflection"));
        assert_eq!(
            p.role.as_deref(),
            Some(crate::values::RespondentRole::Teacher.as_str())
        );
        assert!(params(&args[..3]).is_err(), "a flag without its value");
        let mut more = args.clone();
        more.extend(["--lang", "cs", "--language", "sv"].map(String::from));
        let asked = params(&more).unwrap();
        assert_eq!(asked.lang, crate::lang::Locale::cs);
        assert_eq!(asked.params.language.as_deref(), Some("sv"));
        more.extend(["--lang", "klingon"].map(String::from));
        assert!(params(&more).unwrap_err().contains("klingon"));
        assert!(params(&["--colour".into(), "red".into()]).is_err());
        assert!(
            params(&["--instrument".into(), "x".into()]).is_err(),
            "--as is required"
        );
    }
}
