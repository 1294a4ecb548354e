//! The X source: verifies the account, fetches each endpoint's whole window since its checkpoint (every
//! page), hands items on oldest first with their media, and reports the checkpoints to commit. The pipeline
//! commits them only once every item is in the ledger, so a crash or failure re-fetches the window and the
//! ledger de-duplicates: no gaps, no duplicates. It also keeps the daily cap and warns about X's reach limits.

use std::collections::{BTreeMap, VecDeque};

use chrono::Utc;

use super::client::{XAccount, XClient};
use super::error::XError;
use super::oauth1::XCredentials;
use super::rate_limit::RateLimits;
use super::records::{dm_item, id_order, post_item, Lookup, Pending};
use super::schema::{DmEvent, Page, Tweet};
pub use super::settings::{Endpoint, ReachLimits, XSettings, DAILY_CAP};
use crate::error::Error;
use crate::model::{Item, ItemKind, SourceKind};
use crate::progress::ProgressFn;
use crate::sources::{Checkpoint, ExportError, Source};
use crate::text::Count;

const TWEET_FIELDS: &str =
    "attachments,author_id,conversation_id,created_at,entities,id,in_reply_to_user_id,lang,\
public_metrics,referenced_tweets,text";
const TWEET_EXPANSIONS: &str =
    "attachments.media_keys,author_id,entities.mentions.username,in_reply_to_user_id,referenced_tweets.id,\
referenced_tweets.id.author_id";
const MEDIA_FIELDS: &str = "alt_text,duration_ms,height,media_key,preview_image_url,type,url,variants,width";
const USER_FIELDS: &str = "id,name,username";
const DM_EVENT_FIELDS: &str =
    "attachments,created_at,dm_conversation_id,entities,event_type,id,participant_ids,referenced_tweets,sender_id,text";
const DM_EXPANSIONS: &str = "attachments.media_keys,participant_ids,referenced_tweets.id,sender_id";
/// More pages than any reachable window has; a server that keeps paging is stopped here.
const MAX_PAGES: usize = 10_000;

pub struct XSource {
    client: XClient,
    settings: XSettings,
    since: BTreeMap<Endpoint, String>,
    queue: VecDeque<(Endpoint, Pending)>,
    fetched: bool,
    /// The newest id handed on per endpoint (items go oldest first, so this is the last one).
    handed_on: BTreeMap<Endpoint, String>,
    /// Items still allowed under the daily cap.
    allowance: u64,
    delivered_last_day: u64,
    warnings: Vec<crate::Text>,
    account: Option<XAccount>,
}

impl std::fmt::Debug for XSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XSource").field("account", &self.settings.account).finish_non_exhaustive()
    }
}

fn x_error(e: XError) -> ExportError {
    ExportError::X(e)
}

fn bad(endpoint: Endpoint, detail: String) -> ExportError {
    x_error(XError::BadResponse { endpoint: endpoint.label().to_string(), detail })
}

/// What earlier runs left for this account: each endpoint's checkpoint (by its checkpoint name) and how many X
/// items were delivered in the last 24 hours (for the daily cap). Values, not the ledger: a source never reads
/// the ledger itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XHistory {
    pub checkpoints: BTreeMap<String, String>,
    pub delivered_last_day: u64,
}

impl XSource {
    /// Builds the source. `history` holds the checkpoints and the last 24 hours' deliveries (the caller reads
    /// them from the ledger; the default, for a preview, fetches everything reachable). Rate-limit state goes
    /// to `limits` (and, as `Progress::RateLimit`, to `progress`).
    pub fn open(
        settings: XSettings,
        credentials: XCredentials,
        history: XHistory,
        limits: RateLimits,
        progress: Option<ProgressFn>,
    ) -> Result<XSource, Error> {
        let mut client = XClient::new(&settings.api_base, credentials, limits, settings.policy)?;
        if let Some(progress) = progress {
            client = client.with_progress(progress);
        }
        let mut since = BTreeMap::new();
        for endpoint in Endpoint::ALL {
            if let Some(value) = history.checkpoints.get(endpoint.checkpoint_name()) {
                since.insert(endpoint, value.clone());
            }
        }
        let delivered_last_day = history.delivered_last_day;
        let allowance = settings.daily_cap.saturating_sub(delivered_last_day);
        let mut source = XSource {
            client,
            settings,
            since,
            queue: VecDeque::new(),
            fetched: false,
            handed_on: BTreeMap::new(),
            allowance,
            delivered_last_day,
            warnings: Vec::new(),
            account: None,
        };
        source.first_run_warnings();
        if allowance == 0 {
            source.warnings.push(crate::text!(
                "x.daily_cap_reached",
                "the daily cap of {cap} items is reached ({delivered} delivered in the last 24 hours): this run \
                 fetches nothing, and the next run after the oldest of them is 24 hours old continues where the \
                 last one stopped",
                cap = source.settings.daily_cap,
                delivered = delivered_last_day
            ));
        }
        Ok(source)
    }

