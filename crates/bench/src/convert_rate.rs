//! P1: how many small chat items one core converts and hashes per second (`convert::render`, which hashes),
//! against two floors measured in the same run on the same core: SHA-256 alone over the same bytes, and a
//! plain `format!`-built email of about the same size, hashed. It touches no storage and no clock but
//! `Instant`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{FixedOffset, TimeZone};
use docket_core::attachments::load_and_render as render;
use docket_core::model::{Item, ItemKind, Participant, SourceKind};
use sha2::{Digest, Sha256};

use crate::report::{Figure, Target, Unit};
use crate::BenchError;

/// The target rate: items per second on one core.
const TARGET_ITEMS_PER_SECOND: f64 = 50_000.0;

/// A WhatsApp group message that renders to about 2 KB: phone-number sender, three recipients, a
/// two-line text of about 320 characters. Items differ by `n` (key, time, text).
pub fn chat_item(n: usize) -> Result<Item, BenchError> {
    let timestamp = FixedOffset::east_opt(3600)
        .and_then(|tz| tz.with_ymd_and_hms(2024, 3, 1, 9, 0, 0).single())
        .ok_or("the benchmark's fixed start time is not a valid time")?
        + chrono::Duration::seconds(n as i64 * 7);
    let phone =
        |p: &str| Participant { display_name: p.into(), phone: Some(p.into()), ..Participant::default() };
    Ok(Item {
        key: format!("whatsapp-{}-{n:024x}", timestamp.format("%Y%m%dT%H%M%S")),
        source: SourceKind::WhatsApp,
        kind: ItemKind::Message,
        chat: "Project Falcon trading desk".into(),
        source_id: format!("WhatsApp Chat with Project Falcon trading desk.txt:{}", n + 1),
        timestamp,
        sender: phone("+44 7700 900123"),
        recipients: vec![
            phone("+44 7700 900456"),
            phone("+1 202 555 0143"),
            Participant::named("Dana Client"),
        ],
        text: format!(
            "Message {n}: confirming the trade settlement for account {} with the counterparty, the \
             quarterly numbers are in the shared drive under Falcon/Q{}/settlements and need sign-off \
             before the 5pm cut-off today.\nPlease reply here once reviewed, and flag anything that looks \
             off to compliance <compliance@contoso.com> & the desk head so we keep the audit trail tidy.",
            1000 + n,
            n % 4 + 1
        ),
        reply_to: None,
        references: vec![],
        attachments: vec![],
        notes: vec![],
        extra_headers: vec![],
        record_digest: format!("{:064x}", n),
    })
}

/// The same facts as an email built with one `format!`: the floor of producing that many bytes.
fn formatted_message(item: &Item) -> String {
    let to: Vec<String> = item
        .recipients
        .iter()
        .map(|r| format!("\"{}\" <{}@whatsapp.invalid>", r.display_name, n(r)))
        .collect();
    let html =
        item.text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\n', "<br>\n");
    format!(
        "From: \"{sender}\" <{sender_id}@whatsapp.invalid>\r\nTo: {to}\r\nSubject: WhatsApp: {chat} - {sender}\r\n\
         Date: {date}\r\nMessage-ID: <{key}@docket.invalid>\r\nX-Docket-Source: whatsapp\r\n\
         X-Docket-Chat: {chat}\r\nX-Docket-Source-Id: {source_id}\r\nX-Docket-Record-SHA256: {digest}\r\n\
         X-Docket-Item-Kind: message\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"{key}\"\r\n\r\n\
         --{key}\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
         {chat}\r\n{sender} wrote at {date}:\r\n\r\n{text}\r\n\r\n\
         --{key}\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
         <html><body><p><b>{chat}</b></p><p>{sender} wrote at {date}:</p><p>{html}</p></body></html>\r\n\
         --{key}--\r\n",
        sender = item.sender.display_name,
        sender_id = n(&item.sender),
        to = to.join(", "),
        chat = item.chat,
        date = item.timestamp.to_rfc2822(),
        key = item.key,
        source_id = item.source_id,
        digest = item.record_digest,
        text = item.text.replace('\n', "\r\n"),
    )
}

/// A participant's identity for the formatted baseline: the phone digits, else the name.
fn n(p: &Participant) -> String {
    p.phone.as_deref().unwrap_or(&p.display_name).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Runs P1 with `count` items on the calling thread and returns its figure (with the SHA-256 floor as the
/// baseline) and the `format!` floor as a second figure.
pub fn measure(count: usize) -> Result<Vec<Figure>, BenchError> {
    let items: Vec<Item> = (0..count).map(chat_item).collect::<Result<_, _>>()?;

    // Warm caches and the allocator on a slice, then time the whole set.
    for item in items.iter().take(1000) {
        black_box(render(item)?);
    }
    let started = Instant::now();
    let mut rendered_bytes = 0usize;
    for item in &items {
        let rendered = render(item)?;
        rendered_bytes += rendered.bytes.len();
        black_box(&rendered.sha256);
    }
    let render_secs = started.elapsed().as_secs_f64();
    let render_rate = count as f64 / render_secs;
    let average = rendered_bytes / count.max(1);

    // Floor 1: SHA-256 over the same volume, message by message, from a ring of real rendered messages.
    let ring: Vec<Vec<u8>> =
        items.iter().take(1024).map(|i| render(i).map(|r| r.bytes)).collect::<Result<_, _>>()?;
    let started = Instant::now();
    for i in 0..count {
        let bytes = ring.get(i % ring.len()).ok_or("the ring of rendered messages is empty")?;
        black_box(Sha256::digest(black_box(bytes)));
    }
    let sha_rate = count as f64 / started.elapsed().as_secs_f64();

    // Floor 2: one format! per item plus its SHA-256.
    let formatted_average =
        items.iter().take(1024).map(|i| formatted_message(i).len()).sum::<usize>() / 1024.min(count).max(1);
    let started = Instant::now();
    for item in &items {
        let message = formatted_message(item);
        black_box(Sha256::digest(message.as_bytes()));
    }
    let format_rate = count as f64 / started.elapsed().as_secs_f64();

    println!(
        "P1 detail: {count} items, rendered average {average} bytes (format! baseline average {formatted_average} \
         bytes), render+hash {render_secs:.3} s on one thread"
    );
    let what = format!("convert+hash, {average} B chat items, 1 core");
    Ok(vec![
        Figure {
            id: "P1",
            what: what.clone(),
            unit: Unit::PerSecond,
            measured: render_rate,
            baseline_label: "SHA-256 alone, same bytes".into(),
            baseline: sha_rate,
            target: Target::RateAtLeast(TARGET_ITEMS_PER_SECOND),
        },
        Figure {
            id: "P1",
            what,
            unit: Unit::PerSecond,
            measured: render_rate,
            baseline_label: format!("format! {formatted_average} B email + SHA-256"),
            baseline: format_rate,
            target: Target::RateAtLeast(TARGET_ITEMS_PER_SECOND),
        },
    ])
}
