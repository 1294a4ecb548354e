//! What the fake X API holds and how it answers, following X's v2 OpenAPI schema: users, posts (with
//! `entities`, `referenced_tweets`, `attachments.media_keys`, `public_metrics`), media (photos, and videos
//! with mp4 `variants`), DM events, and the `includes` a request's `expansions` ask for. Ids are snowflakes
//! made from the records' creation times, like X's.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

/// X's snowflake epoch in Unix milliseconds.
const SNOWFLAKE_EPOCH_MS: u64 = 1_288_834_974_657;

pub const ME_ID: &str = "1512345678901234567";
pub const ME_USERNAME: &str = "contoso";
pub const ME_NAME: &str = "Contoso Compliance";
/// Other accounts that post, mention and write DMs: (id, username, name).
pub const PEOPLE: [(&str, &str, &str); 3] = [
    ("1498765432109876543", "alice_trades", "Alice Smith"),
    ("1487654321098765432", "bob_fx", "Bob Jones"),
    ("1476543210987654321", "carol_ops", "Carol White"),
];

/// A file the fake serves under `/media/`.
#[derive(Debug, Clone)]
pub struct MediaFile {
    pub content_type: &'static str,
    pub size: usize,
    /// Seeds the bytes, so each file differs.
    pub seed: u8,
}

impl MediaFile {
    pub fn bytes(&self) -> Vec<u8> {
        let magic: &[u8] = if self.content_type == "image/jpeg" {
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"
        } else {
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"
        };
        let mut bytes = magic.to_vec();
        let mut x = u32::from(self.seed).wrapping_mul(2_654_435_761).wrapping_add(1);
        while bytes.len() < self.size {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes.push((x & 0xff) as u8);
        }
        bytes.truncate(self.size.max(magic.len()));
        bytes
    }
}

/// Media to attach to a new record.
#[derive(Debug, Clone)]
pub enum NewMedia {
    Photo {
        size: usize,
    },
    /// One mp4 variant per (bit rate, size).
    Video {
        variants: Vec<(u64, usize)>,
    },
}

/// Everything the fake API holds.
#[derive(Debug, Default)]
pub struct Store {
    /// Posts by id (own posts, mentions, and posts they reference).
    pub tweets: BTreeMap<u64, Value>,
    pub dm_events: BTreeMap<u64, Value>,
    pub media: BTreeMap<String, Value>,
    pub files: BTreeMap<String, MediaFile>,
    last_id: u64,
    seq: u64,
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default()
}

