//! The codebook of an export: every exported item with its text, type, values and labels,
//! category and subcategory, per questionnaire version; each category's Cronbach's alpha and n;
//! the anonymisation applied, with what was coarsened or left out and why. JSON and Markdown, in
//! any of Reflect's languages: the words here (namespace `export` of `locales/`), the
//! questionnaire's texts from its translation. Ids and values are the same in every language.
use super::anonymise::Step;
use super::prepare::Suppression;
use crate::i18n::td_string;
use crate::lang::Locale;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Codebook {
    pub instrument: String,
    pub title: String,
    /// The language of its texts (a language code).
    pub language: String,
    /// Whose translation the texts are (and that it is not validated), or that there is none;
    /// `None` in the questionnaire's own language.
    pub translation_note: Option<String>,
    pub versions: Vec<i64>,
    /// The filters of the export, as given.
    pub filters: serde_json::Value,
    pub respondents: usize,
    pub minimum_group_size: usize,
    pub anonymisation: Vec<String>,
    /// (what was done, how many respondents; `None` for fewer than k) beyond the rules above.
    pub suppression: Vec<(String, Option<i64>)>,
    pub columns: Vec<(String, String)>,
    pub items: Vec<CodebookItem>,
    pub categories: Vec<CategoryReliability>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodebookItem {
    pub version: i64,
    pub id: String,
    pub category: String,
    pub category_title: String,
    pub subcategory: String,
    pub subcategory_title: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// (value, label): scale points, "na", choice options.
    pub values: Vec<(String, String)>,
    /// Describes the respondent: left out where it would single anyone out.
    pub identifying: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryReliability {
    pub version: i64,
    pub id: String,
    pub title: String,
    /// The category's scored items (its scale score is their mean per respondent).
    pub items: Vec<String>,
    /// Cronbach's alpha over respondents who answered every item (listwise); `None` when
    /// undefined.
    pub alpha: Option<f64>,
    pub n: usize,
}

/// The name of language `of` in language `l` ("Dutch", "Nederlands", "nizozemština").
pub fn language_name(l: Locale, of: Locale) -> &'static str {
    match of {
        Locale::en => td_string!(l, export.name_en),
        Locale::nl => td_string!(l, export.name_nl),
        Locale::cs => td_string!(l, export.name_cs),
        Locale::sl => td_string!(l, export.name_sl),
        Locale::es => td_string!(l, export.name_es),
        Locale::sv => td_string!(l, export.name_sv),
    }
}

/// Every language code with its name in language `l`: "en = English, nl = Dutch, …".
pub fn language_codes(l: Locale) -> String {
    crate::lang::all()
        .iter()
        .map(|&of| format!("{} = {}", crate::lang::code(of), language_name(l, of)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rules every export follows, for the codebook, in language `l`.
pub fn rules(l: Locale, k: usize, text: bool, text_k: usize) -> Vec<String> {
    vec![
        td_string!(l, export.rule_consent).to_string(),
        td_string!(l, export.rule_pseudonyms).to_string(),
        td_string!(l, export.rule_no_identifiers).to_string(),
        td_string!(l, export.rule_months).to_string(),
        if text {
            td_string!(l, export.rule_text_asked, n = text_k).to_string()
        } else {
            td_string!(l, export.rule_text_left_out, n = text_k).to_string()
        },
        td_string!(l, export.rule_never).to_string(),
        td_string!(l, export.rule_groups, k = k).to_string(),
        td_string!(l, export.rule_identifying, k = k).to_string(),
        td_string!(l, export.rule_filters).to_string(),
        td_string!(l, export.rule_languages).to_string(),
        td_string!(l, export.rule_networks).to_string(),
    ]
}

/// The long CSV's columns (`service::LONG_COLUMNS`) with their meaning in language `l`.
pub fn columns(l: Locale) -> Vec<(String, String)> {
    let languages = language_codes(l);
    [
        (
            "respondent",
            td_string!(l, export.col_respondent).to_string(),
        ),
        ("school", td_string!(l, export.col_school).to_string()),
        ("country", td_string!(l, export.col_country).to_string()),
        ("role", td_string!(l, export.col_role).to_string()),
        (
            "innovation",
            td_string!(l, export.col_innovation).to_string(),
        ),
        (
            "instrument",
            td_string!(l, export.col_instrument).to_string(),
        ),
        ("version", td_string!(l, export.col_version).to_string()),
        ("period", td_string!(l, export.col_period).to_string()),
        (
            "language",
            td_string!(l, export.col_language, languages = languages).to_string(),
        ),
        ("category", td_string!(l, export.col_category).to_string()),
        (
            "subcategory",
            td_string!(l, export.col_subcategory).to_string(),
        ),
        ("item", td_string!(l, export.col_item).to_string()),
        ("value", td_string!(l, export.col_value).to_string()),
    ]
    .into_iter()
    .map(|(name, meaning)| (name.to_string(), meaning))
    .collect()
}

/// What was coarsened, left out or withheld, in language `l`.
pub fn suppression_text(l: Locale, s: &Suppression) -> String {
    match s {
        Suppression::Coarsened(step) => match step {
            Step::Year => td_string!(l, export.step_year),
            Step::AnyLanguage => td_string!(l, export.step_any_language),
            Step::AnyInnovation => td_string!(l, export.step_any_innovation),
            Step::RoleGroup => td_string!(l, export.step_role_group),
            Step::AnyRole => td_string!(l, export.step_any_role),
            Step::OtherSchool => td_string!(l, export.step_other_school),
            Step::OtherCountry => td_string!(l, export.step_other_country),
            // "exact" is never reported
            Step::LeftOut | Step::Exact => td_string!(l, export.step_left_out),
        }
        .to_string(),
        Suppression::WrittenAnswers(n) => {
            td_string!(l, export.written_left_out, n = *n).to_string()
        }
        Suppression::Filtered => td_string!(l, export.filtered_out).to_string(),
        Suppression::Identifying(items) => {
            td_string!(l, export.identifying_left_out, items = items.join(", ")).to_string()
        }
    }
}

/// For a codebook in language `l` of a questionnaire without a translation into it: its texts are
/// in the language it was written in (`source`, a code).
pub fn untranslated_note(l: Locale, source: &str) -> String {
    let source = crate::lang::parse(source)
        .map_or_else(|| source.to_string(), |s| language_name(l, s).to_string());
    td_string!(l, export.untranslated, source = source).to_string()
}

/// A Markdown table's cell: no line breaks, no column bars.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The codebook as Markdown, for reading, in language `l` (its headings and sentences; the
/// texts of `c` are in `c.language` already).
pub fn markdown(c: &Codebook, l: Locale) -> String {
    let versions = c
        .versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let title = td_string!(l, export.md_title, title = &c.title, id = &c.instrument);
    let summary = td_string!(
        l,
        export.md_summary,
        versions = versions,
        respondents = c.respondents,
        k = c.minimum_group_size
    );
    let mut md = format!(
        "# {title}\n\n{summary}\n\n{}: `{}`\n\n",
        td_string!(l, export.md_filters),
        c.filters
    );
    if let Some(note) = &c.translation_note {
        md.push_str(&format!(
            "## {}\n\n{}\n\n",
            td_string!(l, export.md_translation),
            note
        ));
    }
    md.push_str(&format!(
        "## {}\n\n",
        td_string!(l, export.md_anonymisation)
    ));
    for r in &c.anonymisation {
        md.push_str(&format!("- {r}\n"));
    }
    md.push_str(&format!(
        "\n## {}\n\n",
        td_string!(l, export.md_suppression)
    ));
    if c.suppression.is_empty() {
        md.push_str(&format!(
            "{}\n",
            td_string!(l, export.md_nothing_suppressed)
        ));
    }
    let k = i64::try_from(c.minimum_group_size).unwrap_or(i64::MAX);
    for (what, n) in &c.suppression {
        let line = match n {
            Some(n) => td_string!(l, export.md_respondents, count = *n, what = what).to_string(),
            None => td_string!(l, export.md_fewer_than, count = k, what = what).to_string(),
        };
        md.push_str(&format!("- {line}\n"));
    }
    md.push_str(&format!(
        "\n## {}\n\n| {} | {} |\n|---|---|\n",
        td_string!(l, export.md_columns),
        td_string!(l, export.md_column),
        td_string!(l, export.md_meaning)
    ));
    for (name, meaning) in &c.columns {
        md.push_str(&format!("| `{name}` | {} |\n", cell(meaning)));
    }
    md.push_str(&format!(
        "\n## {}\n\n| {} | {} | {} | {} | {} |\n|---|---|---|---|---|\n",
        td_string!(l, export.md_categories),
        td_string!(l, export.md_version),
        td_string!(l, export.md_category),
        td_string!(l, export.md_item_count),
        td_string!(l, export.md_alpha),
        td_string!(l, export.md_complete)
    ));
    for r in &c.categories {
        md.push_str(&format!(
            "| {} | {} (`{}`) | {} | {} | {} |\n",
            r.version,
            cell(&r.title),
            r.id,
            r.items.len(),
            r.alpha.map_or("–".into(), |a| format!("{a:.3}")),
            r.n
        ));
    }
    md.push_str(&format!(
        "\n## {}\n\n| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|\n",
        td_string!(l, export.md_items),
        td_string!(l, export.md_version),
        td_string!(l, export.md_item),
        td_string!(l, export.md_category_subcategory),
        td_string!(l, export.md_type),
        td_string!(l, export.md_text),
        td_string!(l, export.md_values)
    ));
    let identifying = td_string!(l, export.md_identifying);
    for i in &c.items {
        let values = i
            .values
            .iter()
            .map(|(v, label)| format!("{v} = {label}"))
            .collect::<Vec<_>>()
            .join("; ");
        md.push_str(&format!(
            "| {} | `{}` | {} (`{}`) / {} (`{}`) | {} | {} | {} |\n",
            i.version,
            i.id,
            cell(&i.category_title),
            i.category,
            cell(&i.subcategory_title),
            i.subcategory,
            if i.identifying {
                format!("{} ({identifying})", i.kind)
            } else {
                i.kind.clone()
            },
            cell(&i.text),
            cell(&values)
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codebook() -> Codebook {
        Codebook {
            instrument: "demo".into(),
            title: "Demo | test".into(),
            language: "en".into(),
            translation_note: None,
            versions: vec![1, 2],
            filters: serde_json::json!({"instrument": "demo"}),
            respondents: 12,
            minimum_group_size: 5,
            anonymisation: rules(Locale::en, 5, false, 10),
            suppression: vec![
                (
                    suppression_text(Locale::en, &Suppression::Coarsened(Step::AnyLanguage)),
                    Some(7),
                ),
                (
                    suppression_text(Locale::en, &Suppression::Coarsened(Step::LeftOut)),
                    None,
                ),
            ],
            columns: columns(Locale::en),
            items: vec![CodebookItem {
                version: 2,
                id: "q1".into(),
                category: "lead".into(),
                category_title: "Leading".into(),
                subcategory: "vision".into(),
                subcategory_title: "Vision".into(),
                text: "We share a vision.".into(),
                kind: "likert".into(),
                values: vec![
                    ("1".into(), "Disagree".into()),
                    ("2".into(), "Agree".into()),
                ],
                identifying: true,
            }],
            categories: vec![],
        }
    }

    #[test]
    fn the_columns_are_the_long_csv_s() {
        for &l in crate::lang::all() {
            let names: Vec<String> = columns(l).into_iter().map(|(n, _)| n).collect();
            assert_eq!(names, super::super::service::LONG_COLUMNS, "{l}");
        }
    }

    #[test]
    fn a_questionnaire_without_a_translation_says_so() {
        assert_eq!(
            untranslated_note(Locale::nl, "en"),
            "Deze vragenlijst heeft geen vertaling in deze taal: de teksten staan in de taal waarin hij is geschreven (Engels)."
        );
        assert!(untranslated_note(Locale::en, "xx").contains("(xx)"));
    }

    #[test]
    fn the_language_column_names_every_code() {
        let (_, meaning) = columns(Locale::en)
            .into_iter()
            .find(|(n, _)| n == "language")
            .unwrap();
        for &l in crate::lang::all() {
            assert!(meaning.contains(crate::lang::code(l)), "{meaning}");
        }
        assert!(
            meaning.contains("sv = Swedish") && meaning.contains("\"any\""),
            "{meaning}"
        );
        let (_, dutch) = columns(Locale::nl)
            .into_iter()
            .find(|(n, _)| n == "language")
            .unwrap();
        assert!(dutch.contains("sv = Zweeds"), "{dutch}");
    }

    #[test]
    fn markdown_in_english_and_in_dutch() {
        let c = codebook();
        let md = markdown(&c, Locale::en);
        assert!(md.starts_with("# Codebook: Demo | test (demo)\n"), "{md}");
        assert!(md.contains("## Anonymisation\n"));
        assert!(
            md.contains("- 7 respondents: month shown as its year, language left out (\"any\")\n"),
            "{md}"
        );
        assert!(
            md.contains("- fewer than 5 respondents: left out of the export"),
            "{md}"
        );
        assert!(
            md.contains("| 2 | `q1` | Leading (`lead`) / Vision (`vision`) | likert (identifying) | We share a vision. | 1 = Disagree; 2 = Agree |"),
            "{md}"
        );
        let nl = markdown(&c, Locale::nl);
        assert!(nl.starts_with("# Codeboek: Demo | test (demo)\n"), "{nl}");
        assert!(nl.contains("## Anonimisering\n"), "{nl}");
        assert!(!nl.contains("## Anonymisation"));
        // every language has its own headings (a word such as "Items" may be the same)
        let headings = |md: &str| -> Vec<String> {
            md.lines()
                .filter(|l| l.starts_with('#'))
                .map(String::from)
                .collect()
        };
        let english = headings(&md);
        for &l in crate::lang::all().iter().filter(|&&l| l != Locale::en) {
            let other = headings(&markdown(&c, l));
            assert_eq!(other.len(), english.len(), "{l}");
            let same = other.iter().zip(&english).filter(|(a, b)| a == b).count();
            assert!(same <= 1, "{l}: {other:?}");
        }
    }

    #[test]
    fn every_step_has_words_in_every_language() {
        let steps = [
            Step::Year,
            Step::AnyLanguage,
            Step::AnyInnovation,
            Step::RoleGroup,
            Step::AnyRole,
            Step::OtherSchool,
            Step::OtherCountry,
            Step::LeftOut,
        ];
        for &l in crate::lang::all() {
            let words: Vec<String> = steps
                .iter()
                .map(|s| suppression_text(l, &Suppression::Coarsened(*s)))
                .collect();
            let mut distinct = words.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), steps.len(), "{l}: {words:?}");
            if l != Locale::en {
                assert_ne!(
                    words,
                    steps.map(|s| suppression_text(Locale::en, &Suppression::Coarsened(s))),
                    "{l}"
                );
            }
            let rules = rules(l, 5, true, 10);
            assert!(rules.iter().any(|r| r.contains("k = 5")), "{l}: {rules:?}");
            assert!(rules.iter().any(|r| r.contains("10")), "{l}: {rules:?}");
        }
        assert_eq!(
            suppression_text(
                Locale::en,
                &Suppression::Identifying(vec!["a".into(), "b".into()])
            ),
            "answers describing the respondent (a, b) left out: with the exported country × school × role × innovation × language × version × period they made a group under k"
        );
    }
}
