//! Typed settings: the `KIND:LOCATION` source spec and the `dir:`/`azure:`/`graph` target spec. No secrets live
//! here; the storage connection string is read from the environment or the keychain when a sink is built.

pub mod env;
mod files;

pub use files::{check_chosen_path, create_private_dir, create_temp_beside, replace_file};

use std::path::PathBuf;

use crate::model::SourceKind;
use crate::{text, Text};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    SourceSpec(String),
    TargetSpec(String),
    /// A container name that breaks Azure's naming rules, and the rule it breaks.
    ContainerName(String, Text),
    /// A time zone that is not an IANA name; the message names no flag, because the app shows it too (the CLI
    /// says `--timezone` itself).
    Timezone(String),
    /// A field (a flag in the CLI, a field in the app) and what is wrong with it.
    Invalid {
        field: Text,
        message: Text,
    },
}

impl ConfigError {
    /// A flag or value of the CLI that is wrong; the CLI speaks English only, so its words are not translated.
    pub fn cli(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid { field: Text::verbatim(field), message: Text::verbatim(message) }
    }

    pub fn text(&self) -> Text {
        match self {
            ConfigError::SourceSpec(spec) => text!(
                "config.source_spec",
                "--source \"{spec}\": expected KIND:LOCATION, where KIND is whatsapp, telegram, x or telegram-bot \
                 (for example whatsapp:chat.zip or telegram-bot:compliance)",
                spec = spec
            ),
            ConfigError::TargetSpec(spec) => text!(
                "config.target_spec",
                "--target \"{spec}\": expected dir:PATH, azure:CONTAINER, graph or graph:FOLDER",
                spec = spec
            ),
            ConfigError::ContainerName(name, why) => {
                text!("config.container_name", "the container name \"{name}\": {why}", name = name, why = why)
            }
            ConfigError::Timezone(zone) => text!(
                "config.timezone",
                "the time zone \"{zone}\" is not an IANA time zone (for example Europe/London, America/New_York or UTC)",
                zone = zone
            ),
            ConfigError::Invalid { field, message } => {
                text!("config.invalid", "{field}: {message}", field = field, message = message)
            }
        }
    }
}

crate::display_as_text!(ConfigError);

/// `KIND:LOCATION` from `--source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub kind: SourceKind,
    pub location: String,
}

impl SourceSpec {
    pub fn parse(spec: &str) -> Result<SourceSpec, ConfigError> {
        let (kind, location) = spec.split_once(':').ok_or_else(|| ConfigError::SourceSpec(spec.into()))?;
        if kind.eq_ignore_ascii_case("telegram-bot") && !location.trim().is_empty() {
            // Live capture through the Bot API: a Telegram plan whose location is `bot:NAME`.
            return Ok(SourceSpec {
                kind: SourceKind::Telegram,
                location: format!("{}{}", crate::connector::telegram_bot::LOCATION_PREFIX, location.trim()),
            });
        }
        let kind = SourceKind::parse(kind).ok_or_else(|| ConfigError::SourceSpec(spec.into()))?;
        if location.is_empty() {
            return Err(ConfigError::SourceSpec(spec.into()));
        }
        Ok(SourceSpec { kind, location: location.to_string() })
    }
}

/// Where messages go, from `--target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// `.eml` files under `PATH/<mailbox>/<folder>/`.
    Dir(PathBuf),
    /// An Azure Blob Storage container; the connection string comes from the environment or keychain.
    Azure { container: String },
    /// Straight into the mailboxes through Microsoft Graph, optionally into a named folder; the app's client
    /// secret comes from the environment or keychain.
    Graph { folder: Option<String> },
}

impl TargetSpec {
    pub fn parse(spec: &str) -> Result<TargetSpec, ConfigError> {
        if spec == "graph" {
            return Ok(TargetSpec::Graph { folder: None });
        }
        match spec.split_once(':') {
            Some(("graph", folder)) if !folder.trim().is_empty() => {
                Ok(TargetSpec::Graph { folder: Some(folder.trim().to_string()) })
            }
            Some(("dir", path)) if !path.is_empty() => Ok(TargetSpec::Dir(PathBuf::from(path))),
            Some(("azure", container)) => {
                validate_container_name(container)?;
                Ok(TargetSpec::Azure { container: container.to_string() })
            }
            _ => Err(ConfigError::TargetSpec(spec.into())),
        }
    }
}

/// Azure's container naming rules: 3–63 characters, lowercase letters, digits and single hyphens,
/// starting and ending with a letter or digit.
pub fn validate_container_name(name: &str) -> Result<(), ConfigError> {
    let err = |why: Text| Err(ConfigError::ContainerName(name.into(), why));
    if !(3..=63).contains(&name.len()) {
        return err(text!("config.container_length", "a container name has 3 to 63 characters"));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return err(text!("config.container_characters", "use only lowercase letters, digits and hyphens"));
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return err(text!(
            "config.container_hyphens",
            "a hyphen may not start or end the name, or follow another hyphen"
        ));
    }
    Ok(())
}

/// Parses `--timezone`: an IANA zone name or `UTC`.
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz, ConfigError> {
    name.parse::<chrono_tz::Tz>().map_err(|_| ConfigError::Timezone(name.into()))
}

/// Where Docket keeps its ledger when `--state` is not given: the platform's data folder
/// (`~/.local/share/docket` on Linux, `%APPDATA%\docket` on Windows, `~/Library/Application Support/docket`
/// on macOS). `DOCKET_STATE_DIR` overrides it. Never a temporary folder: an account with no data folder (no
/// home) has no default, and the admin names one.
pub fn default_state_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = env::var(env::STATE_DIR) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|dir| dir.join("docket")).ok_or_else(|| ConfigError::Invalid {
        field: text!("field.state_folder", "state folder"),
        message: text!(
            "config.no_data_folder",
            "this account has no data folder (HOME is not set), so Docket has nowhere to keep its ledger. \
             Name a folder with --state or DOCKET_STATE_DIR"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_reject_clearly() {
        assert_eq!(
            SourceSpec::parse("whatsapp:/a/b.zip").ok(),
            Some(SourceSpec { kind: SourceKind::WhatsApp, location: "/a/b.zip".into() })
        );
        assert!(SourceSpec::parse("signal:/x").is_err());
        assert_eq!(TargetSpec::parse("dir:out").ok(), Some(TargetSpec::Dir("out".into())));
        assert!(TargetSpec::parse("azure:Bad_Name").is_err());
        assert!(TargetSpec::parse("s3:bucket").is_err());
        assert_eq!(TargetSpec::parse("graph").ok(), Some(TargetSpec::Graph { folder: None }));
        assert_eq!(
            TargetSpec::parse("graph:Chat Archive").ok(),
            Some(TargetSpec::Graph { folder: Some("Chat Archive".into()) })
        );
        assert!(TargetSpec::parse("graph:").is_err());
        assert!(parse_timezone("Europe/Paris").is_ok());
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
