//! The live Telegram connector's entry points for the CLI and the app's scheduler: the bot token's keychain
//! entry (the CLI reads `DOCKET_TELEGRAM_BOT_TOKEN` first), the source built from it with the confirmed
//! offset and last poll time read from the ledger, and `drain`: batch after batch, each one in the ledger
//! (and its offset committed) before the next `getUpdates` confirms it to Telegram, until a batch is empty.
//! It owns no HTTP (`sources::telegram_bot` does) and no IPC.

use super::{run_opened, CancellationToken, RunPlan};
use crate::config::ConfigError;
use crate::error::Error;
use crate::ledger::ChatCoverage;
use crate::ledger::Ledger;
use crate::model::RunSummary;
use crate::pipeline::ProgressFn;
use crate::secrets::SecretStore;
pub use crate::sources::telegram_bot::{
    stale_poll_warning, BotError, BotHistory, BotSettings, TelegramBotSource, OFFSET_CHECKPOINT,
    POLLED_AT_CHECKPOINT, STALE_POLL_HOURS,
};
use crate::text;

/// The keychain entry of the bot token.
pub const TOKEN_ENTRY: &str = "telegram-bot-token";
/// A plan's `location` for a bot connector is `bot:NAME` (its `source_kind` is `telegram`), NAME being the
/// bot's username as the wizard's live check found it (or any name given to `docket run --source
/// telegram-bot:NAME`).
pub const LOCATION_PREFIX: &str = "bot:";
/// Batches one drain reads at most (100 updates each), so a flood cannot keep a scheduled run going forever.
const MAX_BATCHES: usize = 1_000;

/// The source for the bot connector `name`: the token from `secrets`, the history from `ledger`.
pub fn open_source(
    secrets: &dyn SecretStore,
    settings: BotSettings,
    ledger: Option<&Ledger>,
) -> Result<TelegramBotSource, Error> {
    let token = match secrets.get(TOKEN_ENTRY)? {
        Some(token) if !token.expose().trim().is_empty() => token,
        _ => return Err(BotError::MissingToken.into()),
    };
    let history = match ledger {
        Some(ledger) => history(ledger, &settings)?,
        None => BotHistory::default(),
    };
    Ok(TelegramBotSource::open(settings, token, history)?)
}

/// The confirmed offset and the last successful poll, from the ledger.
pub fn history(ledger: &Ledger, settings: &BotSettings) -> Result<BotHistory, Error> {
    let namespace = settings.checkpoint_source();
    let offset = ledger.checkpoint(&namespace, OFFSET_CHECKPOINT)?.and_then(|v| v.parse().ok());
    let polled_at = ledger.checkpoint(&namespace, POLLED_AT_CHECKPOINT)?;
    Ok(BotHistory { offset, polled_at })
}

/// Reads what is waiting for the bot, one batch per pipeline run, until a batch is empty (or a run fails or
/// is cancelled), and returns the runs' accounting added up (the last run's id). Each batch's offset is
/// committed by its run before the next `getUpdates` sends it, which is what confirms it to Telegram.
pub async fn drain(
    plan: &RunPlan,
    secrets: &dyn SecretStore,
    ledger: &Ledger,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<RunSummary, Error> {
    let Some(name) = plan.telegram_bot_name() else {
        return Err(Error::Internal("drain is for Telegram bot plans".into()));
    };
    let namespace = BotSettings::new(name).checkpoint_source();
    let mut total: Option<RunSummary> = None;
    for _ in 0..MAX_BATCHES {
        let before = ledger.checkpoint(&namespace, OFFSET_CHECKPOINT)?;
        let opened = plan.open(secrets, ledger, progress.clone())?;
        let summary = run_opened(opened, ledger, progress.clone(), cancel.clone()).await?;
        let stop = summary.failed_total() > 0 || summary.cancelled;
        let after = ledger.checkpoint(&namespace, OFFSET_CHECKPOINT)?;
        total = Some(match total {
            None => summary,
            Some(sum) => add(sum, summary),
        });
        if stop || before == after {
            break;
        }
    }
    total.ok_or_else(|| Error::Internal("no batch was read".into()))
}

fn add(mut sum: RunSummary, next: RunSummary) -> RunSummary {
    sum.run_id = next.run_id;
    sum.fetched += next.fetched;
    sum.delivered += next.delivered;
    sum.already_present += next.already_present;
    sum.deliveries += next.deliveries;
    sum.drafts += next.drafts;
    sum.cancelled |= next.cancelled;
    for (reason, n) in next.skipped {
        *sum.skipped.entry(reason).or_default() += n;
    }
    for (reason, n) in next.failed {
        *sum.failed.entry(reason).or_default() += n;
    }
    for (target, counts) in next.targets {
        let entry = sum.targets.entry(target).or_default();
        entry.delivered += counts.delivered;
        entry.already_present += counts.already_present;
        entry.drafts += counts.drafts;
        entry.failed += counts.failed;
    }
    for text in next.warning_texts {
        sum.warn(text);
    }
    sum
}

/// What the live check found: the bot, what it may read, what stands in the way of polling, and the chats
/// its earlier polls archived.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct BotCheck {
    pub id: i64,
    pub username: String,
    /// Privacy mode is off (or the bot is an admin where it must read everything).
    pub can_read_all_group_messages: bool,
    pub can_connect_to_business: bool,
    /// Problems the admin must fix before polling (a webhook), and advice (privacy mode on).
    pub warnings: Vec<crate::Text>,
    /// A webhook is set: every poll would fail with 409 until it is deleted.
    pub webhook_set: bool,
    /// The chats this bot's connector has archived so far (empty before its first poll).
    pub chats: Vec<ChatCoverage>,
    /// When it last polled successfully (RFC 3339), if ever.
    pub last_poll: Option<String>,
}

