//! Spec: the WhatsApp reader's locales and markers (issue 12). AM/PM written before the time (Korean,
//! Chinese, Japanese) and Finnish `ap.`/`ip.`; two-digit years decided by the whole file within
//! WhatsApp's years; deletion, edit, "view once" and media markers in the most used WhatsApp languages
//! becoming `X-Docket-Flags` and notes without touching senders, participants or keys; the time zone on
//! every item and the daylight saving choices flagged.

use std::path::{Path, PathBuf};

use docket_core::model::{Item, ItemKind};
use docket_core::sources::{whatsapp_export, DateOrder, ExportError, ExportOptions};

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatsapp").join(relative)
}

fn read_in(relative: &str, zone: chrono_tz::Tz) -> Vec<Item> {
    let options = ExportOptions { timezone: zone, date_order: None };
    read_with(relative, &options).unwrap_or_else(|error| panic!("{relative} should read: {error}"))
}

fn read_with(relative: &str, options: &ExportOptions) -> Result<Vec<Item>, ExportError> {
    whatsapp_export::open(&fixture(relative), options)?.collect()
}

/// The item's time as a UTC instant, `2024-01-02T06:04:00Z`.
fn utc(item: &Item) -> String {
    item.timestamp.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn header<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.extra_headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

fn flags(item: &Item) -> Option<&str> {
    header(item, "X-Docket-Flags")
}

fn recipients(item: &Item) -> Vec<&str> {
    item.recipients.iter().map(|p| p.display_name.as_str()).collect()
}

#[test]
fn korean_android_with_two_digit_years_first_and_pm_before_the_time() {
    let items = read_in("ko_android/ko_android.txt", chrono_tz::Asia::Seoul);
    assert_eq!(items.len(), 6);
    assert_eq!(items[0].kind, ItemKind::System);
    assert_eq!(utc(&items[0]), "2024-01-02T00:15:00Z");
    assert_eq!(items[1].sender.display_name, "김민수");
    assert_eq!(items[1].timestamp.to_rfc3339(), "2024-01-02T15:04:00+09:00");
    assert_eq!(utc(&items[1]), "2024-01-02T06:04:00Z");
    assert_eq!(items[3].timestamp.to_rfc3339(), "2024-01-30T12:30:00+09:00");
    assert_eq!(items[4].timestamp.to_rfc3339(), "2024-01-31T00:05:00+09:00");
    assert_eq!(header(&items[1], "X-Docket-Timezone"), Some("Asia/Seoul"));
    assert_eq!(
        items[2].notes,
        ["media omitted by the export (WhatsApp wrote \"<미디어 파일을 생략한 대화내용>\", which does not say what kind)"]
    );
    assert_eq!((flags(&items[3]), items[3].sender.display_name.as_str()), (Some("deleted"), "김민수"));
    assert_eq!((flags(&items[4]), items[4].sender.display_name.as_str()), (Some("deleted"), "이지은"));
    assert_eq!(items[5].attachments[0].name, "IMG-20240131-WA0001.jpg");
    assert_eq!(recipients(&items[1]), ["이지은"]);
}

#[test]
fn korean_ios_with_four_digit_years_and_seconds() {
    let items = read_in("ko_ios/_chat.txt", chrono_tz::Asia::Seoul);
    assert_eq!(items.len(), 4);
    assert_eq!((items[0].chat.as_str(), items[0].sender.display_name.as_str()), ("ko_ios", "김민수"));
    assert_eq!(utc(&items[0]), "2024-01-02T06:04:05Z");
    assert_eq!(items[1].notes, ["image omitted by the export (WhatsApp wrote \"이미지 생략됨\")"]);
    assert_eq!(items[2].attachments[0].name, "00000007-PHOTO-2024-01-02-15-06-00.jpg");
    assert_eq!((items[3].kind, flags(&items[3])), (ItemKind::Message, Some("deleted")));
}

#[test]
fn chinese_android_with_am_and_pm_before_the_time() {
    let items = read_in("zh_android/zh_android.txt", chrono_tz::Asia::Shanghai);
    assert_eq!(items.len(), 4);
    assert_eq!(
        (utc(&items[0]), items[0].sender.display_name.as_str()),
        ("2024-01-02T01:15:00Z".into(), "王伟")
    );
    assert_eq!(
        (utc(&items[1]), items[1].sender.display_name.as_str()),
        ("2024-01-02T07:04:00Z".into(), "李娜")
    );
    assert_eq!(items[2].timestamp.to_rfc3339(), "2024-01-03T12:30:00+08:00");
    assert_eq!(flags(&items[2]), Some("deleted"));
    assert_eq!(items[3].attachments[0].name, "IMG-20240103-WA0002.jpg");
}

#[test]
fn japanese_ios_with_gozen_gogo_and_hours_from_zero() {
    let items = read_in("ja_ios/_chat.txt", chrono_tz::Asia::Tokyo);
    let stamps: Vec<String> = items.iter().map(utc).collect();
    assert_eq!(
        stamps,
        ["2024-01-01T15:30:00Z", "2024-01-02T03:15:00Z", "2024-01-02T06:04:05Z", "2024-01-02T06:05:00Z"]
    );
    assert_eq!(items[1].sender.display_name, "鈴木");
    assert_eq!(items[2].notes, ["image omitted by the export (WhatsApp wrote \"画像は含まれていません\")"]);
    assert_eq!((flags(&items[3]), items[3].sender.display_name.as_str()), (Some("deleted"), "佐藤"));
}

#[test]
fn finnish_ap_and_ip_after_dotted_times() {
    let items = read_in("fi_ap_ip/fi_ap_ip.txt", chrono_tz::Europe::Helsinki);
    let stamps: Vec<String> = items.iter().map(|item| item.timestamp.to_rfc3339()).collect();
    assert_eq!(
        stamps,
        [
            "2024-01-02T09:15:00+02:00",
            "2024-01-02T12:30:00+02:00",
            "2024-01-02T15:04:00+02:00",
            "2024-01-13T00:05:00+02:00"
        ]
    );
    assert_eq!(utc(&items[2]), "2024-01-02T13:04:00Z");
    assert_eq!((items[2].sender.display_name.as_str(), items[2].text.as_str()), ("Liisa", "Moi"));
}

#[test]
fn a_two_digit_year_first_that_the_file_never_settles_is_refused() {
    match read_with("years_ko_ambiguous.txt", &ExportOptions::default()) {
        Err(ExportError::AmbiguousDateOrder { sample, .. }) => assert_eq!(sample, "24. 01. 15"),
        other => panic!("expected AmbiguousDateOrder, got {other:?}"),
    }
    let options = ExportOptions { date_order: Some(DateOrder::Ymd), ..ExportOptions::default() };
    let items = read_with("years_ko_ambiguous.txt", &options).expect("the given order settles it");
    assert_eq!(utc(&items[0]), "2024-01-15T15:04:00Z");
    let day_first = ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() };
    let items = read_with("years_ko_ambiguous.txt", &day_first).expect("the given order settles it");
    assert_eq!(utc(&items[0]), "2015-01-24T15:04:00Z");
}