fn rfc3339(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let millis = ms % 1000;
    // Days from civil (Howard Hinnant's algorithm), to avoid a date dependency in the testkit.
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn user(id: &str) -> Option<Value> {
    if id == ME_ID {
        return Some(json!({"id": ME_ID, "username": ME_USERNAME, "name": ME_NAME}));
    }
    PEOPLE
        .iter()
        .find(|(pid, _, _)| *pid == id)
        .map(|(id, username, name)| json!({"id": id, "username": username, "name": name}))
}

pub fn user_by_name(username: &str) -> Option<Value> {
    if username.eq_ignore_ascii_case(ME_USERNAME) {
        return user(ME_ID);
    }
    PEOPLE.iter().find(|(_, u, _)| u.eq_ignore_ascii_case(username)).and_then(|(id, _, _)| user(id))
}

impl Store {
    /// A new snowflake id for a record created `ms_ago` milliseconds ago (always above every earlier id).
    fn next_id(&mut self, ms_ago: u64) -> (u64, u64) {
        let at = now_ms().saturating_sub(ms_ago);
        self.seq += 1;
        let id = ((at - SNOWFLAKE_EPOCH_MS) << 22) | (self.seq & 0xfff);
        let id = id.max(self.last_id + 1);
        self.last_id = id;
        ((id >> 22) + SNOWFLAKE_EPOCH_MS, id)
    }

    fn add_media(&mut self, media: &[NewMedia], base: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for m in media {
            self.seq += 1;
            let n = self.seq;
            match m {
                NewMedia::Photo { size } => {
                    let key = format!("3_{}", 1_700_000_000_000_000_000u64 + n);
                    let file = format!("{key}.jpg");
                    self.files.insert(
                        file.clone(),
                        MediaFile { content_type: "image/jpeg", size: *size, seed: n as u8 },
                    );
                    self.media.insert(
                        key.clone(),
                        json!({"media_key": key, "type": "photo", "url": format!("{base}/media/{file}"),
                               "width": 1200, "height": 800, "alt_text": format!("chart {n}")}),
                    );
                    keys.push(key);
                }
                NewMedia::Video { variants } => {
                    let key = format!("7_{}", 1_700_000_000_000_000_000u64 + n);
                    let mut listed = Vec::new();
                    for (i, (bit_rate, size)) in variants.iter().enumerate() {
                        let file = format!("{key}-{i}.mp4");
                        self.files.insert(
                            file.clone(),
                            MediaFile { content_type: "video/mp4", size: *size, seed: (n + i as u64) as u8 },
                        );
                        listed.push(json!({"bit_rate": bit_rate, "content_type": "video/mp4", "url": format!("{base}/media/{file}?tag=12")}));
                    }
                    listed.push(json!({"content_type": "application/x-mpegURL", "url": format!("{base}/media/{key}.m3u8")}));
                    self.media.insert(
                        key.clone(),
                        json!({"media_key": key, "type": "video", "duration_ms": 12000, "width": 1280, "height": 720,
                               "preview_image_url": format!("{base}/media/{key}-preview.jpg"), "variants": listed}),
                    );
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// Adds a post by `author_id` (mentioning `mentions`), optionally replying to or quoting another post.
    #[allow(clippy::too_many_arguments)]
    pub fn add_tweet(
        &mut self,
        author_id: &str,
        text: &str,
        mentions: &[&str],
        reply_to: Option<u64>,
        quote_of: Option<u64>,
        media: &[NewMedia],
        ms_ago: u64,
        base: &str,
    ) -> u64 {
        let (at, id) = self.next_id(ms_ago);
        let media_keys = self.add_media(media, base);
        let mut full = String::new();
        for m in mentions {
            full.push_str(&format!("@{m} "));
        }
        full.push_str(text);
        let link = format!("https://t.co/l{}", id % 100_000);
        full.push_str(&format!(" {link}"));
        let mut urls = vec![
            json!({"start": 0, "end": 23, "url": link, "expanded_url": format!("https://contoso.com/notes/{id}"), "display_url": "contoso.com/notes"}),
        ];
        for key in &media_keys {
            let pic = format!("https://t.co/p{}", key.len() as u64 + id % 1000);
            full.push_str(&format!(" {pic}"));
            urls.push(json!({"start": 0, "end": 23, "url": pic, "expanded_url": format!("https://x.com/{ME_USERNAME}/status/{id}/photo/1"), "media_key": key}));
        }
        let mention_entities: Vec<Value> = mentions
            .iter()
            .filter_map(|m| user_by_name(m))
            .map(|u| json!({"start": 0, "end": 5, "username": u["username"], "id": u["id"]}))
            .collect();
        let mut tweet = json!({
            "id": id.to_string(),
            "text": full,
            "author_id": author_id,
            "created_at": rfc3339(at),
            "conversation_id": id.to_string(),
            "lang": "en",
            "edit_history_tweet_ids": [id.to_string()],
            "public_metrics": {"retweet_count": id % 7, "reply_count": id % 3, "like_count": id % 11, "quote_count": 0, "bookmark_count": 1, "impression_count": 100 + id % 50},
            "entities": {"urls": urls, "mentions": mention_entities},
        });
        let mut refs = Vec::new();
        if let Some(parent) = reply_to {
            if let Some(p) = self.tweets.get(&parent) {
                tweet["conversation_id"] = p["conversation_id"].clone();
                tweet["in_reply_to_user_id"] = p["author_id"].clone();
            }
            refs.push(json!({"type": "replied_to", "id": parent.to_string()}));
        }
        if let Some(quoted) = quote_of {
            refs.push(json!({"type": "quoted", "id": quoted.to_string()}));
        }
        if !refs.is_empty() {
            tweet["referenced_tweets"] = Value::Array(refs);
        }
        if !media_keys.is_empty() {
            tweet["attachments"] = json!({"media_keys": media_keys});
        }
        self.tweets.insert(id, tweet);
        id
    }

    /// Adds a DM from `sender_id` in the one-to-one conversation between the account and `other_id`.
    pub fn add_dm(
        &mut self,
        sender_id: &str,
        other_id: &str,
        text: &str,
        media: &[NewMedia],
        ms_ago: u64,
        base: &str,
    ) -> u64 {
        let (at, id) = self.next_id(ms_ago);
        let media_keys = self.add_media(media, base);
        let (a, b) = if ME_ID < other_id { (ME_ID, other_id) } else { (other_id, ME_ID) };
        let mut event = json!({
            "id": id.to_string(),
            "event_type": "MessageCreate",
            "text": text,
            "sender_id": sender_id,
            "dm_conversation_id": format!("{a}-{b}"),
            "created_at": rfc3339(at),
            "participant_ids": [ME_ID, other_id],
        });
        if !media_keys.is_empty() {
            event["attachments"] = json!({"media_keys": media_keys});
        }
        self.dm_events.insert(id, event);
        id
    }

    /// The account's own posts, newest first.
    pub fn own_posts(&self) -> Vec<u64> {
        self.tweets.iter().rev().filter(|(_, t)| t["author_id"] == ME_ID).map(|(id, _)| *id).collect()
    }

    /// Posts by others that mention the account, newest first.
    pub fn mentions(&self) -> Vec<u64> {
        self.tweets
            .iter()
            .rev()
            .filter(|(_, t)| {
                t["author_id"] != ME_ID
                    && t["entities"]["mentions"]
                        .as_array()
                        .is_some_and(|m| m.iter().any(|m| m["username"] == ME_USERNAME))
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// DM events, newest first.
    pub fn dms(&self) -> Vec<u64> {
        self.dm_events.keys().rev().copied().collect()
    }
}

/// Keeps only the fields a `*.fields` parameter asked for (plus the defaults X always sends).
fn project(object: &Value, fields: &BTreeSet<String>, defaults: &[&str]) -> Value {
    let mut out = Map::new();
    if let Some(map) = object.as_object() {
        for (name, value) in map {
            if defaults.contains(&name.as_str()) || fields.contains(name) {
                out.insert(name.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// What one request asked for.
pub struct Shape {
    pub fields: BTreeMap<String, BTreeSet<String>>,
    pub expansions: BTreeSet<String>,
}

impl Shape {
    fn of(&self, kind: &str) -> BTreeSet<String> {
        self.fields.get(kind).cloned().unwrap_or_default()
    }
}

/// `data` and `includes` for a page of posts.
pub fn tweets_page(store: &Store, ids: &[u64], shape: &Shape) -> (Vec<Value>, Value) {
    let tweet_fields = shape.of("tweet.fields");
    let data: Vec<Value> = ids
        .iter()
        .filter_map(|id| store.tweets.get(id))
        .map(|t| project(t, &tweet_fields, &["id", "text", "edit_history_tweet_ids"]))
        .collect();
    let originals: Vec<&Value> = ids.iter().filter_map(|id| store.tweets.get(id)).collect();
    let mut user_ids = BTreeSet::new();
    let mut media_keys = Vec::new();
    let mut referenced = BTreeSet::new();
    for t in &originals {
        if shape.expansions.contains("author_id") {
            user_ids.extend(t["author_id"].as_str().map(str::to_string));
        }
        if shape.expansions.contains("in_reply_to_user_id") {
            user_ids.extend(t["in_reply_to_user_id"].as_str().map(str::to_string));
        }
        if shape.expansions.contains("entities.mentions.username") {
            for m in t["entities"]["mentions"].as_array().into_iter().flatten() {
                user_ids.extend(m["id"].as_str().map(str::to_string));
            }
        }
        if shape.expansions.contains("attachments.media_keys") {
            for key in t["attachments"]["media_keys"].as_array().into_iter().flatten() {
                media_keys.extend(key.as_str().map(str::to_string));
            }
        }
        if shape.expansions.contains("referenced_tweets.id") {
            for r in t["referenced_tweets"].as_array().into_iter().flatten() {
                referenced.extend(r["id"].as_str().and_then(|id| id.parse::<u64>().ok()));
            }
        }
    }
    let ref_tweets: Vec<Value> = referenced
        .iter()
        .filter_map(|id| store.tweets.get(id))
        .inspect(|t| {
            if shape.expansions.contains("referenced_tweets.id.author_id") {
                user_ids.extend(t["author_id"].as_str().map(str::to_string));
            }
        })
        .map(|t| project(t, &tweet_fields, &["id", "text", "edit_history_tweet_ids"]))
        .collect();
    (data, includes(store, &user_ids, &media_keys, ref_tweets, shape))
}

/// `data` and `includes` for a page of DM events.
pub fn dm_page(store: &Store, ids: &[u64], shape: &Shape) -> (Vec<Value>, Value) {
    let event_fields = shape.of("dm_event.fields");
    let originals: Vec<&Value> = ids.iter().filter_map(|id| store.dm_events.get(id)).collect();
    let data: Vec<Value> =
        originals.iter().map(|e| project(e, &event_fields, &["id", "event_type", "text"])).collect();
    let mut user_ids = BTreeSet::new();
    let mut media_keys = Vec::new();
    for e in &originals {
        if shape.expansions.contains("sender_id") {
            user_ids.extend(e["sender_id"].as_str().map(str::to_string));
        }
        if shape.expansions.contains("participant_ids") {
            for p in e["participant_ids"].as_array().into_iter().flatten() {
                user_ids.extend(p.as_str().map(str::to_string));
            }
        }
        if shape.expansions.contains("attachments.media_keys") {
            for key in e["attachments"]["media_keys"].as_array().into_iter().flatten() {
                media_keys.extend(key.as_str().map(str::to_string));
            }
        }
    }
    (data, includes(store, &user_ids, &media_keys, Vec::new(), shape))
}

fn includes(
    store: &Store,
    user_ids: &BTreeSet<String>,
    media_keys: &[String],
    tweets: Vec<Value>,
    shape: &Shape,
) -> Value {
    let user_fields = shape.of("user.fields");
    let media_fields = shape.of("media.fields");
    let mut includes = Map::new();
    let users: Vec<Value> = user_ids
        .iter()
        .filter_map(|id| user(id))
        .map(|u| project(&u, &user_fields, &["id", "name", "username"]))
        .collect();
    if !users.is_empty() {
        includes.insert("users".into(), Value::Array(users));
    }
    let media: Vec<Value> = media_keys
        .iter()
        .filter_map(|k| store.media.get(k))
        .map(|m| project(m, &media_fields, &["media_key", "type"]))
        .collect();
    if !media.is_empty() {
        includes.insert("media".into(), Value::Array(media));
    }
    if !tweets.is_empty() {
        includes.insert("tweets".into(), Value::Array(tweets));
    }
    Value::Object(includes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_318_622_958_123), "2011-10-14T20:09:18.123Z");
    }
}
