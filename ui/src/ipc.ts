// The UI's only door to the Rust shell: the one module that imports @tauri-apps/api. Every command gets a
// typed function here, and every failure comes out as an IpcError `{code, message, text}` the UI can branch on (and say `text` in its language).
// It deliberately holds no UI state and no formatting.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';

import { verbatim } from './i18n/core';
import { t } from './i18n/index.svelte';

import type {
  AppInfo,
  ConnectorOverview,
  ConnectorSettings,
  DateOrder,
  ChatCoverage,
  DayCount,
  RunPlan,
  IpcError,
  KeychainStatus,
  LedgerRow,
  MappingReport,
  ProbeReport,
  Progress,
  RunRecord,
  RoutedItem,
  RunSummary,
  SavedConnector,
  SchedulerEvent,
  SecretName,
  SecretStatus,
  SourceKind,
  SourcePreview,
  StoredSecret,
  XAccount,
  BotCheck,
} from './types';
import type { AppCheck } from './generated/AppCheck';
import type { CloudName } from './generated/CloudName';
import type { ConsentResult } from './generated/ConsentResult';
import type { ConsentStart } from './generated/ConsentStart';
import type { AppSummary } from './generated/AppSummary';
import type { ClientSecretInfo } from './generated/ClientSecretInfo';
import type { MailboxReport } from './generated/MailboxReport';
import type { RegisteredApp } from './generated/RegisteredApp';
import type { SignedIn } from './generated/SignedIn';
import type { SignInStart } from './generated/SignInStart';
import type { TimerStatus } from './generated/TimerStatus';

export type { IpcError } from './types';
export type { AppCheck } from './generated/AppCheck';
export type { Cloud } from './generated/Cloud';
export type { ConsentMethod } from './generated/ConsentMethod';
export type { ConsentResult } from './generated/ConsentResult';
export type { ConsentStart } from './generated/ConsentStart';
export type { ConsentStatus } from './generated/ConsentStatus';
export type { AppSummary } from './generated/AppSummary';
export type { ClientSecretInfo } from './generated/ClientSecretInfo';
export type { MailboxCheck } from './generated/MailboxCheck';
export type { MailboxReport } from './generated/MailboxReport';
export type { RegisteredApp } from './generated/RegisteredApp';
export type { SignedIn } from './generated/SignedIn';
export type { SignInStart } from './generated/SignInStart';
export type { TimerStatus } from './generated/TimerStatus';

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === 'string' &&
    typeof (value as Record<string, unknown>).message === 'string'
  );
}

/** Turns whatever `invoke` rejected with into an IpcError; anything unexpected becomes code `internal`. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) {
    const text = (reason as Partial<IpcError>).text;
    return { code: reason.code, message: reason.message, text: text ?? verbatim(reason.message) };
  }
  const detail = reason instanceof Error ? reason.message : String(reason);
  const message = t('app.unreachable', { detail });
  return { code: 'internal', message, text: verbatim(message) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toIpcError(reason);
  }
}

/** Puts the tray's menu in the UI's language (`en`, `fr` or `nl`); the shell relabels it, if it has a tray. */
export function setTrayLanguage(language: string): Promise<void> {
  return call<void>('set_tray_language', { language });
}

/** The app's version and state folder. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** Past import runs from the ledger, newest first, at most `limit` of them. */
export function listRuns(limit = 50): Promise<RunRecord[]> {
  return call<RunRecord[]>('list_runs', { limit });
}

/** Whether the OS keychain keeps secrets between sessions (it writes, reads back and deletes a probe). */
export function keychainStatus(): Promise<KeychainStatus> {
  return call<KeychainStatus>('keychain_status');
}

/** Checks and stores a secret in the keychain. The value is never sent back, by this or any command. */
export function storeSecret(name: SecretName, value: string): Promise<StoredSecret> {
  return call<StoredSecret>('store_secret', { name, value });
}

/** Which known secrets are stored (booleans only). */
export function secretStatus(): Promise<SecretStatus> {
  return call<SecretStatus>('secret_status');
}

/**
 * The archive copy's live check: writes and reads back a probe blob with the stored connection string or SAS,
 * tries to delete it, and reports the container's immutability.
 */
export function testStorage(container: string): Promise<ProbeReport> {
  return call<ProbeReport>('test_storage', { container });
}

/** Reads a mapping CSV and lists every row-numbered problem (none means it is usable). */
export function checkMapping(path: string, defaultRegion: string | null = null): Promise<MappingReport> {
  return call<MappingReport>('check_mapping', { path, defaultRegion });
}