/// Refuses what cannot be a bot token before it reaches the keychain. @BotFather's tokens are the bot's
/// numeric id, a colon and a string of letters, digits, `-` and `_` (e.g. `110201543:AAHdqTcvCH1vGW…`). The
/// error never repeats the value.
pub fn checked_token(value: &str) -> Result<(), Error> {
    let invalid = |message: crate::Text| -> Error {
        ConfigError::Invalid { field: text!("field.bot_token", "Telegram bot token"), message }.into()
    };
    if value.is_empty() {
        return Err(invalid(text!(
            "bot.token_empty",
            "the bot token is empty; in Telegram, open @BotFather, send /mybots, choose the bot and press API \
             Token, then paste the whole token"
        )));
    }
    let valid = value.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && secret.len() >= 20
            && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !valid {
        return Err(invalid(text!(
            "bot.token_form",
            "this is not a bot token: @BotFather's tokens are the bot's number, a colon and about 35 letters and \
             digits (like 110201543:AAHdqTcv…). Copy the whole token from @BotFather (/mybots › your bot › API \
             Token) without surrounding text"
        )));
    }
    Ok(())
}

/// The wizard's live check against `api_base`: `getMe` (whose bot the stored token is) and `getWebhookInfo`
/// (a webhook would make every poll fail with 409). A refused token is `bad_config`, with no retry. With
/// `ledger`, it adds the chats the bot's connector archived so far and its last poll. It never calls
/// `getUpdates`, so it confirms nothing to Telegram.
pub async fn check(
    secrets: &dyn SecretStore,
    api_base: &str,
    ledger: Option<&Ledger>,
) -> Result<BotCheck, Error> {
    use crate::sources::telegram_bot::BotClient;
    let token = match secrets.get(TOKEN_ENTRY)? {
        Some(token) if !token.expose().trim().is_empty() => token,
        _ => return Err(BotError::MissingToken.into()),
    };
    let policy = crate::sources::telegram_bot::BotPolicy::default();
    let client = BotClient::new(api_base, token, policy)?;
    let me = client.call("getMe", &serde_json::json!({}), 0).await?;
    let flag = |name: &str| me.get(name).and_then(serde_json::Value::as_bool).unwrap_or(false);
    let mut warnings = Vec::new();
    if !flag("can_read_all_group_messages") {
        warnings.push(text!(
            "bot.privacy_mode",
            "privacy mode is on: in groups the bot receives only commands and replies to it. In @BotFather \
             choose /setprivacy › Disable (then remove and re-add the bot to each group), or make the bot an \
             admin of each group"
        ));
    }
    let webhook = client.call("getWebhookInfo", &serde_json::json!({}), 0).await?;
    let webhook_set =
        webhook.get("url").and_then(serde_json::Value::as_str).is_some_and(|url| !url.is_empty());
    if webhook_set {
        warnings.push(text!(
            "bot.webhook_set",
            "a webhook is set for this bot, so Docket cannot poll it (Telegram answers 409). If nothing else \
             should receive this bot's updates, delete the webhook (deleteWebhook); Docket never deletes it \
             itself"
        ));
    }
    let username = me.get("username").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let (chats, last_poll) = match ledger {
        Some(ledger) if !username.is_empty() => {
            let settings = BotSettings::new(&username);
            let source = settings.checkpoint_source();
            let chats = ledger.source_coverage(&source)?;
            (chats, history(ledger, &settings)?.polled_at)
        }
        _ => (Vec::new(), None),
    };
    Ok(BotCheck {
        id: me.get("id").and_then(serde_json::Value::as_i64).unwrap_or_default(),
        username,
        can_read_all_group_messages: flag("can_read_all_group_messages"),
        can_connect_to_business: flag("can_connect_to_business"),
        warnings,
        webhook_set,
        chats,
        last_poll,
    })
}

/// The dashboard's word on a bot connector's polling: the warning when its last successful poll is close to
/// Telegram's 24-hour limit (`STALE_POLL_HOURS`), or when it has never polled although it was saved more
/// than that long ago. `None` for any other plan.
pub fn poll_warning(
    plan: &RunPlan,
    ledger: &Ledger,
    saved_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<crate::Text>, Error> {
    let Some(name) = plan.telegram_bot_name() else { return Ok(None) };
    let settings = BotSettings::new(name);
    Ok(match history(ledger, &settings)?.polled_at {
        Some(polled_at) => stale_poll_warning(name, &polled_at, now),
        None if now - saved_at > chrono::Duration::hours(STALE_POLL_HOURS) => Some(text!(
            "bot.never_polled",
            "Telegram bot {name} has not been polled since it was saved {hours} hours ago; Telegram keeps \
             undelivered updates only 24 hours. Run it now, and keep Docket running (or schedule docket run-due) \
             so it polls every few minutes",
            name = name,
            hours = (now - saved_at).num_hours()
        )),
        None => None,
    })
}
