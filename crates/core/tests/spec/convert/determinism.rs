//! Spec: convert, determinism. The same item always gives the same bytes, pinned by golden files.

use super::*;
use docket_core::attachments::load_and_render as render;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert").join(name)
}

/// Compares with the committed golden file; `DOCKET_UPDATE_GOLDEN=1` rewrites it after a deliberate change.
fn assert_golden(name: &str, rendered: &Rendered) {
    let path = golden(name);
    if std::env::var_os("DOCKET_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &rendered.bytes).expect("write golden file");
    }
    let expected = std::fs::read(&path).expect("golden file exists (run with DOCKET_UPDATE_GOLDEN=1 once)");
    assert!(
        expected == rendered.bytes,
        "{name} differs from the golden file:\n{}",
        String::from_utf8_lossy(&rendered.bytes)
    );
}

#[test]
fn the_same_item_renders_to_the_same_bytes_every_time() {
    let mut item = group_message();
    item.attachments.push(inline("plan.pdf", "application/pdf", b"%PDF-1.4 plan"));
    let first = render(&item).expect("renders");
    let second = render(&item.clone()).expect("renders again");
    assert_eq!(first, second);
    assert_eq!(first.sha256, docket_core::sources::sha256_hex(&first.bytes));
    assert_eq!(first.sha256.len(), 64);
    let other_key = Item { key: "whatsapp-20240305T090703-ffffffffffffffffffffffff".into(), ..item };
    assert_ne!(render(&other_key).expect("renders").sha256, first.sha256);
}

#[test]
fn a_group_message_matches_its_golden_file() {
    assert_golden("whatsapp_group_message.eml", &render(&group_message()).expect("renders"));
}

#[test]
fn a_telegram_reply_with_attachments_and_notes_matches_its_golden_file() {
    let item = Item {
        key: "telegram-20240102T235959-aaaaaaaaaaaaaaaaaaaaaaaa".into(),
        source: SourceKind::Telegram,
        chat: "Équipe Zürich 🚀".into(),
        source_id: "chat 4242 message 17".into(),
        timestamp: at("2024-01-02T23:59:59-05:00"),
        sender: Participant {
            display_name: "Zoë Ünal".into(),
            handle: Some("user123".into()),
            ..Participant::default()
        },
        recipients: vec![],
        text: "Ça marche 👍\n\nLigne deux".into(),
        reply_to: Some("telegram-20240102T235000-bbbbbbbbbbbbbbbbbbbbbbbb".into()),
        references: vec!["telegram-20240102T234000-cccccccccccccccccccccccc".into()],
        attachments: vec![
            inline("photo 1.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]),
            Attachment {
                name: "video.mp4".into(),
                content_type: "video/mp4".into(),
                content: AttachmentContent::Missing { reason: "not exported".into() },
            },
        ],
        notes: vec!["forwarded from Bob".into(), "file not included: video.mp4".into()],
        extra_headers: vec![("X-Docket-Telegram-Views".into(), "12".into())],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    assert_golden("telegram_reply_with_attachment.eml", &rendered);
    assert_eq!(render(&item).expect("renders again").bytes, rendered.bytes);
}
