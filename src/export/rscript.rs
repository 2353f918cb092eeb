//! The R script that comes with an export: it reads the wide CSV and turns every coded column
//! into what R users expect — scale items into ordered factors of their labels, choice items into
//! factors, numbers into numbers — so a researcher starts from labelled data, as LimeSurvey's R
//! export does. Pure: made from the codebook's items.
use super::codebook::CodebookItem;
use crate::instrument::NOT_APPLICABLE;

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

/// The script for an export of `instrument` holding `items` (several versions may repeat an id:
/// the latest wins) and the `scored` categories' `score_<id>` columns.
pub fn script(title: &str, instrument: &str, items: &[CodebookItem], scored: &[String]) -> String {
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
    format!(
        r#"# Reads a Reflect research export (the wide CSV: one row per respondent) and applies the
# codebook's labels. Questionnaire: {title_comment} ({instrument_comment}).
#
# Run:     Rscript reflect-wide.R reflect-responses-wide-YYYY-MM-DD.csv
# Or in R: path <- "reflect-responses-wide-YYYY-MM-DD.csv"; source("reflect-wide.R")
# The data frame is `reflect`; `item_text` holds every item's wording.
#
# Scale items become ordered factors of their scale labels. "Not applicable" (na in the CSV)
# is NA there; the CSV keeps it. Single-choice items become factors of their option labels;
# multiple-choice answers stay text (option values joined by commas); written answers stay text.
# Numbers and the scale scores (score_<category>) become numbers.

if (!exists("path")) {{
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) < 1) stop("give the path of the wide CSV")
  path <- args[[1]]
}}
reflect <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE,
                    fileEncoding = "UTF-8")
reflect$version <- as.integer(reflect$version)
# period: "YYYY-MM", or "YYYY" where the month would single out a small group
reflect$period <- factor(reflect$period)
for (column in c("school", "country", "role", "innovation")) {{
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

message(sprintf("reflect: %d respondents, %d columns read from %s", nrow(reflect), ncol(reflect), path))
"#,
        title_comment = title.replace(['\n', '\r'], " "),
        instrument_comment = instrument.replace(['\n', '\r'], " "),
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
            subcategory: "s".into(),
            text: format!("Text of {id}"),
            kind: kind.into(),
            values: values
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            identifying: false,
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
        let s = script("Leadership", "leadership", &items, &["vision".into()]);
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
}
