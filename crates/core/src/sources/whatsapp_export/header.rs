//! The message header at the start of a WhatsApp export line: `[date, time] ` (iOS) or `date, time - `
//! (Android), in the locale variants WhatsApp writes: separators `/ . -`, 2- or 4-digit years, Korean
//! `2024. 1. 2.` and `24. 1. 2.` (spaced dots and a closing dot, the one shape with a 2-digit year first),
//! 12h and 24h clocks, `a. m.`/`PM` and Finnish `ap.`/`ip.` after the time, Arabic iOS dates with direction marks between
//! the fields and the Arabic comma, Korean `오전`/`오후`, Chinese
//! `上午`/`下午` and Japanese `午前`/`午後` before it, Finnish `klo`, dotted times, invisible bidi marks. It
//! owns this grammar only: it does not decide the day/month/year order (see `dates`) or read the sender and
//! text (see `body`).

/// Invisible marks WhatsApp puts into headers and texts: LRM/RLM, bidi embeddings, overrides and
/// isolates, and the byte order mark.
pub(super) fn is_invisible_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` without any invisible mark.
pub(super) fn strip_marks(text: &str) -> String {
    text.chars().filter(|c| !is_invisible_mark(*c)).collect()
}

/// Spaces that may separate header parts: plain, no-break and narrow no-break.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{00A0}' | '\u{202F}')
}

/// A date exactly as its three numbers were written; which is the day is decided for the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawDate {
    pub first: u32,
    pub second: u32,
    pub third: u32,
    pub first_digits: usize,
    pub third_digits: usize,
    /// Written with dots each followed by a space and a closing dot (`24. 1. 2.`): the Korean shape, the
    /// only one in which WhatsApp writes a 2-digit year first.
    pub spaced_dots: bool,
    /// The date as written, without invisible marks (for error messages).
    pub written: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meridiem {
    Am,
    Pm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawTime {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub meridiem: Option<Meridiem>,
}

/// Which phone wrote the export: iOS brackets its headers, Android ends them with ` - `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    Android,
    Ios,
}

/// A recognised header and where the rest of the line (sender and text) starts, as a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    pub date: RawDate,
    pub time: RawTime,
    pub layout: Layout,
    pub body_start: usize,
}

/// Reads `line` as a message header; `None` means the line continues the previous message.
pub(super) fn parse_header(line: &str) -> Option<Header> {
    let mut cursor = Cursor { line, pos: 0 };
    cursor.skip_marks();
    let bracketed = cursor.eat('[');
    cursor.skip_marks();
    let date = read_date(&mut cursor)?;
    read_date_time_gap(&mut cursor)?;
    let time = read_time(&mut cursor)?;
    cursor.skip_blanks();
    if bracketed {
        if !cursor.eat(']') {
            return None;
        }
        cursor.eat(' ');
    } else {
        if !(cursor.eat('-') || cursor.eat('\u{2013}')) {
            return None;
        }
        if !cursor.eat(' ') && cursor.peek().is_some() {
            return None;
        }
    }
    Some(Header {
        date,
        time,
        layout: if bracketed { Layout::Ios } else { Layout::Android },
        body_start: cursor.pos,
    })
}

fn read_date(cursor: &mut Cursor<'_>) -> Option<RawDate> {
    let start = cursor.pos;
    let (first, first_digits) = cursor.number(4)?;
    cursor.skip_marks();
    let separator = cursor.bump()?;
    if !matches!(separator, '/' | '.' | '-') || first_digits == 3 {
        return None;
    }
    cursor.skip_marks();
    let spaced_first = cursor.skip_plain_spaces() > 0;
    let (second, _) = cursor.number(2)?;
    cursor.skip_marks();
    if !cursor.eat(separator) {
        return None;
    }
    cursor.skip_marks();
    let spaced_second = cursor.skip_plain_spaces() > 0;
    let (third, third_digits) = cursor.number(4)?;
    let written = strip_marks(cursor.line.get(start..cursor.pos)?);
    let closing_dot = separator == '.' && cursor.eat('.');
    let spaced_dots = closing_dot && spaced_first && spaced_second;
    let digits_fit = match first_digits {
        4 => third_digits <= 2,
        2 if spaced_dots => third_digits != 3,
        _ => third_digits == 2 || third_digits == 4,
    };
    if !digits_fit {
        return None;
    }
    Some(RawDate { first, second, third, first_digits, third_digits, spaced_dots, written })
}

/// `, ` (or the Arabic comma `،`) or a space between date and time, or a locale's word for "at" (Finnish
/// `klo`, French `à`).
fn read_date_time_gap(cursor: &mut Cursor<'_>) -> Option<()> {
    cursor.skip_marks();
    let comma = cursor.eat(',') || cursor.eat('\u{60C}');
    let blanks = cursor.skip_blanks();
    if cursor.eat_word("klo") || cursor.eat_word("\u{E0}") {
        return (cursor.skip_blanks() > 0).then_some(());
    }
    (comma || blanks > 0).then_some(())
}

/// The words Korean, Chinese and Japanese write before the time for AM and PM.
const LEADING_MERIDIEMS: [(&str, Meridiem); 6] = [
    ("\u{C624}\u{C804}", Meridiem::Am), // 오전
    ("\u{C624}\u{D6C4}", Meridiem::Pm), // 오후
    ("\u{4E0A}\u{5348}", Meridiem::Am), // 上午
    ("\u{4E0B}\u{5348}", Meridiem::Pm), // 下午
    ("\u{5348}\u{524D}", Meridiem::Am), // 午前
    ("\u{5348}\u{5F8C}", Meridiem::Pm), // 午後
];

fn read_time(cursor: &mut Cursor<'_>) -> Option<RawTime> {
    let leading =
        LEADING_MERIDIEMS.iter().find_map(|(word, meridiem)| cursor.eat_str(word).then_some(*meridiem));
    if leading.is_some() {
        cursor.skip_blanks();
    }
    let (hour, _) = cursor.number(2)?;
    let separator = cursor.bump()?;
    if !matches!(separator, ':' | '.') {
        return None;
    }
    let minute = cursor.two_digits()?;
    let mut second = 0;
    if cursor.peek() == Some(separator) && cursor.peek_second().is_some_and(|c| c.is_ascii_digit()) {
        cursor.bump();
        second = cursor.two_digits()?;
    }
    if leading.is_some() {
        return Some(RawTime { hour, minute, second, meridiem: leading });
    }
    let before_meridiem = cursor.pos;
    cursor.skip_blanks();
    let meridiem = read_meridiem(cursor);
    if meridiem.is_none() {
        cursor.pos = before_meridiem;
    }
    Some(RawTime { hour, minute, second, meridiem })
}

/// Whether the cursor stands at the end of a header's time: the line's end, a blank, a mark, `]` or `-`.
fn at_time_end(cursor: &Cursor<'_>) -> bool {
    match cursor.peek() {
        None => true,
        Some(c) => is_blank(c) || is_invisible_mark(c) || matches!(c, ']' | '-' | '\u{2013}'),
    }
}

/// `AM`, `pm`, `a.m.`, `p. m.` (with any space between the letters) or Finnish `ap.`/`ip.`, followed by
/// the header's end.
fn read_meridiem(cursor: &mut Cursor<'_>) -> Option<Meridiem> {
    let start = cursor.pos;
    for (word, meridiem) in [("ap.", Meridiem::Am), ("ip.", Meridiem::Pm)] {
        if cursor.eat_str(word) {
            if at_time_end(cursor) {
                return Some(meridiem);
            }
            cursor.pos = start;
        }
    }
    let meridiem = match cursor.bump() {
        Some('a' | 'A') => Meridiem::Am,
        Some('p' | 'P') => Meridiem::Pm,
        _ => {
            cursor.pos = start;
            return None;
        }
    };
    cursor.eat('.');
    cursor.skip_blanks();
    if !(cursor.eat('m') || cursor.eat('M')) {
        cursor.pos = start;
        return None;
    }
    cursor.eat('.');
    if !at_time_end(cursor) {
        cursor.pos = start;
        return None;
    }
    Some(meridiem)
}

struct Cursor<'a> {
    line: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.line.get(self.pos..)?.chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.line.get(self.pos..)?.chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, wanted: char) -> bool {
        if self.peek() == Some(wanted) {
            self.pos += wanted.len_utf8();
            true
        } else {
            false
        }
    }

    /// Eats `text` if the line continues with it.
    fn eat_str(&mut self, text: &str) -> bool {
        let found = self.line.get(self.pos..).is_some_and(|rest| rest.starts_with(text));
        if found {
            self.pos += text.len();
        }
        found
    }

    /// Eats `word` only when a blank follows it.
    fn eat_word(&mut self, word: &str) -> bool {
        let Some(rest) = self.line.get(self.pos..) else {
            return false;
        };
        let followed_by_blank =
            rest.strip_prefix(word).and_then(|after| after.chars().next()).is_some_and(is_blank);
        if followed_by_blank {
            self.pos += word.len();
        }
        followed_by_blank
    }

    fn skip_marks(&mut self) {
        while self.peek().is_some_and(is_invisible_mark) {
            self.bump();
        }
    }

    /// Skips plain spaces; returns how many.
    fn skip_plain_spaces(&mut self) -> usize {
        let mut spaces = 0;
        while self.eat(' ') {
            spaces += 1;
        }
        spaces
    }

    /// Skips blanks and marks; returns how many blanks (not marks) it skipped.
    fn skip_blanks(&mut self) -> usize {
        let mut blanks = 0;
        while let Some(c) = self.peek() {
            if is_blank(c) {
                blanks += 1;
            } else if !is_invisible_mark(c) {
                break;
            }
            self.bump();
        }
        blanks
    }

    /// One to `max_digits` ASCII digits, not followed by another digit; with how many there were.
    fn number(&mut self, max_digits: usize) -> Option<(u32, usize)> {
        let start = self.pos;
        let mut value: u32 = 0;
        let mut digits = 0;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            digits += 1;
            if digits > max_digits {
                self.pos = start;
                return None;
            }
            value = value * 10 + digit;
            self.bump();
        }
        if digits == 0 {
            return None;
        }
        Some((value, digits))
    }

    fn two_digits(&mut self) -> Option<u32> {
        match self.number(2)? {
            (value, 2) => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's date fields, time fields and the rest of the line.
    struct Parts {
        date: (u32, u32, u32),
        time: (u32, u32, u32, Option<Meridiem>),
        body: String,
    }

    fn parts(line: &str) -> Parts {
        let h = parse_header(line).expect("a header");
        Parts {
            date: (h.date.first, h.date.second, h.date.third),
            time: (h.time.hour, h.time.minute, h.time.second, h.time.meridiem),
            body: line.get(h.body_start..).unwrap_or_default().to_string(),
        }
    }

    #[test]
    fn android_and_ios_layouts_are_headers() {
        let android = parts("15/01/2024, 09:05 - Alice: hi");
        assert_eq!((android.date, android.time), ((15, 1, 2024), (9, 5, 0, None)));
        assert_eq!(android.body, "Alice: hi");
        let ios = parts("[1/15/24, 9:05:07\u{202F}PM] Alice: hi");
        assert_eq!((ios.date, ios.time), ((1, 15, 24), (9, 5, 7, Some(Meridiem::Pm))));
        assert_eq!(ios.body, "Alice: hi");
    }

    #[test]
    fn locale_variants_are_headers() {
        assert_eq!(parts("1.2.2024 klo 14.05 - Liisa: moi").time, (14, 5, 0, None));
        assert_eq!(parts("15.01.24, 10:00 - Anna: Hallo").date, (15, 1, 24));
        assert_eq!(parts("2024-01-15 10:00 - A: b").date, (2024, 1, 15));
        let es = parts("15/1/24, 9:05\u{A0}p.\u{A0}m. - Ana: hola");
        assert_eq!(es.time, (9, 5, 0, Some(Meridiem::Pm)));
        assert_eq!(parts("15/1/24, 9:05 a.m. - Ana: hola").time.3, Some(Meridiem::Am));
        assert_eq!(parts("15/01/2024 \u{E0} 10:00 - Zo\u{E9}: salut").body, "Zo\u{E9}: salut");
        let marked = parts("\u{200E}[15.01.24, 10:00:00] \u{202A}+44 7700\u{202C}: x");
        assert_eq!(marked.body, "\u{202A}+44 7700\u{202C}: x");
    }

    #[test]
    fn meridiem_before_the_time_and_korean_dates() {
        let ko = parts("2024. 1. 2. \u{C624}\u{D6C4} 3:04 - \u{C774}\u{B984}: \u{D14D}\u{C2A4}\u{D2B8}");
        assert_eq!((ko.date, ko.time), ((2024, 1, 2), (3, 4, 0, Some(Meridiem::Pm))));
        assert_eq!(ko.body, "\u{C774}\u{B984}: \u{D14D}\u{C2A4}\u{D2B8}");
        let ko_short = parse_header("24. 1. 2. \u{C624}\u{C804} 9:15 - A: b").expect("a header");
        assert!(ko_short.date.spaced_dots);
        assert_eq!((ko_short.date.first, ko_short.date.third_digits), (24, 1));
        let ko_ios = parts("[2024. 1. 2. \u{C624}\u{D6C4} 3:04:05] A: b");
        assert_eq!(ko_ios.time, (3, 4, 5, Some(Meridiem::Pm)));
        let zh = parts("2024/1/2 \u{4E0B}\u{5348}3:04 - A: b");
        assert_eq!((zh.date, zh.time), ((2024, 1, 2), (3, 4, 0, Some(Meridiem::Pm))));
        let ja = parts("[2024/01/02 \u{5348}\u{524D}0:30:00] A: b");
        assert_eq!(ja.time, (0, 30, 0, Some(Meridiem::Am)));
        let ar = parts("\u{200F}[\u{200F}27\u{200F}/3\u{200F}/2022\u{60C} 21:41:55] D: x");
        assert_eq!((ar.date, ar.time), ((27, 3, 2022), (21, 41, 55, None)));
        let fi = parts("2.1.2024 klo 3.04 ip. - Liisa: moi");
        assert_eq!(fi.time, (3, 4, 0, Some(Meridiem::Pm)));
        assert_eq!(parts("[2.1.2024 klo 11.59.00 ap.] L: m").time.3, Some(Meridiem::Am));
    }

    #[test]
    fn a_two_digit_year_first_needs_the_korean_shape() {
        // Without spaced dots and a closing dot, a single-digit last field is no year.
        assert!(parse_header("24.1.2, 10:00 - A: b").is_none());
        assert!(parse_header("24. 1. 2, 10:00 - A: b").is_none());
        assert!(!parse_header("15.01.24, 10:00 - A: b").expect("a header").date.spaced_dots);
    }

    #[test]
    fn ordinary_text_is_not_a_header() {
        for line in ["hello", "15/01/2024", "15/01/2024, 10:00 meeting", "1.5 - 2.5", "[12:00] note", ""] {
            assert!(parse_header(line).is_none(), "{line}");
        }
    }
}
