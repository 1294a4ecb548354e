//! Spec: the WhatsApp "Export chat" reader. Android and iOS layouts in several locales, multi-line and
//! system lines, media markers, zips and folders, the whole-file day/month order rule, time zones, and
//! malformed exports that must fail with a named file and line rather than panic.

use std::io::Write;
use std::path::{Path, PathBuf};

use docket_core::model::{AttachmentContent, Item, ItemKind};
use docket_core::sources::{whatsapp_export, DateOrder, ExportError, ExportOptions};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatsapp").join(relative)
}

fn read_with(location: &Path, options: &ExportOptions) -> Result<Vec<Item>, ExportError> {
    whatsapp_export::open(location, options)?.collect()
}

fn read_ok(location: &Path, options: &ExportOptions) -> Vec<Item> {
    match read_with(location, options) {
        Ok(items) => items,
        Err(error) => panic!("{} should read: {error}", location.display()),
    }
}

fn read(location: &Path) -> Vec<Item> {
    read_ok(location, &ExportOptions::default())
}

fn order(date_order: DateOrder) -> ExportOptions {
    ExportOptions { date_order: Some(date_order), ..ExportOptions::default() }
}

fn parse_error_line(result: Result<Vec<Item>, ExportError>) -> usize {
    match result {
        Err(ExportError::Parse { line, .. }) => line,
        other => panic!("expected a Parse error, got {other:?}"),
    }
}

fn texts(items: &[Item]) -> Vec<&str> {
    items.iter().map(|item| item.text.as_str()).collect()
}

/// Writes a zip holding `members` (name, bytes) into `folder`.
fn write_zip(folder: &Path, name: &str, members: &[(&str, &[u8])]) -> PathBuf {
    let path = folder.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("create the zip"));
    for (member, bytes) in members {
        zip.start_file(*member, zip::write::SimpleFileOptions::default()).expect("start a zip member");
        zip.write_all(bytes).expect("write a zip member");
    }
    zip.finish().expect("finish the zip");
    path
}

const ANDROID: &str = "android_en_24h/WhatsApp Chat with Project Falcon.txt";

#[test]
fn android_24h_lines_become_messages_with_chat_sender_and_recipients() {
    let items = read(&fixture(ANDROID));
    assert_eq!(items.len(), 11);
    let morning = &items[4];
    assert_eq!(morning.kind, ItemKind::Message);
    assert_eq!(morning.chat, "Project Falcon");
    assert_eq!(morning.source_id, "WhatsApp Chat with Project Falcon.txt:5");
    assert_eq!(morning.sender.display_name, "Alice Smith");
    assert_eq!(morning.sender.phone, None);
    let recipients: Vec<&str> = morning.recipients.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(recipients, ["+44 7700 900123", "Bob Jones"]);
    assert_eq!(morning.timestamp.to_rfc3339(), "2024-01-15T09:02:00+00:00");
    assert!(morning.reply_to.is_none() && morning.references.is_empty());
    assert_eq!(morning.extra_headers, [("X-Docket-Timezone".to_string(), "UTC".to_string())]);
}

#[test]
fn continuation_lines_join_the_message_above_them() {
    let items = read(&fixture(ANDROID));
    assert_eq!(items[4].text, "Good morning all.\nThe kickoff agenda:\n1. budget\n2. timeline");
    let raw =
        "15/01/2024, 09:02 - Alice Smith: Good morning all.\nThe kickoff agenda:\n1. budget\n2. timeline";
    assert_eq!(items[4].record_digest, docket_core::sources::sha256_hex(raw.as_bytes()));
}

#[test]
fn system_lines_are_sent_by_whatsapp_to_everyone() {
    let items = read(&fixture(ANDROID));
    let system: Vec<&Item> = items.iter().filter(|item| item.kind == ItemKind::System).collect();
    assert_eq!(system.len(), 5);
    assert!(system.iter().all(|item| item.sender.display_name == "WhatsApp"));
    assert!(system[0].text.starts_with("Messages and calls are end-to-end encrypted."));
    assert_eq!(system[3].text, "Alice Smith changed the subject from \"Falcon\" to \"Project: Falcon\"");
    assert_eq!(system[4].text, "Bob Jones left");
    let everyone: Vec<&str> = system[0].recipients.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(everyone, ["+44 7700 900123", "Alice Smith", "Bob Jones"]);
}