#[test]
fn a_date_before_whatsapp_existed_settles_the_year_for_the_whole_file() {
    // `24. 02. 03.` read day-first would be 2003, before WhatsApp: so the file is year-first.
    let items = read_in("years_ko_decided.txt", chrono_tz::UTC);
    assert_eq!(utc(&items[0]), "2024-01-15T15:04:00Z");
    assert_eq!(utc(&items[1]), "2024-02-03T09:00:00Z");
}

#[test]
fn a_date_outside_whatsapps_years_is_an_error_naming_its_line() {
    let result = read_with("years_outside.txt", &ExportOptions::default());
    match &result {
        Err(ExportError::Parse { line, message, .. }) => {
            let message = message.to_string();
            assert_eq!(*line, 2);
            assert!(message.contains("15/01/05") && message.contains("2009"), "{message}");
        }
        other => panic!("expected a Parse error, got {other:?}"),
    }
    let given = ExportOptions { date_order: Some(DateOrder::Dmy), ..ExportOptions::default() };
    assert!(matches!(read_with("years_outside.txt", &given), Err(ExportError::Parse { line: 2, .. })));
}

/// The markers files, one per language: Android (`markers_LANG.txt`: generic media omitted, a file
/// attached, a deletion by the sender and by the exporter, and where sourced an edit) and iOS
/// (`markers_LANG_ios.txt`: an image left out, an attachment, two deletions).
const LANGUAGES: [(&str, bool); 16] = [
    ("en", true),
    ("es", true),
    ("pt_br", true),
    ("pt_pt", true),
    ("hi", false),
    ("id", true),
    ("ru", true),
    ("de", true),
    ("fr", true),
    ("it", true),
    ("tr", true),
    ("ar", true),
    ("nl", true),
    ("ur", false),
    ("fa", false),
    ("ms", false),
];

