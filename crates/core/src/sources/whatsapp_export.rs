//! WhatsApp "Export chat" reader (.txt, .zip with media, or a folder of them). PLACEHOLDER: being written.

use std::path::Path;

use super::{ExportError, ExportOptions};
use crate::model::Item;

pub struct WhatsAppExport {
    items: std::vec::IntoIter<Result<Item, ExportError>>,
}

impl Iterator for WhatsAppExport {
    type Item = Result<Item, ExportError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
    }
}

pub fn open(location: &Path, _options: &ExportOptions) -> Result<WhatsAppExport, ExportError> {
    Err(ExportError::Invalid { path: location.to_path_buf(), message: "not yet implemented".into() })
}
