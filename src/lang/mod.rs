//! The language a page speaks: English (the source), Dutch, Czech, Slovenian, Spanish or
//! Swedish. Chosen once per request at the edge (`server::language`): `?lang=`, then the cookie
//! a switch left, then the browser's `Accept-Language`, then English; a reflection's own pages
//! speak the language it is answered in. Pages read it with [`current`] and translate with
//! leptos_i18n's `td!`/`td_string!` (keys checked at compile time; build.rs refuses a language
//! that lacks a key of English).
pub use crate::i18n::Locale;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// The cookie that keeps a chosen language (a year; no other data in it).
pub const COOKIE: &str = "reflect_lang";

/// Every language, English first.
pub fn all() -> &'static [Locale] {
    Locale::get_all()
}

/// A language from its code (`nl`, `NL`, `nl-BE`), if Reflect speaks it.
pub fn parse(code: &str) -> Option<Locale> {
    let code = code.trim();
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    all()
        .iter()
        .copied()
        .find(|l| l.as_str().eq_ignore_ascii_case(primary))
}

/// The code as written in `lang` attributes, cookies and stored reflections.
pub fn code(l: Locale) -> &'static str {
    l.as_str()
}

/// `lang=` in a query string.
pub fn from_query(query: &str) -> Option<Locale> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| parse(v))
}

/// The language cookie in a `Cookie` header.
pub fn from_cookies(header: &str) -> Option<Locale> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| parse(v))
}

/// The best of the browser's languages (`Accept-Language`, by weight), if Reflect speaks one.
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut wanted: Vec<(f32, &str)> = header
        .split(',')
        .take(32)
        .filter_map(|part| {
            let mut bits = part.trim().split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty()).then_some((q, tag))
        })
        .collect();
    // stable: equal weights keep the browser's order
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted.into_iter().find_map(|(_, tag)| parse(tag))
}

/// The whole rule, pure: the address, then the cookie, then the browser, then English.
pub fn choose(query: Option<&str>, cookies: Option<&str>, accept: Option<&str>) -> Locale {
    query
        .and_then(from_query)
        .or_else(|| cookies.and_then(from_cookies))
        .or_else(|| accept.and_then(from_accept_language))
        .unwrap_or_default()
}

/// The language of the page being rendered (chosen by `server::language` for this request);
/// English outside a request.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<Locale>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// `x` with `places` decimals as language `l` writes numbers (ICU's data, compiled in): "2.50"
/// in English, "2,50" in Dutch; grouping too ("1,234.5", "1.234,5").
pub fn decimal(l: Locale, x: f64, places: u8) -> String {
    use leptos_i18n::reexports::fixed_decimal::{Decimal, FloatPrecision};
    let Ok(mut d) = Decimal::try_from_f64(x, FloatPrecision::RoundTrip) else {
        // not a finite number: nothing to write per language
        return format!("{x}");
    };
    let at = -i16::from(places);
    d.round(at);
    d.pad_end(at);
    leptos_i18n::formatting::td_format_string!(l, d, formatter: number).to_string()
}

/// Names in a sentence as language `l` joins them: "A", "A and B", "A, B and C" ("A, B en C").
pub fn join_names(l: Locale, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            crate::i18n::td_string!(l, common.names_and, rest = rest.join(", "), last = last)
                .to_string()
        }
    }
}

/// A share in percent, rounded to a whole number, as language `l` writes it ("25%", "25 %").
pub fn percent(l: Locale, x: f64) -> String {
    let n = decimal(l, x, 0);
    crate::i18n::td_string!(l, common.percent, n).to_string()
}

/// A difference with its sign ("+0.25", "−0,25"), `places` decimals, as language `l` writes it.
pub fn signed(l: Locale, x: f64, places: u8) -> String {
    let magnitude = decimal(l, x.abs(), places);
    let zero = decimal(l, 0.0, places);
    if magnitude == zero {
        magnitude
    } else if x < 0.0 {
        format!("−{magnitude}")
    } else {
        format!("+{magnitude}")
    }
}

