//! Service messages of the HTML export, read back into the events result.json names. The HTML export writes
//! each as an English sentence ("Alice created group «Falcon» with members Bob and Carol"); the sentences
//! Telegram Desktop builds for the events Docket describes are matched here to the same `ServiceEvent`
//! and actor result.json gives, so both formats note them alike. Any other sentence is kept as Telegram
//! wrote it. It does not date service messages or decide the item's sender; `record` and `chat` do.
//!
//! The actor is the text before the sentence's fixed words, so a name that itself contains those words
//! ("Bob invited friends") is split in the wrong place; member lists are split at ", " and " and ".

use crate::sources::telegram_export::message::ServiceEvent;

/// What a service sentence says: who did it (when it names someone) and what.
#[derive(Debug)]
pub(super) struct Reading {
    pub actor: Option<String>,
    pub event: ServiceEvent,
}

/// Reads `sentence` (decoded text, whitespace as written) of a service message whose link, if any,
/// points at message `linked` (a pinned message).
pub(super) fn read(sentence: &str, linked: Option<i64>) -> Reading {
    let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    known(&sentence, linked).unwrap_or_else(|| Reading {
        actor: None,
        event: ServiceEvent { sentence: Some(sentence), ..ServiceEvent::default() },
    })
}

fn event(action: &str) -> ServiceEvent {
    ServiceEvent { action: action.to_string(), ..ServiceEvent::default() }
}

/// `«title»` at the start of `rest`, and what follows it.
fn quoted(rest: &str) -> Option<(String, &str)> {
    let inner = rest.strip_prefix('«')?;
    let end = inner.rfind('»')?;
    Some((inner.get(..end)?.to_string(), inner.get(end + '»'.len_utf8()..)?))
}

/// `A`, `A and B`, `A, B and C` as names.
fn names(list: &str) -> Vec<String> {
    match list.rsplit_once(" and ") {
        Some((head, last)) => head.split(", ").chain(std::iter::once(last)).map(str::to_string).collect(),
        None => vec![list.to_string()],
    }
}

/// Telegram writes "Deleted" for a service actor whose name is empty; result.json's reader says
/// "Deleted Account".
fn actor(name: &str) -> Option<String> {
    match name.trim() {
        "" => None,
        "Deleted" => Some("Deleted Account".to_string()),
        name => Some(name.to_string()),
    }
}

/// "(65 seconds)" at the end of `rest`.
fn seconds(rest: &str) -> Option<i64> {
    rest.trim().strip_prefix('(')?.strip_suffix(" seconds)")?.parse().ok()
}

fn ttl(period: &str) -> Option<i64> {
    match period.trim() {
        "7 days" => Some(7 * 86_400),
        "24 hours" => Some(86_400),
        _ => None,
    }
}

fn known(sentence: &str, linked: Option<i64>) -> Option<Reading> {
    let whole = |action: &str| Some(Reading { actor: None, event: event(action) });
    match sentence {
        "History cleared" => return whole("clear_history"),
        "Channel photo changed" => return whole("edit_group_photo"),
        "Channel photo removed" => return whole("delete_group_photo"),
        "New messages will not auto-delete" => {
            return Some(Reading {
                actor: None,
                event: ServiceEvent { period_seconds: Some(0), ..event("set_messages_ttl") },
            })
        }
        _ => {}
    }
    if let Some(rest) = sentence.strip_prefix("Channel title changed to ") {
        let (title, _) = quoted(rest)?;
        return Some(Reading {
            actor: None,
            event: ServiceEvent { title: Some(title), ..event("edit_group_title") },
        });
    }
    if let Some(rest) = sentence.strip_prefix("Channel ") {
        if let Some((title, " created")) = quoted(rest) {
            return Some(Reading {
                actor: None,
                event: ServiceEvent { title: Some(title), ..event("create_channel") },
            });
        }
    }
    if sentence.starts_with("Voice chat scheduled for ") {
        return whole("group_call_scheduled");
    }
    if let Some(rest) = sentence.strip_prefix("Voice chat") {
        if rest.is_empty() || seconds(rest).is_some() {
            return Some(Reading {
                actor: None,
                event: ServiceEvent { duration_seconds: seconds(rest), ..event("group_call") },
            });
        }
    }
    if let Some(period) = sentence.strip_prefix("New messages will auto-delete in ") {
        return Some(Reading {
            actor: None,
            event: ServiceEvent { period_seconds: ttl(period), ..event("set_messages_ttl") },
        });
    }
    by_actor(sentence, linked)
}