/// The fixture's line `number` after `Name: `, as the notes quote it.
fn marker_as_written(relative: &str, number: usize) -> String {
    let text = std::fs::read_to_string(fixture(relative)).expect("read the fixture");
    let line = text.lines().nth(number - 1).expect("the line").trim_end();
    let after = line.split_once(": ").expect("a sender").1;
    after.trim_start_matches('\u{200E}').to_string()
}

#[test]
fn android_markers_in_every_language_become_flags_and_notes() {
    for (language, has_edit) in LANGUAGES {
        let name = format!("markers_{language}.txt");
        let items = read_in(&name, chrono_tz::Europe::Paris);
        assert_eq!(items.len(), if has_edit { 6 } else { 5 }, "{name}");
        assert!(items.iter().all(|item| item.kind == ItemKind::Message), "{name}");
        assert_eq!(utc(&items[0]), "2024-01-15T09:00:00Z", "{name}");
        assert_eq!(recipients(&items[0]), ["Bruno"], "{name}: marker text never becomes a participant");
        let generic = marker_as_written(&name, 2);
        assert_eq!(
            items[1].notes,
            [format!(
                "media omitted by the export (WhatsApp wrote \"{generic}\", which does not say what kind)"
            )],
            "{name}"
        );
        assert_eq!((items[1].text.as_str(), flags(&items[1])), ("", None), "{name}");
        assert_eq!(items[2].attachments[0].name, "IMG-20240115-WA0001.jpg", "{name}");
        assert_eq!(items[2].text, "", "{name}");
        let deleted = &items[3];
        assert_eq!(
            (deleted.sender.display_name.as_str(), flags(deleted)),
            ("Ana", Some("deleted")),
            "{name}"
        );
        assert_eq!(deleted.text, "", "{name}");
        let written = marker_as_written(&name, 4);
        assert_eq!(
            deleted.notes,
            [format!(
                "deleted: its sender deleted this message before the export (WhatsApp wrote \"{written}\")"
            )],
            "{name}"
        );
        let mine = &items[4];
        assert_eq!((mine.sender.display_name.as_str(), flags(mine)), ("Bruno", Some("deleted")), "{name}");
        assert!(
            mine.notes[0].starts_with("deleted: the person who exported this chat"),
            "{name}: {:?}",
            mine.notes
        );
        if has_edit {
            let edited = &items[5];
            assert_eq!((edited.text.as_str(), flags(edited)), ("ok", Some("edited")), "{name}");
            assert!(edited.notes[0].starts_with("edited: the sender edited this message"), "{name}");
        }
        assert!(items.iter().all(|item| header(item, "X-Docket-Timezone") == Some("Europe/Paris")), "{name}");
    }
}

#[test]
fn ios_markers_in_every_language_become_flags_and_notes() {
    for (language, _) in LANGUAGES {
        let name = format!("markers_{language}_ios.txt");
        let items = read_in(&name, chrono_tz::UTC);
        assert_eq!(items.len(), 5, "{name}");
        assert!(items.iter().all(|item| item.kind == ItemKind::Message), "{name}");
        assert_eq!(recipients(&items[4]), ["Ana"], "{name}");
        let image = marker_as_written(&name, 2);
        assert_eq!(
            items[1].notes,
            [format!("image omitted by the export (WhatsApp wrote \"{image}\")")],
            "{name}"
        );
        assert_eq!(items[1].text, "", "{name}");
        assert_eq!(items[2].attachments[0].name, "00000003-PHOTO-2024-01-15-10-02-00.jpg", "{name}");
        assert_eq!(items[2].text, "", "{name}");
        for (index, sender) in [(3, "Ana"), (4, "Bruno")] {
            let item = &items[index];
            assert_eq!((item.sender.display_name.as_str(), flags(item)), (sender, Some("deleted")), "{name}");
            assert!(item.notes[0].starts_with("deleted: "), "{name}: {:?}", item.notes);
        }
    }
}

#[test]
fn you_deleted_this_message_keeps_the_exporter_as_sender() {
    let items = read_in("markers_en.txt", chrono_tz::UTC);
    let mine = &items[4];
    assert_eq!(mine.sender.display_name, "Bruno");
    assert_eq!(
        mine.notes,
        ["deleted: the person who exported this chat deleted this message (WhatsApp wrote \"You deleted this message\")"]
    );
    assert!(recipients(mine).iter().all(|name| !name.contains("You")));
}

