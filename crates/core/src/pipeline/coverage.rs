//! What one run reads of each chat of an export, and the warnings that follow from it: an export holding
//! (nearly) as many messages as WhatsApp puts in one export was probably cut at the front, and an export
//! that leaves time between itself and the chat's earlier exports leaves a gap where messages may be
//! missing. At the end of the run the spans go to the ledger (`ledger::coverage`), which shows coverage
//! per chat. X is not a chat source, so it is not tracked. A live Telegram bot's polls are tracked under the
//! connector's own label (`telegram-bot:NAME`), with no warnings: a poll is not an export, and the time
//! between two polls in which nobody wrote is no gap.

use crate::{text, Text};
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::ledger::{coverage_gaps, coverage_merge, ChatSpan, Ledger, LedgerError, Period};
use crate::model::{Item, SourceKind};

/// WhatsApp's export caps ("Export chat" help: up to 10,000 recent messages with media, 40,000 without).
pub const WHATSAPP_CAP_WITH_MEDIA: u64 = 10_000;
pub const WHATSAPP_CAP_WITHOUT_MEDIA: u64 = 40_000;

/// How close to a cap counts as "at the cap": within 1% (an export's system lines and the export tool's
/// own counting make the number a little less exact than the help page's).
fn near(count: u64, cap: u64) -> bool {
    count >= cap - cap / 100
}

struct Seen {
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    messages: u64,
    /// The export carried media (an attachment on any of its messages).
    media: bool,
}

/// Per (source, chat): what this run has read so far.
#[derive(Default)]
pub(super) struct ChatTracker {
    chats: BTreeMap<(SourceKind, String), Seen>,
    /// The run's label when its source is live (a Telegram bot): spans are recorded under it, unjudged.
    live_label: Option<String>,
}

impl ChatTracker {
    /// The tracker for a run of `source_label`.
    pub fn for_run(source_label: &str) -> ChatTracker {
        let live = source_label.starts_with(crate::sources::telegram_bot::LABEL_PREFIX);
        ChatTracker { chats: BTreeMap::new(), live_label: live.then(|| source_label.to_string()) }
    }

    pub fn observe(&mut self, item: &Item) {
        if !matches!(item.source, SourceKind::WhatsApp | SourceKind::Telegram) {
            return;
        }
        let when = item.timestamp.with_timezone(&Utc);
        let media = !item.attachments.is_empty();
        self.chats
            .entry((item.source, item.chat.clone()))
            .and_modify(|seen| {
                seen.first = seen.first.min(when);
                seen.last = seen.last.max(when);
                seen.messages += 1;
                seen.media |= media;
            })
            .or_insert(Seen { first: when, last: when, messages: 1, media });
    }

    /// The warnings about what this run read, judged against the chats' earlier exports, then records this
    /// run's spans in the ledger.
    pub fn finish(self, ledger: &Ledger, run_id: i64) -> Result<Vec<Text>, LedgerError> {
        let mut warnings = Vec::new();
        let mut spans = Vec::with_capacity(self.chats.len());
        for ((source, chat), seen) in self.chats {
            if let Some(label) = &self.live_label {
                spans.push(ChatSpan {
                    source: label.clone(),
                    chat,
                    first: seen.first,
                    last: seen.last,
                    messages: seen.messages,
                });
                continue;
            }
            if source == SourceKind::WhatsApp {
                warnings.extend(cap_warning(&chat, &seen));
            }
            let earlier = ledger.chat_spans(source.as_str(), &chat, run_id)?;
            if !earlier.is_empty() {
                warnings.extend(gap_warnings(source, &chat, &seen, earlier));
            }
            spans.push(ChatSpan {
                source: source.as_str().to_string(),
                chat,
                first: seen.first,
                last: seen.last,
                messages: seen.messages,
            });
        }
        ledger.record_spans(run_id, &spans)?;
        Ok(warnings)
    }
}

fn shown(when: &DateTime<Utc>) -> String {
    when.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn source_name(source: SourceKind) -> &'static str {
    match source {
        SourceKind::WhatsApp => "WhatsApp",
        SourceKind::Telegram => "Telegram",
        SourceKind::X => "X",
    }
}

fn cap_warning(chat: &str, seen: &Seen) -> Option<Text> {
    if near(seen.messages, WHATSAPP_CAP_WITHOUT_MEDIA) {
        Some(text!(
            "coverage.cap_without_media",
            "WhatsApp chat \"{chat}\": this export holds {count} messages, about the {cap} WhatsApp puts in one \
             export without media, so its oldest messages were probably cut off (it starts at {first}). Older \
             messages are only in earlier exports of this chat: import those too (each message is imported once).",
            chat = chat,
            count = seen.messages,
            cap = WHATSAPP_CAP_WITHOUT_MEDIA,
            first = shown(&seen.first)
        ))
    } else if seen.media && near(seen.messages, WHATSAPP_CAP_WITH_MEDIA) {
        Some(text!(
            "coverage.cap_with_media",
            "WhatsApp chat \"{chat}\": this export holds {count} messages, about the {cap} WhatsApp puts in one \
             export with media, so its oldest messages were probably cut off (it starts at {first}). Export the \
             chat again choosing \"Without media\" (up to 40,000 messages) and import that too (each message is \
             imported once), or import earlier exports of this chat.",
            chat = chat,
            count = seen.messages,
            cap = WHATSAPP_CAP_WITH_MEDIA,
            first = shown(&seen.first)
        ))
    } else {
        None
    }
}

/// The periods next to this run's span that neither it nor any earlier export covers.
fn gap_warnings(source: SourceKind, chat: &str, seen: &Seen, mut earlier: Vec<Period>) -> Vec<Text> {
    earlier.push((seen.first, seen.last));
    coverage_gaps(&coverage_merge(earlier))
        .into_iter()
        .filter(|(after, before)| *before == seen.first || *after == seen.last)
        .map(|(after, before)| {
            text!(
                "coverage.gap",
                "{source} chat \"{chat}\": no export covers {after} to {before}, so messages from that time may be \
                 missing from the archive. Import an export of this chat that reaches back over that period.",
                source = source_name(source),
                chat = chat,
                after = shown(&after),
                before = shown(&before)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_one_percent_of_a_cap_is_at_the_cap() {
        assert!(near(10_000, WHATSAPP_CAP_WITH_MEDIA));
        assert!(near(9_900, WHATSAPP_CAP_WITH_MEDIA));
        assert!(!near(9_899, WHATSAPP_CAP_WITH_MEDIA));
        assert!(near(39_600, WHATSAPP_CAP_WITHOUT_MEDIA));
    }
}
