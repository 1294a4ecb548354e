//! The mapping step's preview: the first items of the export, each with the mailboxes the request's mapping
//! (CSV, automatic mapping, owner mailbox) would deliver it to, or the reason it would be held as unmapped.
//! It reads the export exactly as a run does and writes nothing.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{preview, RunPlan};
use crate::error::Error;
use crate::mapping::Resolution;

/// One sample item and where it would go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoutedItem {
    /// When it was sent (RFC 3339 with the export's offset).
    pub sent: String,
    pub chat: String,
    pub sender: String,
    /// The mailboxes it would be delivered to; empty when unmapped.
    pub mailboxes: Vec<String>,
    /// Why it would be held, when it maps to nobody.
    pub unmapped_reason: Option<crate::Text>,
}

/// The first `limit` items of the request's export (at most `preview::MAX_PREVIEW_ITEMS`), routed.
pub fn preview_routing(request: &RunPlan, limit: usize) -> Result<Vec<RoutedItem>, Error> {
    request.validate_source()?;
    let resolver = request.resolver()?;
    let options = request.export_options()?;
    let location =
        std::path::absolute(request.location.trim()).unwrap_or_else(|_| request.location.trim().into());
    let items = preview::open(request.source_kind, Path::new(&location), &options)?;
    let mut out = Vec::new();
    for item in items.take(limit.min(super::MAX_PREVIEW_ITEMS)) {
        let item = item?;
        let (mailboxes, unmapped_reason) = match resolver.resolve(&item) {
            Resolution::Mailboxes(m) => (m, None),
            Resolution::Unmapped { reason } => (Vec::new(), Some(reason)),
        };
        out.push(RoutedItem {
            sent: item.timestamp.to_rfc3339(),
            chat: item.chat.clone(),
            sender: item.sender.display_name.clone(),
            mailboxes,
            unmapped_reason,
        });
    }
    Ok(out)
}
