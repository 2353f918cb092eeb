//! Schools from a CSV file (issue 19): `name,network,country,code`, the header first, `code`
//! optional (a new one is made when empty). Parsed here, pure: every problem of every line at
//! once, each with its line number, and nothing is imported while any line has one.
#[cfg(feature = "ssr")]
use super::codes;
#[cfg(feature = "ssr")]
use super::model::{MAX_NAME, normalise_country};
use serde::{Deserialize, Serialize};

/// The most lines one file may hold.
pub const MAX_ROWS: usize = 2_000;

/// A school as a line of the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line it is on (the header is line 1).
    pub line: usize,
    pub name: String,
    /// A network's name, as written (trimmed); none when empty.
    pub network: Option<String>,
    /// Two lower-case letters; none when empty.
    pub country: Option<String>,
    /// A join code as stored (upper case, no separators); none when empty.
    pub code: Option<String>,
}

/// What is wrong with a line (or with the file, at line 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// The header is not `name,network,country,code` (or without `code`).
    Header,
    /// Not a readable CSV line, or another number of fields than the header.
    Fields,
    NameMissing,
    NameLong,
    Country,
    /// A code of the wrong length or with characters that codes do not use.
    Code,
    /// The same code on an earlier line, or a code another school has.
    CodeTaken,
    /// The same school (name and network) on an earlier line, or already in Reflect.
    Duplicate,
    /// More than [`MAX_ROWS`] lines, or none.
    Rows,
}

impl Problem {
    const ALL: [Problem; 9] = [
        Problem::Header,
        Problem::Fields,
        Problem::NameMissing,
        Problem::NameLong,
        Problem::Country,
        Problem::Code,
        Problem::CodeTaken,
        Problem::Duplicate,
        Problem::Rows,
    ];

