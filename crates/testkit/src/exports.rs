//! Generators for WhatsApp exports: deterministic, realistic (Android layout, several participants with
//! phone numbers, multi-line messages, a system line, media) and as large as a test needs.

use std::io::Write;
use std::path::{Path, PathBuf};

/// One generated chat.
#[derive(Debug, Clone)]
pub struct WhatsAppChat {
    pub name: String,
    /// Messages in the export, system line included.
    pub messages: usize,
    /// (display name, phone) of each sender.
    pub participants: Vec<(String, String)>,
}

/// The default cast: the owner and three colleagues, all written as phone numbers as WhatsApp does for
/// numbers not in the address book, plus one saved contact.
pub fn default_participants() -> Vec<(String, String)> {
    vec![
        ("+44 7700 900123".into(), "+447700900123".into()),
        ("+44 7700 900456".into(), "+447700900456".into()),
        ("+1 202 555 0143".into(), "+12025550143".into()),
        ("Dana Client".into(), String::new()),
    ]
}

/// Android-layout text of `count` messages (plus one system line first), dated day-first and unambiguous
/// (days past the 12th appear), starting 13/01/2024 09:00 and one minute apart.
pub fn android_text(count: usize, with_media: Option<&str>) -> String {
    let people = default_participants();
    let mut out = String::with_capacity(count * 80);
    out.push_str("13/01/2024, 08:59 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n");
    // One message a minute from 13 January 2024, 09:00, on through the calendar as a real chat does.
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 13)
        .and_then(|day| day.and_hms_opt(9, 0, 0))
        .expect("a real start time");
    for i in 0..count {
        let at = start + chrono::Duration::minutes(i as i64);
        let (name, _) = &people[i % people.len()];
        let body = match i % 7 {
            0 => format!("Quarterly numbers for desk {i} are attached in the shared drive"),
            3 => format!("Call me about the client order #{i}\nsecond line of the message\nthird line"),
            5 => "Agreed 👍".to_string(),
            _ => format!("Message {i}: confirming the trade settlement for account {}", 1000 + i),
        };
        out.push_str(&format!("{} - {name}: {body}\n", at.format("%d/%m/%Y, %H:%M")));
    }
    if let Some(media) = with_media {
        out.push_str(&format!("28/01/2024, 23:59 - +44 7700 900123: {media} (file attached)\nsigned copy\n"));
        out.push_str("28/01/2024, 23:59 - +44 7700 900456: <Media omitted>\n");
    }
    out
}

/// Writes `WhatsApp Chat - NAME.zip` holding `WhatsApp Chat with NAME.txt` and, when `media` is set, a small
/// PDF it refers to. Returns the zip's path and the number of items it holds.
pub fn write_android_zip(
    dir: &Path,
    name: &str,
    count: usize,
    media: bool,
) -> std::io::Result<(PathBuf, usize)> {
    let media_name = "DOC-20240128-WA0001.pdf";
    let text = android_text(count, media.then_some(media_name));
    let path = dir.join(format!("WhatsApp Chat - {name}.zip"));
    let file = std::fs::File::create(&path)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    zip.start_file(format!("WhatsApp Chat with {name}.txt"), options).map_err(std::io::Error::other)?;
    zip.write_all(text.as_bytes())?;
    if media {
        zip.start_file(media_name, options).map_err(std::io::Error::other)?;
        zip.write_all(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    // system line + messages + (attachment message + media omitted message)
    Ok((path, 1 + count + if media { 2 } else { 0 }))
}
