//! Words for the admin that the app shows in the admin's language.
//!
//! Every sentence the core says to an admin (an error, a row problem in a mapping CSV, a run warning, a piece of
//! advice) is a [`Text`]: a stable key, the values it names, and the English sentence. The CLI and the logs use
//! the English sentence (scripts parse it, so it stays English). The app translates the key with the values,
//! and falls back to the English sentence for a key it does not know.
//!
//! A `Text` is made only with [`text!`](crate::text!), whose two first arguments are literals: the key and the
//! English template, with `{name}` placeholders. The templates are the English catalog: a test reads every
//! `text!` in the sources and writes them to `ui/src/i18n/core/en.ts`, and the French and Dutch catalogs must
//! have the same keys with the same placeholders. A template uses no plural forms and no quotes around a
//! placeholder that a translation would need to change; a value that must be quoted is quoted in the template.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A sentence for the admin: its key, its values, and its English form. It is one pointer wide (errors that
/// carry several stay small); read its parts through [`TextBody`].
#[derive(Debug, Clone, PartialEq, Eq, ts_rs::TS)]
#[ts(as = "TextBody")]
pub struct Text(Box<TextBody>);

// Serialized as its body: `{key, values, message}`.
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        TextBody::deserialize(deserializer).map(|body| Text(Box::new(body)))
    }
}

/// What a [`Text`] holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "Text")]
pub struct TextBody {
    /// The stable key, for example `ledger.busy`.
    pub key: String,
    /// The values the template names, by placeholder.
    pub values: BTreeMap<String, Arg>,
    /// The sentence in English, as the CLI and the logs show it.
    pub message: String,
}

/// One value of a [`Text`]: words that are not translated (a path, an address, a detail from another
/// system), a number the app writes for its locale, or a sentence of its own that is translated too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(untagged)]
pub enum Arg {
    Number(i64),
    Plain(String),
    Text(Text),
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Number(n) => write!(f, "{n}"),
            Arg::Plain(s) => f.write_str(s),
            Arg::Text(t) => f.write_str(&t.message),
        }
    }
}

/// A number as English prose writes a quantity, in groups of three digits: `3,200`, `-10,000`, `42`. Used for
/// [`Count`] values; a plain number (a row, a line, a size the CLI's scripts read) stays ungrouped. (The app
/// writes every number the admin's language's way.)
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Text {
    /// Fills `template`'s `{name}` placeholders from `values`. Use [`text!`](crate::text!), which keeps the
    /// key and the template literal so the catalog can be read from the sources.
    #[doc(hidden)]
    pub fn render(key: &str, template: &str, values: Vec<(&str, Arg, String)>) -> Text {
        let english: BTreeMap<&str, String> = values.iter().map(|(k, _, e)| (*k, e.clone())).collect();
        let values: BTreeMap<String, Arg> = values.into_iter().map(|(k, v, _)| (k.to_string(), v)).collect();
        let mut message = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            message.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| (&after[..close], close)) {
                Some((name, close)) if english.contains_key(name) => {
                    message.push_str(&english[name]);
                    rest = &after[close + 1..];
                }
                _ => {
                    debug_assert!(false, "text {key}: placeholder without a value near {after:?}");
                    message.push('{');
                    rest = after;
                }
            }
        }
        message.push_str(rest);
        Text(Box::new(TextBody { key: key.to_string(), values, message }))
    }

    /// A path standing alone (a field that is a file): shown as it is, in every language.
    pub fn path(path: &Path) -> Text {
        Text::verbatim(path.display().to_string())
    }

    /// A sentence that another system wrote (a server's error description) and that Docket passes on as it
    /// came; the app shows it unchanged.
    pub fn verbatim(message: impl Into<String>) -> Text {
        let message = message.into();
        let values = BTreeMap::from([("text".into(), Arg::Plain(message.clone()))]);
        Text(Box::new(TextBody { key: "verbatim".to_string(), values, message }))
    }
}

impl std::ops::Deref for Text {
    type Target = TextBody;

    fn deref(&self) -> &TextBody {
        &self.0
    }
}

impl Text {
    /// The English sentence, taken out of the text.
    pub fn into_message(self) -> String {
        self.0.message
    }

