//! Live Telegram capture through the official Bot API (groups and supergroups the bot is in, channels it
//! administers, Telegram Business chats it is connected to): the client with the token kept out of every
//! printable text (`client`), its errors (`error`), updates to items with keys the Desktop export reader
//! also gives (`records`, `business`) and the `Source` that reads one batch per run and confirms it only through the
//! ledger (`source`). It renders, maps and stores nothing.

mod business;
pub mod client;
pub mod error;
pub mod records;
pub mod source;

pub use client::{BotClient, BotPolicy, DEFAULT_API_BASE};
pub use error::BotError;
pub use records::export_chat_id;
pub use source::{
    stale_poll_warning, BotHistory, BotSettings, TelegramBotSource, LABEL_PREFIX, OFFSET_CHECKPOINT,
    POLLED_AT_CHECKPOINT, STALE_POLL_HOURS,
};
