//! `reflect export WHAT --as EMAIL [--FILTER VALUE …]`: the web downloads for scripts, written to
//! standard output. The account named by `--as` (a researcher or an admin) is who the export log
//! records; the same rules as on the web apply. `--lang CODE` chooses the language of the codebook
//! and the R script (English by default); `--language CODE` is the filter on the language
//! answered in, as on the web.
use crate::server::AppState;
use std::io::Write;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// The answers as CSV, one row per answer
    Responses,
    /// The answers as CSV, one row per respondent
    ResponsesWide,
    /// The answers as JSON
    ResponsesJson,
    /// The codebook as JSON
    CodebookJson,
    /// The codebook as Markdown
    CodebookMd,
    /// An R script that reads the wide CSV with its labels
    RScript,
}

/// `reflect export WHAT --as EMAIL [filters]`: the filters are those of the web page.
#[derive(Debug, clap::Args)]
pub struct ExportCommand {
    /// What to write
    #[arg(value_enum)]
    pub what: What,
    /// The researcher's or administrator's account the export log records
    #[arg(long = "as", value_name = "EMAIL")]
    pub email: String,
    /// The questionnaire's id
    #[arg(long, value_name = "ID")]
    pub instrument: Option<String>,
    /// One version of the questionnaire
    #[arg(long, value_name = "N")]
    pub version: Option<String>,
    /// The first day (finished or started on)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// The last day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// A country (ISO code)
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// A network's id
    #[arg(long, value_name = "ID")]
    pub network: Option<String>,
    /// A school's id
    #[arg(long, value_name = "ID")]
    pub school: Option<String>,
    /// A role or role group
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// An innovation focus
    #[arg(long, value_name = "ID")]
    pub innovation: Option<String>,
    /// The language answered in (a filter)
    #[arg(long, value_name = "CODE")]
    pub language: Option<String>,
    /// `yes`: unfinished reflections too
    #[arg(long, value_name = "yes")]
    pub unfinished: Option<String>,
    /// `yes`: the written answers too
    #[arg(long, value_name = "yes")]
    pub text: Option<String>,
    /// The language of the codebook and the R script [default: en]
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
}

/// What the command line asks for: who, the filters, and the language of the codebook and R
/// script.
#[derive(Debug)]
struct Asked {
    email: String,
    params: super::model::ExportParams,
    lang: crate::lang::Locale,
}

/// The filters of the command, as the web page's; the language of the codebook checked.
fn params(c: &ExportCommand) -> Result<Asked, String> {
    let p = super::model::ExportParams {
        instrument: c.instrument.clone(),
        version: c.version.clone(),
        from: c.from.clone(),
        to: c.to.clone(),
        country: c.country.clone(),
        network: c.network.clone(),
        school: c.school.clone(),
        role: c.role.clone(),
        innovation: c.innovation.clone(),
        language: c.language.clone(),
        unfinished: c.unfinished.clone(),
        text: c.text.clone(),
    };
    let lang = match &c.lang {
        None => crate::lang::Locale::default(),
        Some(code) => crate::lang::parse(code).ok_or_else(|| {
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
        email: c.email.clone(),
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

pub async fn run(state: &AppState, command: &ExportCommand) -> Result<(), String> {
    let Asked {
        email,
        params: p,
        lang: l,
    } = params(command)?;
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
    let output = match command.what {
        What::Responses => Stream(
            super::service::long_csv(state, &user, &p)
                .await
                .map_err(e)?,
        ),
        What::ResponsesWide => Stream(
            super::service::wide_csv(state, &user, &p)
                .await
                .map_err(e)?,
        ),
        What::ResponsesJson => Stream(super::service::json(state, &user, &p).await.map_err(e)?),
        What::CodebookJson => Text(
            serde_json::to_string_pretty(
                &super::service::codebook(state, &user, &p, l)
                    .await
                    .map_err(e)?,
            )
            .map_err(|e| e.to_string())?,
        ),
        What::CodebookMd => Text(super::codebook::markdown(
            &super::service::codebook(state, &user, &p, l)
                .await
                .map_err(e)?,
            l,
        )),
        What::RScript => Text(
            super::service::r_script(state, &user, &p, l)
                .await
                .map_err(e)?,
        ),
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
    use clap::Parser;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        export: ExportCommand,
    }

    fn parse(args: &[&str]) -> Result<ExportCommand, clap::Error> {
        Line::try_parse_from(std::iter::once("export").chain(args.iter().copied()))
            .map(|l| l.export)
    }

    #[test]
    fn options_are_read_by_name() {
        let args = [
            "responses",
            "--as",
            "r@x.org",
            "--instrument",
            "leadership-reflection",
            "--role",
            crate::values::RespondentRole::Teacher.as_str(),
        ];
        let c = parse(&args).unwrap();
        assert_eq!(c.what, What::Responses);
        let Asked {
            email,
            params: p,
            lang,
        } = params(&c).unwrap();
        assert_eq!(email, "r@x.org");
        assert_eq!(lang, crate::lang::Locale::en, "English unless asked");
        assert_eq!(p.instrument.as_deref(), Some("leadership-reflection"));
        assert_eq!(
            p.role.as_deref(),
            Some(crate::values::RespondentRole::Teacher.as_str())
        );
        assert!(parse(&args[..2]).is_err(), "a flag without its value");
        let mut more = args.to_vec();
        more.extend(["--lang", "cs", "--language", "sv"]);
        let asked = params(&parse(&more).unwrap()).unwrap();
        assert_eq!(asked.lang, crate::lang::Locale::cs);
        assert_eq!(asked.params.language.as_deref(), Some("sv"));
        let mut klingon = args.to_vec();
        klingon.extend(["--lang", "klingon"]);
        assert!(
            params(&parse(&klingon).unwrap())
                .unwrap_err()
                .contains("klingon")
        );
        assert!(parse(&["responses", "--as", "r@x.org", "--colour", "red"]).is_err());
        assert!(
            parse(&["responses", "--instrument", "x"]).is_err(),
            "--as is required"
        );
        assert!(parse(&["spreadsheet", "--as", "r@x.org"]).is_err());
        for (what, wanted) in [
            ("responses-wide", What::ResponsesWide),
            ("responses-json", What::ResponsesJson),
            ("codebook-json", What::CodebookJson),
            ("codebook-md", What::CodebookMd),
            ("r-script", What::RScript),
        ] {
            assert_eq!(parse(&[what, "--as", "r@x.org"]).unwrap().what, wanted);
        }
    }
}
