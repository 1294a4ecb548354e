//! Commands of the wizard's live checks: the storage probe, the mapping CSV check and the source preview.
//! Each only reports what it found; none of them writes archived data.

use docket_core::connector::{self, RoutedItem, RunPlan, SourcePreview};
use docket_core::mapping::{MappingOptions, MappingReport};
use docket_core::model::SourceKind;
use docket_core::sinks::azure_blob::ProbeReport;
use docket_core::sources::DateOrder;
use tauri::{AppHandle, Runtime};

use super::off_ui_thread;
use crate::ipc_error::IpcError;
use crate::secret_vault::SecretVaultExt;
use crate::state_folder::StateFolderExt;

/// How many items `preview_source` lists when the UI does not say.
pub const DEFAULT_PREVIEW_ITEMS: usize = 20;

/// Writes, reads back and deletes a probe blob in `container` with the stored connection string.
#[tauri::command]
pub async fn test_storage<R: Runtime>(app: AppHandle<R>, container: String) -> Result<ProbeReport, IpcError> {
    let store = app.secret_vault().store();
    Ok(connector::test_storage(store.as_ref(), &container).await?)
}

/// Reads a mapping CSV (its phone column and its Telegram columns) and reports every row-numbered problem
/// (an empty list means it is usable).
#[tauri::command]
pub async fn check_mapping(path: String, default_region: Option<String>) -> Result<MappingReport, IpcError> {
    let options = MappingOptions { default_region };
    crate::webview_paths::mapping_csv(&path)?;
    off_ui_thread(move || Ok(docket_core::mapping::check_file(path.as_ref(), &options)?)).await
}

/// The first items of an export and how many it holds, read as a run would read them.
#[tauri::command]
pub async fn preview_source(
    kind: SourceKind,
    location: String,
    timezone: String,
    date_order: Option<DateOrder>,
    limit: Option<usize>,
) -> Result<SourcePreview, IpcError> {
    crate::webview_paths::export(kind, &location)?;
    let limit = limit.unwrap_or(DEFAULT_PREVIEW_ITEMS);
    off_ui_thread(move || connector::preview_source(kind, &location, &timezone, date_order, limit)).await
}

/// The first items of the request's export with the mailboxes its mapping would deliver each to.
#[tauri::command]
pub async fn preview_routing(request: RunPlan, limit: Option<usize>) -> Result<Vec<RoutedItem>, IpcError> {
    let limit = limit.unwrap_or(DEFAULT_PREVIEW_ITEMS);
    crate::webview_paths::plan(&request)?;
    off_ui_thread(move || connector::preview_routing(&request, limit)).await
}

/// The X step's live check: whom the four stored X credentials belong to (`GET /2/users/me`). The API base is
/// `DOCKET_X_API_BASE` when set (tests), else X's own.
#[tauri::command]
pub async fn test_x_account<R: Runtime>(app: AppHandle<R>) -> Result<connector::x::XAccount, IpcError> {
    let store = app.secret_vault().store();
    Ok(connector::x::verify_account(store.as_ref(), &connector::x::api_base_from_env()).await?)
}

/// The live Telegram step's check: which bot the stored token is (`getMe`), whether a webhook stands in the
/// way (`getWebhookInfo`), and the chats its earlier polls archived into this ledger. It never reads updates.
/// The Bot API base is `DOCKET_TELEGRAM_API_BASE` when set (tests), else Telegram's own.
#[tauri::command]
pub async fn check_telegram_bot<R: Runtime>(
    app: AppHandle<R>,
) -> Result<connector::telegram_bot::BotCheck, IpcError> {
    let store = app.secret_vault().store();
    let ledger = app.state_folder().open_ledger()?;
    let api_base = docket_core::config::env::telegram_api_base();
    Ok(connector::telegram_bot::check(store.as_ref(), &api_base, Some(&ledger)).await?)
}
