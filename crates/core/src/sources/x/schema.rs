//! The X API v2 JSON that Docket reads, as X's OpenAPI schema names it: a page's `data`, `includes`
//! (`users`, `tweets`, `media`), `meta` and `errors`, and the Post, User, Media and DmEvent objects. Every
//! field Docket does not strictly need is optional, so a field X leaves out never fails a run; records are
//! kept as raw JSON too, for their digest. Building `Item`s is `records`' job.

use serde::Deserialize;
use serde_json::Value;

/// A list endpoint's answer. `data` is kept raw so each record's digest covers exactly what X sent.
#[derive(Debug, Default, Deserialize)]
pub struct Page {
    #[serde(default)]
    pub data: Option<Vec<Value>>,
    #[serde(default)]
    pub includes: Option<Includes>,
    #[serde(default)]
    pub meta: Option<Meta>,
    #[serde(default)]
    pub errors: Option<Vec<Problem>>,
}

/// `GET /2/users/me`.
#[derive(Debug, Default, Deserialize)]
pub struct UserAnswer {
    #[serde(default)]
    pub data: Option<User>,
    #[serde(default)]
    pub errors: Option<Vec<Problem>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Includes {
    #[serde(default)]
    pub users: Option<Vec<User>>,
    #[serde(default)]
    pub tweets: Option<Vec<Value>>,
    #[serde(default)]
    pub media: Option<Vec<Media>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub result_count: Option<u64>,
    #[serde(default)]
    pub next_token: Option<String>,
    #[serde(default)]
    pub newest_id: Option<String>,
    #[serde(default)]
    pub oldest_id: Option<String>,
}

/// An entry of `errors[]` or a whole problem answer (RFC 7807 style, as X sends with 4xx and 429).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Problem {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub resource_type: Option<String>,
}

impl Problem {
    /// One line for the admin: title and detail (or the v1.1 `message`).
    pub fn describe(&self) -> String {
        let parts: Vec<&str> = [self.title.as_deref(), self.detail.as_deref(), self.message.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            "no details given".to_string()
        } else {
            parts.join(": ")
        }
    }

    /// X's usage-cap problem (`…/problems/usage-capped`, title `UsageCapExceeded`).
    pub fn is_usage_cap(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.ends_with("/usage-capped"))
            || self.title.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("UsageCapExceeded"))
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

/// A Post (tweet).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Tweet {
    pub id: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_user_id: Option<String>,
    #[serde(default)]
    pub referenced_tweets: Option<Vec<ReferencedTweet>>,
    #[serde(default)]
    pub attachments: Option<Attachments>,
    #[serde(default)]
    pub entities: Option<Entities>,
    #[serde(default)]
    pub public_metrics: Option<PublicMetrics>,
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReferencedTweet {
    /// `replied_to`, `quoted` or `retweeted` on posts; DM events give only the `id`.
    #[serde(default, rename = "type")]
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Attachments {
    #[serde(default)]
    pub media_keys: Option<Vec<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Entities {
    #[serde(default)]
    pub urls: Option<Vec<UrlEntity>>,
    #[serde(default)]
    pub mentions: Option<Vec<MentionEntity>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct UrlEntity {
    /// The `t.co` link as it appears in the text.
    pub url: String,
    #[serde(default)]
    pub expanded_url: Option<String>,
    #[serde(default)]
    pub unwound_url: Option<String>,
    #[serde(default)]
    pub display_url: Option<String>,
    #[serde(default)]
    pub media_key: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct MentionEntity {
    pub username: String,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct PublicMetrics {
    #[serde(default)]
    pub retweet_count: Option<u64>,
    #[serde(default)]
    pub reply_count: Option<u64>,
    #[serde(default)]
    pub like_count: Option<u64>,
    #[serde(default)]
    pub quote_count: Option<u64>,
    #[serde(default)]
    pub bookmark_count: Option<u64>,
    #[serde(default)]
    pub impression_count: Option<u64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Media {
    pub media_key: String,
    /// `photo`, `video` or `animated_gif`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub preview_image_url: Option<String>,
    #[serde(default)]
    pub variants: Option<Vec<Variant>>,
    #[serde(default)]
    pub alt_text: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Variant {
    #[serde(default)]
    pub bit_rate: Option<u64>,
    #[serde(default)]
    pub content_type: Option<String>,
    pub url: String,
}

/// A Direct Message event (`MessageCreate`; joins and leaves are not requested).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DmEvent {
    pub id: String,
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub sender_id: Option<String>,
    #[serde(default)]
    pub dm_conversation_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub participant_ids: Option<Vec<String>>,
    #[serde(default)]
    pub attachments: Option<Attachments>,
    #[serde(default)]
    pub referenced_tweets: Option<Vec<ReferencedTweet>>,
    #[serde(default)]
    pub entities: Option<Entities>,
}

/// Decodes one answer of any X endpoint Docket calls, as the fuzz target does: never panics.
pub fn decode_page(bytes: &[u8]) -> Result<Page, serde_json::Error> {
    serde_json::from_slice(bytes)
}
