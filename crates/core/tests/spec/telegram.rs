//! Spec: the Telegram Desktop export reader (result.json). What each message becomes, how replies,
//! media, phones and recipients are found, and how a broken or foreign file is reported.

use std::path::{Path, PathBuf};

use docket_core::model::{AttachmentContent, Item, ItemKind, SourceKind};
use docket_core::sources::{telegram_export, ExportError, ExportOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/telegram").join(name)
}

fn options(zone: chrono_tz::Tz) -> ExportOptions {
    ExportOptions { timezone: zone, date_order: None }
}

fn read_all(location: &Path, zone: chrono_tz::Tz) -> Vec<Item> {
    match telegram_export::open(location, &options(zone)) {
        Ok(export) => export.collect::<Result<Vec<_>, _>>().unwrap_or_else(|e| panic!("item failed: {e}")),
        Err(e) => panic!("open failed: {e}"),
    }
}

fn single_chat() -> Vec<Item> {
    read_all(&fixture("single_chat"), chrono_tz::UTC)
}

fn by_source_id<'a>(items: &'a [Item], source_id: &str) -> &'a Item {
    items.iter().find(|i| i.source_id == source_id).unwrap_or_else(|| panic!("no item {source_id}"))
}

fn open_error(location: &Path) -> ExportError {
    match telegram_export::open(location, &ExportOptions::default()) {
        Ok(_) => panic!("{} opened, but it should be refused", location.display()),
        Err(e) => e,
    }
}

#[test]
fn a_single_chat_export_reads_string_text() {
    let items = single_chat();
    assert_eq!(items.len(), 9);
    let first = by_source_id(&items, "1500:1");
    assert_eq!(first.source, SourceKind::Telegram);
    assert_eq!(first.kind, ItemKind::Message);
    assert_eq!(first.chat, "Project Falcon");
    assert_eq!(first.text, "Good morning, team.");
    assert_eq!(first.sender.display_name, "Alice Smith");
    assert_eq!(first.sender.handle.as_deref(), Some("user101"));
    assert_eq!(
        first.key,
        docket_core::sources::item_key(
            SourceKind::Telegram,
            chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
                .and_then(|d| d.and_hms_opt(10, 11, 12))
                .unwrap_or_default(),
            &["1500", "1"],
        )
    );
    assert_eq!(first.record_digest.len(), 64);
    assert!(first.notes.is_empty(), "{:?}", first.notes);
}

#[test]
fn entity_arrays_become_plain_text_and_text_links_keep_their_target() {
    let items = single_chat();
    assert_eq!(
        by_source_id(&items, "1500:2").text,
        "See the plan at our wiki (https://wiki.example/falcon) and ping @alice or https://status.example"
    );
}

#[test]
fn a_reply_points_at_its_parents_key() {
    let items = single_chat();
    let parent = by_source_id(&items, "1500:1");
    let reply = by_source_id(&items, "1500:2");
    assert_eq!(reply.reply_to.as_deref(), Some(parent.key.as_str()));
    assert_eq!(reply.references, vec![parent.key.clone()]);
}

#[test]
fn a_reply_to_a_message_outside_the_export_is_noted() {
    let items = single_chat();
    let orphan = by_source_id(&items, "1500:8");
    assert_eq!(orphan.reply_to, None);
    assert!(orphan.references.is_empty());
    assert_eq!(orphan.notes, vec!["in reply to message 999, which is not in this export".to_string()]);
}

#[test]
fn forwarded_and_edited_messages_say_so() {
    let items = read_all(&fixture("single_chat"), chrono_tz::Europe::Berlin);
    let forwarded = by_source_id(&items, "1500:3");
    assert_eq!(
        forwarded.notes,
        vec!["forwarded from Carol White".to_string(), "edited at 2024-01-02T10:20:00+01:00".to_string()]
    );
}

#[test]
fn a_service_message_becomes_a_system_item_describing_the_call() {
    let items = single_chat();
    let call = by_source_id(&items, "1500:4");
    assert_eq!(call.kind, ItemKind::System);
    assert_eq!(call.sender.display_name, "Bob Jones");
    assert_eq!(call.sender.handle.as_deref(), Some("user102"));
    assert_eq!(call.notes, vec!["service: phone call, 65 s by Bob Jones".to_string()]);
}

