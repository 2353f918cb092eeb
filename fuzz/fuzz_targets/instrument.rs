//! Fuzzes the instrument file parser: any text, as an admin might drop into `instruments/`.
//! It must never panic, and an instrument it accepts must be usable as stored: the JSON of the
//! stored version reads back as the same instrument and passes validation again, and checking
//! any answer against any of its items never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use reflect::instrument::Instrument;
use reflect::instrument::parse::parse_instrument;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inst) = parse_instrument(Path::new("fuzz.toml"), text) else {
        return;
    };
    let json = serde_json::to_string(&inst).expect("an accepted instrument serialises");
    let back: Instrument = serde_json::from_str(&json).expect("its stored JSON reads back");
    assert_eq!(back, inst, "the stored version is the same instrument");
    assert!(reflect::instrument::validate(&back).is_empty());
    // answers taken from the input itself, so the fuzzer can steer them
    for category in &inst.categories {
        for item in category.items() {
            for answer in [
                "",
                "1",
                "na",
                "0",
                "-1",
                "1e309",
                "a,b",
                text.lines().last().unwrap_or(""),
            ] {
                let _ = inst.parse_answer(item, answer);
            }
            for option in &item.options {
                let _ = inst.parse_answer(item, &option.value);
            }
        }
    }
});
