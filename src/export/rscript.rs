//! The R script that comes with an export: it reads the wide CSV and turns every coded column
//! into what R users expect — scale items into ordered factors of their labels, choice items into
//! factors, numbers into numbers — so a researcher starts from labelled data, as LimeSurvey's R
//! export does. Pure: made from the codebook's items. In any of Reflect's languages: its comments
//! and messages (namespace `export`), and the labels and item texts of the codebook's items.
use super::codebook::CodebookItem;
use crate::i18n::td_string;
use crate::instrument::NOT_APPLICABLE;
use crate::lang::Locale;

/// An R string literal; every character beyond ASCII as a `\u{…}` escape, so the script parses
/// the same in any locale.
pub fn r_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {}
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push_str(&format!("\\U{{{:08x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `c("v1" = "label 1", …)`.
fn named(pairs: &[(String, String)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(v, l)| format!("{} = {}", r_string(v), r_string(l)))
        .collect();
    format!("c({})", inner.join(", "))
}

/// `list("id" = …, …)` over the items, one per line.
fn list(entries: &[(String, String)]) -> String {
    if entries.is_empty() {
        return "list()".into();
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|(id, value)| format!("  {} = {}", r_string(id), value))
        .collect();
    format!("list(\n{}\n)", lines.join(",\n"))
}

/// `text` as R comment lines of at most about `width` characters, each starting `# `.
fn comment(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| format!("# {l}").trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the script's opening comment says of the export.
pub struct Heading<'a> {
    /// The questionnaire's title, in `language`.
    pub title: &'a str,
    pub instrument: &'a str,
    /// The language of the comments, messages, labels and item texts.
    pub language: Locale,
    /// Whose translation the texts are, or that there is none (`None` in the questionnaire's own
    /// language).
    pub translation_note: Option<&'a str>,
}

/// The script for an export of `heading.instrument` holding `items` (several versions may repeat
/// an id: the latest wins) and the `scored` categories' `score_<id>` columns.
pub fn script(heading: &Heading<'_>, items: &[CodebookItem], scored: &[String]) -> String {
    let l = heading.language;
    let mut latest: Vec<&CodebookItem> = Vec::new();
    for i in items {
        match latest.iter_mut().find(|l| l.id == i.id) {
            Some(l) if l.version <= i.version => *l = i,
            Some(_) => {}
            None => latest.push(i),
        }
    }
    let (mut scales, mut choices, mut numbers, mut texts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in &latest {
        texts.push((i.id.clone(), r_string(&i.text)));
        match i.kind.as_str() {
            "likert" => {
                let points: Vec<(String, String)> = i
                    .values
                    .iter()
                    .filter(|(v, _)| v != NOT_APPLICABLE)
                    .cloned()
                    .collect();
                scales.push((i.id.clone(), named(&points)));
            }
            "single_choice" => choices.push((i.id.clone(), named(&i.values))),
            "number" => numbers.push(r_string(&i.id)),
            _ => {}
        }
    }
    let scores: Vec<String> = scored
        .iter()
        .map(|c| r_string(&format!("score_{c}")))
        .collect();
    const WIDTH: usize = 94;
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut opening = vec![
        td_string!(l, export.r_intro).to_string(),
        td_string!(
            l,
            export.r_questionnaire,
            title = one_line(heading.title),
            id = one_line(heading.instrument)
        )
        .to_string(),
        td_string!(
            l,
            export.r_language,
            language = super::codebook::language_name(l, l)
        )
        .to_string(),
    ];
    opening.extend(heading.translation_note.map(one_line));
    let opening = comment(&opening.join(" "), WIDTH);
    let run = td_string!(l, export.r_run);
    let in_r = td_string!(l, export.r_in_r);
    let data_frame = comment(td_string!(l, export.r_data_frame), WIDTH);
    let conversions = comment(td_string!(l, export.r_conversions), WIDTH);
    let period = comment(td_string!(l, export.r_period), WIDTH);
    let language = comment(
        &td_string!(
            l,
            export.r_language_column,
            languages = super::codebook::language_codes(l)
        )
        .to_string(),
        WIDTH,
    );
    let no_path = r_string(td_string!(l, export.r_no_path));
    // R's sprintf with numbered arguments, so a language may put them in any order
    let read = r_string(
        &td_string!(
            l,
            export.r_read,
            respondents = "%1$d",
            columns = "%2$d",
            path = "%3$s"
        )
        .to_string(),
    );
    format!(
        r#"{opening}
#
# {run} Rscript reflect-wide.R reflect-responses-wide-YYYY-MM-DD.csv
# {in_r} path <- "reflect-responses-wide-YYYY-MM-DD.csv"; source("reflect-wide.R")
{data_frame}
#
{conversions}

if (!exists("path")) {{
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) < 1) stop({no_path})
  path <- args[[1]]
}}
reflect <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE,
                    fileEncoding = "UTF-8")
reflect$version <- as.integer(reflect$version)
{period}
reflect$period <- factor(reflect$period)
{language}
for (column in c("school", "country", "role", "innovation", "language")) {{
  reflect[[column]] <- factor(reflect[[column]])
}}

scale_items <- {scales}
for (item in intersect(names(scale_items), names(reflect))) {{
  labels <- scale_items[[item]]
  reflect[[item]] <- factor(reflect[[item]], levels = names(labels), labels = unname(labels),
                            ordered = TRUE)
}}

choice_items <- {choices}
for (item in intersect(names(choice_items), names(reflect))) {{
  labels <- choice_items[[item]]
  reflect[[item]] <- factor(reflect[[item]], levels = names(labels), labels = unname(labels))
}}

number_items <- c({numbers})
score_columns <- c({scores})
for (column in intersect(c(number_items, score_columns), names(reflect))) {{
  reflect[[column]] <- as.numeric(reflect[[column]])
}}

item_text <- unlist({texts})

message(sprintf({read}, nrow(reflect), ncol(reflect), path))
"#,
        scales = list(&scales),
        choices = list(&choices),
        numbers = numbers.join(", "),
        scores = scores.join(", "),
        texts = list(&texts),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, version: i64, kind: &str, values: &[(&str, &str)]) -> CodebookItem {
        CodebookItem {
            version,
            id: id.into(),
            category: "c".into(),
            category_title: "C".into(),
            subcategory: "s".into(),
            subcategory_title: "S".into(),
            text: format!("Text of {id}"),
            kind: kind.into(),
            values: values
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            identifying: false,
        }
    }

    fn heading(language: Locale) -> Heading<'static> {
        Heading {
            title: "Leadership",
            instrument: "leadership",
            language,
            translation_note: None,
        }
    }

    #[test]
    fn strings_are_escaped_for_r() {
        assert_eq!(r_string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(r_string("line\nnext"), r#""line\nnext""#);
        assert_eq!(r_string("café"), r#""caf\u{00e9}""#);
        assert_eq!(r_string("🙂"), r#""\U{0001f642}""#);
        assert_eq!(r_string("bell\u{7}"), r#""bell""#);
    }

    #[test]
    fn the_script_labels_scales_choices_and_numbers() {
        let agree = [("1", "Disagree"), ("2", "Agree"), ("na", "Not applicable")];
        let items = vec![
            item("v1", 1, "likert", &agree),
            item("v1", 2, "likert", &[("1", "No"), ("2", "Yes")]),
            item("pick", 2, "single_choice", &[("a", "Option \"A\"")]),
            item("count", 2, "number", &[]),
            item("many", 2, "multiple_choice", &[("x", "X")]),
        ];
        let s = script(&heading(Locale::en), &items, &["vision".into()]);
        // the latest version's labels, without "not applicable" among the ordered levels
        assert!(s.contains(r#""v1" = c("1" = "No", "2" = "Yes")"#), "{s}");
        assert!(!s.contains("Disagree"));
        assert!(s.contains(r#""pick" = c("a" = "Option \"A\"")"#));
        assert!(s.contains(r#"number_items <- c("count")"#));
        assert!(s.contains(r#"score_columns <- c("score_vision")"#));
        assert!(!s.contains(r#""many" = c("#), "multiple choice stays text");
        assert!(
            s.contains(r#""many" = "Text of many""#),
            "but its text is listed"
        );
    }

    #[test]
    fn comments_wrap_at_words() {
        assert_eq!(comment("one two three", 8), "# one two\n# three");
        assert_eq!(comment("a\n\nb", 80), "# a\n#\n# b");
    }

    #[test]
    fn the_script_speaks_its_language() {
        let items = vec![item("v1", 1, "likert", &[("1", "Oneens"), ("2", "Eens")])];
        let note =
            "Vertaling door het Reflect-team; dit is geen gevalideerde versie van een schaal.";
        let dutch = Heading {
            translation_note: Some(note),
            ..heading(Locale::nl)
        };
        let nl = script(&dutch, &items, &[]);
        let en = script(&heading(Locale::en), &items, &[]);
        // the comments, the note and the messages in Dutch; the code the same
        assert!(
            nl.starts_with("# Leest een onderzoeksexport van Reflect"),
            "{nl}"
        );
        assert!(nl.contains("Reflect-team"), "{nl}");
        assert!(!nl.contains("Reads a Reflect research export"));
        assert!(en.starts_with("# Reads a Reflect research export"), "{en}");
        assert!(nl.contains(r#""v1" = c("1" = "Oneens", "2" = "Eens")"#));
        for s in [&nl, &en] {
            assert!(s.contains(
                r#"for (column in c("school", "country", "role", "innovation", "language"))"#
            ));
            assert!(
                s.contains("message(sprintf(\"") && s.contains("%1$d") && s.contains("%3$s"),
                "{s}"
            );
            // every comment line within its width (the run lines hold a long file name)
            assert!(
                s.lines()
                    .filter(|l| l.starts_with("# ") && !l.contains("reflect-wide.R"))
                    .all(|l| l.chars().count() <= 96),
                "{s}"
            );
        }
        // the language column's codes with their names in the script's language
        assert!(nl.contains("sv = Zweeds"), "{nl}");
        assert!(en.contains("sv = Swedish"), "{en}");
    }
}
