//! Saved connectors: what the wizard's Finish creates and the dashboard lists, edits and deletes. Each holds
//! the import's settings (an `RunPlan`, which carries no secret), the Entra ID app's IDs, the consent
//! result and a schedule. They live in `connectors.json` in the state folder, written whole through a temporary
//! file and a rename, so a crash never leaves half a file. Deleting a connector removes only its settings:
//! the ledger and every archived message stay.

use crate::{text, Text};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::RunPlan;
use crate::config::ConfigError;
use crate::error::Error;
use crate::identity::{Cloud, ConsentResult};

/// The file name of the connector list inside the state folder.
pub const CONNECTORS_FILE: &str = "connectors.json";
/// The format version written to `connectors.json`.
const FORMAT_VERSION: u32 = 1;
/// The most hours `EveryHours` accepts (a week).
pub const MAX_EVERY_HOURS: u32 = 168;
/// The most minutes `EveryMinutes` accepts (12 hours: Telegram keeps a bot's undelivered updates 24 hours).
pub const MAX_EVERY_MINUTES: u32 = 720;

/// When a connector runs on its own. Times are the computer's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// Once a day at `at` (`HH:MM`), importing what arrived since the last run (the previous 24 hours).
    Daily { at: String },
    /// Every `hours` hours after the last run started.
    EveryHours { hours: u32 },
    /// Every `minutes` minutes after the last run started: live sources (a Telegram bot) that must be polled
    /// often.
    EveryMinutes { minutes: u32 },
    /// Only when the admin presses Run now.
    Manual,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::Daily { at: "02:00".into() }
    }
}

impl Schedule {
    /// Checks the schedule's values, naming the field that is wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Schedule::Daily { at } => parse_clock(at).map(|_| ()),
            Schedule::EveryHours { hours } if (1..=MAX_EVERY_HOURS).contains(hours) => Ok(()),
            Schedule::EveryHours { hours } => Err(ConfigError::Invalid {
                field: text!("field.schedule", "schedule"),
                message: text!(
                    "schedule.hours",
                    "every {hours} hours is not allowed; choose from 1 to {max} hours",
                    hours = hours,
                    max = MAX_EVERY_HOURS
                ),
            }),
            Schedule::EveryMinutes { minutes } if (1..=MAX_EVERY_MINUTES).contains(minutes) => Ok(()),
            Schedule::EveryMinutes { minutes } => Err(ConfigError::Invalid {
                field: text!("field.schedule", "schedule"),
                message: text!(
                    "schedule.minutes",
                    "every {minutes} minutes is not allowed; choose from 1 to {max} minutes",
                    minutes = minutes,
                    max = MAX_EVERY_MINUTES
                ),
            }),
            Schedule::Manual => Ok(()),
        }
    }

    /// When the next scheduled run is due, in the zone `tz` (the computer's local zone in the app). `last_run`
    /// is when the connector's last run started, `created` when it was saved. `None` for manual connectors.
    pub fn next_run<Tz: TimeZone>(
        &self,
        tz: &Tz,
        last_run: Option<DateTime<Utc>>,
        created: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let after = last_run.unwrap_or(created);
        match self {
            Schedule::Manual => None,
            Schedule::EveryHours { hours } => Some(after + Duration::hours(i64::from(*hours))),
            Schedule::EveryMinutes { minutes } => Some(after + Duration::minutes(i64::from(*minutes))),
            Schedule::Daily { at } => {
                let clock = parse_clock(at).ok()?;
                let local = after.with_timezone(tz);
                let mut day = local.date_naive();
                // The first local `at` strictly after `after`; a clock time skipped by a DST jump moves on a day.
                for _ in 0..3 {
                    if let Some(candidate) = tz.from_local_datetime(&day.and_time(clock)).earliest() {
                        let candidate = candidate.with_timezone(&Utc);
                        if candidate > after {
                            return Some(candidate);
                        }
                    }
                    day = day.succ_opt()?;
                }
                None
            }
        }
    }
}

fn parse_clock(at: &str) -> Result<NaiveTime, ConfigError> {
    NaiveTime::parse_from_str(at.trim(), "%H:%M").map_err(|_| ConfigError::Invalid {
        field: text!("field.schedule_time", "schedule time"),
        message: text!(
            "schedule.time",
            "\"{at}\" is not a time of day; write it as HH:MM on a 24-hour clock, for example 02:00",
            at = at
        ),
    })
}

/// The Entra ID app a connector uses. The client secret is in the keychain, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EntraApp {
    pub tenant_id: String,
    pub client_id: String,
    pub cloud: Option<Cloud>,
    /// When the app's client secret expires (RFC 3339), when Docket added it; the dashboard warns 30 days
    /// before. The date is not secret; the secret itself is in the keychain.
    #[serde(default)]
    pub secret_expires_at: Option<String>,
}