    /// The account the credentials belong to, once the first item has been asked for.
    pub fn account(&self) -> Option<&XAccount> {
        self.account.as_ref()
    }

    /// The rate-limit state this source's client obeys.
    pub fn rate_limits(&self) -> &RateLimits {
        self.client.rate_limits()
    }

    fn first_run_warnings(&mut self) {
        let reach = self.settings.reach;
        for endpoint in Endpoint::ALL {
            if self.since.contains_key(&endpoint) {
                continue;
            }
            self.warnings.push(match endpoint {
                Endpoint::Posts => crate::text!(
                    "x.first_run_posts",
                    "first run for posts: X's API returns only the account's {count} most recent posts, so older \
                     posts cannot be archived this way",
                    count = Count(reach.posts)
                ),
                Endpoint::Mentions => crate::text!(
                    "x.first_run_mentions",
                    "first run for mentions: X's API returns only the {count} most recent mentions, so older \
                     mentions cannot be archived this way",
                    count = Count(reach.mentions)
                ),
                Endpoint::DirectMessages => crate::text!(
                    "x.first_run_dms",
                    "first run for direct messages: X's API returns only the last {days} days of direct messages, \
                     so older ones cannot be archived this way",
                    days = reach.dm_days
                ),
            });
        }
    }

    fn matches_account(&self, account: &XAccount) -> bool {
        let wanted = self.settings.account.trim().trim_start_matches('@');
        wanted.eq_ignore_ascii_case(&account.username) || wanted == account.id
    }

    async fn fetch_all(&mut self) -> Result<(), ExportError> {
        let account = self.client.me().await.map_err(x_error)?;
        if !self.matches_account(&account) {
            return Err(x_error(XError::WrongAccount {
                expected: format!("@{}", self.settings.account.trim().trim_start_matches('@')),
                actual: account.username.clone(),
            }));
        }
        self.account = Some(account.clone());
        if self.allowance == 0 {
            return Ok(());
        }
        let mut total = 0u64;
        for endpoint in Endpoint::ALL {
            let window = self.fetch_window(endpoint, &account).await?;
            total += window.len() as u64;
            self.queue.extend(window.into_iter().map(|pending| (endpoint, pending)));
        }
        if total > self.allowance {
            self.warnings.push(crate::text!(
                "x.daily_cap_partial",
                "this run found {found} new items but the daily cap of {cap} items leaves {allowance} for now \
                 ({delivered} delivered in the last 24 hours): Docket archives the oldest {allowance} and leaves \
                 {left} for the next run, which continues from there; nothing is skipped",
                found = Count(total),
                cap = Count(self.settings.daily_cap),
                allowance = Count(self.allowance),
                delivered = Count(self.delivered_last_day),
                left = Count(total - self.allowance)
            ));
            self.queue.truncate(usize::try_from(self.allowance).unwrap_or(usize::MAX));
        }
        Ok(())
    }

    fn query(&self, endpoint: Endpoint, token: Option<&str>) -> Vec<(&'static str, String)> {
        let mut query = vec![("max_results", self.settings.max_results.clamp(5, 100).to_string())];
        match endpoint {
            Endpoint::Posts | Endpoint::Mentions => {
                query.push(("tweet.fields", TWEET_FIELDS.into()));
                query.push(("expansions", TWEET_EXPANSIONS.into()));
                if let Some(since) = self.since.get(&endpoint) {
                    query.push(("since_id", since.clone()));
                }
            }
            Endpoint::DirectMessages => {
                query.push(("event_types", "MessageCreate".into()));
                query.push(("dm_event.fields", DM_EVENT_FIELDS.into()));
                query.push(("expansions", DM_EXPANSIONS.into()));
                query.push(("tweet.fields", TWEET_FIELDS.into()));
            }
        }
        query.push(("media.fields", MEDIA_FIELDS.into()));
        query.push(("user.fields", USER_FIELDS.into()));
        if let Some(token) = token {
            query.push(("pagination_token", token.to_string()));
        }
        query
    }

