//! The fake X API's endpoints: `GET /2/users/me`, the posts and mentions timelines (paged newest first with
//! `next_token`, `since_id` honoured, X's reach limit applied) and `GET /2/dm_events` (no `since_id`, as X
//! has none there; the last 30 days). Every parameter is checked against X's documented sets and refused
//! with X's error shape, so a client that asks for something X would refuse fails here too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::data::{self, Shape};
use super::{invalid, Answer, FakeXOptions, Incoming, State, ME_ID};

const TWEET_FIELDS: &[&str] = &[
    "article",
    "attachments",
    "author_id",
    "card_uri",
    "community_id",
    "context_annotations",
    "conversation_id",
    "created_at",
    "display_text_range",
    "edit_controls",
    "edit_history_tweet_ids",
    "entities",
    "geo",
    "id",
    "in_reply_to_user_id",
    "lang",
    "media_metadata",
    "non_public_metrics",
    "note_tweet",
    "organic_metrics",
    "possibly_sensitive",
    "promoted_metrics",
    "public_metrics",
    "referenced_tweets",
    "reply_settings",
    "scopes",
    "source",
    "text",
    "withheld",
];
const USER_FIELDS: &[&str] = &[
    "affiliation",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "location",
    "most_recent_tweet_id",
    "name",
    "pinned_tweet_id",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_type",
    "withheld",
];
const MEDIA_FIELDS: &[&str] = &[
    "alt_text",
    "duration_ms",
    "height",
    "media_key",
    "non_public_metrics",
    "organic_metrics",
    "preview_image_url",
    "promoted_metrics",
    "public_metrics",
    "type",
    "url",
    "variants",
    "width",
];
const DM_EVENT_FIELDS: &[&str] = &[
    "attachments",
    "created_at",
    "dm_conversation_id",
    "entities",
    "event_type",
    "id",
    "participant_ids",
    "referenced_tweets",
    "sender_id",
    "text",
];
const TWEET_EXPANSIONS: &[&str] = &[
    "article.cover_media",
    "article.media_entities",
    "attachments.media_keys",
    "attachments.media_source_tweet",
    "attachments.poll_ids",
    "author_id",
    "edit_history_tweet_ids",
    "entities.mentions.username",
    "geo.place_id",
    "in_reply_to_user_id",
    "entities.note.mentions.username",
    "referenced_tweets.id",
    "referenced_tweets.id.attachments.media_keys",
    "referenced_tweets.id.author_id",
];
const DM_EXPANSIONS: &[&str] =
    &["attachments.media_keys", "participant_ids", "referenced_tweets.id", "sender_id"];

/// Checks every parameter against the endpoint's documented set; the `Shape` it asked for.
fn shape(request: &Incoming, allowed: &[(&str, &[&str])], plain: &[&str]) -> Result<Shape, Answer> {
    let mut fields = BTreeMap::new();
    let mut expansions = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (name, value) in &request.query {
        if !seen.insert(name.clone()) {
            return Err(invalid(format!("The query parameter [{name}] appears more than once")));
        }
        if plain.contains(&name.as_str()) {
            continue;
        }
        let Some((_, set)) = allowed.iter().find(|(n, _)| n == name) else {
            return Err(invalid(format!(
                "The query parameter [{name}] is not one of [{}]",
                allowed.iter().map(|(n, _)| *n).chain(plain.iter().copied()).collect::<Vec<_>>().join(",")
            )));
        };
        let values: BTreeSet<String> = value.split(',').map(str::to_string).collect();
        if let Some(bad) = values.iter().find(|v| !set.contains(&v.as_str())) {
            return Err(invalid(format!(
                "The `{name}` query parameter value [{bad}] is not one of [{}]",
                set.join(",")
            )));
        }
        if name == "expansions" {
            expansions = values;
        } else {
            fields.insert(name.clone(), values);
        }
    }
    Ok(Shape { fields, expansions })
}

fn param<'a>(request: &'a Incoming, name: &str) -> Option<&'a str> {
    request.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

pub(super) fn me(request: &Incoming) -> Answer {
    match shape(
        request,
        &[
            ("user.fields", USER_FIELDS),
            ("expansions", &["affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"]),
            ("tweet.fields", TWEET_FIELDS),
        ],
        &[],
    ) {
        Err(answer) => answer,
        Ok(_) => Answer::json(200, json!({"data": data::user(ME_ID)})),
    }
}

fn max_results(request: &Incoming, range: std::ops::RangeInclusive<usize>) -> Result<usize, Answer> {
    match param(request, "max_results") {
        None => Ok(10),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(invalid(format!(
                "The `max_results` query parameter value [{v}] is not between {} and {}",
                range.start(),
                range.end()
            ))),
        },
    }
}

