//! Spec: convert, addressing. From, To, Subject, Date and the thread headers read back as intended.

use super::*;
use chrono::Datelike;
use docket_core::attachments::load_and_render as render;
use mail_parser::MimeHeaders;

#[test]
fn the_message_reads_back_with_its_from_to_subject_date_ids_and_body() {
    let rendered = render(&group_message()).expect("renders");
    let message = parse(&rendered);
    assert_eq!(
        addresses(message.from()),
        [("Alice Smith".to_string(), "+15550100@whatsapp.invalid".to_string())]
    );
    assert_eq!(
        addresses(message.to()),
        [
            ("Bob Jones".to_string(), "bob@contoso.example".to_string()),
            ("Carol".to_string(), "+447700900123@whatsapp.invalid".to_string()),
        ]
    );
    assert_eq!(
        message.subject(),
        Some("WhatsApp: Project Falcon — Alice Smith: Status update for the board. See the attached plan & budget…")
    );
    let date = message.date().expect("Date header");
    assert_eq!((date.year, date.month, date.day, date.hour, date.minute, date.second), (2024, 3, 5, 9, 7, 3));
    assert_eq!((date.tz_before_gmt, date.tz_hour, date.tz_minute), (false, 1, 0));
    assert_eq!(
        message.message_id(),
        Some("whatsapp-20240305T090703-0123456789abcdef01234567@docket.invalid")
    );
    assert_eq!(x_header(&message, "X-Docket-Source"), Some("whatsapp"));
    assert_eq!(x_header(&message, "X-Docket-Item-Kind"), Some("message"));
    assert_eq!(
        x_header(&message, "X-Docket-Record-SHA256"),
        Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    );
    assert_eq!(
        text_body(&message),
        "Status update for the board.\nSee the attached plan & budget <draft>.\n"
    );
    let html = message.body_html(0).expect("html alternative");
    assert!(html.contains("board.<br>"), "{html}");
    assert!(html.contains("plan &amp; budget &lt;draft&gt;."), "{html}");
    assert_eq!(message.attachment_count(), 0);
}

#[test]
fn non_ascii_names_and_emoji_survive_the_round_trip() {
    let item = Item {
        chat: "Семья 👨‍👩‍👧".into(),
        sender: Participant { display_name: "José Müller 😀".into(), ..Participant::default() },
        recipients: vec![Participant { display_name: "田中 太郎".into(), ..Participant::default() }],
        text: "Grüße 🎉 — 你好".into(),
        notes: vec!["bearbeitet ✏️".into()],
        attachments: vec![inline("résumé 📄.txt", "text/plain", "Zürich ✓".as_bytes())],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    assert!(rendered.bytes.is_ascii(), "headers and bodies are encoded to 7-bit");
    let message = parse(&rendered);
    let from = addresses(message.from());
    assert_eq!(from[0], ("José Müller 😀".to_string(), "jos-m-ller@whatsapp.invalid".to_string()));
    let to = addresses(message.to());
    assert_eq!(to[0].0, "田中 太郎");
    assert!(to[0].1.starts_with("participant-") && to[0].1.ends_with("@whatsapp.invalid"), "{to:?}");
    assert_eq!(message.subject(), Some("WhatsApp: Семья 👨‍👩‍👧 — José Müller 😀: Grüße 🎉 — 你好"));
    assert_eq!(message.header("X-Docket-Chat").and_then(HeaderValue::as_text), Some("Семья 👨‍👩‍👧"));
    assert_eq!(message.header("X-Docket-Note").and_then(HeaderValue::as_text), Some("bearbeitet ✏️"));
    assert_eq!(text_body(&message), "Grüße 🎉 — 你好\n\nNote: bearbeitet ✏️\n");
    let attachment = message.attachment(0).expect("attachment");
    assert_eq!(attachment.attachment_name(), Some("résumé 📄.txt"));
    assert_eq!(attachment.contents(), "Zürich ✓".as_bytes());
}

#[test]
fn a_telegram_reply_gets_in_reply_to_and_references() {
    let item = Item {
        source: SourceKind::Telegram,
        key: "telegram-20240102T235959-aaaaaaaaaaaaaaaaaaaaaaaa".into(),
        reply_to: Some("telegram-20240102T235000-bbbbbbbbbbbbbbbbbbbbbbbb".into()),
        references: vec!["telegram-20240102T234000-cccccccccccccccccccccccc".into()],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(
        ids(message.in_reply_to()),
        ["telegram-20240102T235000-bbbbbbbbbbbbbbbbbbbbbbbb@docket.invalid"]
    );
    assert_eq!(
        ids(message.references()),
        [
            "telegram-20240102T234000-cccccccccccccccccccccccc@docket.invalid",
            "telegram-20240102T235000-bbbbbbbbbbbbbbbbbbbbbbbb@docket.invalid",
        ]
    );

    let reply_only = Item { references: vec![], ..item.clone() };
    let message_bytes = render(&reply_only).expect("renders");
    let message = parse(&message_bytes);
    assert_eq!(
        ids(message.references()),
        ["telegram-20240102T235000-bbbbbbbbbbbbbbbbbbbbbbbb@docket.invalid"]
    );

    let plain = render(&group_message()).expect("renders");
    let names = header_names(&parse(&plain));
    assert!(!names.iter().any(|n| n == "In-Reply-To" || n == "References"), "{names:?}");
}

#[test]
fn participants_without_email_get_stable_invalid_identities() {
    let item = Item {
        source: SourceKind::Telegram,
        sender: Participant {
            display_name: "Dana".into(),
            handle: Some("@dana_k.".into()),
            ..Participant::default()
        },
        recipients: vec![
            Participant { display_name: "Eve Adams".into(), ..Participant::default() },
            Participant {
                display_name: "Frank".into(),
                email: Some(" Frank@Contoso.example ".into()),
                ..Participant::default()
            },
        ],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(addresses(message.from()), [("Dana".to_string(), "dana_k@telegram.invalid".to_string())]);
    assert_eq!(
        addresses(message.to()),
        [
            ("Eve Adams".to_string(), "eve-adams@telegram.invalid".to_string()),
            ("Frank".to_string(), "Frank@Contoso.example".to_string()),
        ]
    );
}

#[test]
fn with_no_recipients_the_message_is_addressed_to_its_sender() {
    let item = Item { recipients: vec![], ..group_message() };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(addresses(message.to()), addresses(message.from()));
}

#[test]
fn a_system_line_comes_from_the_source_itself() {
    let item = Item {
        kind: ItemKind::System,
        sender: Participant::default(),
        recipients: vec![],
        text: "Messages and calls are end-to-end encrypted.".into(),
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    let system = [("WhatsApp".to_string(), "system@whatsapp.invalid".to_string())];
    assert_eq!(addresses(message.from()), system);
    assert_eq!(addresses(message.to()), system);
    assert_eq!(
        message.subject(),
        Some("WhatsApp: Project Falcon — Messages and calls are end-to-end encrypted.")
    );
    assert_eq!(x_header(&message, "X-Docket-Item-Kind"), Some("system"));
}

#[test]
fn a_date_before_year_zero_is_refused_not_guessed() {
    let before_zero = at("2024-01-01T00:00:00Z").with_year(-5).expect("a valid proleptic date");
    let item = Item { timestamp: before_zero, ..group_message() };
    let error = render(&item).expect_err("unrepresentable date");
    assert_eq!(error.reason(), "invalid_date");
    assert!(error.is_permanent());
}
