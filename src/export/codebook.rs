//! The codebook of an export: every exported item with its text, type, values and labels,
//! category and subcategory, per questionnaire version; each category's Cronbach's alpha and n;
//! the anonymisation applied, with what was coarsened or left out and why. JSON and Markdown.
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Codebook {
    pub instrument: String,
    pub title: String,
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
    pub subcategory: String,
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

/// The rules every export follows, for the codebook.
pub fn rules(k: usize, text: bool, text_k: usize) -> Vec<String> {
    vec![
        "Only respondents who consented to research use; finished reflections unless unfinished ones were asked for.".into(),
        "Respondents (R…) and schools (S…) carry random pseudonyms made for this export only: two exports cannot be joined by them, and their numbers say nothing about order.".into(),
        "No resume tokens, account ids, names, IP addresses or browser details (none is stored with answers).".into(),
        "Dates are cut to the month (finished, or started for unfinished reflections); a day range selects the whole months inside it.".into(),
        if text {
            format!("Written answers (short and long text, one word) were asked for: they are exported as typed, only for respondents whose group (country × school × role as exported) holds at least {text_k} respondents. Read them before sharing: a name in a text is not removed. In a spreadsheet, a text that begins with = + - or @ may be taken for a formula.")
        } else {
            "Written answers (short and long text, one word) are left out; they can be asked for, and then come only from groups of at least 10.".into()
        },
        "Descriptions of the innovation, category notes and action plans are never exported.".into(),
        format!("Every combination of country × school × role holds at least k = {k} respondents. Where one did not: roles became role groups (leaders, teachers, other roles), then \"any\"; then the school became \"other\"; then the country \"other\"; respondents still in a group under k were left out (see suppression)."),
        format!("Answers that describe the respondent (items marked identifying, such as country, type of school or years in the role) are quasi-identifiers too: where respondents of one country × school × role cell with the same such answers number fewer than k = {k}, those answers are left out (and more, until no group of them, nor of those without them, is under k)."),
        "Networks are not exported.".into(),
    ]
}

/// The codebook as Markdown, for reading.
pub fn markdown(c: &Codebook) -> String {
    let mut md = format!(
        "# Codebook: {} ({})\n\nVersions: {}. Respondents: {}. Minimum group size k = {}.\n\nFilters: `{}`\n\n## Anonymisation\n\n",
        c.title,
        c.instrument,
        c.versions
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        c.respondents,
        c.minimum_group_size,
        c.filters
    );
    for r in &c.anonymisation {
        md.push_str(&format!("- {r}\n"));
    }
    md.push_str("\n## Suppression in this export\n\n");
    if c.suppression.is_empty() {
        md.push_str("Nothing was coarsened or left out.\n");
    }
    for (what, n) in &c.suppression {
        match n {
            Some(n) => md.push_str(&format!("- {n} respondents: {what}\n")),
            None => md.push_str(&format!(
                "- fewer than {} respondents: {what}\n",
                c.minimum_group_size
            )),
        }
    }
    md.push_str("\n## Columns (long CSV)\n\n| column | meaning |\n|---|---|\n");
    for (name, meaning) in &c.columns {
        md.push_str(&format!("| `{name}` | {meaning} |\n"));
    }
    md.push_str("\n## Categories: scale scores and reliability\n\n| version | category | items | Cronbach's alpha | n (complete) |\n|---|---|---|---|---|\n");
    for r in &c.categories {
        md.push_str(&format!(
            "| {} | {} (`{}`) | {} | {} | {} |\n",
            r.version,
            r.title,
            r.id,
            r.items.len(),
            r.alpha.map_or("–".into(), |a| format!("{a:.3}")),
            r.n
        ));
    }
    md.push_str("\n## Items\n\n| version | item | category / subcategory | type | text | values |\n|---|---|---|---|---|---|\n");
    for i in &c.items {
        let values = i
            .values
            .iter()
            .map(|(v, l)| format!("{v} = {l}"))
            .collect::<Vec<_>>()
            .join("; ");
        md.push_str(&format!(
            "| {} | `{}` | {} / {} | {} | {} | {} |\n",
            i.version,
            i.id,
            i.category,
            i.subcategory,
            if i.identifying {
                format!("{} (identifying)", i.kind)
            } else {
                i.kind.clone()
            },
            i.text.replace('|', "\\|"),
            values.replace('|', "\\|")
        ));
    }
    md
}
