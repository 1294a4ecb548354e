//! Spec: convert, content. Bodies, notes and attachments, and the 10 MB limits on them.

use super::*;
use docket_core::attachments::load_and_render as render;
use docket_core::convert::ConvertError;
use docket_core::model::MAX_MESSAGE_BYTES;
use mail_parser::MimeHeaders;

#[test]
fn an_empty_text_is_named_by_its_attachment_or_as_no_text() {
    let mut item = Item { text: " \n".into(), ..group_message() };
    let rendered = render(&item).expect("renders");
    assert_eq!(parse(&rendered).subject(), Some("WhatsApp: Project Falcon — Alice Smith: (no text)"));
    assert_eq!(text_body(&parse(&rendered)), "(no text)\n");

    item.attachments.push(inline("IMG-1.jpg", "image/jpeg", b"jpeg"));
    let rendered = render(&item).expect("renders");
    assert_eq!(
        parse(&rendered).subject(),
        Some("WhatsApp: Project Falcon — Alice Smith: (attachment IMG-1.jpg)")
    );
}

#[test]
fn a_missing_attachment_is_left_out_and_its_note_shown() {
    let item = Item {
        attachments: vec![Attachment {
            name: "IMG-1.jpg".into(),
            content_type: "image/jpeg".into(),
            content: AttachmentContent::Missing { reason: "media omitted".into() },
        }],
        notes: vec!["file not included: IMG-1.jpg".into()],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(message.attachment_count(), 0);
    assert!(text_body(&message).ends_with("\nNote: file not included: IMG-1.jpg\n"));
    assert!(message.body_html(0).is_some_and(|h| h.contains("<li>Note: file not included: IMG-1.jpg</li>")));
    assert_eq!(
        message.header("X-Docket-Note").and_then(HeaderValue::as_text),
        Some("file not included: IMG-1.jpg")
    );
}

#[test]
fn lossy_and_odd_content_renders_and_reads_back() {
    let binary: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let item = Item {
        text: format!(
            "bad bytes \u{FFFD}\u{FFFD}\nFrom the start\n.\n--=_docket_alt_x\n\u{202E}rtl\u{200B}zw\ttab\n{}",
            "x".repeat(2000)
        ),
        attachments: vec![
            inline("not-utf8.txt", "text/plain", &[0xff, 0xfe, b'a', 0, b'\r', b'\n']),
            inline("blob", "", &binary),
            inline("", "nonsense", b"?"),
        ],
        ..group_message()
    };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(text_body(&message), format!("{}\n", item.text));
    let names: Vec<_> =
        message.attachments().map(|a| a.attachment_name().unwrap_or_default().to_string()).collect();
    assert_eq!(names, ["not-utf8.txt", "blob", "attachment"]);
    let raw = String::from_utf8_lossy(&rendered.bytes);
    // mail-parser decodes text/* parts to UTF-8 (lossily); the raw part must carry the exact bytes,
    // here base64 of FF FE 'a' NUL CR LF.
    assert!(raw.contains("\r\n\r\n//5hAA0K\r\n"), "text attachments keep their exact bytes:\n{raw}");
    assert_eq!(message.attachment(1).map(|a| a.contents()), Some(binary.as_slice()));
    assert_eq!(
        message.attachment(2).and_then(|a| a.content_type()).map(|c| (c.ctype(), c.subtype())),
        Some(("application", Some("octet-stream")))
    );
}

#[test]
fn an_unreadable_attachment_names_the_file() {
    let item = Item {
        attachments: vec![Attachment {
            name: "IMG-2.jpg".into(),
            content_type: "image/jpeg".into(),
            content: AttachmentContent::File { path: PathBuf::from("/nonexistent/docket/IMG-2.jpg") },
        }],
        ..group_message()
    };
    let error = render(&item).expect_err("unreadable");
    assert!(matches!(&error, ConvertError::Attachment { name, .. } if name == "IMG-2.jpg"), "{error:?}");
    assert_eq!(error.reason(), "attachment_unreadable");
    assert!(error.is_permanent());
    assert!(error.to_string().contains("IMG-2.jpg"));
}

#[test]
fn an_attachment_over_10_mb_is_oversize_and_named() {
    let mut item = group_message();
    item.attachments.push(inline("huge.mov", "video/quicktime", &vec![7u8; MAX_MESSAGE_BYTES + 1]));
    let error = render(&item).expect_err("oversize");
    assert!(
        matches!(&error, ConvertError::Oversize { what, size } if what.message.contains("huge.mov") && *size == MAX_MESSAGE_BYTES as u64 + 1),
        "{error:?}"
    );
    assert_eq!(error.reason(), "oversize");
    assert!(error.is_permanent());
    assert!(error.to_string().contains("10 MB"), "{error}");
}

#[test]
fn attachments_over_10_mb_together_are_oversize() {
    let mut item = group_message();
    for n in 0..3 {
        item.attachments.push(inline(
            &format!("part{n}.bin"),
            "application/octet-stream",
            &vec![1u8; 4 << 20],
        ));
    }
    let error = render(&item).expect_err("oversize");
    assert!(
        matches!(&error, ConvertError::Oversize { what, .. } if what.message.contains("together")),
        "{error:?}"
    );
}

#[test]
fn an_attachment_on_disk_is_read_and_an_oversize_one_refused_before_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let small = dir.path().join("IMG-3.jpg");
    std::fs::write(&small, b"jpeg bytes").expect("write attachment");
    let huge = dir.path().join("VID-4.mp4");
    let file = std::fs::File::create(&huge).expect("create sparse file");
    file.set_len(MAX_MESSAGE_BYTES as u64 + 1).expect("size sparse file");
    let on_disk = |name: &str, path: &std::path::Path| Attachment {
        name: name.into(),
        content_type: "application/octet-stream".into(),
        content: AttachmentContent::File { path: path.to_path_buf() },
    };

    let item = Item { attachments: vec![on_disk("IMG-3.jpg", &small)], ..group_message() };
    let rendered = render(&item).expect("renders");
    let message = parse(&rendered);
    assert_eq!(message.attachment(0).map(|a| a.contents()), Some(&b"jpeg bytes"[..]));

    let item = Item { attachments: vec![on_disk("VID-4.mp4", &huge)], ..group_message() };
    let error = render(&item).expect_err("oversize");
    assert!(
        matches!(&error, ConvertError::Oversize { what, size } if what.message.contains("VID-4.mp4") && *size == MAX_MESSAGE_BYTES as u64 + 1),
        "{error:?}"
    );
}

#[test]
fn a_large_text_just_under_the_limit_renders_and_one_over_it_is_oversize() {
    let line = "The quick brown fox jumps over the lazy dog, again and again.\n";
    let mut item = group_message();
    item.text = line.repeat(4_500_000 / line.len());
    let rendered = render(&item).expect("under the limit");
    assert!(rendered.bytes.len() <= MAX_MESSAGE_BYTES);
    assert!(rendered.bytes.len() > 9_000_000, "{}", rendered.bytes.len());
    assert_eq!(text_body(&parse(&rendered)), item.text);

    item.text = line.repeat(5_500_000 / line.len());
    let error = render(&item).expect_err("over the limit once text and HTML are both in");
    assert!(
        matches!(&error, ConvertError::Oversize { what, size } if what.message.contains("email") && *size > MAX_MESSAGE_BYTES as u64)
    );
}