/// Sentences that start with the actor's name.
fn by_actor(sentence: &str, linked: Option<i64>) -> Option<Reading> {
    const PATTERNS: [&str; 20] = [
        " created group ",
        " changed group title to ",
        " changed group photo",
        " removed group photo",
        " joined group by link from ",
        " joined group by request",
        " converted this group to a supergroup",
        " converted a basic group to this supergroup ",
        " pinned ",
        " took a screenshot",
        " joined Telegram",
        " started voice chat",
        " scheduled a voice chat for ",
        " has set messages not to auto-delete",
        " has set messages to auto-delete in ",
        " created topic ",
        " invited ",
        " removed ",
        " scored ",
        " changed topic ",
    ];
    let (at, pattern) = PATTERNS
        .iter()
        .filter_map(|p| sentence.find(p).map(|at| (at, *p)))
        .min_by_key(|(at, p)| (*at, usize::MAX - p.len()))?;
    let who = actor(sentence.get(..at)?);
    let rest = sentence.get(at + pattern.len()..)?;
    let event = match pattern {
        " created group " => {
            let (title, after) = quoted(rest)?;
            let members = after.strip_prefix(" with members ").map(names).unwrap_or_default();
            ServiceEvent { title: Some(title), members, ..event("create_group") }
        }
        " changed group title to " => {
            ServiceEvent { title: Some(quoted(rest)?.0), ..event("edit_group_title") }
        }
        " changed group photo" if rest.is_empty() => event("edit_group_photo"),
        " removed group photo" if rest.is_empty() => event("delete_group_photo"),
        " joined group by link from " => {
            ServiceEvent { inviter: Some(rest.to_string()), ..event("join_group_by_link") }
        }
        " joined group by request" if rest.is_empty() => event("join_group_by_request"),
        " converted this group to a supergroup" if rest.is_empty() => event("migrate_to_supergroup"),
        " converted a basic group to this supergroup " => {
            ServiceEvent { title: Some(quoted(rest)?.0), ..event("migrate_from_group") }
        }
        " pinned " if rest == "this message" => {
            ServiceEvent { pinned_message_id: linked, ..event("pin_message") }
        }
        " took a screenshot" if rest.is_empty() => event("take_screenshot"),
        " joined Telegram" if rest.is_empty() => event("contact_signup"),
        " started voice chat" if rest.is_empty() || seconds(rest).is_some() => {
            ServiceEvent { duration_seconds: seconds(rest), ..event("group_call") }
        }
        " scheduled a voice chat for " => event("group_call_scheduled"),
        " has set messages not to auto-delete" if rest.is_empty() => {
            ServiceEvent { period_seconds: Some(0), ..event("set_messages_ttl") }
        }
        " has set messages to auto-delete in " => {
            ServiceEvent { period_seconds: ttl(rest), ..event("set_messages_ttl") }
        }
        " created topic " => ServiceEvent { title: Some(quoted(rest)?.0), ..event("topic_created") },
        " invited " => match rest.strip_suffix(" to the voice chat") {
            Some(list) => ServiceEvent { members: names(list), ..event("invite_to_group_call") },
            None => ServiceEvent { members: names(rest), ..event("invite_members") },
        },
        " removed " => ServiceEvent { members: vec![rest.to_string()], ..event("remove_members") },
        _ => return None,
    };
    Some(Reading { actor: who, event })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::telegram_export::service::describe;

    fn said(sentence: &str) -> (Option<String>, String) {
        let reading = read(sentence, Some(17));
        (reading.actor, describe(&reading.event))
    }

    #[test]
    fn the_events_result_json_names_are_read_back() {
        let alice = Some("Alice Smith".to_string());
        assert_eq!(
            said("Alice Smith created group «Falcon Core» with members Bob Jones, Carol White and Dan"),
            (alice.clone(), "created the group \"Falcon Core\" with Bob Jones, Carol White, Dan".into())
        );
        assert_eq!(said("Alice Smith invited Bob"), (alice.clone(), "added Bob".into()));
        assert_eq!(
            said("Alice Smith invited Bob and Eve to the voice chat"),
            (alice.clone(), "invited Bob, Eve to the group call".into())
        );
        assert_eq!(
            said("Alice Smith removed group photo"),
            (alice.clone(), "removed the group photo".into())
        );
        assert_eq!(said("Alice Smith removed Bob"), (alice.clone(), "removed Bob".into()));
        assert_eq!(said("Alice Smith pinned this message"), (alice.clone(), "pinned message 17".into()));
        assert_eq!(
            said("Alice Smith started voice chat (30 seconds)"),
            (alice.clone(), "group call, 30 s".into())
        );
        assert_eq!(
            said("Deleted changed group title to «New»"),
            (Some("Deleted Account".into()), "changed the title to \"New\"".into())
        );
        assert_eq!(said("Channel «News» created"), (None, "created the channel \"News\"".into()));
        assert_eq!(said("History cleared"), (None, "cleared the history".into()));
        assert_eq!(
            said("Bob has set messages to auto-delete in 7 days").1,
            "set messages to auto-delete after 604800 s"
        );
    }

    #[test]
    fn other_sentences_are_kept_as_written() {
        assert_eq!(
            said("You allowed this bot to message you   when you opened X"),
            (None, "You allowed this bot to message you when you opened X".into())
        );
    }
}
