//! Service messages (calls, joins, title changes, pins...) described in words an admin can read, for
//! the "service: ..." note. It does not decide who the actor is; `chat` does.

use super::message::ServiceEvent;

/// "phone call, 65 s", "added Bob, Carol", "changed the title to \"Falcon\"", or Telegram's own sentence
/// for an event the HTML reader does not read further.
pub(super) fn describe(event: &ServiceEvent) -> String {
    if event.action.is_empty() {
        return event.sentence.clone().unwrap_or_else(|| "unknown".to_string());
    }
    let members = event.members.join(", ");
    let title = event.title.as_deref().unwrap_or_default();
    match event.action.as_str() {
        "phone_call" => call("phone call", event),
        "group_call" => call("group call", event),
        "group_call_scheduled" => "scheduled a group call".into(),
        "invite_to_group_call" => format!("invited {members} to the group call"),
        "create_group" if members.is_empty() => format!("created the group \"{title}\""),
        "create_group" => format!("created the group \"{title}\" with {members}"),
        "create_channel" => format!("created the channel \"{title}\""),
        "migrate_to_supergroup" => "upgraded the group to a supergroup".into(),
        "migrate_from_group" => format!("upgraded from the group \"{title}\""),
        "edit_group_title" => format!("changed the title to \"{title}\""),
        "edit_group_photo" => "changed the group photo".into(),
        "delete_group_photo" => "removed the group photo".into(),
        "invite_members" => format!("added {members}"),
        "remove_members" => format!("removed {members}"),
        "join_group_by_link" => match event.inviter.as_deref() {
            Some(inviter) => format!("joined by an invite link from {inviter}"),
            None => "joined by an invite link".into(),
        },
        "join_group_by_request" => "joined after a join request was approved".into(),
        "pin_message" => match event.pinned_message_id {
            Some(id) => format!("pinned message {id}"),
            None => "pinned a message".into(),
        },
        "clear_history" => "cleared the history".into(),
        "set_messages_ttl" => match event.period_seconds {
            Some(0) => "turned off auto-delete".into(),
            Some(s) => format!("set messages to auto-delete after {s} s"),
            None => "changed the auto-delete timer".into(),
        },
        "take_screenshot" => "took a screenshot".into(),
        "contact_signup" => "joined Telegram".into(),
        "topic_created" => format!("created the topic \"{title}\""),
        other => other.replace('_', " "),
    }
}

/// "phone call, 65 s" or "phone call, missed".
fn call(what: &str, event: &ServiceEvent) -> String {
    match (event.duration_seconds, event.discard_reason.as_deref()) {
        (Some(seconds), _) => format!("{what}, {seconds} s"),
        (None, Some(reason)) if !reason.is_empty() => {
            format!("{what}, {}", reason.replace('_', " "))
        }
        _ => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str) -> ServiceEvent {
        ServiceEvent { action: action.into(), ..ServiceEvent::default() }
    }

    #[test]
    fn calls_say_how_long_or_why_not() {
        let answered = ServiceEvent { duration_seconds: Some(65), ..event("phone_call") };
        assert_eq!(describe(&answered), "phone call, 65 s");
        let missed = ServiceEvent { discard_reason: Some("missed".into()), ..event("phone_call") };
        assert_eq!(describe(&missed), "phone call, missed");
    }

    #[test]
    fn membership_changes_name_the_members() {
        let added = ServiceEvent { members: vec!["Bob".into(), "Carol".into()], ..event("invite_members") };
        assert_eq!(describe(&added), "added Bob, Carol");
        assert_eq!(describe(&event("some_future_action")), "some future action");
    }
}
