//! Why one answer does not fit its item: typed, so that the respondent reads it in the language
//! of the page (`message_in`), with the values (a limit, what was typed) written as that
//! language writes them. `Display` is the English text.

/// What is wrong with one answer (see [`super::Instrument::parse_answer`]).
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    /// The instrument gives the statement no scale (caught by validation; kept for safety).
    NoScale,
    /// Not a point of the scale; `not_applicable` when the scale offers that too.
    NotOnScale {
        typed: String,
        max: i64,
        not_applicable: bool,
    },
    NotAnOption {
        typed: String,
    },
    TooManyChoices {
        max: usize,
    },
    NotANumber {
        typed: String,
    },
    NotWhole,
    BelowMin {
        min: f64,
    },
    AboveMax {
        max: f64,
    },
    TooLong {
        len: usize,
        limit: usize,
    },
    Characters,
    OneWord,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(feature = "ssr")]
        {
            f.write_str(&self.message_in(crate::lang::Locale::en))
        }
        #[cfg(not(feature = "ssr"))]
        {
            write!(f, "{self:?}")
        }
    }
}

#[cfg(feature = "ssr")]
impl AnswerError {
    /// The message in language `l`.
    pub fn message_in(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            Self::NoScale => td_string!(l, errors.answer_no_scale).to_string(),
            Self::NotOnScale {
                typed,
                max,
                not_applicable,
            } => {
                let (typed, max) = (super::shorten(typed), crate::lang::integer(l, *max));
                if *not_applicable {
                    td_string!(l, errors.answer_not_on_scale_na, typed, max).to_string()
                } else {
                    td_string!(l, errors.answer_not_on_scale, typed, max).to_string()
                }
            }
            Self::NotAnOption { typed } => {
                let typed = super::shorten(typed);
                td_string!(l, errors.answer_not_an_option, typed).to_string()
            }
            Self::TooManyChoices { max } => {
                let max = crate::lang::integer(l, *max as i64);
                td_string!(l, errors.answer_too_many_choices, max).to_string()
            }
            Self::NotANumber { typed } => {
                let typed = super::shorten(typed);
                td_string!(l, errors.answer_not_a_number, typed).to_string()
            }
            Self::NotWhole => td_string!(l, errors.answer_not_whole).to_string(),
            Self::BelowMin { min } => {
                let min = number(l, *min);
                td_string!(l, errors.answer_below_min, min).to_string()
            }
            Self::AboveMax { max } => {
                let max = number(l, *max);
                td_string!(l, errors.answer_above_max, max).to_string()
            }
            Self::TooLong { len, limit } => {
                let (len, limit) = (
                    crate::lang::integer(l, *len as i64),
                    crate::lang::integer(l, *limit as i64),
                );
                td_string!(l, errors.answer_too_long, len, limit).to_string()
            }
            Self::Characters => td_string!(l, errors.answer_characters).to_string(),
            Self::OneWord => td_string!(l, errors.answer_one_word).to_string(),
        }
    }
}

/// A limit from an instrument (whole, or with the few decimals it was given) as `l` writes it.
#[cfg(feature = "ssr")]
fn number(l: crate::lang::Locale, x: f64) -> String {
    let places = (0..6u8)
        .find(|p| {
            let scaled = x * 10f64.powi(i32::from(*p));
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(6);
    crate::lang::decimal(l, x, places)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::lang::{self, Locale};

    fn every() -> Vec<AnswerError> {
        vec![
            AnswerError::NoScale,
            AnswerError::NotOnScale {
                typed: "9".into(),
                max: 5,
                not_applicable: true,
            },
            AnswerError::NotOnScale {
                typed: "9".into(),
                max: 5,
                not_applicable: false,
            },
            AnswerError::NotAnOption { typed: "z".into() },
            AnswerError::TooManyChoices { max: 3 },
            AnswerError::NotANumber {
                typed: "abc".into(),
            },
            AnswerError::NotWhole,
            AnswerError::BelowMin { min: 0.0 },
            AnswerError::AboveMax { max: 1500.5 },
            AnswerError::TooLong {
                len: 1234,
                limit: 500,
            },
            AnswerError::Characters,
            AnswerError::OneWord,
        ]
    }

    #[test]
    fn every_answer_message_speaks_every_language() {
        for e in every() {
            let english = e.message_in(Locale::en);
            assert_eq!(english, e.to_string());
            for &l in lang::all() {
                let m = e.message_in(l);
                assert!(!m.contains("{{") && !m.trim().is_empty(), "{l}: {m}");
                if l != Locale::en {
                    assert_ne!(m, english, "{l} is English: {e:?}");
                }
            }
        }
    }

    #[test]
    fn values_are_written_as_the_language_writes_numbers() {
        let long = AnswerError::TooLong {
            len: 1234,
            limit: 500,
        };
        assert!(long.message_in(Locale::en).contains("1,234"), "{long}");
        assert!(long.message_in(Locale::nl).contains("1.234"));
        let max = AnswerError::AboveMax { max: 1500.5 };
        assert!(max.message_in(Locale::en).contains("1,500.5"), "{max}");
        assert!(max.message_in(Locale::nl).contains("1.500,5"));
        let min = AnswerError::BelowMin { min: 0.0 };
        assert!(min.message_in(Locale::en).ends_with("at least 0."), "{min}");
        // what was typed is shown as typed (shortened), in every language
        let typed = AnswerError::NotAnOption {
            typed: "x".repeat(100),
        };
        for &l in lang::all() {
            assert!(
                typed
                    .message_in(l)
                    .contains(&format!("{}…", "x".repeat(40)))
            );
        }
    }
}