/** The first `limit` items of an export and how many it holds, read as an import would read them. */
export function previewSource(
  kind: SourceKind,
  location: string,
  timezone: string,
  dateOrder: DateOrder | null = null,
  limit = 20,
): Promise<SourcePreview> {
  return call<SourcePreview>('preview_source', { kind, location, timezone, dateOrder, limit });
}

/** Runs one import; `onProgress` receives every progress event while it runs. */
export function startImport(request: RunPlan, onProgress: (event: Progress) => void): Promise<RunSummary> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return call<RunSummary>('start_import', { request, onProgress: channel });
}

/** Asks the running import to stop after the items in flight; false when none is running. */
export function cancelImport(): Promise<boolean> {
  return call<boolean>('cancel_import');
}

/**
 * The live Entra ID app check: signs in as the app (client-credentials grant) with the client secret stored
 * under `azure_client_secret`. Fails with code `entra_auth` (wrong tenant, app or secret), `entra_unreachable`
 * or `bad_config` (an ID that is not one, or no secret stored).
 */
export function testEntraApp(tenantId: string, clientId: string, cloud: CloudName | null = null): Promise<AppCheck> {
  return call<AppCheck>('test_entra_app', { tenantId, clientId, cloud });
}

/**
 * Waits (up to 10 minutes) for the answer to the consent started last: `status` is `granted`, `refused`
 * (`description` holds Entra ID's words), `rejected` (an answer that was not ours) or `timed_out`. Fails with
 * code `consent` when no consent was started, or when a newer start or `adminConsentConfirm` replaced it.
 */
export function adminConsentWait(): Promise<ConsentResult> {
  return call<ConsentResult>('admin_consent_wait');
}

/** Records the admin's word that consent was granted elsewhere (method `confirmed_by_admin`). */
export function adminConsentConfirm(): Promise<ConsentResult> {
  return call<ConsentResult>('admin_consent_confirm');
}

/** Every saved connector with its last run, next scheduled run and ledger counts. */
export function listConnectors(): Promise<ConnectorOverview[]> {
  return call<ConnectorOverview[]>('list_connectors');
}

/** Saves a new connector (`id` null) or the edited settings of an existing one. Settings carry no secret. */
export function saveConnector(id: string | null, settings: ConnectorSettings): Promise<SavedConnector> {
  return call<SavedConnector>('save_connector', { id, settings });
}

/** Forgets a connector's settings; its ledger rows and archived messages stay. */
export function deleteConnector(id: string): Promise<void> {
  return call<void>('delete_connector', { id });
}

/**
 * Runs a saved connector now; with `replay`, imports again only the items the ledger holds back (unmapped or
 * failed), with the connector's current mapping.
 */
export function runConnector(id: string, replay: boolean, onProgress: (event: Progress) => void): Promise<RunSummary> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return call<RunSummary>('run_connector', { id, replay, onProgress: channel });
}

/** The connector's items that were not imported (unmapped, oversize, failed), newest first. */
export function heldItems(id: string, limit = 200): Promise<LedgerRow[]> {
  return call<LedgerRow[]>('held_items', { id, limit });
}

/** Ledger rows changed per day over the last `days` days, for one connector or (null) all. */
export function dailyCounts(id: string | null, days = 30): Promise<DayCount[]> {
  return call<DayCount[]>('daily_counts', { id, days });
}

/** Per chat, the period its imported exports cover and the gaps no export covered. */
export function chatCoverage(): Promise<ChatCoverage[]> {
  return call<ChatCoverage[]>('chat_coverage', {});
}

export type ReportKind = 'reconciliation' | 'run_log';

/** Writes a run's report to `path`; returns how many rows it holds. */
export function saveReport(runId: number, kind: ReportKind, path: string): Promise<number> {
  return call<number>('save_report', { runId, kind, path });
}

/** The native open dialog: one file (with `extensions`) or a folder. Null when the admin cancels. */
export async function pickPath(options: {
  title: string;
  directory?: boolean;
  filterName?: string;
  extensions?: string[];
}): Promise<string | null> {
  try {
    const picked = await openDialog({
      title: options.title,
      directory: options.directory ?? false,
      multiple: false,
      filters: options.extensions ? [{ name: options.filterName ?? 'Files', extensions: options.extensions }] : undefined,
    });
    return typeof picked === 'string' ? picked : null;
  } catch (reason) {
    throw toIpcError(reason);
  }
}

