//! Telegram Desktop export reader (result.json). PLACEHOLDER: being written.

use std::path::Path;

use super::{ExportError, ExportOptions};
use crate::model::Item;

pub struct TelegramExport {
    items: std::vec::IntoIter<Result<Item, ExportError>>,
}

impl Iterator for TelegramExport {
    type Item = Result<Item, ExportError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
    }
}

pub fn open(location: &Path, _options: &ExportOptions) -> Result<TelegramExport, ExportError> {
    Err(ExportError::Invalid { path: location.to_path_buf(), message: "not yet implemented".into() })
}