/// Pages `ids` (newest first) from the offset the token names; hands out the next token.
fn page(
    request: &Incoming,
    state: &mut State,
    since: Option<&str>,
    ids: &[u64],
    size: usize,
) -> Result<(Vec<u64>, Option<String>), Answer> {
    let offset = match param(request, "pagination_token") {
        None => 0,
        Some(token) => match state.tokens.get(token) {
            Some((path, token_since, offset)) if *path == request.path && token_since.as_deref() == since => {
                *offset
            }
            _ => {
                return Err(invalid(format!(
                    "The `pagination_token` query parameter value [{token}] is not valid for this request"
                )))
            }
        },
    };
    let chunk: Vec<u64> = ids.iter().skip(offset).take(size).copied().collect();
    let next = (offset + chunk.len() < ids.len()).then(|| {
        let token = format!("7140dibdnow9c7btw{:x}{}", offset + chunk.len(), state.tokens.len());
        state
            .tokens
            .insert(token.clone(), (request.path.clone(), since.map(str::to_string), offset + chunk.len()));
        token
    });
    Ok((chunk, next))
}

fn meta(chunk: &[u64], next: Option<String>) -> Value {
    let mut meta = json!({"result_count": chunk.len()});
    if let (Some(first), Some(last)) = (chunk.first(), chunk.last()) {
        meta["newest_id"] = json!(first.to_string());
        meta["oldest_id"] = json!(last.to_string());
    }
    if let Some(next) = next {
        meta["next_token"] = json!(next);
    }
    meta
}

pub(super) fn timeline(
    request: &Incoming,
    endpoint: &str,
    state: &mut State,
    options: &FakeXOptions,
) -> Answer {
    let user_id = request.path.trim_matches('/').split('/').nth(2).unwrap_or_default();
    if user_id != ME_ID {
        return Answer::json(
            200,
            json!({"errors": [{"value": user_id, "detail": format!("Could not find user with id: [{user_id}]."), "title": "Not Found Error", "resource_type": "user", "parameter": "id", "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}),
        );
    }
    let shape = match shape(
        request,
        &[
            ("tweet.fields", TWEET_FIELDS),
            ("expansions", TWEET_EXPANSIONS),
            ("media.fields", MEDIA_FIELDS),
            ("user.fields", USER_FIELDS),
            ("poll.fields", &["id"]),
            ("place.fields", &["id"]),
        ],
        &["max_results", "since_id", "until_id", "pagination_token", "start_time", "end_time", "exclude"],
    ) {
        Ok(shape) => shape,
        Err(answer) => return answer,
    };
    let size = match max_results(request, 5..=100) {
        Ok(n) => n.min(options.page_size),
        Err(answer) => return answer,
    };
    let since = param(request, "since_id");
    let since_n = match since.map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return invalid(format!(
                "The `since_id` query parameter value [{}] is not valid",
                since.unwrap_or_default()
            ))
        }
    };
    let (all, reach) = if endpoint.ends_with("tweets") {
        (state.store.own_posts(), options.posts_reach)
    } else {
        (state.store.mentions(), options.mentions_reach)
    };
    let ids: Vec<u64> = all.into_iter().take(reach).filter(|id| since_n.is_none_or(|s| *id > s)).collect();
    let (chunk, next) = match page(request, state, since, &ids, size) {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    if chunk.is_empty() {
        return Answer::json(200, json!({"meta": {"result_count": 0}}));
    }
    let (data, includes) = data::tweets_page(&state.store, &chunk, &shape);
    Answer::json(200, json!({"data": data, "includes": includes, "meta": meta(&chunk, next)}))
}

pub(super) fn dm_events(request: &Incoming, state: &mut State, options: &FakeXOptions, now: u64) -> Answer {
    let shape = match shape(
        request,
        &[
            ("dm_event.fields", DM_EVENT_FIELDS),
            ("expansions", DM_EXPANSIONS),
            ("media.fields", MEDIA_FIELDS),
            ("user.fields", USER_FIELDS),
            ("tweet.fields", TWEET_FIELDS),
            ("event_types", &["MessageCreate", "ParticipantsJoin", "ParticipantsLeave"]),
        ],
        &["max_results", "pagination_token"],
    ) {
        Ok(shape) => shape,
        Err(answer) => return answer,
    };
    let size = match max_results(request, 1..=100) {
        Ok(n) => n.min(options.page_size),
        Err(answer) => return answer,
    };
    let oldest = now.saturating_sub(options.dm_days * 86_400_000);
    let ids: Vec<u64> =
        state.store.dms().into_iter().filter(|id| (id >> 22) + 1_288_834_974_657 >= oldest).collect();
    let (chunk, next) = match page(request, state, None, &ids, size) {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    if chunk.is_empty() {
        return Answer::json(200, json!({"meta": {"result_count": 0}}));
    }
    let (data, includes) = data::dm_page(&state.store, &chunk, &shape);
    let mut meta = json!({"result_count": chunk.len()});
    if let Some(next) = next {
        meta["next_token"] = json!(next);
    }
    Answer::json(200, json!({"data": data, "includes": includes, "meta": meta}))
}