#[test]
fn a_colon_in_the_text_does_not_move_the_sender() {
    let items = read(&fixture(ANDROID));
    assert_eq!(items[9].sender.display_name, "Alice Smith");
    assert_eq!(items[9].text, "re: budget, see you at 14:00 - thanks");
}

#[test]
fn media_omitted_lines_become_a_note() {
    let items = read(&fixture(ANDROID));
    let omitted = &items[5];
    assert_eq!(omitted.text, "");
    assert!(omitted.attachments.is_empty());
    assert_eq!(
        omitted.notes,
        ["media omitted by the export (WhatsApp wrote \"<Media omitted>\", which does not say what kind)"]
    );
}

#[test]
fn attached_files_in_the_folder_are_attached_and_captions_kept() {
    let items = read(&fixture(ANDROID));
    let photo = &items[6];
    assert_eq!(photo.sender.phone.as_deref(), Some("+44 7700 900123"));
    assert_eq!(photo.text, "Site photo from this morning");
    assert_eq!(photo.attachments.len(), 1);
    assert_eq!(photo.attachments[0].name, "IMG-20240115-WA0003.jpg");
    assert_eq!(photo.attachments[0].content_type, "image/jpeg");
    let expected = fixture("android_en_24h/IMG-20240115-WA0003.jpg");
    assert_eq!(photo.attachments[0].content, AttachmentContent::File { path: expected });
    assert!(photo.notes.is_empty());
}

#[test]
fn attachments_the_export_left_out_are_missing_with_a_note() {
    let items = read(&fixture(ANDROID));
    let video = &items[7];
    assert_eq!(video.text, "");
    assert!(matches!(video.attachments[0].content, AttachmentContent::Missing { .. }));
    assert_eq!(video.attachments[0].content_type, "video/mp4");
    assert_eq!(video.notes, ["file not included in the export: VID-20240115-WA0004.mp4"]);
    assert_eq!(video.attachments[0].load().expect("load the attachment"), None);
}

/// Keys of items already archived must never move: these are the keys this fixture had before the
/// locale and marker work (issue 12), which changed what the items say but not how they are keyed.
#[test]
fn keys_of_existing_fixtures_do_not_move() {
    let keys: Vec<String> = read(&fixture(ANDROID)).into_iter().map(|item| item.key).collect();
    assert_eq!(
        keys,
        [
            "whatsapp-20240115T090000-fa2c6555730b2114d075086c",
            "whatsapp-20240115T090000-b8c84a75f3bf549eaa9ee131",
            "whatsapp-20240115T090100-a292b32331dc69b4fb853f1b",
            "whatsapp-20240115T090100-72ccc390537b99e74f984e96",
            "whatsapp-20240115T090200-b9a05833b07688f6dfd2288a",
            "whatsapp-20240115T090300-eb024fa5540043f0a4ab16ca",
            "whatsapp-20240115T090400-ea43e4d2fd8818911269d173",
            "whatsapp-20240115T090500-a1158e2ba5a4670252fda54a",
            "whatsapp-20240115T090600-94b270f2c45ea5669614cb51",
            "whatsapp-20240115T090600-d6d90738c714aa6aef8488df",
            "whatsapp-20240115T211500-bc774c2ba2cdd30868c6cfe0",
        ]
    );
    let ios: Vec<String> = read(&fixture("ios_en_12h/WhatsApp Chat - Board/_chat.txt"))
        .into_iter()
        .map(|item| item.key)
        .collect();
    assert_eq!(
        ios,
        [
            "whatsapp-20240115T090000-818894fecbba459dfb7f1097",
            "whatsapp-20240115T090005-b70cfcf3dcef51d7e843e99c",
            "whatsapp-20240115T090110-60ccfd6b3008bed8ea47bb1f",
            "whatsapp-20240115T090130-ec381fdae98d94d5f6f643bf",
            "whatsapp-20240115T134500-f47c68008fac5b5d87ff69c7",
            "whatsapp-20240116T000500-8945346c6adad2f88dd7e34b",
        ]
    );
}