#[test]
fn a_photo_in_the_export_is_attached_from_disk() {
    let items = single_chat();
    let photo = by_source_id(&items, "1500:5");
    assert_eq!(photo.attachments.len(), 1);
    let attachment = &photo.attachments[0];
    assert_eq!(attachment.name, "photo_1@02-01-2024_10-30-00.jpg");
    assert_eq!(attachment.content_type, "image/jpeg");
    let expected = fixture("single_chat/photos/photo_1@02-01-2024_10-30-00.jpg");
    assert_eq!(attachment.content, AttachmentContent::File { path: expected.clone() });
    let bytes = attachment.load().unwrap_or_else(|e| panic!("load failed: {e}"));
    assert_eq!(bytes, std::fs::read(&expected).ok());
    assert!(photo.notes.is_empty(), "{:?}", photo.notes);
}

#[test]
fn a_file_telegram_did_not_include_is_missing_with_a_note() {
    let items = single_chat();
    let message = by_source_id(&items, "1500:6");
    assert_eq!(message.attachments.len(), 1);
    let attachment = &message.attachments[0];
    assert_eq!(attachment.name, "budget.xlsx");
    assert_eq!(attachment.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(matches!(attachment.content, AttachmentContent::Missing { .. }));
    assert_eq!(message.notes.len(), 1);
    assert!(
        message.notes[0].starts_with("file not included in the export: budget.xlsx ("),
        "{:?}",
        message.notes
    );
    assert!(message.notes[0].contains("Change data exporting settings to download."));
}

#[test]
fn a_path_leaving_the_export_folder_is_treated_as_missing() {
    assert!(fixture("outside.txt").is_file(), "the file the export points at does exist");
    let items = single_chat();
    let message = by_source_id(&items, "1500:7");
    assert_eq!(message.attachments.len(), 1);
    assert!(matches!(message.attachments[0].content, AttachmentContent::Missing { .. }));
    assert_eq!(message.attachments[0].load().ok().flatten(), None);
    assert!(message.notes.iter().any(|n| {
        n.starts_with("file not included in the export: outside.txt")
            && n.contains("outside the export folder")
    }));
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_export_folder_is_treated_as_missing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let export = dir.path().join("export");
    std::fs::create_dir_all(export.join("files")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap_or_else(|e| panic!("write: {e}"));
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), export.join("files/link.txt"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let json = r#"{"name":"X","type":"private_group","id":7,"messages":[
        {"id":1,"type":"message","date":"2024-01-02T10:11:12","from":"A","from_id":"user1","file":"files/link.txt","text":""}]}"#;
    std::fs::write(export.join("result.json"), json).unwrap_or_else(|e| panic!("write: {e}"));
    let items = read_all(&export, chrono_tz::UTC);
    assert!(matches!(items[0].attachments[0].content, AttachmentContent::Missing { .. }));
    assert!(items[0].notes[0].contains("outside the export folder"));
}

#[test]
fn date_unixtime_is_preferred_and_the_wall_clock_is_read_in_the_given_zone() {
    let utc = single_chat();
    // `date` says 10:11:12 (the exporting machine's clock); `date_unixtime` says 09:11:12 UTC.
    assert_eq!(by_source_id(&utc, "1500:1").timestamp.to_rfc3339(), "2024-01-02T09:11:12+00:00");
    assert_eq!(by_source_id(&utc, "1500:9").timestamp.to_rfc3339(), "2024-01-02T11:00:00+00:00");

    let berlin = read_all(&fixture("single_chat"), chrono_tz::Europe::Berlin);
    assert_eq!(by_source_id(&berlin, "1500:1").timestamp.to_rfc3339(), "2024-01-02T10:11:12+01:00");
    assert_eq!(by_source_id(&berlin, "1500:9").timestamp.to_rfc3339(), "2024-01-02T11:00:00+01:00");
    // The key is the export's own wall clock, so the zone does not change it.
    assert_eq!(by_source_id(&utc, "1500:9").key, by_source_id(&berlin, "1500:9").key);
}

#[test]
fn keys_are_the_same_across_two_opens() {
    let first: Vec<(String, String)> = single_chat().into_iter().map(|i| (i.key, i.record_digest)).collect();
    let second: Vec<(String, String)> = single_chat().into_iter().map(|i| (i.key, i.record_digest)).collect();
    assert_eq!(first, second);
    let mut unique: Vec<&String> = first.iter().map(|(k, _)| k).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "every message has its own key");
}

#[test]
fn the_folder_or_the_file_can_be_given() {
    let from_folder = single_chat();
    let from_file = read_all(&fixture("single_chat/result.json"), chrono_tz::UTC);
    assert_eq!(from_folder, from_file);
}

