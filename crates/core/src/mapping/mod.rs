//! User mapping. PLACEHOLDER interface: being written.

use std::path::{Path, PathBuf};

use crate::model::Item;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {} problem(s)", problems.len())]
    Problems { path: PathBuf, problems: Vec<RowProblem> },
}

#[derive(Debug, Clone, Default)]
pub struct MappingOptions {
    pub default_region: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct MappingTable {}

impl MappingTable {
    pub fn load(path: &Path, _options: &MappingOptions) -> Result<MappingTable, MappingError> {
        Err(MappingError::Problems { path: path.to_path_buf(), problems: vec![] })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Mailboxes(Vec<String>),
    Unmapped { reason: String },
}

#[derive(Debug, Clone, Default)]
pub struct Resolver {}

impl Resolver {
    pub fn new(_table: Option<MappingTable>, _auto_map: bool, _owner_mailbox: Option<String>) -> Resolver {
        Resolver {}
    }
    pub fn resolve(&self, _item: &Item) -> Resolution {
        Resolution::Unmapped { reason: String::new() }
    }
}