#[test]
fn identical_messages_in_one_minute_get_distinct_stable_keys() {
    let first = read(&fixture(ANDROID));
    let second = read(&fixture(ANDROID));
    let keys = |items: &[Item]| items.iter().map(|item| item.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&first), keys(&second));
    assert_ne!(first[9].key, first[10].key);
    let mut unique = keys(&first);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len());
    assert!(first[9].key.starts_with("whatsapp-20240115T090600-"));
}

/// A chat whose clock goes back (an hour lived twice, as at the end of summer time) with the same message
/// sent at the same wall-clock minute before and after: every message keeps its own key (the keyer keeps
/// every count for such a chat, not only the current minute's).
#[test]
fn identical_messages_at_a_repeated_wall_clock_time_still_get_distinct_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write the chat");
        path
    };
    let repeated = write(
        "WhatsApp Chat with Ops.txt",
        "27/10/2024, 01:30 - Ana Ruiz: ok\n27/10/2024, 01:59 - Ana Ruiz: later\n\
         27/10/2024, 01:30 - Ana Ruiz: ok\n27/10/2024, 01:30 - Ana Ruiz: ok\n",
    );
    let items = read_ok(&repeated, &order(DateOrder::Dmy));
    let keys: Vec<&str> = items.iter().map(|item| item.key.as_str()).collect();
    assert_eq!(keys.len(), 4);
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "every message keeps its own key: {keys:?}");
}

#[test]
fn ios_12h_with_narrow_spaces_and_direction_marks() {
    let items = read(&fixture("ios_en_12h/WhatsApp Chat - Board/_chat.txt"));
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|item| item.chat == "Board"));
    assert_eq!(items[0].kind, ItemKind::System);
    assert_eq!(items[1].text, "Dana Lee created group \u{201C}Board\u{201D}");
    assert_eq!(items[2].timestamp.to_rfc3339(), "2024-01-15T09:01:10+00:00");
    assert_eq!(items[2].text, "Agenda attached");
    let phone = &items[4];
    assert_eq!(phone.sender.display_name, "+1 (555) 010-0199");
    assert_eq!(phone.sender.phone.as_deref(), Some("+1 (555) 010-0199"));
    assert_eq!(phone.timestamp.to_rfc3339(), "2024-01-15T13:45:00+00:00");
    assert_eq!(items[5].timestamp.to_rfc3339(), "2024-01-16T00:05:00+00:00");
    assert_eq!(items[5].notes, ["image omitted by the export (WhatsApp wrote \"image omitted\")"]);
    assert_eq!(items[0].source_id, "_chat.txt:1");
}

#[test]
fn ios_attached_marker_becomes_an_attachment_and_leaves_the_text() {
    let items = read(&fixture("ios_en_12h/WhatsApp Chat - Board/_chat.txt"));
    let agenda = &items[3];
    assert_eq!(agenda.kind, ItemKind::Message);
    assert_eq!(agenda.text, "");
    assert_eq!(agenda.attachments[0].name, "00000004-Agenda.pdf");
    assert_eq!(agenda.attachments[0].content_type, "application/pdf");
    assert_eq!(agenda.notes, ["file not included in the export: 00000004-Agenda.pdf"]);
}

#[test]
fn german_dotted_dates_and_translated_markers() {
    let items = read(&fixture("de_dots/WhatsApp Chat mit Anna Schmidt.txt"));
    assert_eq!(items.len(), 4);
    assert!(items.iter().all(|item| item.chat == "Anna Schmidt"));
    assert_eq!(
        items[1].notes,
        ["media omitted by the export (WhatsApp wrote \"<Medien ausgeschlossen>\", which does not say what kind)"]
    );
    assert_eq!(items[2].attachments[0].name, "Bericht.pdf");
    assert_eq!(items[2].text, "Der Bericht für Q1");
    assert_eq!(items[3].timestamp.to_rfc3339(), "2024-01-16T08:30:00+00:00");
}

#[test]
fn finnish_klo_and_dotted_times() {
    let items = read(&fixture("fi_klo/fi_klo.txt"));
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].chat, "fi_klo");
    assert_eq!(items[0].timestamp.to_rfc3339(), "2024-02-01T14:05:00+00:00");
    assert_eq!(items[1].text, "Moi, nähdään klo 15.");
    assert_eq!(items[2].timestamp.to_rfc3339(), "2024-02-13T09:00:00+00:00");
}

