//! The environment, read in one place: every `DOCKET_*` override Docket honours has one name here, and a
//! name that an older release used keeps working for one release with a warning. An override that changes
//! where tokens or data go (`DOCKET_AUTHORITY_BASE`, `DOCKET_GRAPH_BASE`) is logged as a warning whenever it
//! is in effect, so it is never silently active on an admin's machine.

use crate::identity::Cloud;

/// The state folder used instead of the platform's data folder.
pub const STATE_DIR: &str = "DOCKET_STATE_DIR";
/// The Entra ID authority used instead of every cloud's own (test doubles, private endpoints).
pub const AUTHORITY_BASE: &str = "DOCKET_AUTHORITY_BASE";
/// The Microsoft Graph base used instead of every cloud's own.
pub const GRAPH_BASE: &str = "DOCKET_GRAPH_BASE";
/// The names the CLI used for those two until this release.
const OLD_AUTHORITY: &str = "DOCKET_AUTHORITY_URL";
const OLD_GRAPH: &str = "DOCKET_GRAPH_URL";

/// A variable's trimmed value; unset and empty are the same.
pub fn var(name: &str) -> Option<String> {
    #[allow(clippy::disallowed_methods)] // the one place the environment is read
    let value = std::env::var(name).ok();
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A variable that sends Docket's requests somewhere else than the real service (a test double, a private
/// endpoint): its value, logged as a warning whenever it is in effect, so it is never silently active.
pub fn endpoint_override(name: &str, what: &str) -> Option<String> {
    let value = var(name)?;
    tracing::warn!("{name} is set: {what} go to {value}, not the real service");
    Some(value)
}

/// `name`, or else the name it had before this release (with a warning to rename it).
fn renamed(name: &str, old: &str) -> Option<String> {
    var(name).or_else(|| {
        let value = var(old)?;
        tracing::warn!("{old} is deprecated and will stop working in the next release; set {name} instead");
        Some(value)
    })
}

/// `cloud` with the authority and Graph base the environment overrides, each override logged.
pub fn cloud_with_overrides(cloud: &Cloud) -> Cloud {
    let authority = renamed(AUTHORITY_BASE, OLD_AUTHORITY);
    let graph = renamed(GRAPH_BASE, OLD_GRAPH);
    if let Some(authority) = &authority {
        tracing::warn!("{AUTHORITY_BASE} is set: Entra ID sign-in goes to {authority}, not Microsoft's");
    }
    if let Some(graph) = &graph {
        tracing::warn!("{GRAPH_BASE} is set: Microsoft Graph requests go to {graph}, not Microsoft's");
    }
    cloud.with_overrides(authority.as_deref(), graph.as_deref())
}

/// The Telegram Bot API base used instead of `https://api.telegram.org` (a test double, a local Bot API
/// server).
pub const TELEGRAM_API_BASE: &str = "DOCKET_TELEGRAM_API_BASE";
/// The CLI's bot token (the app keeps it in the keychain).
pub const TELEGRAM_BOT_TOKEN: &str = "DOCKET_TELEGRAM_BOT_TOKEN";

/// The Telegram Bot API base URL, logged when overridden (the bot token goes there).
pub fn telegram_api_base() -> String {
    match var(TELEGRAM_API_BASE) {
        Some(base) => {
            tracing::warn!(
                "{TELEGRAM_API_BASE} is set: Telegram Bot API requests go to {base}, not Telegram's"
            );
            base
        }
        None => crate::sources::telegram_bot::DEFAULT_API_BASE.to_string(),
    }
}

/// The folder `docket schedule` writes its systemd user units to, instead of `~/.config/systemd/user`.
pub const SYSTEMD_USER_DIR: &str = "DOCKET_SYSTEMD_USER_DIR";
/// The program `docket schedule` runs as `systemctl` (tests pass a recording double).
pub const SYSTEMCTL: &str = "DOCKET_SYSTEMCTL";
/// The `docket` CLI the desktop app's "keep running when closed" timer runs, when it is neither beside the
/// app nor on PATH.
pub const CLI_PATH: &str = "DOCKET_CLI_PATH";

/// A variable that changes where Docket writes or what it runs, logged whenever it is in effect.
pub fn path_override(name: &str, what: &str) -> Option<String> {
    let value = var(name)?;
    tracing::info!("{name} is set: {what} {value}");
    Some(value)
}
