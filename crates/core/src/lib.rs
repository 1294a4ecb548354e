//! Docket's behaviour: every source, the mapping policy, conversion to RFC 5322, the sinks, the ledger and
//! the pipeline that joins them. This crate knows nothing about Tauri or terminals: progress leaves it through
//! an injected callback, and secrets enter it through the `SecretStore` trait.

pub mod attachments;
pub mod background;
pub mod config;
pub mod connector;
pub mod convert;
pub mod digest;
pub mod error;
pub mod identity;
pub mod ledger;
pub mod logging;
pub mod mapping;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod retry;
pub mod secrets;
pub mod sinks;
pub mod sources;
pub mod test_hooks;
pub mod text;

pub use error::{Code, Error};
pub use text::Text;