/// A whole number as language `l` writes it ("1,234", "1.234", "1 234").
pub fn integer(l: Locale, n: i64) -> String {
    leptos_i18n::formatting::td_format_string!(l, n, formatter: number).to_string()
}

/// A day ("YYYY-MM-DD", or the start of a longer timestamp) as language `l` writes it
/// ("Dec 3, 2026", "3 dec 2026"); the text as it is when it is no such day.
pub fn date(l: Locale, day: &str) -> String {
    use leptos_i18n::reexports::icu::calendar::Date;
    let parts: Vec<u32> = day
        .get(..10)
        .unwrap_or(day)
        .split('-')
        .filter_map(|p| p.parse().ok())
        .collect();
    let &[year, month, d] = parts.as_slice() else {
        return day.to_string();
    };
    let (Ok(year), Ok(month), Ok(d)) = (i32::try_from(year), u8::try_from(month), u8::try_from(d))
    else {
        return day.to_string();
    };
    match Date::try_new_iso(year, month, d) {
        Ok(date) => {
            leptos_i18n::formatting::td_format_string!(l, &date, formatter: date).to_string()
        }
        Err(_) => day.to_string(),
    }
}

/// Whether a parameter of the address may be carried into the switch's links: a page's own
/// parameters are ids, codes, numbers and dates; anything else (words someone put in a link) is
/// dropped, so no text from the address reaches the page. `?error=` only with a known code.
fn carried(param: &str) -> bool {
    let Some((name, value)) = param.split_once('=') else {
        return false;
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.:%".contains(&b))
            && !s.contains("%20")
    };
    match name {
        "lang" => false,
        "error" => crate::error::form_message_in(Locale::default(), value).is_some(),
        _ => plain(name) && (value.is_empty() || plain(value)) && !value.contains('%'),
    }
}

/// The current address with `lang=` set to `l` (the page's own parameters kept: [`carried`]).
fn switched(path: &str, query: Option<&str>, l: Locale) -> String {
    let mut params: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| carried(p))
        .collect();
    let lang = format!("lang={}", code(l));
    params.push(&lang);
    format!("{path}?{}", params.join("&"))
}