/// What the wizard saves; `SavedConnector` adds the id and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSettings {
    /// The name the dashboard shows, e.g. "WhatsApp – sales team".
    pub name: String,
    pub request: RunPlan,
    pub entra: Option<EntraApp>,
    pub consent: Option<ConsentResult>,
    pub schedule: Schedule,
}

/// A connector as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedConnector {
    /// Stable id (`c-` and 12 hex digits).
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    pub settings: ConnectorSettings,
}

impl SavedConnector {
    pub fn created(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&self.created_at).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct ConnectorFile {
    version: u32,
    connectors: Vec<SavedConnector>,
}

/// The connector list of one state folder.
#[derive(Debug, Clone)]
pub struct ConnectorStore {
    path: PathBuf,
}

impl ConnectorStore {
    pub fn new(state_dir: &Path) -> ConnectorStore {
        ConnectorStore { path: state_dir.join(CONNECTORS_FILE) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every saved connector, oldest first. A missing file means none yet.
    pub fn list(&self) -> Result<Vec<SavedConnector>, Error> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io_error(true, &e)),
        };
        let file: ConnectorFile = serde_json::from_slice(&bytes).map_err(|e| ConfigError::Invalid {
            field: Text::path(&self.path),
            message: text!(
                "connectors.unreadable",
                "the saved connectors cannot be read ({detail}). Restore the file from a backup, or move it away \
                 and set the connectors up again; archived messages and the ledger are not affected",
                detail = e.to_string()
            ),
        })?;
        if file.version > FORMAT_VERSION {
            return Err(ConfigError::Invalid {
                field: Text::path(&self.path),
                message: text!(
                    "connectors.newer",
                    "these connectors were saved by a newer Docket (format {format}); update Docket to open them",
                    format = file.version
                ),
            }
            .into());
        }
        Ok(file.connectors)
    }

    pub fn get(&self, id: &str) -> Result<SavedConnector, Error> {
        self.list()?.into_iter().find(|c| c.id == id).ok_or_else(|| unknown(id))
    }

    /// Saves a new connector (`id` none) or replaces the settings of an existing one, and returns it.
    pub fn save(
        &self,
        id: Option<&str>,
        settings: ConnectorSettings,
        now: DateTime<Utc>,
    ) -> Result<SavedConnector, Error> {
        validate(&settings)?;
        let mut all = self.list()?;
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let saved = match id {
            Some(id) => {
                let existing = all.iter_mut().find(|c| c.id == id).ok_or_else(|| unknown(id))?;
                existing.settings = settings;
                existing.updated_at = stamp;
                existing.clone()
            }
            None => {
                let connector = SavedConnector {
                    id: format!("c-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff),
                    created_at: stamp.clone(),
                    updated_at: stamp,
                    settings,
                };
                all.push(connector.clone());
                connector
            }
        };
        self.write(&all)?;
        Ok(saved)
    }

    /// Forgets a connector's settings. Its ledger rows and archived messages are kept.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        let mut all = self.list()?;
        let before = all.len();
        all.retain(|c| c.id != id);
        if all.len() == before {
            return Err(unknown(id));
        }
        self.write(&all)
    }

    fn write(&self, connectors: &[SavedConnector]) -> Result<(), Error> {
        let file = ConnectorFile { version: FORMAT_VERSION, connectors: connectors.to_vec() };
        let json = serde_json::to_vec_pretty(&file).map_err(|e| Error::Internal(e.to_string()))?;
        if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::config::create_private_dir(dir).map_err(|e| self.io_error(false, &e))?;
        }
        crate::config::replace_file(&self.path, None, |f| std::io::Write::write_all(f, &json))
            .map_err(|e| self.io_error(false, &e))
    }

    fn io_error(&self, reading: bool, e: &std::io::Error) -> Error {
        let message = match reading {
            true => text!(
                "connectors.read",
                "cannot read the saved connectors: {detail}. Check that you may read this folder",
                detail = e
            ),
            false => text!(
                "connectors.write",
                "cannot write the saved connectors: {detail}. Check that the disk has space and that you may \
                 write to this folder",
                detail = e
            ),
        };
        ConfigError::Invalid { field: Text::path(&self.path), message }.into()
    }
}

fn unknown(id: &str) -> Error {
    ConfigError::Invalid {
        field: text!("field.connector", "connector"),
        message: text!(
            "connectors.unknown",
            "no saved connector has the id \"{id}\"; it may have been deleted. Reload the dashboard",
            id = id
        ),
    }
    .into()
}

fn validate(settings: &ConnectorSettings) -> Result<(), ConfigError> {
    if settings.name.trim().is_empty() {
        return Err(ConfigError::Invalid {
            field: text!("field.connector_name", "connector name"),
            message: text!(
                "connectors.no_name",
                "give the connector a name, for example \"WhatsApp – sales team\""
            ),
        });
    }
    if settings.request.location.trim().is_empty() {
        return Err(ConfigError::Invalid {
            field: text!("field.source", "source"),
            message: text!("connectors.no_source", "choose the export file or folder this connector imports"),
        });
    }
    settings.schedule.validate()
}
