//! The resolution policy from Microsoft's connector docs: for each participant the mapping CSV is tried
//! first, then automatic mapping by the participant's email address; with automatic mapping on, the owner of
//! an export is added too. An item nobody maps to is `Unmapped` with a reason naming its participants.
//! Does not read the CSV (`csv_table`) nor deliver anything.

use std::collections::BTreeSet;

use crate::model::{Item, Participant, SourceKind};

use super::address::normalize_address;
use super::{MappingTable, TelegramIdTable, XHandleTable};
use crate::text;
use crate::Text;

/// How many participants an unmapped reason names before it says "and N more".
const NAMED_PARTICIPANTS: usize = 5;

/// The longest name or number quoted in a reason.
const LABEL_CHARS: usize = 60;

/// Where an item goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Sorted, lowercase, without duplicates, never empty.
    Mailboxes(Vec<String>),
    /// No participant maps; the reason names them and says what to change.
    Unmapped { reason: crate::Text },
}

/// Picks the mailboxes for each item.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    table: Option<MappingTable>,
    auto_map: bool,
    owner_mailbox: Option<String>,
    /// X handles → mailboxes, applied to X items only.
    x_handles: Option<XHandleTable>,
    /// Telegram user ids and usernames → mailboxes, applied to Telegram items only.
    telegram_ids: Option<TelegramIdTable>,
}

impl Resolver {
    /// `table`: the mapping CSV, when one is set. `auto_map`: automatic mapping by email address (off with
    /// `--no-auto-map`). `owner_mailbox`: the mailbox of whoever exported the chats; used with automatic
    /// mapping, since the owner took part in every chat they exported.
    pub fn new(table: Option<MappingTable>, auto_map: bool, owner_mailbox: Option<String>) -> Resolver {
        let owner_mailbox =
            owner_mailbox.map(|mailbox| mailbox.trim().to_lowercase()).filter(|mailbox| !mailbox.is_empty());
        Resolver { table, auto_map, owner_mailbox, x_handles: None, telegram_ids: None }
    }

    /// Adds an X-handle mapping: an X item goes to the mailbox of every participant whose handle maps.
    pub fn with_x_handles(mut self, handles: XHandleTable) -> Resolver {
        self.x_handles = Some(handles);
        self
    }

    /// Adds the Telegram columns: a Telegram item goes to the mailbox of every participant whose user id
    /// (or username, as the item's `X-Docket-Telegram-Users` header gives it) maps.
    pub fn with_telegram_ids(mut self, ids: TelegramIdTable) -> Resolver {
        self.telegram_ids = Some(ids);
        self
    }

    /// The mailbox the Telegram columns give `participant` of `item`.
    fn by_telegram_id(&self, item: &Item, participant: &Participant) -> Option<String> {
        let table = self.telegram_ids.as_ref().filter(|_| item.source == SourceKind::Telegram)?;
        let handle = participant.handle.as_deref()?;
        if let Some(mailbox) = table.lookup_handle(handle) {
            return Some(mailbox.to_string());
        }
        let users = item.extra_headers.iter().find(|(name, _)| name == "X-Docket-Telegram-Users")?;
        users.1.split(';').find_map(|pair| {
            let (id, username) = pair.trim().split_once(' ')?;
            (id == handle).then(|| table.lookup_username(username)).flatten().map(str::to_string)
        })
    }

    pub fn resolve(&self, item: &Item) -> Resolution {
        let participants: Vec<&Participant> = std::iter::once(&item.sender).chain(&item.recipients).collect();
        let mut mailboxes = BTreeSet::new();
        for participant in &participants {
            if let Some(mailbox) = self.map_participant(participant) {
                mailboxes.insert(mailbox);
            }
            if let Some(mailbox) = self.by_telegram_id(item, participant) {
                mailboxes.insert(mailbox);
            }
            if item.source == SourceKind::X {
                let by_handle = self.x_handles.as_ref().zip(participant.handle.as_deref());
                if let Some(mailbox) = by_handle.and_then(|(table, handle)| table.lookup(handle)) {
                    mailboxes.insert(mailbox.to_string());
                }
            }
        }
        if self.auto_map {
            if let Some(owner) = &self.owner_mailbox {
                mailboxes.insert(owner.clone());
            }
        }
        if mailboxes.is_empty() {
            Resolution::Unmapped { reason: self.unmapped_reason(&participants) }
        } else {
            Resolution::Mailboxes(mailboxes.into_iter().collect())
        }
    }

    /// Names each participant of `item` that maps to a mailbox of its own (by the CSV, automatic mapping
    /// or, for X, its handle) by that mailbox, so the email's From and To carry Microsoft 365 addresses.
    /// Participants that do not map (and the owner mailbox, which is nobody in particular) are left as the
    /// source gave them. Called just before rendering; replaces what an earlier mapping set.
    pub fn address(&self, item: &mut Item) {
        let source = item.source;
        let by_telegram: Vec<Option<String>> = std::iter::once(&item.sender)
            .chain(item.recipients.iter())
            .map(|participant| self.by_telegram_id(item, participant))
            .collect();
        let participants = std::iter::once(&mut item.sender).chain(item.recipients.iter_mut());
        for (participant, telegram) in participants.zip(by_telegram) {
            let by_handle = || {
                let table = self.x_handles.as_ref().filter(|_| source == SourceKind::X)?;
                table.lookup(participant.handle.as_deref()?).map(str::to_string)
            };
            let mailbox = self.map_participant(participant).or_else(by_handle).or(telegram);
            participant.mailbox = mailbox;
        }
    }