/** The native save dialog, suggesting `defaultPath`. Null when the admin cancels. */
export async function pickSavePath(title: string, defaultPath: string, extension: string): Promise<string | null> {
  try {
    const picked = await saveDialog({ title, defaultPath, filters: [{ name: extension.toUpperCase(), extensions: [extension] }] });
    return picked ?? null;
  } catch (reason) {
    throw toIpcError(reason);
  }
}

/** Calls `onRun` with every step of runs the in-app scheduler starts. Returns a function that stops listening. */
export async function onSchedulerEvent(onRun: (event: SchedulerEvent) => void): Promise<() => void> {
  return listen<SchedulerEvent>('docket://scheduler', (event) => onRun(event.payload));
}

/** Calls `onDrop` with the paths of files dropped onto the window. Returns a function that stops listening. */
export async function onFileDrop(onDrop: (paths: string[]) => void): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    if (event.payload.type === 'drop') onDrop(event.payload.paths);
  });
}

/** The first items of the request's export with the mailboxes its mapping would deliver each to. */
export function previewRouting(request: RunPlan, limit = 10): Promise<RoutedItem[]> {
  return call<RoutedItem[]>('preview_routing', { request, limit });
}

/** The X step's live check: whom the four stored X credentials belong to (`GET /2/users/me`). */
export function testXAccount(): Promise<XAccount> {
  return call<XAccount>('test_x_account');
}

/**
 * The live Telegram step's check: which bot the stored token belongs to (`getMe`), whether a webhook blocks
 * polling (`getWebhookInfo`), and the chats its polls archived so far. It reads no updates.
 */
export function checkTelegramBot(): Promise<BotCheck> {
  return call<BotCheck>('check_telegram_bot');
}

/**
 * Starts the admin's Microsoft sign-in: Docket listens on 127.0.0.1 and opens the sign-in page in the system
 * browser. Show `url` too, in case no browser opens. Then call `adminSignInWait`.
 */
export function adminSignInStart(tenantId: string, cloud: CloudName | null = null): Promise<SignInStart> {
  return call<SignInStart>('admin_sign_in_start', { tenantId, cloud });
}

/** Waits (up to 10 minutes) for the sign-in started last. No token ever comes back, only the tenant. */
export function adminSignInWait(): Promise<SignedIn> {
  return call<SignedIn>('admin_sign_in_wait');
}

/** Signs the admin out of Microsoft: the session's tokens are forgotten. Resolves to whether one was signed in. */
export function adminSignOut(): Promise<boolean> {
  return call<boolean>('admin_sign_out', {});
}

/** The signed-in admin's app registrations, to pick Docket's app from (code `entra_auth` when not signed in). */
export function listEntraApps(): Promise<AppSummary[]> {
  return call<AppSummary[]>('list_entra_apps');
}

/** Registers the Docket app with a client secret valid `secretDays` days; the secret goes to the keychain. */
export function registerDocketApp(displayName: string, secretDays: number): Promise<RegisteredApp> {
  return call<RegisteredApp>('register_docket_app', { displayName, secretDays });
}

/** Adds a client secret to an existing app (by object id); the secret goes to the keychain. */
export function addAppSecret(objectId: string, secretDays: number): Promise<ClientSecretInfo> {
  return call<ClientSecretInfo>('add_app_secret', { objectId, secretDays });
}

/**
 * Starts admin consent for the Docket app's Graph permissions: Docket listens on 127.0.0.1 and opens the
 * consent page in the system browser. Show `url` too, in case no browser opens; `adminConsentWait` gets the
 * answer.
 */
export function appConsentStart(tenantId: string, clientId: string, cloud: CloudName | null = null): Promise<ConsentStart> {
  return call<ConsentStart>('app_consent_start', { tenantId, clientId, cloud });
}

/** Looks up every mailbox the request's mapping can produce, with the app's own token (stored client secret). */
export function checkMailboxes(
  request: RunPlan,
  tenantId: string,
  clientId: string,
  cloud: CloudName | null = null,
): Promise<MailboxReport> {
  return call<MailboxReport>('check_mailboxes', { request, tenantId, clientId, cloud });
}

/** Whether the user-level timer that runs due connectors while Docket is closed is installed and enabled. */
export function backgroundStatus(): Promise<TimerStatus> {
  return call<TimerStatus>('background_status');
}

/** Installs and starts that timer (`docket run-due` on this state folder every 15 minutes). */
export function backgroundEnable(): Promise<TimerStatus> {
  return call<TimerStatus>('background_enable');
}

/** Stops and removes that timer; scheduled runs then happen only while Docket runs. */
export function backgroundDisable(): Promise<TimerStatus> {
  return call<TimerStatus>('background_disable');
}