#[test]
fn a_full_export_reads_every_chat_including_left_ones() {
    let items = read_all(&fixture("full_export"), chrono_tz::UTC);
    let ids: Vec<&str> = items.iter().map(|i| i.source_id.as_str()).collect();
    assert_eq!(ids, ["102:10", "102:11", "2001:20", "2001:21", "101:30", "3001:1"]);
    let chats: Vec<&str> = items.iter().map(|i| i.chat.as_str()).collect();
    assert_eq!(
        chats,
        ["Bob Jones", "Bob Jones", "Falcon Core", "Falcon Core", "Saved Messages", "Old Project"]
    );
    let reply = by_source_id(&items, "102:11");
    assert_eq!(reply.reply_to.as_deref(), Some(by_source_id(&items, "102:10").key.as_str()));
    let created = by_source_id(&items, "2001:20");
    assert_eq!(created.kind, ItemKind::System);
    assert_eq!(
        created.notes,
        vec!["service: created the group \"Falcon Core\" with Bob Jones, Carol White by Alice Smith"
            .to_string()]
    );
}

#[test]
fn phones_come_from_contacts_and_the_owner() {
    let items = read_all(&fixture("full_export"), chrono_tz::UTC);
    let from_bob = by_source_id(&items, "102:10");
    assert_eq!(from_bob.sender.phone.as_deref(), Some("+44 7700 900102"));
    let from_alice = by_source_id(&items, "102:11");
    assert_eq!(from_alice.sender.phone.as_deref(), Some("+44 7700 900101"));
    // Carol is not a contact, and Dan's contact entry carries no Telegram user id to match.
    assert_eq!(by_source_id(&items, "2001:21").sender.phone, None);
    assert_eq!(by_source_id(&items, "3001:1").sender.phone, None);
}

#[test]
fn recipients_are_the_other_people_in_the_chat() {
    let items = read_all(&fixture("full_export"), chrono_tz::UTC);
    let names = |item: &Item| item.recipients.iter().map(|p| p.display_name.clone()).collect::<Vec<_>>();
    // A personal chat: the counterpart and the owner, whoever writes.
    assert_eq!(names(by_source_id(&items, "102:10")), ["Alice Smith"]);
    let to_bob = by_source_id(&items, "102:11");
    assert_eq!(names(to_bob), ["Bob Jones"]);
    assert_eq!(to_bob.recipients[0].phone.as_deref(), Some("+44 7700 900102"));
    // A group: every other sender or actor, sorted by name.
    assert_eq!(names(by_source_id(&items, "2001:21")), ["Alice Smith"]);
    assert_eq!(names(by_source_id(&items, "2001:20")), ["Carol White"]);
    // A chat the owner left: the owner still received what was sent there.
    assert_eq!(names(by_source_id(&items, "3001:1")), ["Alice Smith"]);

    let single = single_chat();
    assert_eq!(names(by_source_id(&single, "1500:1")), ["Bob Jones", "Carol White"]);
}