    /// The CSV first (by phone), then automatic mapping (by email).
    fn map_participant(&self, participant: &Participant) -> Option<String> {
        let from_csv = self
            .table
            .as_ref()
            .zip(participant.phone.as_deref())
            .and_then(|(table, phone)| table.lookup_phone(phone))
            .map(str::to_string);
        from_csv.or_else(|| {
            let email = participant.email.as_deref().filter(|_| self.auto_map)?;
            normalize_address(email.trim()).ok()
        })
    }

    /// Why no participant maps: each participant (up to `NAMED_PARTICIPANTS`) and why, then the settings
    /// that would have mapped them.
    fn unmapped_reason(&self, participants: &[&Participant]) -> Text {
        let mut named = Vec::new();
        let mut seen = BTreeSet::new();
        for participant in participants {
            let label = label(participant);
            if seen.insert(label.clone()) {
                let why = self.why_unmapped(participant);
                named.push(match label {
                    Some(label) => text!(
                        "mapping.unmapped.participant",
                        "{participant} {why}",
                        participant = label,
                        why = why
                    ),
                    None => text!(
                        "mapping.unmapped.unnamed_participant",
                        "an unnamed participant {why}",
                        why = why
                    ),
                });
            }
        }
        let total = named.len();
        named.truncate(NAMED_PARTICIPANTS);
        let mut parts = named;
        if total == 0 {
            parts.push(text!("mapping.unmapped.no_participants", "the item names no participants"));
        } else if total == NAMED_PARTICIPANTS + 1 {
            parts.push(text!("mapping.unmapped.one_more_participant", "and one more participant"));
        } else if total > NAMED_PARTICIPANTS {
            parts.push(text!(
                "mapping.unmapped.more_participants",
                "and {count} more participants",
                count = total - NAMED_PARTICIPANTS
            ));
        }
        if self.table.is_none() {
            parts.push(text!("mapping.unmapped.no_mapping_csv", "no mapping CSV is set"));
        }
        if !self.auto_map {
            parts.push(text!("mapping.unmapped.auto_map_off", "automatic mapping is off"));
        } else if self.owner_mailbox.is_none() {
            parts.push(text!("mapping.unmapped.no_owner_mailbox", "no owner mailbox is set"));
        }
        // Never empty: without participants it says so.
        let reasons = parts
            .into_iter()
            .reduce(|earlier, next| {
                text!("mapping.unmapped.and", "{earlier}; {next}", earlier = earlier, next = next)
            })
            .unwrap_or_else(|| text!("mapping.unmapped.no_participants", "the item names no participants"));
        text!(
            "mapping.unmapped.reason",
            "no participant maps to a Microsoft 365 mailbox: {reasons}. Add a participant's number to the mapping \
             CSV, then replay the unmapped items",
            reasons = reasons
        )
    }

    /// Why `participant` maps to no mailbox, as the end of a sentence that names them first.
    fn why_unmapped(&self, participant: &Participant) -> Text {
        let phone = participant.phone.as_deref().map(str::trim).filter(|phone| !phone.is_empty());
        let by_phone = match (phone, &self.table) {
            (None, _) => text!("mapping.unmapped.no_phone", "has no phone number"),
            (Some(_), None) => {
                text!(
                    "mapping.unmapped.no_mapping_csv_for_phone",
                    "has a phone number but there is no mapping CSV"
                )
            }
            (Some(phone), Some(table)) => match table.default_region() {
                _ if super::normalize_phone(phone, table.default_region()).is_some() => {
                    text!("mapping.unmapped.not_in_csv", "is not in the mapping CSV")
                }
                _ if phone.contains(['+', '\u{ff0b}']) => {
                    text!("mapping.unmapped.invalid_phone", "has a phone number that is not valid")
                }
                Some(_) => text!(
                    "mapping.unmapped.invalid_phone_in_region",
                    "has a phone number that is not valid in the mapping's default region"
                ),
                None => text!(
                    "mapping.unmapped.no_country_code",
                    "has a phone number without a country code, and no default region is set"
                ),
            },
        };
        if !self.auto_map {
            return by_phone;
        }
        let email = participant.email.as_deref().map(str::trim).filter(|email| !email.is_empty());
        match email {
            None => {
                text!("mapping.unmapped.no_email", "{by_phone} and no email address", by_phone = by_phone)
            }
            Some(email) => match normalize_address(email) {
                Ok(_) => text!(
                    "mapping.unmapped.email_unused",
                    "{by_phone}, and its email address was not used",
                    by_phone = by_phone
                ),
                Err(fault) => text!(
                    "mapping.unmapped.email_fault",
                    "{by_phone}, and its email address \"{email}\" {fault}",
                    by_phone = by_phone,
                    email = super::csv_cells::shown(email),
                    fault = fault.text()
                ),
            },
        }
    }
}

/// "Alice (+44 7911 123456)", or whatever identifies the participant; `None` when nothing does.
fn label(participant: &Participant) -> Option<String> {
    let name = printable(&participant.display_name);
    let name = name.as_str();
    let phone = participant.phone.as_deref().map(printable).filter(|phone| !phone.is_empty());
    let phone = phone.as_deref();
    let handle = participant.handle.as_deref().map(printable).filter(|handle| !handle.is_empty());
    let handle = handle.as_deref();
    match (name.is_empty(), phone, handle) {
        (false, Some(phone), _) if phone != name => Some(format!("{name} ({phone})")),
        (false, _, _) => Some(name.to_string()),
        (true, Some(phone), _) => Some(phone.to_string()),
        (true, None, Some(handle)) => Some(handle.to_string()),
        (true, None, None) => None,
    }
}

/// Source text made safe for a one-line reason: control characters become spaces, long text is shortened.
fn printable(text: &str) -> String {
    let cleaned: String = text.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if cleaned.chars().count() > LABEL_CHARS {
        let head: String = cleaned.chars().take(LABEL_CHARS).collect();
        format!("{head}…")
    } else {
        cleaned
    }
}
