//! The OData query options the message endpoints understand. `$filter` takes `internetMessageId eq '...'` or the
//! lambda form documented for extended properties, `singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and
//! ep/value eq '{value}')` (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get); `$expand` takes
//! `singleValueExtendedProperties($filter=id eq '{id}' or id eq '{id}')` (same page: "This is currently the only
//! way to get the singleValueLegacyExtendedProperty object"); `$select` names message properties. String literals
//! double their quotes (OData ABNF `SQUOTE-in-string`).

use super::properties::PropertyId;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Text(String),
    Punct(char),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut value = String::new();
            loop {
                match chars.next()? {
                    '\'' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        value.push('\'');
                    }
                    '\'' => break,
                    other => value.push(other),
                }
            }
            out.push(Token::Text(value));
        } else if "():=,".contains(c) {
            chars.next();
            out.push(Token::Punct(c));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '\'' || "():=,".contains(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(Token::Word(word));
        }
    }
    Some(out)
}

fn word(token: Option<&Token>, expected: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.eq_ignore_ascii_case(expected))
}

/// A message `$filter` the double supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageFilter {
    MessageId(String),
    /// The normalised property id, and the value it must have (compared case-insensitively, as documented).
    Extended {
        id: String,
        value: Option<String>,
    },
}

impl MessageFilter {
    pub fn parse(text: &str) -> Option<MessageFilter> {
        let all = tokens(text)?;
        // Redundant parentheses around the whole filter are allowed.
        let mut t = &all[..];
        while t.first() == Some(&Token::Punct('(')) && t.last() == Some(&Token::Punct(')')) {
            t = &t[1..t.len() - 1];
        }
        if let [Token::Word(name), Token::Word(eq), Token::Text(value)] = t {
            return (name.eq_ignore_ascii_case("internetMessageId") && eq.eq_ignore_ascii_case("eq"))
                .then(|| MessageFilter::MessageId(value.clone()));
        }
        let [Token::Word(any), Token::Punct('('), Token::Word(var), Token::Punct(':'), body @ .., Token::Punct(')')] =
            t
        else {
            return None;
        };
        if !any.eq_ignore_ascii_case("singleValueExtendedProperties/any") {
            return None;
        }
        let body: Vec<&Token> = body.iter().filter(|t| !matches!(t, Token::Punct('(' | ')'))).collect();
        let mut id = None;
        let mut value = None;
        for (n, clause) in body.split(|t| word(Some(t), "and")).enumerate() {
            let [Token::Word(path), eq, Token::Text(literal)] = clause else { return None };
            if n > 1 || !word(Some(eq), "eq") {
                return None;
            }
            let (lambda, property) = path.split_once('/')?;
            if lambda != var {
                return None;
            }
            match property {
                p if p.eq_ignore_ascii_case("id") && id.is_none() => id = Some(literal.clone()),
                p if p.eq_ignore_ascii_case("value") && value.is_none() => value = Some(literal.clone()),
                _ => return None,
            }
        }
        let id = PropertyId::parse(&id?)?.key();
        Some(MessageFilter::Extended { id, value })
    }
}

/// The property ids a `$expand=singleValueExtendedProperties($filter=...)` asks for (normalised), or `None`
/// when the expansion is not one the double supports.
pub fn expanded_properties(text: &str) -> Option<Vec<String>> {
    let all = tokens(text)?;
    let [Token::Word(nav), Token::Punct('('), Token::Word(option), Token::Punct('='), rest @ .., Token::Punct(')')] =
        &all[..]
    else {
        return None;
    };
    if !nav.eq_ignore_ascii_case("singleValueExtendedProperties") || !option.eq_ignore_ascii_case("$filter") {
        return None;
    }
    let rest: Vec<&Token> = rest.iter().filter(|t| !matches!(t, Token::Punct('(' | ')'))).collect();
    let mut ids = Vec::new();
    for clause in rest.split(|t| word(Some(t), "or")) {
        let [name, eq, Token::Text(id)] = clause else { return None };
        if !word(Some(name), "id") || !word(Some(eq), "eq") {
            return None;
        }
        ids.push(PropertyId::parse(id)?.key());
    }
    Some(ids)
}

/// The message properties of Graph's v1.0 `message` resource, for `$select`.
pub const MESSAGE_PROPERTIES: [&str; 32] = [
    "bccRecipients",
    "body",
    "bodyPreview",
    "categories",
    "ccRecipients",
    "changeKey",
    "conversationId",
    "conversationIndex",
    "createdDateTime",
    "flag",
    "from",
    "hasAttachments",
    "id",
    "importance",
    "inferenceClassification",
    "internetMessageHeaders",
    "internetMessageId",
    "isDeliveryReceiptRequested",
    "isDraft",
    "isRead",
    "isReadReceiptRequested",
    "lastModifiedDateTime",
    "parentFolderId",
    "receivedDateTime",
    "replyTo",
    "sender",
    "sentDateTime",
    "subject",
    "toRecipients",
    "uniqueBody",
    "webLink",
    "attachments",
];

/// The properties a `$select` names (canonical spelling), or `Err(name)` for one the message type lacks.
pub fn selected(text: &str) -> Result<Vec<&'static str>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| MESSAGE_PROPERTIES.iter().find(|p| p.eq_ignore_ascii_case(s)).copied().ok_or(s.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lambda_filter_reads_any_variable_and_doubled_quotes() {
        let filter = "singleValueExtendedProperties/any( x : x/value eq 'it''s' and x/id eq 'String {00020386-0000-0000-C000-000000000046} Name X-Key')";
        let parsed = MessageFilter::parse(filter);
        assert_eq!(
            parsed,
            Some(MessageFilter::Extended {
                id: "string {00020386-0000-0000-c000-000000000046} Name x-key".into(),
                value: Some("it's".into())
            })
        );
        assert_eq!(MessageFilter::parse("subject eq 'x'"), None);
        assert_eq!(MessageFilter::parse("singleValueExtendedProperties/any(a: b/id eq 'Integer 0x1')"), None);
        assert_eq!(
            expanded_properties("singleValueExtendedProperties($filter=(id eq 'Integer 0x0E07') or id eq 'SystemTime 0x0E06')"),
            Some(vec!["integer 0x0e07".into(), "systemtime 0x0e06".into()])
        );
    }
}
