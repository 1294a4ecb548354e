//! What can go wrong talking to the Telegram Bot API, with a stable `Code` each. Every message names the
//! method that answered and what Telegram said, never the bot token (which Telegram puts in the URL path),
//! and says what the admin should do next.

use crate::error::Code;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    Auth { method: String, status: u16, detail: String },
    Conflict { detail: String },
    RateLimited { method: String, seconds: u64 },
    Unreachable { method: String, detail: String },
    Server { method: String, status: u16, detail: String, attempts: u32 },
    Rejected { method: String, status: u16, detail: String },
    BadResponse { method: String, detail: String },
    MissingToken,
    BadToken,
    BadBaseUrl { url: String, detail: String },
}

impl BotError {
    pub fn text(&self) -> crate::Text {
        use crate::text;
        match self {
            BotError::Auth { method, status, detail } => text!(
                "bot.auth",
                "Telegram refused the bot token ({method} answered {status}: {detail}). Check the token @BotFather \
         gave (/token or /revoke), store it again in the keychain (or for the CLI in DOCKET_TELEGRAM_BOT_TOKEN) \
         and re-run. Docket did not retry.",
                method = method,
                status = status,
                detail = detail
            ),
            BotError::Conflict { detail } => text!(
                "bot.conflict",
                "Telegram will not hand updates to Docket: {detail}. Either a webhook is set for this bot (another \
         service receives its updates) or another program is polling with the same token. Docket never \
         deletes a webhook itself: if nothing else should receive this bot's updates, call deleteWebhook \
         (https://api.telegram.org/bot<token>/deleteWebhook) or remove the webhook in the other service; \
         otherwise stop the other poller, then run again.",
                detail = detail
            ),
            BotError::RateLimited { method, seconds } => text!(
                "bot.rate_limited",
                "Telegram kept answering {method} with \"too many requests\" and asks Docket to wait {seconds} s more, \
         longer than Docket waits in one run. Nothing is lost: run again later (undelivered updates are kept \
         24 hours).",
                method = method,
                seconds = seconds
            ),
            BotError::Unreachable { method, detail } => text!(
                "bot.unreachable",
                "Docket could not reach the Telegram Bot API for {method} ({detail}). Check the network connection, \
         proxy and firewall (and DOCKET_TELEGRAM_API_BASE, if it was changed), then run again.",
                method = method,
                detail = detail
            ),
            BotError::Server { method, status, detail, attempts } => text!(
                "bot.server",
                "the Telegram Bot API answered {method} with {status} ({detail}) after {attempts} attempts. Telegram \
         may be having trouble; nothing is lost, run again later.",
                method = method,
                status = status,
                detail = detail,
                attempts = attempts
            ),
            BotError::Rejected { method, status, detail } => text!(
                "bot.rejected",
                "the Telegram Bot API refused {method} with {status}: {detail}",
                method = method,
                status = status,
                detail = detail
            ),
            BotError::BadResponse { method, detail } => text!(
                "bot.bad_response",
                "the Telegram Bot API's answer to {method} could not be read ({detail}). Check that the API base \
         URL points at the Bot API (https://api.telegram.org), then run again.",
                method = method,
                detail = detail
            ),
            BotError::MissingToken => text!(
                "bot.missing_token",
                "no Telegram bot token is stored. Store the token @BotFather gave in the keychain (the Telegram \
         connector), or for the CLI set DOCKET_TELEGRAM_BOT_TOKEN."
            ),
            BotError::BadToken => text!(
                "bot.bad_token",
                "the Telegram bot token is not shaped like one (digits, a colon, then letters, digits, - and _); copy \
         it again from @BotFather and store it again"
            ),
            BotError::BadBaseUrl { url, detail } => text!(
                "bot.bad_base_url",
                "the Telegram Bot API base URL \"{url}\" is not valid ({detail}); use https://api.telegram.org or leave it unset",
                url = url,
                detail = detail
            ),
        }
    }
}

crate::display_as_text!(BotError);

impl BotError {
    /// The stable code. A conflict, a refused token and an unreachable API need the admin (exit 2).
    pub fn code(&self) -> Code {
        match self {
            BotError::Auth { .. }
            | BotError::Conflict { .. }
            | BotError::Unreachable { .. }
            | BotError::MissingToken
            | BotError::BadToken
            | BotError::BadBaseUrl { .. } => Code::BadConfig,
            BotError::Rejected { .. } | BotError::BadResponse { .. } => Code::BadExport,
            // Transient: a later run helps (exit 1). There is no Telegram code of its own yet: a new `Code`
            // regenerates the UI's `ErrorCode`, which belongs with the wizard's part of issue 13.
            BotError::RateLimited { .. } | BotError::Server { .. } => Code::Io,
        }
    }

    /// Whether a later run could succeed without a change (the client's own retries have already run).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, BotError::Unreachable { .. } | BotError::Server { .. } | BotError::RateLimited { .. })
    }
}

impl From<BotError> for crate::error::Error {
    fn from(e: BotError) -> Self {
        crate::error::Error::Export(crate::sources::ExportError::TelegramBot(e))
    }
}
