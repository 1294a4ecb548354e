//! Who takes part: the phone numbers a full export gives (result.json's `personal_information` and
//! `contacts.list`, matched by Telegram user id; the HTML export's owner, matched by name, since its pages
//! carry no user ids) and each chat's roster, from which an item's recipients come. It does not normalise
//! phone numbers; `mapping` does.

use std::collections::{BTreeMap, HashMap};

use crate::model::Participant;

use super::json::schema::{Contact, NumberOrText, PersonalInformation};
use super::message::Message;

/// Phone numbers by Telegram handle (`user123`), and the account owner when the export names one.
#[derive(Debug, Default)]
pub(super) struct Directory {
    phones: HashMap<String, String>,
    owner: Option<Participant>,
    /// The HTML export names people only by name: a sender with the owner's exact name is taken to be
    /// the owner, whose mailbox every item of the export reaches anyway.
    owner_by_name: bool,
}

impl Directory {
    pub(super) fn new(personal: Option<&PersonalInformation>, contacts: &[Contact]) -> Directory {
        let mut phones = HashMap::new();
        for contact in contacts {
            if let (Some(handle), Some(phone)) = (
                user_handle(contact.user_id.as_ref().and_then(NumberOrText::as_number)),
                non_empty(&contact.phone_number),
            ) {
                phones.entry(handle).or_insert(phone);
            }
        }
        let owner = personal.map(|me| {
            let handle = user_handle(me.user_id.as_ref().and_then(NumberOrText::as_number));
            let phone = non_empty(&me.phone_number);
            if let (Some(handle), Some(phone)) = (&handle, &phone) {
                phones.insert(handle.clone(), phone.clone());
            }
            let name = [non_empty(&me.first_name), non_empty(&me.last_name)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let display_name = if name.is_empty() { "Account owner".to_string() } else { name };
            Participant { display_name, phone, email: None, handle, mailbox: None }
        });
        Directory { phones, owner, owner_by_name: false }
    }

    /// The directory of an HTML export: the owner (a full export's `export_results.html`) or nobody.
    pub(super) fn of_owner(owner: Option<Participant>) -> Directory {
        Directory { phones: HashMap::new(), owner, owner_by_name: true }
    }

    /// The person behind `name` and `handle`, with their phone when the export gives it.
    pub(super) fn participant(&self, display_name: String, handle: Option<&str>) -> Participant {
        let phone = match handle {
            Some(handle) => self.phones.get(handle).cloned(),
            None => self
                .owner
                .as_ref()
                .filter(|owner| self.owner_by_name && owner.display_name == display_name)
                .and_then(|owner| owner.phone.clone()),
        };
        Participant { display_name, phone, email: None, handle: handle.map(str::to_string), mailbox: None }
    }

    /// Who wrote `message`: `from` (or `actor`), else "Deleted Account" for a known id with no
    /// name, else the chat itself (channel posts).
    pub(super) fn author(&self, message: &Message, chat_name: &str) -> Participant {
        let handle = message.author_id.as_deref();
        let name = match (&message.author, handle) {
            (Some(name), _) if !name.trim().is_empty() => name.clone(),
            (_, Some(_)) => "Deleted Account".to_string(),
            _ => chat_name.to_string(),
        };
        self.participant(name, handle)
    }
}

/// Everyone a chat names: its senders and actors, the counterpart of a personal chat, and the
/// account owner (whose export it is), sorted by display name.
#[derive(Debug, Default)]
pub(super) struct Roster(Vec<Participant>);

impl Roster {
    /// `authors`: everyone who wrote or acted in the chat, the first seen for each identity.
    pub(super) fn new(
        directory: &Directory,
        counterpart: Option<Participant>,
        authors: impl Iterator<Item = Participant>,
    ) -> Roster {
        let mut by_identity: BTreeMap<String, Participant> = BTreeMap::new();
        let everyone = counterpart.into_iter().chain(directory.owner.clone()).chain(authors);
        for person in everyone {
            by_identity.entry(identity(&person)).or_insert(person);
        }
        let mut people: Vec<Participant> = by_identity.into_values().collect();
        people.sort_by(|a, b| a.display_name.cmp(&b.display_name).then_with(|| a.handle.cmp(&b.handle)));
        Roster(people)
    }

    /// Everyone in the chat but `sender`.
    pub(super) fn others(&self, sender: &Participant) -> Vec<Participant> {
        let sender = identity(sender);
        self.0.iter().filter(|p| identity(p) != sender).cloned().collect()
    }
}

/// The Telegram handle where there is one, otherwise the name.
pub(super) fn identity(person: &Participant) -> String {
    match &person.handle {
        Some(handle) => format!("id:{handle}"),
        None => format!("name:{}", person.display_name),
    }
}

/// `user<id>` for a real Telegram user id (contacts not on Telegram carry 0).
pub(super) fn user_handle(id: Option<i64>) -> Option<String> {
    id.filter(|&id| id > 0).map(|id| format!("user{id}"))
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}
