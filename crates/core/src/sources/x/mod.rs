//! The X (Twitter) source over X API v2: OAuth 1.0a signing (`oauth1`), the rate-limit-aware client
//! (`client`, `rate_limit`), the v2 JSON (`schema`), records to items (`records`), media to attachments
//! (`media`), the connector's settings (`settings`) and the `Source` with no-gap checkpoints, the daily cap
//! and reach warnings (`source`). It renders, maps and stores nothing.

pub mod client;
pub mod error;
mod media;
pub mod oauth1;
pub mod rate_limit;
pub mod records;
pub mod schema;
mod settings;
pub mod source;

pub use client::{ClientPolicy, Download, XAccount, XClient, DEFAULT_API_BASE};
pub use error::XError;
pub use oauth1::XCredentials;
pub use rate_limit::{RateLimitStatus, RateLimits};
pub use source::{Endpoint, ReachLimits, XHistory, XSettings, XSource, DAILY_CAP};
