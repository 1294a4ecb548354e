//! The live Telegram connector's entry points for the CLI and the app's scheduler: the bot token's keychain
//! entry (the CLI reads `DOCKET_TELEGRAM_BOT_TOKEN` first), the source built from it with the confirmed
//! offset and last poll time read from the ledger, and `drain`: batch after batch, each one in the ledger
//! (and its offset committed) before the next `getUpdates` confirms it to Telegram, until a batch is empty.
//! It owns no HTTP (`sources::telegram_bot` does) and no IPC.

use super::{run_opened, CancellationToken, RunPlan};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::model::RunSummary;
use crate::pipeline::ProgressFn;
use crate::secrets::SecretStore;
pub use crate::sources::telegram_bot::{
    BotError, BotHistory, BotSettings, TelegramBotSource, OFFSET_CHECKPOINT, POLLED_AT_CHECKPOINT,
};

/// The keychain entry of the bot token.
pub const TOKEN_ENTRY: &str = "telegram-bot-token";
/// A plan's `location` for a bot connector is `bot:NAME` (its `source_kind` is `telegram`): the UI's
/// generated types stay as they are until the wizard gains the connector.
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
    for warning in next.warnings {
        if !sum.warnings.contains(&warning) {
            sum.warnings.push(warning);
        }
    }
    sum
}

/// What the live check found: the bot, what it may read, and what stands in the way of polling.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BotCheck {
    pub id: i64,
    pub username: String,
    /// Privacy mode is off (or the bot is an admin where it must read everything).
    pub can_read_all_group_messages: bool,
    pub can_connect_to_business: bool,
    /// Problems the admin must fix before polling (a webhook), and advice (privacy mode on).
    pub warnings: Vec<String>,
}

/// The wizard's live check against `api_base`: `getMe` (whose bot the stored token is) and `getWebhookInfo`
/// (a webhook would make every poll fail with 409). A refused token is `bad_config`, with no retry.
pub async fn check(secrets: &dyn SecretStore, api_base: &str) -> Result<BotCheck, Error> {
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
        warnings.push(
            "privacy mode is on: in groups the bot receives only commands and replies to it. In @BotFather \
             choose /setprivacy › Disable (then remove and re-add the bot to each group), or make the bot an \
             admin of each group"
                .to_string(),
        );
    }
    let webhook = client.call("getWebhookInfo", &serde_json::json!({}), 0).await?;
    if webhook.get("url").and_then(serde_json::Value::as_str).is_some_and(|url| !url.is_empty()) {
        warnings.push(
            "a webhook is set for this bot, so Docket cannot poll it (Telegram answers 409). If nothing else \
             should receive this bot's updates, delete the webhook (deleteWebhook); Docket never deletes it \
             itself"
                .to_string(),
        );
    }
    Ok(BotCheck {
        id: me.get("id").and_then(serde_json::Value::as_i64).unwrap_or_default(),
        username: me.get("username").and_then(serde_json::Value::as_str).unwrap_or_default().to_string(),
        can_read_all_group_messages: flag("can_read_all_group_messages"),
        can_connect_to_business: flag("can_connect_to_business"),
        warnings,
    })
}