/// Links to this page in every other language: plain links, so the switch works without
/// JavaScript; each names its language in that language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let here = current();
    #[cfg(feature = "ssr")]
    let (path, query) = use_context::<axum::http::request::Parts>()
        .map(|p| {
            (
                p.uri.path().to_string(),
                p.uri.query().map(ToString::to_string),
            )
        })
        .unwrap_or_else(|| ("/".to_string(), None));
    #[cfg(not(feature = "ssr"))]
    let (path, query) = ("/".to_string(), None::<String>);
    let links = all()
        .iter()
        .map(|&l| {
            let name = crate::i18n::td_string!(l, common.language_name);
            if l == here {
                view! {
                    <li>
                        <span aria-current="true" lang=code(l)>
                            {name}
                        </span>
                    </li>
                }
                .into_any()
            } else {
                view! {
                    <li>
                        <a href=switched(&path, query.as_deref(), l) lang=code(l) hreflang=code(l)>
                            {name}
                        </a>
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    let label = crate::i18n::td_string!(here, common.language);
    view! {
        <nav class="language-switch" aria-label=label>
            <ul>{links}</ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_then_the_cookie_then_the_browser_then_english() {
        assert_eq!(
            choose(Some("a=1&lang=nl"), Some("reflect_lang=cs"), Some("sv")),
            Locale::nl
        );
        assert_eq!(
            choose(Some("lang=xx"), Some("x=1; reflect_lang=cs"), Some("sv")),
            Locale::cs
        );
        assert_eq!(
            choose(None, Some("other=nl"), Some("fr, sv;q=0.8, nl;q=0.5")),
            Locale::sv
        );
        assert_eq!(
            choose(None, None, Some("nl-BE;q=0.4, de;q=0.9, cs;q=0.7")),
            Locale::cs
        );
        assert_eq!(choose(None, None, Some("de, fr;q=0.5")), Locale::default());
        assert_eq!(
            choose(None, None, Some("nl;q=0, sv;q=abc")),
            Locale::default()
        );
        assert_eq!(choose(None, None, None), Locale::default());
        assert_eq!(code(Locale::default()), "en");
        assert_eq!(Locale::default(), Locale::en);
    }

    #[test]
    fn shares_and_differences_as_each_language_writes_them() {
        assert_eq!(percent(Locale::en, 24.6), "25%");
        assert_eq!(percent(Locale::cs, 24.6), "25\u{a0}%");
        assert_eq!(signed(Locale::en, 0.254, 2), "+0.25");
        assert_eq!(signed(Locale::nl, -0.254, 2), "−0,25");
        assert_eq!(signed(Locale::nl, -0.001, 2), "0,00");
        assert_eq!(decimal(Locale::sv, 3.256, 2), "3,26");
    }

    #[test]
    fn names_are_joined_as_each_language_writes_a_list() {
        let n = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_names(Locale::en, &n(&[])), "");
        assert_eq!(join_names(Locale::en, &n(&["A"])), "A");
        assert_eq!(join_names(Locale::en, &n(&["A", "B"])), "A and B");
        assert_eq!(join_names(Locale::en, &n(&["A", "B", "C"])), "A, B and C");
        assert_eq!(join_names(Locale::sv, &n(&["A", "B", "C"])), "A, B och C");
    }

    #[test]
    fn every_language_has_a_code_and_parses_back() {
        assert_eq!(all().len(), 6);
        for &l in all() {
            assert_eq!(parse(code(l)), Some(l));
            assert_eq!(parse(&code(l).to_uppercase()), Some(l));
        }
        assert_eq!(parse("es-ES"), parse("es"));
        assert_eq!(parse("english"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        assert_eq!(decimal(Locale::en, 2.0, 2), "2.00");
        assert_eq!(decimal(Locale::en, 3.456, 2), "3.46");
        assert_eq!(decimal(Locale::nl, 2.5, 2), "2,50");
        assert_eq!(
            decimal(Locale::es, 1234.5, 1),
            "1234,5",
            "Spanish groups from 5 digits"
        );
        assert_eq!(integer(Locale::en, 12345), "12,345");
        assert_eq!(integer(Locale::nl, 12345), "12.345");
        for &l in all().iter().filter(|l| **l != Locale::en) {
            assert!(
                decimal(l, 4.25, 2).contains(",25"),
                "{l}: {}",
                decimal(l, 4.25, 2)
            );
        }
        assert_eq!(decimal(Locale::sv, f64::NAN, 2), "NaN");
        assert_eq!(date(Locale::en, "2026-12-03"), "Dec 3, 2026");
        assert_ne!(
            date(Locale::nl, "2026-12-03T10:00:00Z"),
            date(Locale::en, "2026-12-03")
        );
        assert!(date(Locale::nl, "2026-12-03").contains("2026"));
        assert_eq!(date(Locale::cs, "not a day"), "not a day");
        assert_eq!(date(Locale::cs, "2026-13-40"), "2026-13-40");
    }

    #[test]
    fn the_switch_keeps_the_rest_of_the_address() {
        assert_eq!(switched("/", None, Locale::nl), "/?lang=nl");
        // words someone put in the address are not carried into the page
        assert_eq!(
            switched(
                "/start/x",
                Some("error=Call%200800-FRAUD&workshop=91618750"),
                Locale::nl
            ),
            "/start/x?workshop=91618750&lang=nl"
        );
        assert_eq!(
            switched(
                "/",
                Some("error=m12345678&x=%3Cscript%3E&y=a%20b"),
                Locale::nl
            ),
            "/?lang=nl"
        );
        assert_eq!(
            switched(
                "/results/all",
                Some("role=teacher&from=2026-01&error=invalid"),
                Locale::sv
            ),
            "/results/all?role=teacher&from=2026-01&error=invalid&lang=sv"
        );
        assert_eq!(
            switched("/r/abc/c/2", Some("lang=cs&error=invalid"), Locale::nl),
            "/r/abc/c/2?error=invalid&lang=nl"
        );
    }
}
