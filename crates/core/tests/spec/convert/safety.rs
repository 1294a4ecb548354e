//! Spec: convert, safety. Hostile or odd input can neither add a header nor break the MIME structure.

use super::*;
use docket_core::attachments::load_and_render as render;
use docket_core::convert::message_id;
use mail_parser::MimeHeaders;

#[test]
fn hostile_control_characters_never_become_headers() {
    let evil = "x\r\nBcc: victim@example.com\r\n\r\nbody\0\u{1b}[31m\rY\nZ\u{85}\u{2028}";
    let item = Item {
        chat: format!("Chat{evil}"),
        source_id: format!("id{evil}"),
        sender: Participant {
            display_name: format!("Mallory{evil}"),
            email: Some("mallory@example.com\r\nCc: spy@example.com".into()),
            handle: Some(format!("mal{evil}")),
            ..Participant::default()
        },
        recipients: vec![Participant { display_name: format!("Bob{evil}"), ..Participant::default() }],
        text: format!("Hello{evil}"),
        notes: vec![format!("note{evil}")],
        extra_headers: vec![
            ("X-Docket-Custom".into(), format!("value{evil}")),
            ("Bcc".into(), "victim@example.com".into()),
            ("X-Bad\r\nBcc".into(), "victim@example.com".into()),
            ("X-Docket-Source".into(), "forged".into()),
        ],
        attachments: vec![inline(&format!("a{evil}.txt"), "text/plain\r\nX-Injected: 1", b"attached")],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(
        header_names(&message),
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "X-Docket-Source",
            "X-Docket-Chat",
            "X-Docket-Source-Id",
            "X-Docket-Record-SHA256",
            "X-Docket-Item-Kind",
            "X-Docket-Note",
            "X-Docket-Custom",
            "MIME-Version",
            "Content-Type",
        ]
    );
    assert!(message.bcc().is_none() && message.cc().is_none());
    let from = addresses(message.from());
    assert_eq!(from.len(), 1);
    assert_eq!(
        from[0].1, "malxBccvictimexample.combody31mYZ@whatsapp.invalid",
        "a damaged email falls back to the handle"
    );
    assert!(from[0].0.starts_with("Malloryx  Bcc: victim@example.com"), "{from:?}");
    assert!(!from[0].0.contains(['\r', '\n', '\0']));
    let subject = message.subject().expect("subject");
    assert!(subject.starts_with("WhatsApp: Chatx Bcc: victim@example.com body"), "{subject}");
    assert!(!subject.contains(['\r', '\n', '\0']));
    assert_eq!(
        message.message_id(),
        Some("whatsapp-20240305T090703-0123456789abcdef01234567@docket.invalid")
    );
    assert_eq!(x_header(&message, "X-Docket-Source"), Some("whatsapp"));
    let custom = message.header("X-Docket-Custom").and_then(HeaderValue::as_text).expect("custom header");
    assert!(custom.starts_with("valuex  Bcc: victim@example.com"), "{custom}");
    let body = text_body(&message);
    assert!(
        body.starts_with("Hellox\nBcc: victim@example.com\n\nbody\u{FFFD}\u{FFFD}[31m\nY\nZ"),
        "{body:?}"
    );
    let attachment = message.attachment(0).expect("attachment");
    assert_eq!(attachment.content_type().map(|c| c.ctype()), Some("application"));
    assert!(attachment.attachment_name().is_some_and(|n| !n.contains(['\r', '\n'])));
    assert!(attachment.headers().iter().all(|h| h.name().starts_with("Content-")));
    let raw = String::from_utf8_lossy(&rendered.bytes);
    let (header_block, _) = raw.split_once("\r\n\r\n").expect("a header block");
    assert!(!header_block.contains("\nBcc:") && !header_block.contains("\nCc:"));
    assert!(!raw.contains("X-Injected"));
}

#[test]
fn only_x_headers_from_the_item_are_passed_through() {
    let item = Item {
        extra_headers: vec![
            ("X-Docket-X-Metrics".into(), "likes=3; reposts=1".into()),
            ("Subject".into(), "forged".into()),
            ("X-Has Space".into(), "no".into()),
            ("X-Docket-Chat".into(), "forged".into()),
        ],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(x_header(&message, "X-Docket-X-Metrics"), Some("likes=3; reposts=1"));
    let names = header_names(&message);
    assert_eq!(names.iter().filter(|n| *n == "Subject" || *n == "X-Docket-Chat").count(), 2, "{names:?}");
    assert!(!names.iter().any(|n| n == "X-Has Space"));
    assert_eq!(message.header("X-Docket-Chat").and_then(HeaderValue::as_text), Some("Project Falcon"));
}

#[test]
fn very_long_header_values_are_folded_and_read_back_whole() {
    let long_note = "n".repeat(5000);
    let long_chat = "word ".repeat(600).trim_end().to_string();
    let item = Item { chat: long_chat.clone(), notes: vec![long_note.clone()], ..group_message() };
    let rendered = render(&item).expect("renders");
    let raw = String::from_utf8_lossy(&rendered.bytes);
    let (header_block, _) = raw.split_once("\r\n\r\n").expect("a header block");
    // RFC 5322's hard limit is 998 characters a line; 78 is advice that unbreakable ids may exceed.
    let lines: Vec<&str> = header_block.split("\r\n").collect();
    assert!(lines.iter().all(|line| line.len() <= 998), "{header_block}");
    assert!(lines.len() > 60, "the long values are folded: {header_block}");
    let message = parse(&rendered);
    assert_eq!(x_header(&message, "X-Docket-Note"), Some(long_note.as_str()));
    assert_eq!(x_header(&message, "X-Docket-Chat"), Some(long_chat.as_str()));
}

#[test]
fn message_ids_are_bracket_free_and_stay_valid_for_odd_keys() {
    assert_eq!(message_id("x-20240101T000000-abc"), "x-20240101T000000-abc@docket.invalid");
    assert_eq!(message_id("a>b\r\nc"), "a=3Eb=0D=0Ac@docket.invalid");
    assert_eq!(message_id(""), "=@docket.invalid");
    assert_ne!(message_id("a.b"), message_id("a=2Eb"));
}

#[test]
fn text_that_contains_the_boundary_cannot_break_the_mime_structure() {
    let mut item = group_message();
    item.attachments.push(inline("a.txt", "text/plain", b"a"));
    let first = String::from_utf8(render(&item).expect("renders").bytes).expect("ascii");
    let boundaries: std::collections::BTreeSet<&str> =
        first.lines().filter_map(|l| l.strip_prefix("--")).filter(|b| !b.ends_with("--")).collect();
    assert_eq!(boundaries.len(), 2, "{first}");
    item.text = boundaries
        .iter()
        .map(|b| format!("--{b}\r\nContent-Type: text/html\r\n\r\n<script>x</script>\r\n--{b}--\r\n"))
        .collect();
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(message.attachment_count(), 1);
    assert_eq!(text_body(&message), item.text.replace("\r\n", "\n").trim_end().to_owned() + "\n");
}