#[test]
fn invalid_json_is_a_parse_error_with_its_line() {
    match open_error(&fixture("malformed/not_json.json")) {
        ExportError::Parse { path, line, message } => {
            let message = message.to_string();
            assert_eq!(path, fixture("malformed/not_json.json"));
            assert_eq!(line, 3);
            assert!(message.contains("not valid JSON"), "{message}");
            assert!(message.contains("Machine-readable JSON"), "says what to do: {message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn a_wrong_shape_is_invalid_and_names_the_field() {
    match open_error(&fixture("malformed/wrong_shape.json")) {
        ExportError::Invalid { message, .. } => {
            let message = message.to_string();
            assert!(message.starts_with("line 5, column "), "{message}");
            assert!(message.contains("(in messages)"), "{message}");
            assert!(message.contains("expected a list of messages"), "{message}");
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    match open_error(&fixture("malformed/bad_date.json")) {
        ExportError::Invalid { message, .. } => {
            let message = message.to_string();
            assert!(message.contains("messages > message 2"), "{message}");
            assert!(message.contains("field \"date\" of message id 2 is \"yesterday\""), "{message}");
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    match open_error(&fixture("malformed/bad_text.json")) {
        ExportError::Invalid { message, .. } => {
            let message = message.to_string();
            let expected = "field \"text\": invalid type: integer `42`, expected a string, or a list";
            assert!(message.contains(expected), "{message}")
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    match open_error(&fixture("malformed/not_an_export.json")) {
        ExportError::Invalid { message, .. } => {
            let message = message.to_string();
            assert!(message.contains("neither a \"messages\" list"), "{message}")
        }
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn every_malformed_file_gives_an_error_not_a_panic() {
    for name in [
        "not_json.json",
        "wrong_shape.json",
        "empty.json",
        "truncated.json",
        "bad_date.json",
        "bad_text.json",
        "not_an_export.json",
    ] {
        let error = open_error(&fixture(&format!("malformed/{name}")));
        assert_eq!(error.code(), docket_core::Code::BadExport, "{name}");
        assert!(error.to_string().contains(name), "{name}: the message names the file: {error}");
    }
    assert!(matches!(open_error(&fixture("malformed/empty.json")), ExportError::Parse { line: 1, .. }));
    match open_error(&fixture("malformed/truncated.json")) {
        ExportError::Parse { line, message, .. } => {
            let message = message.to_string();
            assert_eq!(line, 13);
            assert!(message.contains("ends too early"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn a_folder_without_result_json_says_what_to_choose() {
    let error = open_error(&fixture("malformed"));
    assert!(matches!(error, ExportError::Invalid { .. }));
    assert!(error.to_string().contains("has no result.json"), "{error}");
    assert!(matches!(open_error(&fixture("no_such_folder")), ExportError::Read { .. }));
}

#[test]
fn two_hundred_thousand_messages_are_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let count = 200_000;
    let mut json = String::with_capacity(count * 200);
    json.push_str(r#"{"name":"Big","type":"public_supergroup","id":9,"messages":["#);
    for n in 1..=count {
        if n > 1 {
            json.push(',');
        }
        let reply = if n > 1 { format!(r#","reply_to_message_id":{}"#, n - 1) } else { String::new() };
        json.push_str(&format!(
            r#"{{"id":{n},"type":"message","date":"2024-01-02T10:{:02}:{:02}","date_unixtime":"{}","from":"User {}","from_id":"user{}","text":["message ",{{"type":"bold","text":"{n}"}}]{reply}}}"#,
            (n / 60) % 60,
            n % 60,
            1_704_186_000 + n,
            n % 40,
            n % 40
        ));
    }
    json.push_str("]}");
    std::fs::write(dir.path().join("result.json"), json).unwrap_or_else(|e| panic!("write: {e}"));

    let export =
        telegram_export::open(dir.path(), &ExportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut read = 0;
    let mut replies = 0;
    for item in export {
        let item = item.unwrap_or_else(|e| panic!("{e}"));
        read += 1;
        replies += usize::from(item.reply_to.is_some());
        assert_eq!(item.recipients.len(), 39);
    }
    assert_eq!(read, count);
    assert_eq!(replies, count - 1);
}

#[test]
fn older_and_unusual_records_are_still_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    // An older export: numeric from_id, no date_unixtime; a deleted account; an id Telegram repeated.
    let json = r#"{"name":"Legacy","type":"private_group","id":"55","messages":[
        {"id":1,"type":"message","date":"2020-05-01T08:00:00","from":"Old Timer","from_id":77,"text":"hi"},
        {"id":2,"type":"message","date":"2020-05-01T08:01:00","from":null,"from_id":"user78","text":"gone"},
        {"id":2,"type":"message","date":"2020-05-01T08:02:00","from":"Old Timer","from_id":77,"text":"again"}]}"#;
    std::fs::write(dir.path().join("result.json"), json).unwrap_or_else(|e| panic!("write: {e}"));
    let items = read_all(dir.path(), chrono_tz::UTC);
    assert_eq!(items[0].sender.handle.as_deref(), Some("user77"));
    assert_eq!(items[1].sender.display_name, "Deleted Account");
    assert_eq!(items[1].source_id, items[2].source_id);
    assert_ne!(items[1].key, items[2].key, "a repeated id must not overwrite the first message");
}

#[test]
fn a_chat_without_an_id_is_invalid() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let json =
        "{\"chats\":{\"list\":[\n{\"name\":\"Nameless\",\"type\":\"private_group\",\"messages\":[]}\n]}}";
    std::fs::write(dir.path().join("result.json"), json).unwrap_or_else(|e| panic!("write: {e}"));
    match open_error(dir.path()) {
        ExportError::Invalid { message, .. } => {
            let message = message.to_string();
            assert!(message.starts_with("line 2, column "), "{message}");
            assert!(message.contains("(in chats > list > chat 1 \"Nameless\")"), "{message}");
            assert!(message.contains("this chat has no \"id\" field"), "{message}");
        }
        other => panic!("expected invalid, got {other:?}"),
    }
}