    /// Every page of one endpoint since its checkpoint, as items oldest first.
    async fn fetch_window(
        &mut self,
        endpoint: Endpoint,
        account: &XAccount,
    ) -> Result<Vec<Pending>, ExportError> {
        let path = match endpoint {
            Endpoint::Posts => format!("/2/users/{}/tweets", account.id),
            Endpoint::Mentions => format!("/2/users/{}/mentions", account.id),
            Endpoint::DirectMessages => "/2/dm_events".to_string(),
        };
        let since = self.since.get(&endpoint).cloned();
        let mut lookup = Lookup::default();
        lookup.add_user(account);
        let mut records: Vec<serde_json::Value> = Vec::new();
        let mut returned = 0u64;
        let mut reached_checkpoint = false;
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let body = self
                .client
                .get(endpoint.label(), &path, &self.query(endpoint, token.as_deref()))
                .await
                .map_err(x_error)?;
            let page: Page = serde_json::from_slice(&body).map_err(|e| bad(endpoint, e.to_string()))?;
            if page.data.is_none() {
                if let Some(problem) = page.errors.as_ref().and_then(|e| e.first()) {
                    if page.meta.as_ref().and_then(|m| m.result_count).unwrap_or(1) != 0 {
                        return Err(bad(endpoint, problem.describe()));
                    }
                }
            }
            if let Some(includes) = page.includes {
                lookup.add(includes);
            }
            for raw in page.data.unwrap_or_default() {
                returned += 1;
                let id = raw.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                if endpoint == Endpoint::DirectMessages {
                    if since.as_deref().is_some_and(|s| id_order(&id, s).is_le()) {
                        reached_checkpoint = true;
                        continue;
                    }
                    if raw.get("event_type").and_then(|v| v.as_str()).is_some_and(|t| t != "MessageCreate") {
                        continue;
                    }
                }
                records.push(raw);
            }
            match page.meta.and_then(|m| m.next_token).filter(|t| !t.is_empty()) {
                Some(next) if !reached_checkpoint => token = Some(next),
                _ => break,
            }
        }
        let mut items = Vec::with_capacity(records.len());
        for raw in &records {
            let pending = match endpoint {
                Endpoint::DirectMessages => {
                    let event: DmEvent = serde_json::from_value(raw.clone())
                        .map_err(|e| bad(endpoint, format!("a DM event: {e}")))?;
                    dm_item(raw, &event, account, &lookup)
                }
                Endpoint::Posts | Endpoint::Mentions => {
                    let tweet: Tweet = serde_json::from_value(raw.clone())
                        .map_err(|e| bad(endpoint, format!("a post: {e}")))?;
                    let kind = if endpoint == Endpoint::Posts { ItemKind::Post } else { ItemKind::Mention };
                    post_item(raw, &tweet, kind, account, &lookup)
                }
            };
            items.push(pending);
        }
        items.sort_by(|a, b| id_order(&a.id, &b.id));
        items.dedup_by(|a, b| a.id == b.id);
        self.reach_warning(endpoint, returned, reached_checkpoint, &items);
        Ok(items)
    }

    fn reach_warning(
        &mut self,
        endpoint: Endpoint,
        returned: u64,
        reached_checkpoint: bool,
        items: &[Pending],
    ) {
        let reach = self.settings.reach;
        let Some(oldest) = items.first() else { return };
        let limit = match endpoint {
            Endpoint::Posts => Some(reach.posts),
            Endpoint::Mentions => Some(reach.mentions),
            Endpoint::DirectMessages => None,
        };
        let at_limit = match limit {
            Some(limit) => returned >= limit,
            None => {
                let edge = Utc::now() - chrono::Duration::days(reach.dm_days) + chrono::Duration::days(1);
                !reached_checkpoint && oldest.item.timestamp.with_timezone(&Utc) <= edge
            }
        };
        if at_limit {
            let when = oldest.item.timestamp.with_timezone(&Utc);
            let when = when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let id = oldest.id.to_string();
            self.warnings.push(match (endpoint, limit) {
                (Endpoint::Posts, Some(limit)) => crate::text!(
                    "x.reach_posts",
                    "X returned {returned} posts and the oldest ({id}, {when}) is at the API's reach limit (the \
                     {limit} most recent): posts older than it may be missing and cannot be fetched through the API",
                    returned = Count(returned),
                    id = id,
                    when = when,
                    limit = Count(limit)
                ),
                (_, Some(limit)) => crate::text!(
                    "x.reach_mentions",
                    "X returned {returned} mentions and the oldest ({id}, {when}) is at the API's reach limit (the \
                     {limit} most recent): mentions older than it may be missing and cannot be fetched through the \
                     API",
                    returned = Count(returned),
                    id = id,
                    when = when,
                    limit = Count(limit)
                ),
                (_, None) => crate::text!(
                    "x.reach_dms",
                    "X returned {returned} direct messages and the oldest ({id}, {when}) is at the API's reach \
                     limit (the last {days} days): direct messages older than it may be missing and cannot be \
                     fetched through the API",
                    returned = Count(returned),
                    id = id,
                    when = when,
                    days = reach.dm_days
                ),
            });
        }
    }
}

#[async_trait::async_trait]
impl Source for XSource {
    fn kind(&self) -> SourceKind {
        SourceKind::X
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        if !self.fetched {
            self.fetch_all().await?;
            self.fetched = true;
        }
        let Some((endpoint, pending)) = self.queue.pop_front() else {
            return Ok(None);
        };
        let id = pending.id.clone();
        let item = super::media::with_media(&self.client, self.settings.media_budget, pending).await?;
        self.handed_on.insert(endpoint, id);
        Ok(Some(item))
    }

    fn take_warnings(&mut self) -> Vec<crate::Text> {
        std::mem::take(&mut self.warnings)
    }

    fn checkpoints(&self) -> Vec<Checkpoint> {
        let namespace = self.settings.checkpoint_source();
        self.handed_on
            .iter()
            .map(|(endpoint, id)| Checkpoint {
                source: namespace.clone(),
                name: endpoint.checkpoint_name().to_string(),
                value: id.clone(),
            })
            .collect()
    }
}
