//! An instrument's translations: sibling files `<id>.<language>.toml` keyed by the instrument's
//! own ids (docs/instruments.md). Answers are stored by item id and value, the same in every
//! language; only the words change. Pure: parsing lives in `parse`, files in `store`.
use super::{Instrument, Item};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The id of the instrument it translates.
    pub instrument: String,
    /// Its language code (`nl`, `cs`, `sl`, `es`, `sv`).
    pub language: String,
    pub translated_by: String,
    /// Shown to respondents in this language: whose translation it is, and that it is not a
    /// validated version of a scale.
    pub translation_note: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub notice: Option<String>,
    #[serde(default)]
    pub scales: BTreeMap<String, ScaleText>,
    #[serde(default)]
    pub categories: BTreeMap<String, CategoryText>,
    #[serde(default)]
    pub subcategories: BTreeMap<String, SubcategoryText>,
    #[serde(default)]
    pub items: BTreeMap<String, ItemText>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleText {
    pub labels: Option<Vec<String>>,
    pub not_applicable: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryText {
    pub title: Option<String>,
    pub purpose: Option<String>,
    pub reflection_prompt: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcategoryText {
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemText {
    pub text: Option<String>,
    pub help: Option<String>,
    pub unit: Option<String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// One text that a translation lacks, or has for nothing: its place (`items.org_vision_1.help`)
/// and the id it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub path: String,
    pub id: String,
}

fn has(t: Option<&String>) -> bool {
    t.is_some_and(|t| !t.trim().is_empty())
}

/// Every text of `inst` that `tr` does not translate (empty counts as missing).
pub fn missing(inst: &Instrument, tr: &Translation) -> Vec<Gap> {
    let mut out = Vec::new();
    let mut need = |present: bool, path: String, id: &str| {
        if !present {
            out.push(Gap {
                path,
                id: id.to_string(),
            });
        }
    };
    need(has(tr.title.as_ref()), "title".into(), &inst.id);
    need(has(tr.description.as_ref()), "description".into(), &inst.id);
    if inst.notice.is_some() {
        need(has(tr.notice.as_ref()), "notice".into(), &inst.id);
    }
    for (id, scale) in &inst.scales {
        let t = tr.scales.get(id);
        let labels = t.and_then(|t| t.labels.as_ref());
        need(
            labels.is_some_and(|l| l.len() == scale.labels.len() && l.iter().all(|x| has(Some(x)))),
            format!("scales.{id}.labels"),
            id,
        );
        if scale.not_applicable.is_some() {
            need(
                has(t.and_then(|t| t.not_applicable.as_ref())),
                format!("scales.{id}.not_applicable"),
                id,
            );
        }
    }
    for c in &inst.categories {
        let t = tr.categories.get(&c.id);
        need(
            has(t.and_then(|t| t.title.as_ref())),
            format!("categories.{}.title", c.id),
            &c.id,
        );
        need(
            has(t.and_then(|t| t.purpose.as_ref())),
            format!("categories.{}.purpose", c.id),
            &c.id,
        );
        if c.reflection_prompt.is_some() {
            need(
                has(t.and_then(|t| t.reflection_prompt.as_ref())),
                format!("categories.{}.reflection_prompt", c.id),
                &c.id,
            );
        }
        for s in &c.subcategories {
            let t = tr.subcategories.get(&s.id);
            need(
                has(t.and_then(|t| t.title.as_ref())),
                format!("subcategories.{}.title", s.id),
                &s.id,
            );
            for i in &s.items {
                let t = tr.items.get(&i.id);
                need(
                    has(t.and_then(|t| t.text.as_ref())),
                    format!("items.{}.text", i.id),
                    &i.id,
                );
                if i.help.is_some() {
                    need(
                        has(t.and_then(|t| t.help.as_ref())),
                        format!("items.{}.help", i.id),
                        &i.id,
                    );
                }
                if i.unit.is_some() {
                    need(
                        has(t.and_then(|t| t.unit.as_ref())),
                        format!("items.{}.unit", i.id),
                        &i.id,
                    );
                }
                for o in &i.options {
                    need(
                        has(t.and_then(|t| t.options.get(&o.value))),
                        format!("items.{}.options.{}", i.id, o.value),
                        &i.id,
                    );
                }
            }
        }
    }
    out
}

/// Every text in `tr` for an id or a field the instrument does not have (a typo, or an item
/// since removed): "path".
pub fn unknown(inst: &Instrument, tr: &Translation) -> Vec<String> {
    let mut out = Vec::new();
    if tr.notice.is_some() && inst.notice.is_none() {
        out.push("notice".to_string());
    }
    for (id, t) in &tr.scales {
        match inst.scales.get(id) {
            None => out.push(format!("scales.{id}")),
            Some(s) if t.not_applicable.is_some() && s.not_applicable.is_none() => {
                out.push(format!("scales.{id}.not_applicable"));
            }
            Some(_) => {}
        }
    }
    for (id, t) in &tr.categories {
        match inst.categories.iter().find(|c| &c.id == id) {
            None => out.push(format!("categories.{id}")),
            Some(c) if t.reflection_prompt.is_some() && c.reflection_prompt.is_none() => {
                out.push(format!("categories.{id}.reflection_prompt"));
            }
            Some(_) => {}
        }
    }
    let subcategories: Vec<_> = inst
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .collect();
    for id in tr.subcategories.keys() {
        if !subcategories.iter().any(|s| &s.id == id) {
            out.push(format!("subcategories.{id}"));
        }
    }
    let items: Vec<&Item> = inst.categories.iter().flat_map(|c| c.items()).collect();
    for (id, t) in &tr.items {
        let Some(i) = items.iter().find(|i| &i.id == id) else {
            out.push(format!("items.{id}"));
            continue;
        };
        if t.help.is_some() && i.help.is_none() {
            out.push(format!("items.{id}.help"));
        }
        if t.unit.is_some() && i.unit.is_none() {
            out.push(format!("items.{id}.unit"));
        }
        for value in t.options.keys() {
            if !i.options.iter().any(|o| &o.value == value) {
                out.push(format!("items.{id}.options.{value}"));
            }
        }
    }
    out
}

fn put(target: &mut String, t: Option<&String>, untranslated: &mut bool) {
    match t {
        Some(t) if !t.trim().is_empty() => *target = t.clone(),
        _ => *untranslated = true,
    }
}

fn put_opt(target: &mut Option<String>, t: Option<&String>, untranslated: &mut bool) {
    if let Some(target) = target {
        put(target, t, untranslated);
    }
}

/// The instrument in the translation's words. A text the translation lacks stays in English and
/// its part is marked `untranslated`, so pages show it as English (`lang="en"` and a visible
/// note), never silently.
pub fn localize(inst: &Instrument, tr: &Translation) -> Instrument {
    let mut out = inst.clone();
    out.language = tr.language.clone();
    let mut u = false;
    put(&mut out.title, tr.title.as_ref(), &mut u);
    put(&mut out.description, tr.description.as_ref(), &mut u);
    put_opt(&mut out.notice, tr.notice.as_ref(), &mut u);
    out.untranslated = u;
    for (id, scale) in &mut out.scales {
        let t = tr.scales.get(id).cloned().unwrap_or_default();
        match t.labels {
            Some(l) if l.len() == scale.labels.len() && l.iter().all(|x| !x.trim().is_empty()) => {
                scale.labels = l;
            }
            _ => scale.untranslated = true,
        }
        let mut u = false;
        put_opt(&mut scale.not_applicable, t.not_applicable.as_ref(), &mut u);
        scale.untranslated |= u;
    }
    for c in &mut out.categories {
        let t = tr.categories.get(&c.id).cloned().unwrap_or_default();
        let mut u = false;
        put(&mut c.title, t.title.as_ref(), &mut u);
        put(&mut c.purpose, t.purpose.as_ref(), &mut u);
        put_opt(
            &mut c.reflection_prompt,
            t.reflection_prompt.as_ref(),
            &mut u,
        );
        c.untranslated = u;
        for s in &mut c.subcategories {
            let mut u = false;
            put(
                &mut s.title,
                tr.subcategories.get(&s.id).and_then(|t| t.title.as_ref()),
                &mut u,
            );
            s.untranslated = u;
            for i in &mut s.items {
                let t = tr.items.get(&i.id).cloned().unwrap_or_default();
                let mut u = false;
                put(&mut i.text, t.text.as_ref(), &mut u);
                put_opt(&mut i.help, t.help.as_ref(), &mut u);
                put_opt(&mut i.unit, t.unit.as_ref(), &mut u);
                for o in &mut i.options {
                    put(&mut o.label, t.options.get(&o.value), &mut u);
                }
                i.untranslated = u;
            }
        }
    }
    out
}

#[cfg(all(test, feature = "parser"))]
mod tests {
    use super::*;

    fn instrument() -> Instrument {
        toml::from_str(
            r#"
id = "x"
title = "T"
description = "D"
[scales.agree]
labels = ["No", "Yes"]
not_applicable = "n/a"
[[categories]]
id = "c"
title = "C"
purpose = "P"
[[categories.subcategories]]
id = "s"
title = "S"
[[categories.subcategories.items]]
id = "i1"
type = "likert"
scale = "agree"
text = "Statement"
help = "Help"
[[categories.subcategories.items]]
id = "i2"
type = "single_choice"
text = "Pick"
options = [{ value = "a", label = "A" }, { value = "b", label = "B" }]
"#,
        )
        .expect("the test instrument parses")
    }

    fn dutch() -> Translation {
        toml::from_str(
            r#"
instrument = "x"
language = "nl"
translated_by = "The Reflect team"
translation_note = "Vertaald"
title = "T-nl"
description = "D-nl"
[scales.agree]
labels = ["Nee", "Ja"]
not_applicable = "n.v.t."
[categories.c]
title = "C-nl"
purpose = "P-nl"
[subcategories.s]
title = "S-nl"
[items.i1]
text = "Stelling"
help = "Hulp"
[items.i2]
text = "Kies"
[items.i2.options]
a = "A-nl"
b = "B-nl"
"#,
        )
        .expect("the test translation parses")
    }

    #[test]
    fn a_whole_translation_changes_every_text_and_no_id() {
        let inst = instrument();
        let tr = dutch();
        assert!(missing(&inst, &tr).is_empty(), "{:?}", missing(&inst, &tr));
        assert!(unknown(&inst, &tr).is_empty());
        let nl = localize(&inst, &tr);
        assert_eq!(nl.language, "nl");
        assert_eq!(nl.categories[0].title, "C-nl");
        assert_eq!(
            nl.categories[0].subcategories[0].items[1].options[1].label,
            "B-nl"
        );
        assert_eq!(nl.scales["agree"].labels, ["Nee", "Ja"]);
        assert!(!nl.categories[0].subcategories[0].items[0].untranslated);
        // ids and values are the instrument's own
        let ids = |i: &Instrument| -> Vec<String> {
            i.categories
                .iter()
                .flat_map(|c| c.items())
                .flat_map(|i| {
                    std::iter::once(i.id.clone()).chain(i.options.iter().map(|o| o.value.clone()))
                })
                .collect()
        };
        assert_eq!(ids(&nl), ids(&inst));
    }

    #[test]
    fn a_missing_text_is_reported_and_stays_english_visibly() {
        let inst = instrument();
        let mut tr = dutch();
        tr.items.get_mut("i1").unwrap().help = None;
        tr.items.get_mut("i2").unwrap().options.remove("b");
        tr.categories.remove("c");
        let gaps: Vec<String> = missing(&inst, &tr).into_iter().map(|g| g.path).collect();
        assert_eq!(
            gaps,
            [
                "categories.c.title",
                "categories.c.purpose",
                "items.i1.help",
                "items.i2.options.b"
            ]
        );
        let nl = localize(&inst, &tr);
        let items = &nl.categories[0].subcategories[0].items;
        assert_eq!(items[0].help.as_deref(), Some("Help"));
        assert!(items[0].untranslated && items[1].untranslated);
        assert_eq!(items[1].options[0].label, "A-nl");
        assert_eq!(nl.categories[0].title, "C");
        assert!(nl.categories[0].untranslated);
        assert!(!nl.categories[0].subcategories[0].untranslated);
    }

    #[test]
    fn texts_for_nothing_are_reported() {
        let inst = instrument();
        let mut tr = dutch();
        tr.items.insert("gone".into(), ItemText::default());
        tr.items
            .get_mut("i2")
            .unwrap()
            .options
            .insert("c".into(), "C".into());
        tr.notice = Some("Let op".into());
        assert_eq!(
            unknown(&inst, &tr),
            ["notice", "items.gone", "items.i2.options.c"]
        );
    }
}
