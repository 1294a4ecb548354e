//! Phone numbers to E.164 ("+447700900123"), with a default region for numbers written without a country
//! code. Owns the cleaning of what sources and spreadsheets put around digits (spaces, dashes, bidi marks);
//! does not decide what a number maps to (that is `csv_table` and `resolve`).

use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use phonenumber::country;
use phonenumber::Mode;

/// Longer than any real phone number written with separators; longer input is not a phone number.
const MAX_PHONE_CHARS: usize = 64;

/// How many compiled number patterns the phone number metadata keeps. The crate's own cache holds 100, fewer
/// than one mixed file needs: +1 alone spans 25 regions, each with its own patterns, so a mapping that mixed
/// US numbers with a few other countries recompiled patterns on nearly every row (10,000 rows across eight
/// country codes: 13.1 s instead of 0.15 s, `docket-bench --only M1`). 512 holds the patterns of every region
/// a multinational mapping is likely to mix; a file that touches every country code on earth peaks about
/// 53 MB higher than with 100.
const PATTERN_CACHE_CAPACITY: usize = 512;

/// Gives the phone number metadata's shared pattern cache its capacity, once, before the first number is read.
fn enlarge_pattern_cache() {
    static ENLARGED: Once = Once::new();
    ENLARGED.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        // A poisoned lock means a parse panicked mid-compile; the cache is then left as it is (still correct,
        // only slower).
        let Ok(mut patterns) = cache.lock() else { return };
        *patterns = regex_cache::RegexCache::new(PATTERN_CACHE_CAPACITY);
    });
}

/// Normalises a phone number as written ("+44 7700 900123", "07700 900123", "(201) 555-0123") to E.164
/// ("+447700900123"). A number without a `+` country code is read in `default_region` (ISO 3166 alpha-2,
/// "GB", "US"). `None` when the text is not a valid phone number, or needs a region and none (or an
/// unknown one) is given.
pub fn normalize_phone(raw: &str, default_region: Option<&str>) -> Option<String> {
    let cleaned = clean(raw)?;
    enlarge_pattern_cache();
    let region = if cleaned.starts_with('+') { None } else { Some(region_id(default_region?)?) };
    // The phonenumber crate has panicked on odd input in the past; a mapping file must never crash Docket.
    let parsed = panic::catch_unwind(AssertUnwindSafe(|| {
        let number = phonenumber::parse(region, &cleaned).ok()?;
        let e164 = number.format().mode(Mode::E164).to_string();
        (phonenumber::is_valid(&number) || is_reserved_for_fiction(&e164)).then_some(e164)
    }));
    parsed.ok().flatten()
}

/// Ofcom keeps +44 7700 900000–900999 for drama and documentation, so they reach no one. The phone number
/// metadata calls them invalid; Docket accepts them so that demos, training files and tests never need a
/// real person's number.
fn is_reserved_for_fiction(e164: &str) -> bool {
    e164.strip_prefix("+447700900")
        .is_some_and(|rest| rest.len() == 3 && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// True when `region` is an ISO 3166 alpha-2 code the phone number metadata knows ("GB", "us").
pub fn is_known_region(region: &str) -> bool {
    region_id(region).is_some()
}

fn region_id(region: &str) -> Option<country::Id> {
    let code = region.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    code.parse::<country::Id>().ok()
}

/// True for characters people write inside phone numbers besides digits and a leading `+`.
pub(crate) fn is_phone_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\u{202f}' | '-' | '.' | '/' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}'
    )
}

/// Invisible formatting marks that chat exports wrap around numbers (WhatsApp writes U+202A … U+202C).
fn is_invisible_mark(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Keeps the digits and one leading `+`; `None` when anything else (letters, a second `+`) is present.
fn clean(raw: &str) -> Option<String> {
    if raw.chars().count() > MAX_PHONE_CHARS {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if c == '+' || c == '\u{ff0b}' {
            if !out.is_empty() {
                return None;
            }
            out.push('+');
        } else if !(is_phone_separator(c) || is_invisible_mark(c) || c.is_whitespace()) {
            return None;
        }
    }
    let digits = out.trim_start_matches('+').len();
    (digits > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_need_no_region() {
        assert_eq!(normalize_phone("+44 7911 123456", None).as_deref(), Some("+447911123456"));
        assert_eq!(normalize_phone("+1 (201) 555-0123", None).as_deref(), Some("+12015550123"));
    }

    #[test]
    fn national_numbers_use_the_default_region() {
        assert_eq!(normalize_phone("07911 123456", Some("GB")).as_deref(), Some("+447911123456"));
        assert_eq!(normalize_phone("(201) 555-0123", Some("us")).as_deref(), Some("+12015550123"));
        assert_eq!(normalize_phone("07911 123456", None), None);
        assert_eq!(normalize_phone("07911 123456", Some("ZZ")), None);
    }

    #[test]
    fn numbers_reserved_for_fiction_are_accepted() {
        assert_eq!(normalize_phone("+44 7700 900123", None).as_deref(), Some("+447700900123"));
        assert_eq!(normalize_phone("07700 900999", Some("GB")).as_deref(), Some("+447700900999"));
        assert_eq!(normalize_phone("+44 7700 901123", None), None);
    }

    #[test]
    fn chat_export_marks_around_numbers_are_ignored() {
        let whatsapp = "\u{202a}+44\u{a0}7911\u{a0}123456\u{202c}";
        assert_eq!(normalize_phone(whatsapp, None).as_deref(), Some("+447911123456"));
    }

    #[test]
    fn text_that_is_not_a_number_is_rejected() {
        for raw in ["", "+", "alice", "+44 7911 12345x", "1+2", "=1+2", "+44 1", "+999 123456789"] {
            assert_eq!(normalize_phone(raw, Some("GB")), None, "{raw:?}");
        }
        assert_eq!(normalize_phone(&"1".repeat(200), Some("GB")), None);
    }

    #[test]
    fn regions_are_two_letter_codes() {
        assert!(is_known_region("GB"));
        assert!(is_known_region("de"));
        assert!(!is_known_region("GBR"));
        assert!(!is_known_region("ZZ"));
        assert!(!is_known_region(""));
    }
}
