//! Replays items the ledger kept because they were not imported (unmapped, or failed), so a run after the
//! mapping changed can import them even when their source cannot give them again.

use crate::model::{Item, SourceKind};
use crate::sources::{ExportError, Source};

/// Yields kept items in the order given.
pub struct ReplaySource {
    kind: SourceKind,
    items: std::vec::IntoIter<Item>,
}

impl ReplaySource {
    pub fn new(kind: SourceKind, items: Vec<Item>) -> ReplaySource {
        ReplaySource { kind, items: items.into_iter() }
    }
}

#[async_trait::async_trait]
impl Source for ReplaySource {
    fn kind(&self) -> SourceKind {
        self.kind
    }

    async fn next_item(&mut self) -> Result<Option<Item>, ExportError> {
        Ok(self.items.next())
    }
}
