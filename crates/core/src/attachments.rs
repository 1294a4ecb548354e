//! Reading an item's attachments from wherever its source left them (a file in the export, a zip member,
//! bytes in hand), through the 10 MB item limit, before conversion: `convert` itself does no I/O. Missing
//! files are left out (the item's notes already say so); an attachment over the limit, alone or together
//! with the others, is `ConvertError::Oversize` and the item is held, never dropped.

use crate::convert::{self, attachment_file_name, header_text, ConvertError, Rendered};
use crate::model::{AttachmentContent, AttachmentTooLarge, Item, MAX_MESSAGE_BYTES};

/// One attachment's bytes, with the name and type its source gave (`convert` makes them header-safe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentBytes {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Loads the attachments, then renders the item: what every caller that starts from an `Item` does.
pub fn load_and_render(item: &Item) -> Result<Rendered, ConvertError> {
    let attachments = load(item)?;
    convert::render(item, attachments)
}

/// Reads every attachment the source included, in order. Fails on an attachment over the 10 MB limit, before
/// reading it when its size is known, and when the attachments together are over it.
pub fn load(item: &Item) -> Result<Vec<AttachmentBytes>, ConvertError> {
    let oversize_attachment = |name: &str, size: u64| ConvertError::Oversize {
        what: crate::text!(
            "convert.what_attachment",
            "the attachment {name} of item {item}",
            name = attachment_file_name(name),
            item = header_text(&item.key)
        ),
        size,
    };
    for attachment in &item.attachments {
        if let Some(size) = attachment.known_size().filter(|&size| size > MAX_MESSAGE_BYTES as u64) {
            return Err(oversize_attachment(&attachment.name, size));
        }
        // Media a source left at its URL because it would not fit in the message (X video).
        if let AttachmentContent::Remote { size: Some(size), .. } = &attachment.content {
            return Err(oversize_attachment(&attachment.name, *size));
        }
    }
    let mut loaded = Vec::with_capacity(item.attachments.len());
    let mut total: u64 = 0;
    for attachment in &item.attachments {
        let bytes = attachment.load().map_err(|source| {
            match source.get_ref().and_then(|inner| inner.downcast_ref::<AttachmentTooLarge>()) {
                Some(too_large) => oversize_attachment(&attachment.name, too_large.size),
                None => ConvertError::Attachment {
                    name: attachment_file_name(&attachment.name).into_owned(),
                    source,
                },
            }
        })?;
        let Some(bytes) = bytes else { continue };
        let size = bytes.len() as u64;
        if size > MAX_MESSAGE_BYTES as u64 {
            return Err(oversize_attachment(&attachment.name, size));
        }
        total = total.saturating_add(size);
        if total > MAX_MESSAGE_BYTES as u64 {
            return Err(ConvertError::Oversize {
                what: crate::text!(
                    "convert.what_attachments",
                    "the attachments of item {item} together",
                    item = header_text(&item.key)
                ),
                size: total,
            });
        }
        loaded.push(AttachmentBytes {
            name: attachment.name.clone(),
            content_type: attachment.content_type.clone(),
            bytes,
        });
    }
    Ok(loaded)
}