#[test]
fn markers_leave_keys_computed_from_the_text_as_written() {
    let items = read_in("markers_en.txt", chrono_tz::UTC);
    let edited = &items[5];
    let written = "ok <This message was edited>";
    let mut keyer = docket_core::sources::ExportKeyer::time_ordered();
    let wall = chrono::NaiveDate::from_ymd_opt(2024, 1, 15)
        .and_then(|day| day.and_hms_opt(10, 5, 0))
        .expect("a test time");
    let expected = keyer.key(docket_core::model::SourceKind::WhatsApp, "markers_en", wall, "Ana", written);
    assert_eq!(edited.key, expected);
}

#[test]
fn media_kinds_and_view_once_placeholders_say_what_was_left_out() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let path = folder.path().join("WhatsApp Chat with Ops.txt");
    let chat = "15/01/2024, 10:00 - Ana: <View once voice message omitted>\n\
                15/01/2024, 10:01 - Ana: <video note omitted>\n";
    std::fs::write(&path, chat).expect("write the chat");
    let items: Vec<Item> = whatsapp_export::open(&path, &ExportOptions::default())
        .expect("opens")
        .collect::<Result<_, _>>()
        .expect("reads");
    assert_eq!(flags(&items[0]), Some("view-once"));
    assert_eq!(
        items[0].notes,
        [
            "view-once voice message: WhatsApp never exports view-once media (WhatsApp wrote \"<View once voice \
             message omitted>\")"
        ]
    );
    assert_eq!(
        items[1].notes,
        ["video message omitted by the export (WhatsApp wrote \"<video note omitted>\")"]
    );
}

#[test]
fn daylight_saving_gaps_and_repeats_are_flagged_with_the_instant_chosen() {
    let items = read_in("dst_berlin.txt", chrono_tz::Europe::Berlin);
    assert_eq!(flags(&items[0]), None);
    assert_eq!(items[0].timestamp.to_rfc3339(), "2024-03-31T01:59:00+01:00");
    let gap = &items[1];
    assert_eq!(flags(gap), Some("dst-nonexistent"));
    assert_eq!(utc(gap), "2024-03-31T01:30:00Z");
    assert!(gap.notes[0].contains("never happened in Europe/Berlin"), "{:?}", gap.notes);
    let repeated = &items[2];
    assert_eq!(flags(repeated), Some("dst-ambiguous"));
    assert_eq!(utc(repeated), "2024-10-27T00:30:00Z");
    assert!(repeated.notes[0].contains("the earlier one, 2024-10-27T02:30:00+02:00"), "{:?}", repeated.notes);
    assert_eq!(header(repeated, "X-Docket-Timezone"), Some("Europe/Berlin"));
    let utc_items = read_in("dst_berlin.txt", chrono_tz::UTC);
    assert!(utc_items.iter().all(|item| flags(item).is_none()));
    assert_eq!(utc_items[2].key, repeated.key, "the key follows the wall clock, not the zone");
}

#[test]
fn flags_keep_a_stable_order() {
    let folder = tempfile::tempdir().expect("a temp folder");
    let path = folder.path().join("WhatsApp Chat with Ops.txt");
    std::fs::write(&path, "27/10/2024, 02:30 - Ana: later <This message was edited>\n")
        .expect("write the chat");
    let options = ExportOptions { timezone: chrono_tz::Europe::Berlin, date_order: None };
    let items: Vec<Item> =
        whatsapp_export::open(&path, &options).expect("opens").collect::<Result<_, _>>().expect("reads");
    assert_eq!(flags(&items[0]), Some("edited, dst-ambiguous"));
    assert_eq!(items[0].notes.len(), 2);
}

#[test]
fn flags_timezone_and_notes_reach_the_rendered_email() {
    let items = read_in("markers_de.txt", chrono_tz::Europe::Berlin);
    let rendered = docket_core::convert::render(&items[3], Vec::new()).expect("renders");
    let message = mail_parser::MessageParser::new()
        .with_minimal_headers()
        .default_header_text()
        .parse(&rendered.bytes)
        .expect("mail-parser reads the message");
    let header = |name: &'static str| message.header(name).and_then(mail_parser::HeaderValue::as_text);
    assert_eq!(header("X-Docket-Flags"), Some("deleted"));
    assert_eq!(header("X-Docket-Timezone"), Some("Europe/Berlin"));
    let note =
        "deleted: its sender deleted this message before the export (WhatsApp wrote \"Diese Nachricht wurde \
                gelöscht\")";
    assert_eq!(header("X-Docket-Note"), Some(note));
    let body = message.body_text(0).expect("a text body");
    assert!(body.contains(&format!("Note: {note}")), "{body}");
}
