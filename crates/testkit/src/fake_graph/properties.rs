//! Extended property ids and values as Graph reads them. The three id formats (`{type} {proptag}`,
//! `{type} {guid} Name {name}`, `{type} {guid} Id {id}`) are documented in "Outlook extended properties
//! overview" (learn.microsoft.com/graph/api/resources/extended-properties-overview). Type words, GUIDs and hex
//! tags compare case-insensitively and `0x0E07` is `0xe07`; a `Name` compares case-sensitively ("Filtering the
//! string name (Name) in the id of an extended property is case-sensitive", singlevaluelegacyextendedproperty-get)
//! except in PS_INTERNET_HEADERS, whose names MAPI treats case-insensitively ([MS-OXMSG] lowers them when it
//! names their streams). Values are strings; SystemTime values are ISO 8601 ([MS-OXPROPS] PtypTime).

use base64::Engine as _;
use chrono::{DateTime, NaiveDateTime, Utc};

/// PS_INTERNET_HEADERS ([MS-OXPROPS] "Commonly used property sets"): Exchange keeps each `X-` header of a MIME
/// message as a named String property in this set ([MS-OXCMAIL], "x-" header fields).
pub const PS_INTERNET_HEADERS: &str = "00020386-0000-0000-c000-000000000046";
/// PidTagMessageFlags ([MS-OXCMSG] 2.2.1.6; read-only after the first save), normalised.
pub const MESSAGE_FLAGS: &str = "integer 0x0e07";
/// PidTagMessageDeliveryTime ([MS-OXPROPS]), normalised; it is Graph's `receivedDateTime`.
pub const DELIVERY_TIME: &str = "systemtime 0x0e06";
/// PidTagClientSubmitTime ([MS-OXPROPS]), normalised; it is Graph's `sentDateTime`.
pub const SUBMIT_TIME: &str = "systemtime 0x0039";
/// mfUnsent in PidTagMessageFlags: the message is still a draft.
pub const MF_UNSENT: i64 = 0x8;

const TYPES: [&str; 12] = [
    "Binary",
    "Boolean",
    "CLSID",
    "Currency",
    "Double",
    "Float",
    "Integer",
    "Long",
    "Object",
    "Short",
    "String",
    "SystemTime",
];

/// A parsed extended property id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyId {
    kind: &'static str,
    tag: Tag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    Proptag(u32),
    Named { guid: String, name: String },
    Numeric { guid: String, id: u32 },
}

fn number(text: &str) -> Option<u32> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.len() <= 8 => u32::from_str_radix(hex, 16).ok(),
        Some(_) => None,
        None => text.parse().ok(),
    }
}

fn guid(text: &str) -> Option<String> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let groups: Vec<&str> = inner.split('-').collect();
    let shape = groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12];
    let hex = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    (shape && hex).then(|| inner.to_ascii_lowercase())
}

impl PropertyId {
    /// Reads an id in any of the three documented formats; `None` when it is not one.
    pub fn parse(raw: &str) -> Option<PropertyId> {
        let (kind, rest) = raw.trim().split_once(char::is_whitespace)?;
        let kind = TYPES.iter().find(|t| t.eq_ignore_ascii_case(kind))?;
        let rest = rest.trim_start();
        let tag = if rest.starts_with('{') {
            let (guid_text, rest) = rest.split_once('}')?;
            let guid = guid(&format!("{guid_text}}}"))?;
            let (keyword, value) = rest.trim_start().split_once(char::is_whitespace)?;
            let value = value.trim();
            if keyword.eq_ignore_ascii_case("Name") && !value.is_empty() {
                let name =
                    if guid == PS_INTERNET_HEADERS { value.to_ascii_lowercase() } else { value.to_string() };
                Tag::Named { guid, name }
            } else if keyword.eq_ignore_ascii_case("Id") {
                Tag::Numeric { guid, id: number(value)? }
            } else {
                return None;
            }
        } else {
            let tag = number(rest).filter(|_| rest.starts_with("0x") || rest.starts_with("0X"))?;
            // A full property tag (`0x4001001E`) names the property by its upper 16 bits.
            let id = if tag > 0xffff { tag >> 16 } else { tag };
            if id == 0 {
                return None;
            }
            Tag::Proptag(id)
        };
        Some(PropertyId { kind, tag })
    }

    /// The form the double stores and compares: lowercase type word, lowercase GUID, hex padded to 4 digits,
    /// the `Name` as given (lowercased in PS_INTERNET_HEADERS).
    pub fn key(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        match &self.tag {
            Tag::Proptag(id) => format!("{kind} 0x{id:04x}"),
            Tag::Named { guid, name } => format!("{kind} {{{guid}}} Name {name}"),
            Tag::Numeric { guid, id } => format!("{kind} {{{guid}}} Id 0x{id:04x}"),
        }
    }

    /// The form Graph echoes in `singleValueExtendedProperties`: `Integer 0xe07`, `String {guid} Name x`.
    pub fn display(&self) -> String {
        let kind = self.kind;
        match &self.tag {
            Tag::Proptag(id) => format!("{kind} 0x{id:x}"),
            Tag::Named { guid, name } => format!("{kind} {{{guid}}} Name {name}"),
            Tag::Numeric { guid, id } => format!("{kind} {{{guid}}} Id 0x{id:x}"),
        }
    }

    /// True when `value` is a valid value of this property's type.
    pub fn accepts(&self, value: &str) -> bool {
        match self.kind {
            "Integer" | "Long" | "Short" => value.trim().parse::<i64>().is_ok(),
            "SystemTime" => system_time(value).is_some(),
            "Boolean" => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            "Double" | "Float" | "Currency" => value.trim().parse::<f64>().is_ok(),
            "Binary" => base64::engine::general_purpose::STANDARD.decode(value.trim()).is_ok(),
            _ => true,
        }
    }
}

/// The normalised key of an extended property id (what `StoredMessage::extended` is keyed by), or `None`
/// when `raw` is not a valid id: `Integer 0x0E07` → `integer 0x0e07`; `String {00020386-0000-0000-C000-
/// 000000000046} Name X-Key` → `string {00020386-0000-0000-c000-000000000046} Name x-key`.
pub fn normalize_property_id(raw: &str) -> Option<String> {
    PropertyId::parse(raw).map(|p| p.key())
}

/// A SystemTime value: RFC 3339 (`2024-01-15T10:02:00Z`, fractions and offsets allowed) or a date-time
/// without an offset, read as UTC.
pub fn system_time(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| t.and_utc())
}

/// Graph's date-time shape: RFC 3339 in UTC with `Z`, whole seconds.
pub fn graph_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now, in Graph's shape.
pub fn now() -> String {
    graph_time(Utc::now())
}