#[test]
fn spanish_a_m_and_p_m_with_no_break_spaces() {
    let items = read(&fixture("es_pm/Chat de WhatsApp con Ana.txt"));
    let stamps: Vec<String> = items.iter().map(|item| item.timestamp.to_rfc3339()).collect();
    assert_eq!(
        stamps,
        ["2024-01-15T09:05:00+00:00", "2024-01-15T21:06:00+00:00", "2024-01-15T12:30:00+00:00"]
    );
    assert_eq!(items[0].chat, "Ana");
    assert_eq!(texts(&items), ["Hola", "", "¿Comemos?"]);
    assert_eq!(
        items[1].notes,
        ["media omitted by the export (WhatsApp wrote \"<Multimedia omitido>\", which does not say what kind)"]
    );
}

#[test]
fn a_file_that_never_proves_its_date_order_is_refused() {
    match read_with(&fixture("ambiguous.txt"), &ExportOptions::default()) {
        Err(ExportError::AmbiguousDateOrder { path, sample }) => {
            assert_eq!(path, fixture("ambiguous.txt"));
            assert_eq!(sample, "01/02/2024");
        }
        other => panic!("expected AmbiguousDateOrder, got {other:?}"),
    }
}

#[test]
fn the_given_date_order_settles_an_ambiguous_file() {
    let dmy = read_ok(&fixture("ambiguous.txt"), &order(DateOrder::Dmy));
    assert_eq!(dmy[0].timestamp.to_rfc3339(), "2024-02-01T10:00:00+00:00");
    let mdy = read_ok(&fixture("ambiguous.txt"), &order(DateOrder::Mdy));
    assert_eq!(mdy[0].timestamp.to_rfc3339(), "2024-01-02T10:00:00+00:00");
    assert_eq!(dmy[0].key[..25], mdy[0].key[..25].replace("20240102", "20240201"));
}

#[test]
fn conflicting_date_orders_in_one_file_name_the_line() {
    let result = read_with(&fixture("contradictory.txt"), &ExportOptions::default());
    let message = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert_eq!(parse_error_line(result), 3);
    assert!(message.contains("contradictory.txt, line 3"), "{message}");
}

#[test]
fn a_given_date_order_the_file_contradicts_names_the_line() {
    let result = read_with(&fixture(ANDROID), &order(DateOrder::Mdy));
    let message = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
    assert_eq!(parse_error_line(result), 1);
    assert!(message.contains("--date-order mdy") && message.contains("dmy"), "{message}");
}

#[test]
fn wall_clock_times_take_the_given_time_zone_offset() {
    let options = ExportOptions { timezone: chrono_tz::Europe::Berlin, date_order: Some(DateOrder::Dmy) };
    let winter = read_ok(&fixture(ANDROID), &options);
    assert_eq!(winter[4].timestamp.to_rfc3339(), "2024-01-15T09:02:00+01:00");
    let folder = tempfile::tempdir().expect("a temp folder");
    let summer = folder.path().join("WhatsApp Chat with Alice.txt");
    std::fs::write(&summer, "15/07/2024, 09:02 - Alice: hi\n").expect("write a test file");
    let items = read_ok(&summer, &options);
    assert_eq!(items[0].timestamp.to_rfc3339(), "2024-07-15T09:02:00+02:00");
    let utc = read(&summer);
    assert_eq!(items[0].key, utc[0].key, "the key follows the wall clock, not the zone");
}

#[test]
fn attached_files_in_a_zip_are_zip_entries() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let chat =
        "\u{200E}[15/01/2024, 10:02:00] Alice: \u{200E}<attached: 00000003-PHOTO-2024-01-15-10-02-00.jpg>\n\
                [15/01/2024, 10:03:00] Bob: \u{200E}<attached: 00000004-gone.pdf>\n";
    let photo: &[u8] = b"photo bytes";
    let zip = write_zip(
        folder.path(),
        "WhatsApp Chat - Project Falcon.zip",
        &[("_chat.txt", chat.as_bytes()), ("00000003-PHOTO-2024-01-15-10-02-00.jpg", photo)],
    );
    let items = read(&zip);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].chat, "Project Falcon");
    assert_eq!(items[0].source_id, "WhatsApp Chat - Project Falcon.zip/_chat.txt:1");
    let attachment = &items[0].attachments[0];
    assert_eq!(
        attachment.content,
        AttachmentContent::ZipEntry {
            archive: zip.clone(),
            entry: "00000003-PHOTO-2024-01-15-10-02-00.jpg".into()
        }
    );
    assert_eq!(attachment.load().expect("load the attachment").as_deref(), Some(photo));
    assert!(matches!(items[1].attachments[0].content, AttachmentContent::Missing { .. }));
    assert_eq!(items[1].notes, ["file not included in the export: 00000004-gone.pdf"]);
}

