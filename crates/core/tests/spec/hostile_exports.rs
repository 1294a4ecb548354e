//! Spec: hostile exports are contained. A media name that is a symlink out of the export folder is never
//! read (so never mailed), a symlinked chat text out of the chosen folder is not taken as a chat, and a
//! zip member that inflates past the 10 MB item limit is held as oversize after reading at most one byte
//! past the limit, whatever its entry declares.

use std::io::Write;
use std::path::Path;

use docket_core::attachments::load_and_render as render;
use docket_core::convert::ConvertError;
use docket_core::model::{AttachmentContent, Item, MAX_MESSAGE_BYTES};
use docket_core::sources::{whatsapp_export, ExportOptions};

const SECRET: &[u8] = b"-----BEGIN OPENSSH PRIVATE KEY----- canary-7f3a9c";

fn read(location: &Path) -> Vec<Item> {
    let items: Result<Vec<Item>, _> =
        whatsapp_export::open(location, &ExportOptions::default()).and_then(|items| items.collect());
    items.unwrap_or_else(|error| panic!("{} should read: {error}", location.display()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(unix)]
#[test]
fn a_media_symlink_out_of_a_whatsapp_folder_is_never_read_or_mailed() -> std::io::Result<()> {
    let home = tempfile::tempdir()?;
    let secret = home.path().join("id_ed25519");
    std::fs::write(&secret, SECRET)?;
    let export = tempfile::tempdir()?;
    std::fs::write(
        export.path().join("_chat.txt"),
        "[15/01/2024, 10:02:00] Alice: \u{200E}<attached: 00000003-PHOTO-2024-01-15-10-02-00.jpg>\n\
         [15/01/2024, 10:03:00] Bob: \u{200E}<attached: 00000004-PHOTO-2024-01-15-10-03-00.jpg>\n",
    )?;
    std::os::unix::fs::symlink(&secret, export.path().join("00000003-PHOTO-2024-01-15-10-02-00.jpg"))?;
    std::fs::write(export.path().join("real.jpg"), b"jpeg bytes")?;
    std::os::unix::fs::symlink(
        export.path().join("real.jpg"),
        export.path().join("00000004-PHOTO-2024-01-15-10-03-00.jpg"),
    )?;

    let items = read(export.path());
    assert_eq!(items.len(), 2);
    let refused = &items[0].attachments[0];
    assert!(matches!(refused.content, AttachmentContent::Missing { .. }), "{:?}", refused.content);
    assert_eq!(refused.load()?, None);
    assert!(
        items[0].notes[0].contains("links to a file outside the export folder"),
        "the message says why: {:?}",
        items[0].notes
    );
    let rendered = render(&items[0]).map_err(std::io::Error::other)?;
    assert!(!contains(&rendered.bytes, SECRET), "the secret must not be in the message");
    assert!(!contains(&rendered.bytes, b"canary-7f3a9c"));

    // A link that stays inside the export is an ordinary attachment.
    assert_eq!(items[1].attachments[0].load()?.as_deref(), Some(&b"jpeg bytes"[..]));
    Ok(())
}

#[cfg(unix)]
#[test]
fn a_symlinked_chat_text_out_of_the_chosen_folder_is_not_a_chat() -> std::io::Result<()> {
    let elsewhere = tempfile::tempdir()?;
    let outside_chat = elsewhere.path().join("WhatsApp Chat with Mallory.txt");
    std::fs::write(&outside_chat, "15/01/2024, 09:00 - Mallory: not part of this export\n")?;
    let export = tempfile::tempdir()?;
    std::fs::write(export.path().join("WhatsApp Chat with Alice.txt"), "15/01/2024, 09:00 - Alice: hello\n")?;
    std::os::unix::fs::symlink(&outside_chat, export.path().join("WhatsApp Chat with Mallory.txt"))?;
    std::os::unix::fs::symlink(elsewhere.path(), export.path().join("linked folder"))?;

    let items = read(export.path());
    assert_eq!(items.iter().map(|item| item.chat.as_str()).collect::<Vec<_>>(), ["Alice"]);
    Ok(())
}

#[test]
fn a_zip_bomb_member_is_held_as_oversize_after_reading_at_most_the_limit() -> std::io::Result<()> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("WhatsApp Chat - Bomb.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("_chat.txt", options)?;
    zip.write_all("[15/01/2024, 10:02:00] Alice: \u{200E}<attached: 00000003-bomb.bin>\n".as_bytes())?;
    zip.start_file("00000003-bomb.bin", options.large_file(true))?;
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        zip.write_all(&zeros)?;
    }
    zip.finish()?;
    assert!(std::fs::metadata(&path)?.len() < 1 << 20, "64 MB of zeros deflate to under 1 MB");

    let items = read(&path);
    let bomb = &items[0].attachments[0];
    let error = bomb.load().expect_err("the member is over the limit");
    assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
    match render(&items[0]) {
        Err(error @ ConvertError::Oversize { size, .. }) => {
            assert!(size > MAX_MESSAGE_BYTES as u64, "{size}");
            assert!(error.to_string().contains("00000003-bomb.bin"), "{error}");
        }
        other => panic!("expected oversize, got {other:?}"),
    }
    Ok(())
}