    /// The same key and values with a longer English sentence than the template gives (the CLI's full list
    /// of a mapping file's problems, where the app shows the first).
    pub fn with_message(mut self, message: String) -> Text {
        self.0.message = message;
        self
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Turns a value into an [`Arg`]; `text!` calls it on every value.
pub trait ToArg {
    fn to_arg(&self) -> Arg;

    /// The value in the English sentence.
    fn english(&self) -> String {
        self.to_arg().to_string()
    }
}

/// A quantity (items, posts, messages) that English writes in groups of three digits: `3,200 posts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u64);

impl ToArg for Count {
    fn to_arg(&self) -> Arg {
        self.0.to_arg()
    }

    fn english(&self) -> String {
        i64::try_from(self.0).map_or_else(|_| self.0.to_string(), grouped)
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Arg {
        Arg::Plain(self.to_string())
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Arg {
        Arg::Plain(self.clone())
    }
}

impl ToArg for std::borrow::Cow<'_, str> {
    fn to_arg(&self) -> Arg {
        Arg::Plain(self.to_string())
    }
}

impl ToArg for Path {
    fn to_arg(&self) -> Arg {
        Arg::Plain(self.display().to_string())
    }
}

impl ToArg for PathBuf {
    fn to_arg(&self) -> Arg {
        self.as_path().to_arg()
    }
}

impl ToArg for Text {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.clone())
    }
}

impl ToArg for std::io::Error {
    fn to_arg(&self) -> Arg {
        Arg::Plain(self.to_string())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn to_arg(&self) -> Arg {
                i64::try_from(*self).map_or_else(|_| Arg::Plain(self.to_string()), Arg::Number)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64);

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Arg {
        (**self).to_arg()
    }
}

/// Makes a [`Text`]: `text!("ledger.busy", "another Docket run is using {path}.", path = path)`.
/// The key and the template must be literals (the catalog is read from the sources); the values are any
/// expressions whose type implements [`ToArg`].
#[macro_export]
macro_rules! text {
    ($key:literal, $template:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::text::Text::render(
            $key,
            $template,
            vec![$({
                let value = &$value;
                (stringify!($name), $crate::text::ToArg::to_arg(value), $crate::text::ToArg::english(value))
            }),*],
        )
    };
}

/// `Display` as the English of the type's `text()`: every error type of the core says its sentence once.
#[macro_export]
macro_rules! display_as_text {
    ($($t:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.text().message)
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_fills_its_placeholders_and_keeps_its_values() {
        let inner = crate::text!("test.inner", "row {row} is empty", row = 3usize);
        let t = crate::text!(
            "test.outer",
            "{path}: {problem}; fix {path}",
            path = Path::new("/tmp/people.csv"),
            problem = inner
        );
        assert_eq!(t.message, "/tmp/people.csv: row 3 is empty; fix /tmp/people.csv");
        assert_eq!(t.to_string(), t.message);
        assert_eq!(t.values["path"], Arg::Plain("/tmp/people.csv".into()));
        let json = serde_json::to_value(&t).unwrap_or_default();
        assert_eq!(json["values"]["problem"]["values"]["row"], 3);
        assert_eq!(json["values"]["problem"]["key"], "test.inner");
        let back: Text = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, t);
    }

    #[test]
    fn numbers_are_written_in_groups_of_three_in_english() {
        assert_eq!(grouped(42), "42");
        assert_eq!(grouped(3200), "3,200");
        assert_eq!(grouped(-10_485_760), "-10,485,760");
        let t = crate::text!("test.count", "{count} items", count = Count(12_000));
        assert_eq!((t.message.as_str(), &t.values["count"]), ("12,000 items", &Arg::Number(12_000)));
        let row = crate::text!("test.row", "row {row}", row = 12_345usize);
        assert_eq!(row.message, "row 12345", "a row, a line or a size stays as scripts read it");
    }

    #[test]
    fn a_value_with_braces_is_not_read_as_a_placeholder() {
        let t = crate::text!("test.braces", "{a} and {b}", a = "{b}", b = "x");
        assert_eq!(t.message, "{b} and x");
    }
}