    /// Its short code in a page's address (a plain form goes back with `?import=3:country`).
    pub fn code(self) -> &'static str {
        match self {
            Problem::Header => "header",
            Problem::Fields => "fields",
            Problem::NameMissing => "name",
            Problem::NameLong => "name-long",
            Problem::Country => "country",
            Problem::Code => "code",
            Problem::CodeTaken => "code-taken",
            Problem::Duplicate => "duplicate",
            Problem::Rows => "rows",
        }
    }

    pub fn parse(code: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A problem on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineProblem {
    pub line: usize,
    pub problem: Problem,
}

/// The problems as a page's address carries them: `3:country,7:code-taken` (at most 50).
pub fn to_query(problems: &[LineProblem]) -> String {
    problems
        .iter()
        .take(50)
        .map(|p| format!("{}:{}", p.line, p.problem.code()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The problems back from a page's address; anything else in it is left out.
pub fn from_query(q: &str) -> Vec<LineProblem> {
    q.split(',')
        .filter_map(|part| {
            let (line, code) = part.split_once(':')?;
            Some(LineProblem {
                line: line.trim().parse().ok().filter(|l| *l > 0)?,
                problem: Problem::parse(code.trim())?,
            })
        })
        .take(50)
        .collect()
}

/// A name as stored: inner runs of spaces made one.
#[cfg(feature = "ssr")]
fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The file's schools, or every problem it has.
#[cfg(feature = "ssr")]
pub fn parse(text: &str) -> Result<Vec<Row>, Vec<LineProblem>> {
    let at = |line: usize, problem: Problem| LineProblem { line, problem };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header_ok = match records.next() {
        Some(Ok(h)) => {
            let names: Vec<String> = h.iter().map(|f| f.trim().to_lowercase()).collect();
            names == ["name", "network", "country", "code"]
                || names == ["name", "network", "country"]
        }
        _ => false,
    };
    if !header_ok {
        return Err(vec![at(1, Problem::Header)]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen_schools = std::collections::HashSet::new();
    let mut seen_codes = std::collections::HashSet::new();
    for record in records {
        let line = rows.len() + problems_lines(&problems) + 2;
        let Ok(record) = record else {
            problems.push(at(line, Problem::Fields));
            continue;
        };
        let line = record.position().map_or(line, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            problems.push(at(line, Problem::Rows));
            break;
        }
        if !(3..=4).contains(&record.len()) {
            problems.push(at(line, Problem::Fields));
            continue;
        }
        let field = |i: usize| record.get(i).map(str::trim).filter(|f| !f.is_empty());
        let before = problems.len();
        let name = tidy(field(0).unwrap_or_default());
        if name.is_empty() {
            problems.push(at(line, Problem::NameMissing));
        } else if name.chars().count() > MAX_NAME {
            problems.push(at(line, Problem::NameLong));
        }
        let network = field(1).map(tidy);
        let country = match field(2) {
            None => None,
            Some(c) => {
                let c = normalise_country(c);
                if c.is_none() {
                    problems.push(at(line, Problem::Country));
                }
                c
            }
        };
        let code = match field(3) {
            None => None,
            Some(c) => {
                let c = codes::normalise(c);
                if c.len() != codes::LENGTH || !c.bytes().all(|b| codes::ALPHABET.contains(&b)) {
                    problems.push(at(line, Problem::Code));
                } else if !seen_codes.insert(c.clone()) {
                    problems.push(at(line, Problem::CodeTaken));
                }
                Some(c)
            }
        };
        let key = (
            name.to_lowercase(),
            network.as_deref().map(str::to_lowercase),
        );
        if !name.is_empty() && !seen_schools.insert(key) {
            problems.push(at(line, Problem::Duplicate));
        }
        if problems.len() == before {
            rows.push(Row {
                line,
                name,
                network,
                country,
                code,
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(at(1, Problem::Rows));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// How many distinct lines have problems (for a line number when the reader gives none).
#[cfg(feature = "ssr")]
fn problems_lines(problems: &[LineProblem]) -> usize {
    let mut lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    lines.dedup();
    lines.len()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problems(text: &str) -> Vec<(usize, Problem)> {
        parse(text)
            .expect_err("problems")
            .into_iter()
            .map(|p| (p.line, p.problem))
            .collect()
    }

    #[test]
    fn a_good_file_gives_its_schools() {
        let rows = parse(
            "\u{feff}Name,Network,Country,Code\nOak  School,North,nl,\n\"Elm, the school\",,BE,abcd-efgh\n\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Oak School");
        assert_eq!(rows[0].network.as_deref(), Some("North"));
        assert_eq!(rows[0].country.as_deref(), Some("nl"));
        assert_eq!(rows[0].code, None);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].name, "Elm, the school");
        assert_eq!(rows[1].network, None);
        assert_eq!(rows[1].code.as_deref(), Some("ABCDEFGH"));
        // the code column may be left out
        assert_eq!(parse("name,network,country\nOak,,\n").unwrap().len(), 1);
    }

    #[test]
    fn every_problem_is_named_with_its_line() {
        assert_eq!(problems("school,country\nOak,nl\n"), [(1, Problem::Header)]);
        assert_eq!(problems(""), [(1, Problem::Header)]);
        assert_eq!(
            problems("name,network,country,code\n"),
            [(1, Problem::Rows)]
        );
        let long = "x".repeat(MAX_NAME + 1);
        let text = format!(
            "name,network,country,code\n,North,nl,\n{long},,,\nYew,,nld,\nElm,,,ABC\nAsh,,,ABCD-EFGH\nBirch,,,abcdefgh\noak,,,\nOak,,,\nPine,nl\n"
        );
        assert_eq!(
            problems(&text),
            [
                (2, Problem::NameMissing),
                (3, Problem::NameLong),
                (4, Problem::Country),
                (5, Problem::Code),
                (7, Problem::CodeTaken),
                (9, Problem::Duplicate),
                (10, Problem::Fields),
            ]
        );
    }

    #[test]
    fn too_many_lines_are_refused() {
        let mut text = String::from("name,network,country,code\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("School {i},,,\n"));
        }
        assert_eq!(problems(&text), [(MAX_ROWS + 2, Problem::Rows)]);
    }

    #[test]
    fn problems_survive_the_address_and_nothing_else_gets_in() {
        let list = vec![
            LineProblem {
                line: 3,
                problem: Problem::Country,
            },
            LineProblem {
                line: 7,
                problem: Problem::CodeTaken,
            },
        ];
        assert_eq!(from_query(&to_query(&list)), list);
        assert_eq!(
            from_query("0:country,x:code,4:<script>,5:rows"),
            [LineProblem {
                line: 5,
                problem: Problem::Rows
            }]
        );
    }

    proptest! {
        /// Any text at all: an answer, never a panic; every problem on a line the text has.
        #[test]
        fn any_text_gives_rows_or_problems_on_real_lines(text in "\\PC{0,400}") {
            let lines = text.lines().count().max(1) + 1;
            match parse(&format!("name,network,country,code\n{text}")) {
                Ok(rows) => prop_assert!(rows.iter().all(|r| r.line >= 2 && r.line <= lines + 1)),
                Err(ps) => prop_assert!(ps.iter().all(|p| p.line >= 1 && p.line <= lines + 1)),
            }
        }
    }
}