#[test]
fn a_folder_of_exports_is_read_in_sorted_order() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let android = "15/01/2024, 10:00 - Bob: from the zip\n";
    write_zip(
        folder.path(),
        "WhatsApp Chat with Bob.zip",
        &[("WhatsApp Chat with Bob.txt", android.as_bytes())],
    );
    std::fs::write(folder.path().join("WhatsApp Chat with Alice.txt"), "15/01/2024, 09:00 - Alice: plain\n")
        .expect("write a test file");
    std::fs::write(folder.path().join("notes.pdf"), b"not a chat").expect("write a test file");
    let items = read(folder.path());
    let chats: Vec<&str> = items.iter().map(|item| item.chat.as_str()).collect();
    assert_eq!(chats, ["Alice", "Bob"]);
    assert_eq!(items[1].source_id, "WhatsApp Chat with Bob.zip/WhatsApp Chat with Bob.txt:1");
}

#[test]
fn a_zip_without_a_chat_text_is_invalid() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let zip = write_zip(folder.path(), "photos.zip", &[("IMG-1.jpg", b"jpeg")]);
    match read_with(&zip, &ExportOptions::default()) {
        Err(ExportError::Invalid { path, .. }) => assert_eq!(path, zip),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn malformed_exports_fail_with_errors_not_panics() {
    let folder = fixture("malformed");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("list the malformed fixtures")
        .map(|entry| entry.expect("a folder entry").path())
        .collect();
    names.sort();
    assert!(names.len() >= 7);
    for path in names {
        let result = read_with(&path, &ExportOptions::default());
        assert!(result.is_err(), "{} should fail", path.display());
    }
}

#[test]
fn each_malformed_export_says_what_and_where() {
    let no_lines = "no WhatsApp message lines found; check that this is a chat exported with WhatsApp's \
                    'Export chat'";
    for name in ["empty.txt", "not_whatsapp.txt"] {
        match read_with(&fixture(&format!("malformed/{name}")), &ExportOptions::default()) {
            Err(ExportError::Invalid { message, .. }) => assert_eq!(message.message, no_lines),
            other => panic!("{name}: expected Invalid, got {other:?}"),
        }
    }
    let line = |name: &str| parse_error_line(read_with(&fixture(name), &ExportOptions::default()));
    assert_eq!(line("malformed/bad_date.txt"), 2);
    assert_eq!(line("malformed/bad_time.txt"), 2);
    assert_eq!(line("malformed/continuation_first.txt"), 1);
    assert_eq!(line("malformed/not_utf8.txt"), 2);
    let corrupt = read_with(&fixture("malformed/corrupt.zip"), &ExportOptions::default());
    assert!(matches!(corrupt, Err(ExportError::Invalid { .. })), "{corrupt:?}");
    let missing = read_with(&fixture("malformed/absent.txt"), &ExportOptions::default());
    assert!(matches!(missing, Err(ExportError::Read { .. })), "{missing:?}");
}

#[test]
fn a_large_export_streams_every_message() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let path = folder.path().join("WhatsApp Chat with Load.txt");
    let mut text = String::new();
    for n in 0..20_000u32 {
        text.push_str(&format!(
            "15/01/2024, {:02}:{:02} - Sender {}: message {n}\n",
            n / 60 % 24,
            n % 60,
            n % 7
        ));
    }
    std::fs::write(&path, text).expect("write a test file");
    let mut export = whatsapp_export::open(&path, &ExportOptions::default()).expect("the export opens");
    let first = export.next().expect("a first item").expect("it reads");
    assert_eq!(first.recipients.len(), 6);
    assert_eq!(export.count(), 19_999);
}
