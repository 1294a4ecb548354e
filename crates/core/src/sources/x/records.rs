//! X records to `Item`s: a post or mention (with its author, the people it names, links expanded from
//! `entities.urls`, replies and quotes threaded by key, metrics and ids as `X-Docket-X-*` headers) and a
//! direct message (sender and participants). Keys come from X's ids alone, so every reference to a post
//! resolves to the same key. Media are only listed here; `source` downloads them.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde_json::Value;

use super::client::XAccount;
use super::schema::{DmEvent, Entities, Includes, Media, Tweet, User};
use crate::model::{Item, ItemKind, Participant, SourceKind};
use crate::sources::{item_key, sha256_hex};

/// X's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The creation time a snowflake id carries (UTC); the Unix epoch for ids that are not snowflakes.
pub fn snowflake_time(id: &str) -> NaiveDateTime {
    let millis = id.parse::<u64>().ok().map(|n| (n >> 22) as i64 + SNOWFLAKE_EPOCH_MS).unwrap_or(0);
    DateTime::from_timestamp_millis(millis).unwrap_or_default().naive_utc()
}

/// Orders X ids numerically (longer is larger), so ids beyond `u64` still compare.
pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The key of the post with this id, wherever it is met (own post, mention, reply target, quote).
pub fn post_key(id: &str) -> String {
    item_key(SourceKind::X, snowflake_time(id), &["post", id])
}

/// The key of the direct-message event with this id.
pub fn dm_key(id: &str) -> String {
    item_key(SourceKind::X, snowflake_time(id), &["dm", id])
}

/// Users, posts and media from a page's `includes`, by id.
#[derive(Debug, Default)]
pub struct Lookup {
    users: HashMap<String, User>,
    tweets: HashMap<String, Tweet>,
    media: HashMap<String, Media>,
}

impl Lookup {
    pub fn add(&mut self, includes: Includes) {
        for user in includes.users.unwrap_or_default() {
            self.users.insert(user.id.clone(), user);
        }
        for raw in includes.tweets.unwrap_or_default() {
            if let Ok(tweet) = serde_json::from_value::<Tweet>(raw) {
                self.tweets.insert(tweet.id.clone(), tweet);
            }
        }
        for media in includes.media.unwrap_or_default() {
            self.media.insert(media.media_key.clone(), media);
        }
    }

    pub fn add_user(&mut self, account: &XAccount) {
        self.users.entry(account.id.clone()).or_insert_with(|| User {
            id: account.id.clone(),
            name: Some(account.name.clone()),
            username: Some(account.username.clone()),
        });
    }

    pub fn media(&self, key: &str) -> Option<&Media> {
        self.media.get(key)
    }

    fn handle(&self, user_id: &str) -> Option<&str> {
        self.users.get(user_id).and_then(|u| u.username.as_deref())
    }

    /// A participant for a user id: `@handle` as the name, the handle as identity (`handle@x.invalid`).
    fn participant(&self, user_id: &str) -> Participant {
        match self.handle(user_id) {
            Some(handle) => handle_participant(handle),
            None => Participant {
                display_name: format!("X user {user_id}"),
                handle: Some(format!("id{user_id}")),
                ..Participant::default()
            },
        }
    }
}

fn handle_participant(handle: &str) -> Participant {
    let handle = handle.trim_start_matches('@');
    Participant {
        display_name: format!("@{handle}"),
        handle: Some(handle.to_string()),
        ..Participant::default()
    }
}

/// An item ready but for its media, which `source` downloads just before handing the item on.
#[derive(Debug, Clone)]
pub struct Pending {
    pub item: Item,
    /// X's id of the record (post or DM event).
    pub id: String,
    pub media: Vec<Media>,
}

