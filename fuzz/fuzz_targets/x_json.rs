//! Fuzz target: arbitrary bytes as an X API v2 answer (posts, mentions or DM events, chosen by the first
//! byte), decoded into items as a run decodes them and each rendered to an email. Bad JSON, wrong shapes and
//! hostile values must come back as an error or a well-formed message, never a panic.
#![no_main]

use docket_core::model::ItemKind;
use docket_core::sources::x::records::decode_items;
use docket_core::sources::x::XAccount;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else { return };
    let kind = match selector % 3 {
        0 => ItemKind::Post,
        1 => ItemKind::Mention,
        _ => ItemKind::DirectMessage,
    };
    let account =
        XAccount { id: "1512345678901234567".into(), username: "contoso".into(), name: "Contoso".into() };
    if let Ok(items) = decode_items(json, kind, &account) {
        for item in items {
            if let Ok(rendered) = docket_core::attachments::load_and_render(&item) {
                assert!(mail_parser::MessageParser::default().parse(&rendered.bytes).is_some());
            }
        }
    }
});
