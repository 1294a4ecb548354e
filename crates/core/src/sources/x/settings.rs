//! The X connector's settings (none secret): the API base, the account, the daily cap, X's reach limits,
//! paging and retry policy, the media budget; and the three endpoints Docket reads, with their rate-limit
//! buckets and checkpoint names. It fetches nothing.

use super::client::{ClientPolicy, DEFAULT_API_BASE};
use crate::model::MAX_MESSAGE_BYTES;

/// Microsoft's documented limit for the X connector: items imported per day.
pub const DAILY_CAP: u64 = 200_000;

/// What X's API can reach at all: the most recent posts and mentions, and the last days of DMs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReachLimits {
    pub posts: u64,
    pub mentions: u64,
    pub dm_days: i64,
}

impl Default for ReachLimits {
    fn default() -> Self {
        ReachLimits { posts: 3_200, mentions: 800, dm_days: 30 }
    }
}

/// Settings of one X connector; none of them secret.
#[derive(Debug, Clone)]
pub struct XSettings {
    /// The API's base URL (`https://api.x.com`).
    pub api_base: String,
    /// The archived account's handle (with or without `@`) or numeric id; must be the credentials' owner.
    pub account: String,
    /// Items delivered per 24 hours at most.
    pub daily_cap: u64,
    pub reach: ReachLimits,
    /// `max_results` per page (X allows up to 100).
    pub max_results: u32,
    pub policy: ClientPolicy,
    /// Media bytes one item may carry; what does not fit is held as oversize. Base64 makes attachments a
    /// third larger in the email, so this is three quarters of the 10 MB limit less room for the text.
    pub media_budget: u64,
}

impl XSettings {
    pub fn new(account: &str) -> XSettings {
        XSettings {
            api_base: DEFAULT_API_BASE.to_string(),
            account: account.trim().to_string(),
            daily_cap: DAILY_CAP,
            reach: ReachLimits::default(),
            max_results: 100,
            policy: ClientPolicy::default(),
            media_budget: (MAX_MESSAGE_BYTES as u64) * 3 / 4 - 64 * 1024,
        }
    }

    /// The ledger's checkpoint namespace for this account: `x:<handle>`.
    pub fn checkpoint_source(&self) -> String {
        format!("x:{}", self.account.trim().trim_start_matches('@').to_lowercase())
    }
}

/// The three timelines Docket archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    Posts,
    Mentions,
    DirectMessages,
}

impl Endpoint {
    pub const ALL: [Endpoint; 3] = [Endpoint::Posts, Endpoint::Mentions, Endpoint::DirectMessages];

    /// The rate-limit bucket, as X documents the endpoint.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::Posts => "GET /2/users/:id/tweets",
            Endpoint::Mentions => "GET /2/users/:id/mentions",
            Endpoint::DirectMessages => "GET /2/dm_events",
        }
    }

    /// The checkpoint's name in the ledger.
    pub fn checkpoint_name(self) -> &'static str {
        match self {
            Endpoint::Posts => "since_id:posts",
            Endpoint::Mentions => "since_id:mentions",
            Endpoint::DirectMessages => "since_id:dm_events",
        }
    }
}