/// The text with every `t.co` link replaced by the address it stands for (media links are dropped, the
/// media being attached).
pub fn expand_links(text: &str, entities: Option<&Entities>) -> String {
    let mut out = text.to_string();
    let urls = entities.and_then(|e| e.urls.as_ref());
    for url in urls.into_iter().flatten() {
        if url.url.is_empty() {
            continue;
        }
        let replacement = if url.media_key.is_some() {
            String::new()
        } else {
            url.unwound_url.clone().or_else(|| url.expanded_url.clone()).unwrap_or_else(|| url.url.clone())
        };
        out = out.replace(&url.url, &replacement);
    }
    out.trim_end().to_string()
}

fn timestamp(created_at: Option<&str>, id: &str) -> DateTime<FixedOffset> {
    created_at
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| snowflake_time(id).and_utc().fixed_offset())
}

fn digest(raw: &Value) -> String {
    sha256_hex(&serde_json::to_vec(raw).unwrap_or_default())
}

fn post_url(handle: Option<&str>, id: &str) -> String {
    match handle {
        Some(handle) => format!("https://x.com/{handle}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    }
}

fn snippet(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() > 120 {
        format!("{}…", folded.chars().take(119).collect::<String>())
    } else {
        folded
    }
}

fn push_unique(list: &mut Vec<Participant>, participant: Participant, sender: &Participant) {
    if participant.handle != sender.handle && !list.iter().any(|p| p.handle == participant.handle) {
        list.push(participant);
    }
}

/// A post (the account's own) or a mention (someone else's post naming the account) as one item.
pub fn post_item(raw: &Value, tweet: &Tweet, kind: ItemKind, account: &XAccount, lookup: &Lookup) -> Pending {
    let author_id = tweet.author_id.clone().unwrap_or_else(|| match kind {
        ItemKind::Post => account.id.clone(),
        _ => String::new(),
    });
    let sender = lookup.participant(&author_id);
    let mut recipients = Vec::new();
    if kind == ItemKind::Mention {
        push_unique(&mut recipients, handle_participant(&account.username), &sender);
    }
    if let Some(reply_user) = tweet.in_reply_to_user_id.as_deref() {
        push_unique(&mut recipients, lookup.participant(reply_user), &sender);
    }
    for mention in tweet.entities.as_ref().and_then(|e| e.mentions.as_ref()).into_iter().flatten() {
        push_unique(&mut recipients, handle_participant(&mention.username), &sender);
    }

    let mut notes = Vec::new();
    let mut headers = vec![("X-Docket-X-Post-Id".to_string(), tweet.id.clone())];
    let mut thread: Vec<String> = Vec::new();
    let mut reply_to = None;
    let mut referenced = Vec::new();
    for reference in tweet.referenced_tweets.iter().flatten() {
        let target = lookup.tweets.get(&reference.id);
        let by = target.and_then(|t| t.author_id.as_deref()).and_then(|a| lookup.handle(a));
        let url = post_url(by, &reference.id);
        let who = by.map(|h| format!(" by @{h}")).unwrap_or_default();
        let quoted_text = target
            .and_then(|t| t.text.as_deref())
            .map(|text| {
                format!(": \"{}\"", snippet(&expand_links(text, target.and_then(|t| t.entities.as_ref()))))
            })
            .unwrap_or_default();
        referenced.push(format!("{}={}", reference.kind, reference.id));
        match reference.kind.as_str() {
            "replied_to" => {
                notes.push(format!("reply to post {}{who} ({url})", reference.id));
                reply_to = Some(post_key(&reference.id));
            }
            "quoted" => {
                notes.push(format!("quotes post {}{who} ({url}){quoted_text}", reference.id));
                thread.push(reference.id.clone());
            }
            "retweeted" => notes.push(format!("repost of post {}{who} ({url}){quoted_text}", reference.id)),
            other => notes.push(format!("refers ({other}) to post {} ({url})", reference.id)),
        }
    }
    if let Some(root) = tweet.conversation_id.as_deref() {
        let is_parent =
            tweet.referenced_tweets.iter().flatten().any(|r| r.kind == "replied_to" && r.id == root);
        if root != tweet.id && !is_parent && reply_to.is_some() {
            thread.push(root.to_string());
        }
        headers.push(("X-Docket-X-Conversation-Id".to_string(), root.to_string()));
    }
    thread.sort_by(|a, b| id_order(a, b));
    thread.dedup();
    let mut references: Vec<String> = thread.iter().map(|id| post_key(id)).collect();
    if let Some(parent) = &reply_to {
        references.push(parent.clone());
    }

    let author_handle = lookup.handle(&author_id);
    notes.push(format!("on X: {}", post_url(author_handle, &tweet.id)));
    if !author_id.is_empty() {
        headers.push(("X-Docket-X-Author-Id".to_string(), author_id.clone()));
    }
    headers.push(("X-Docket-X-Url".to_string(), post_url(author_handle, &tweet.id)));
    if !referenced.is_empty() {
        headers.push(("X-Docket-X-Referenced".to_string(), referenced.join("; ")));
    }
    if let Some(metrics) = &tweet.public_metrics {
        let fields = [
            ("likes", metrics.like_count),
            ("reposts", metrics.retweet_count),
            ("replies", metrics.reply_count),
            ("quotes", metrics.quote_count),
            ("bookmarks", metrics.bookmark_count),
            ("impressions", metrics.impression_count),
        ];
        let text: Vec<String> =
            fields.iter().filter_map(|(name, value)| value.map(|v| format!("{name}={v}"))).collect();
        if !text.is_empty() {
            headers.push(("X-Docket-X-Metrics".to_string(), text.join("; ")));
        }
    }
    if let Some(lang) = &tweet.lang {
        headers.push(("X-Docket-X-Lang".to_string(), lang.clone()));
    }

    let media = media_of(tweet.attachments.as_ref().and_then(|a| a.media_keys.as_ref()), lookup, &mut notes);
    let chat = match kind {
        ItemKind::Mention => format!("mentions of @{}", account.username),
        _ => format!("@{}", account.username),
    };
    let item = Item {
        key: post_key(&tweet.id),
        source: SourceKind::X,
        kind,
        chat,
        source_id: tweet.id.clone(),
        timestamp: timestamp(tweet.created_at.as_deref(), &tweet.id),
        sender,
        recipients,
        text: expand_links(tweet.text.as_deref().unwrap_or_default(), tweet.entities.as_ref()),
        reply_to,
        references,
        attachments: Vec::new(),
        notes,
        extra_headers: headers,
        record_digest: digest(raw),
    };
    Pending { item, id: tweet.id.clone(), media }
}

fn media_of(keys: Option<&Vec<String>>, lookup: &Lookup, notes: &mut Vec<String>) -> Vec<Media> {
    let mut media = Vec::new();
    for key in keys.into_iter().flatten() {
        match lookup.media(key) {
            Some(m) => {
                if let Some(alt) = m.alt_text.as_deref().filter(|a| !a.trim().is_empty()) {
                    notes.push(format!("media {key} description: {}", snippet(alt)));
                }
                media.push(m.clone());
            }
            None => notes.push(format!("media {key} was not described by X (not in includes.media)")),
        }
    }
    media
}

/// A direct message as one item: from its sender to every other participant of the conversation.
pub fn dm_item(raw: &Value, event: &DmEvent, account: &XAccount, lookup: &Lookup) -> Pending {
    let sender_id = event.sender_id.clone().unwrap_or_default();
    let mut ids: Vec<String> = Vec::new();
    let conversation = event.dm_conversation_id.clone().unwrap_or_default();
    let pair: Vec<&str> = conversation.split('-').collect();
    if pair.len() == 2 && pair.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        ids.extend(pair.iter().map(|p| p.to_string()));
    }
    ids.extend(event.participant_ids.iter().flatten().cloned());
    ids.push(account.id.clone());
    ids.sort_by(|a, b| id_order(a, b));
    ids.dedup();
    let sender = if sender_id.is_empty() { Participant::default() } else { lookup.participant(&sender_id) };
    let recipients: Vec<Participant> =
        ids.iter().filter(|id| **id != sender_id).map(|id| lookup.participant(id)).collect();
    let mut names: Vec<String> = ids.iter().map(|id| lookup.participant(id).display_name).collect();
    names.sort();

    let mut notes = Vec::new();
    let mut references = Vec::new();
    for reference in event.referenced_tweets.iter().flatten() {
        let by = lookup
            .tweets
            .get(&reference.id)
            .and_then(|t| t.author_id.as_deref())
            .and_then(|a| lookup.handle(a));
        notes.push(format!("shares post {} ({})", reference.id, post_url(by, &reference.id)));
        references.push(post_key(&reference.id));
    }
    let mut headers = vec![("X-Docket-X-Dm-Event-Id".to_string(), event.id.clone())];
    if !conversation.is_empty() {
        headers.push(("X-Docket-X-Dm-Conversation-Id".to_string(), conversation.clone()));
    }
    if !sender_id.is_empty() {
        headers.push(("X-Docket-X-Sender-Id".to_string(), sender_id.clone()));
    }
    let media = media_of(event.attachments.as_ref().and_then(|a| a.media_keys.as_ref()), lookup, &mut notes);
    let item = Item {
        key: dm_key(&event.id),
        source: SourceKind::X,
        kind: ItemKind::DirectMessage,
        chat: format!("DM {}", names.join(", ")),
        source_id: event.id.clone(),
        timestamp: timestamp(event.created_at.as_deref(), &event.id),
        sender,
        recipients,
        text: expand_links(event.text.as_deref().unwrap_or_default(), event.entities.as_ref()),
        reply_to: None,
        references,
        attachments: Vec::new(),
        notes,
        extra_headers: headers,
        record_digest: digest(raw),
    };
    Pending { item, id: event.id.clone(), media }
}

/// Decodes one answer of the posts, mentions (`kind` Post or Mention) or DM events (`kind` DirectMessage)
/// endpoint into items, as a run does (media listed, not downloaded). For the fuzz target and tests: any
/// bytes give items or an error, never a panic.
pub fn decode_items(
    bytes: &[u8],
    kind: ItemKind,
    account: &XAccount,
) -> Result<Vec<Item>, serde_json::Error> {
    let page: super::schema::Page = serde_json::from_slice(bytes)?;
    let mut lookup = Lookup::default();
    lookup.add_user(account);
    if let Some(includes) = page.includes {
        lookup.add(includes);
    }
    let mut items = Vec::new();
    for raw in page.data.unwrap_or_default() {
        let pending = if kind == ItemKind::DirectMessage {
            let event: DmEvent = serde_json::from_value(raw.clone())?;
            dm_item(&raw, &event, account, &lookup)
        } else {
            let tweet: Tweet = serde_json::from_value(raw.clone())?;
            post_item(&raw, &tweet, kind, account, &lookup)
        };
        items.push(pending.item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflake_ids_carry_their_creation_time() {
        // (1445078208190291968 >> 22) + 1288834974657 = 1633368467744 ms = 2021-10-04T17:27:47.744Z.
        let at = snowflake_time("1445078208190291968");
        assert_eq!(at.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(), "2021-10-04T17:27:47.744");
        assert_eq!(snowflake_time("not a number").and_utc().timestamp(), 0);
        assert_eq!(post_key("1445078208190291968"), post_key("1445078208190291968"));
        assert_ne!(post_key("1445078208190291968"), dm_key("1445078208190291968"));
        assert!(id_order("99", "100").is_lt());
    }

    #[test]
    fn links_are_expanded_and_media_links_dropped() {
        let entities: Entities = serde_json::from_value(serde_json::json!({
            "urls": [
                {"start": 6, "end": 29, "url": "https://t.co/abc", "expanded_url": "https://contoso.com/report"},
                {"start": 30, "end": 53, "url": "https://t.co/pic", "expanded_url": "https://x.com/c/status/1/photo/1", "media_key": "3_1"}
            ]
        }))
        .expect("entities");
        assert_eq!(
            expand_links("Read https://t.co/abc https://t.co/pic", Some(&entities)),
            "Read https://contoso.com/report"
        );
    }
}
