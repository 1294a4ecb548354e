// A test double of the Rust shell for the browser specs, installed with mockIPC before the built UI loads.
// It behaves like the real commands where it matters: secrets are write-only and checked (a wrong storage
// key or client secret is refused with the real error code), the mapping CSV and exports are looked up by
// path, and an import streams Progress over the real Channel protocol until the spec ends it. It is bundled
// to one script by tests/harness.mjs; nothing in the app imports it.
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';

import type { AppCheck, ConsentResult } from '../src/wizard/identity-types';
import { coreEn } from '../src/i18n/core/en';
import type { ConnectorSettings, IpcError, MappingReport, ProbeReport, Progress, RunPlan, RunRecord, RunSummary, SavedConnector, SourcePreview, Text } from '../src/types';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
/** The only client secret and storage key the double accepts. */
export const CLIENT_SECRET = 'Zx8Q~right-client-secret';
export const STORAGE_KEY = 'AccountKey=cmlnaHQta2V5;';
/** The app `register_docket_app` creates, and the client secret it stores (never sent to the page). */
export const REGISTERED_CLIENT = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const REGISTERED_SECRET = 'Rg7~registered-secret-value';
/** The address of the mapping that is not a user in the double's directory. */
export const UNKNOWN_MAILBOX = 'ghost.trader@contoso.com';
/** The container the double's storage account keeps under a time-based retention policy (WORM). */
export const WORM_CONTAINER = 'worm-archive';
/** The storage account's name in the connection strings the specs store. */
const ACCOUNT = 'contosoarchive';

interface Channel {
  id: number;
}

interface Internals {
  runCallback: (id: number, data: unknown) => void;
}

/** What the spec says the double's machine is like. */
interface Scenario {
  keychainPersistent?: boolean;
  /** What the native open dialog answers (null: the admin cancels). */
  picked?: string | null;
  /** Past runs the ledger already has (the app then opens on the dashboard). */
  pastRuns?: RunRecord[];
}

declare global {
  interface Window {
    __TAURI_INTERNALS__: Internals;
    __ipcDouble: IpcDouble;
    __ipcDoubleScenario?: Scenario;
  }
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

class IpcDouble {
  calls: Call[] = [];
  secrets = new Map<string, string>();
  runs: RunRecord[] = window.__ipcDoubleScenario?.pastRuns ?? [];
  connectors: SavedConnector[] = [];
  cancelRequested = false;
  /** The plan of the run in progress (for the run's target label). */
  private runningPlan: RunPlan | null = null;
  private channel: Channel | null = null;
  private index = 0;
  private importDone: ((summary: RunSummary) => void) | null = null;
  private importFailed: ((error: IpcError) => void) | null = null;
  private consentAnswer: ((result: ConsentResult) => void) | null = null;
  private consentEnded: ((error: IpcError) => void) | null = null;
  signedOut = false;
  /** The language the UI last gave the tray's menu (`set_tray_language`). */
  trayLanguage: string | null = null;
  private signInAnswer: ((tenant: { tenant_id: string }) => void) | null = null;
  private signInFailed: ((error: IpcError) => void) | null = null;
  private signedInTenant: string | null = null;
  private consentFor: string | null = null;
  consentedApps = new Set<string>([CLIENT]);

  /** Sends one progress event to the running import's channel, as the shell's Channel does. */
  send(event: Progress): void {
    if (!this.channel) throw new Error('no import is running');
    window.__TAURI_INTERNALS__.runCallback(this.channel.id, { index: this.index, message: event });
    this.index += 1;
  }

  /** Ends the running import: `finished` on the channel, then the command resolves with the summary. */
  finish(summary: RunSummary): void {
    this.send({ event: 'finished', data: { summary } });
    this.runs.unshift({
      run_id: summary.run_id,
      started_at: '2026-11-22T09:00:00+00:00',
      finished_at: '2026-11-22T09:02:00+00:00',
      source: 'whatsapp:/exports/sales-team.zip',
      target: this.targetLabel(),
      status: summary.cancelled ? 'cancelled' : 'finished',
      summary,
    });
    this.importDone?.(summary);
    this.channel = null;
  }

  /** The run's target label as the ledger writes it: each target's id, joined with ", ". */
  targetLabel(): string {
    const targets = this.runningPlan?.targets ?? [];
    return targets
      .map((t) => (t.kind === 'graph' ? `graph:${t.tenant_id}` : t.kind === 'azure' ? `azure:${ACCOUNT}/${t.container}` : `dir:${t.path}`))
      .join(', ');
  }

  fail(error: IpcError): void {
    this.importFailed?.(error);
    this.channel = null;
  }

  /** Answers the consent page's loopback redirect. */
  answerConsent(result: ConsentResult): void {
    if (result.status === 'granted' && this.consentFor) this.consentedApps.add(this.consentFor);
    this.consentAnswer?.(result);
  }

  /** Answers the sign-in page's loopback redirect: signed in, or Entra ID's refusal. */
  answerSignIn(error: IpcError | null = null): void {
    if (error) {
      this.signInFailed?.(error);
    } else {
      this.signedInTenant = TENANT;
      this.signInAnswer?.({ tenant_id: TENANT });
    }
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    this.calls.push({ cmd, args: cmd === 'store_secret' ? { name: args.name, value: '<redacted>' } : args });
    switch (cmd) {
      case 'app_info':
        return { version: '0.1.0', state_dir: '/home/admin/.local/share/docket' };
      case 'list_runs':
        return this.runs.slice(0, Number(args.limit ?? 50));
      case 'keychain_status':
        return (window.__ipcDoubleScenario?.keychainPersistent ?? true)
          ? { persistent: true, message: coreText('keychain.persistent') }
          : { persistent: false, message: coreText('secrets.not_persistent_lost') };
      case 'secret_status':
        return { storage_connection: this.secrets.has('storage_connection'), azure_client_secret: this.secrets.has('azure_client_secret') };
      case 'store_secret':
        if (!(window.__ipcDoubleScenario?.keychainPersistent ?? true)) {
          throw refusal('keychain', coreText('secrets.unavailable', { detail: 'no Secret Service is running' }));
        }
        return this.storeSecret(String(args.name), String(args.value));
      case 'test_entra_app':
        return this.testEntraApp(String(args.tenantId), String(args.clientId));
      case 'preview_source':
        return this.preview(String(args.location), args.dateOrder as string | null);
      case 'test_storage':
        return this.testStorage(String(args.container));
      case 'check_mapping':
        return this.checkMapping(String(args.path));
      case 'admin_sign_in_start':
        if (String(args.tenantId) !== TENANT) {
          throw refusal('entra_auth', coreText('identity.unknown_tenant', { tenant: String(args.tenantId), aadsts: 'AADSTS90002' }));
        }
        return { url: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&response_type=code&state=s9&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A53690%2F` };
      case 'admin_sign_out':
        this.signedOut = true;
        return true;
      case 'admin_sign_in_wait':
        return new Promise((resolve, reject) => {
          this.signInAnswer = resolve;
          this.signInFailed = reject;
        });
      case 'list_entra_apps':
        this.signedIn();
        return [
          { object_id: 'obj-1', app_id: CLIENT, display_name: 'Docket (existing)', secrets: [] },
          ...(this.secrets.get('azure_client_secret') === REGISTERED_SECRET
            ? [{ object_id: 'obj-2', app_id: REGISTERED_CLIENT, display_name: 'Docket', secrets: [] }]
            : []),
        ];
      case 'register_docket_app':
        return this.registerApp(String(args.displayName), Number(args.secretDays));
      case 'add_app_secret':
        this.signedIn();
        if (args.objectId !== 'obj-1') throw refusal('graph', 'Microsoft Graph has no application with that object id');
        this.secrets.set('azure_client_secret', CLIENT_SECRET);
        return { key_id: 'key-2', display_name: 'Docket', expires_at: expiry(Number(args.secretDays)) };
      case 'app_consent_start':
        this.consentFor = String(args.clientId);
        return {
          url: `https://login.microsoftonline.com/${String(args.tenantId)}/v2.0/adminconsent?client_id=${String(args.clientId)}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&state=s8&redirect_uri=http%3A%2F%2F127.0.0.1%3A53691%2F`,
          state: 's8',
          redirect_uri: 'http://127.0.0.1:53691/',
        };
      case 'check_mailboxes':
        return this.checkMailboxes(args.request as RunPlan, String(args.tenantId), String(args.clientId));
      case 'admin_consent_wait':
        return new Promise<ConsentResult>((resolve, reject) => {
          this.consentAnswer = resolve;
          this.consentEnded = reject;
        });
      case 'admin_consent_confirm':
        // As the shell does: a confirmation by hand ends the wait in progress.
        this.consentEnded?.(refusal('consent', coreText('identity.superseded')));
        this.consentAnswer = null;
        this.consentEnded = null;
        return { status: 'granted', method: 'confirmed_by_admin', tenant: TENANT, error: null, description: null };
      case 'save_connector':
        return this.saveConnector(args.id as string | null, args.settings as ConnectorSettings);
      case 'list_connectors':
        return this.connectors.map((connector) => ({
          connector,
          source_label: `${connector.settings.request.source_kind}:${connector.settings.request.location}`,
          last_run: this.runs[0] ?? null,
          next_run: connector.settings.schedule.kind === 'manual' ? null : '2026-11-23T02:00:00Z',
          totals: { day: '', delivered: this.runs.reduce((n, r) => n + r.summary.deliveries, 0), drafts: 0, skipped: 0, failed: 0 },
        }));
      case 'daily_counts':
        return this.runs.length === 0
          ? []
          : [{ day: new Date().toISOString().slice(0, 10), delivered: this.runs.reduce((n, r) => n + r.summary.deliveries, 0), skipped: 0, failed: 0 }];
      case 'held_items':
        return [];
      case 'chat_coverage':
        return this.runs.length === 0
          ? []
          : [
              {
                source: 'whatsapp',
                chat: 'Sales team',
                first: '2026-03-02T08:00:00Z',
                last: '2026-04-03T07:15:00Z',
                messages: 1204,
                exports: 2,
                gaps: [{ after: '2026-03-09T17:20:00Z', before: '2026-03-16T08:05:00Z' }],
              },
            ];
      case 'preview_routing':
        return [
          { sent: '2026-04-03T09:14:00+02:00', chat: 'Sales team', sender: 'Anna Devos', mailboxes: ['anna@contoso.com', 'compliance@contoso.com'], unmapped_reason: null },
          { sent: '2026-04-03T09:15:00+02:00', chat: 'Sales team', sender: '+32 470 99 99 99', mailboxes: [], unmapped_reason: coreText('mapping.unmapped.reason', { reasons: coreText('mapping.unmapped.participant', { participant: '+32 470 99 99 99', why: coreText('mapping.unmapped.not_in_csv') }) }) },
        ];
      case 'plugin:dialog|open': {
        const picked = window.__ipcDoubleScenario?.picked;
        return picked === undefined ? '/home/admin/Docket trial' : picked;
      }
      case 'run_connector':
      case 'start_import':
        this.runningPlan =
          cmd === 'start_import' ? (args.request as RunPlan) : (this.connectors.find((c) => c.id === args.id)?.settings.request ?? null);
        this.channel = args.onProgress as Channel;
        this.index = 0;
        return new Promise<RunSummary>((resolve, reject) => {
          this.importDone = resolve;
          this.importFailed = reject;
        });
      case 'cancel_import':
        this.cancelRequested = this.channel !== null;
        return this.cancelRequested;
      case 'background_status':
        return this.timer();
      case 'background_enable':
        this.timerOn = true;
        return this.timer();
      case 'background_disable':
        this.timerOn = false;
        return this.timer();
      case 'set_tray_language':
        this.trayLanguage = String(args.language);
        return null;
      default:
        throw refusal('internal', `the test double has no command ${cmd}`);
    }
  }

  /** The user-level timer, as `background_status` reports it on a desktop with a systemd user manager. */
  timerOn = false;

  private timer() {
    const linger = coreText('background.no_linger', { user: 'admin' });
    return {
      installed: this.timerOn,
      enabled: this.timerOn,
      active: this.timerOn,
      manager_reachable: true,
      unit_dir: '/home/admin/.config/systemd/user',
      exec_start: this.timerOn ? '"/usr/bin/docket" "run-due" "--state" "/home/admin/.local/share/docket"' : null,
      last_trigger: null,
      next_trigger: this.timerOn ? 'Mon 2026-12-07 10:15:00 UTC' : null,
      linger: false,
      advice: this.timerOn ? [linger.message] : [],
      advice_texts: this.timerOn ? [linger] : [],
    };
  }

  private saveConnector(id: string | null, settings: ConnectorSettings) {
    const existing = this.connectors.find((c) => c.id === id);
    if (existing) {
      existing.settings = settings;
      return existing;
    }
    const saved = { id: `c-00000000000${this.connectors.length + 1}`, created_at: '2026-11-22T09:00:00Z', updated_at: '2026-11-22T09:00:00Z', settings };
    this.connectors.push(saved);
    return saved;
  }

  private signedIn(): void {
    if (this.signedInTenant === null) throw refusal('entra_auth', coreText('identity.sign_in_needed'));
  }

  private registerApp(displayName: string, days: number) {
    this.signedIn();
    if (!(Number.isInteger(days) && days >= 1 && days <= 730)) {
      throw refusal(
        'bad_config',
        coreText('config.invalid', { field: coreText('field.secret_lifetime'), message: coreText('m365.secret_days', { days, max: 730 }) }),
      );
    }
    this.secrets.set('azure_client_secret', REGISTERED_SECRET);
    this.consentedApps.delete(REGISTERED_CLIENT);
    return {
      object_id: 'obj-2',
      app_id: REGISTERED_CLIENT,
      display_name: displayName || 'Docket',
      secret: { key_id: 'key-1', display_name: 'Docket', expires_at: expiry(days) },
      unavailable_permissions: [],
    };
  }

  private checkMailboxes(request: RunPlan, tenantId: string, clientId: string) {
    this.testEntraApp(tenantId, clientId);
    if (!this.consentedApps.has(clientId)) {
      throw refusal('graph', 'Microsoft Graph refused GET /users (403 Authorization_RequestDenied): Insufficient privileges to complete the operation.');
    }
    const addresses = [
      ...(request.mapping_csv === '/maps/people.csv' ? ['anna.devos@contoso.com', UNKNOWN_MAILBOX] : []),
      ...(request.owner_mailbox ? [request.owner_mailbox.toLowerCase()] : []),
    ].sort();
    const folder = request.folder ?? 'WhatsApp Archiver';
    const mailboxes = addresses.map((address) =>
      address === UNKNOWN_MAILBOX
        ? { address, status: 'not_a_user', display_name: null, folder_exists: null, detail: 'Resource does not exist' }
        : { address, status: 'ok', display_name: address.split('@')[0], folder_exists: address.startsWith('anna'), detail: null },
    );
    return { folder, mailboxes, unknown: addresses.filter((a) => a === UNKNOWN_MAILBOX), unusable: [] };
  }

  private storeSecret(name: string, value: string) {
    if (value.trim() === '') throw refusal('bad_config', `the ${name} is empty; paste it again`);
    this.secrets.set(name, value);
    return { name, stored: true };
  }

  private testEntraApp(tenantId: string, clientId: string): AppCheck {
    const secret = this.secrets.get('azure_client_secret');
    const known = (clientId === CLIENT && secret === CLIENT_SECRET) || (clientId === REGISTERED_CLIENT && secret === REGISTERED_SECRET);
    if (!known || tenantId !== TENANT) {
      throw refusal('entra_auth', coreText('identity.invalid_secret', { client_id: clientId, aadsts: 'AADSTS7000215' }));
    }
    return { tenant_id: tenantId, client_id: clientId, expires_in_seconds: 3599 };
  }

  private preview(location: string, dateOrder: string | null): SourcePreview {
    if (location !== '/exports/sales-team.zip') {
      throw refusal('io', coreText('export.read', { path: location, source: 'No such file or directory (os error 2)' }));
    }
    if (dateOrder === null) {
      throw refusal('ambiguous_date_order', coreText('export.ambiguous_date_order', { path: location, sample: '03/04/2026' }));
    }
    return {
      total: 1240,
      total_capped: false,
      items: [
        previewItem('k1', '2026-04-03T09:14:00+02:00', 'Anna Devos', 'Morning all, the Antwerp order is confirmed.', []),
        previewItem('k2', '2026-04-03T09:15:00+02:00', '+32 470 12 34 56', 'Great, I will send the contract today.', ['contract-v3.pdf']),
        previewItem('k3', '2026-04-03T09:31:00+02:00', 'Marc Peeters', 'Call: 4 min', []),
      ],
    };
  }

  private testStorage(container: string) {
    const connection = this.secrets.get('storage_connection') ?? '';
    if (!connection.includes(STORAGE_KEY) && !connection.includes('sig=cmlnaHQta2V5')) {
      throw refusal(
        'storage_auth',
        `the storage account refused the stored credentials for container "${container}" (403 AuthenticationFailed); copy the key again and store it`,
      );
    }
    // A recommended SAS (Create, Read, List) may not delete; Azure refuses to delete in a WORM container.
    const sas = connection.startsWith('https://');
    const worm = container === WORM_CONTAINER;
    const report: ProbeReport = {
      container_created: !sas && !worm,
      round_trip_ms: 184,
      probe_blob: '.docket-probe/9c1d',
      probe_blob_deleted: !sas && !worm,
      immutability: worm
        ? { time_based_policy: sas ? null : true, legal_hold: sas ? null : false, delete_refused_by_policy: true, worm: true, summary: coreText('immutability.policy'), advice: null }
        : {
            time_based_policy: false,
            legal_hold: false,
            delete_refused_by_policy: false,
            worm: false,
            summary: coreText('immutability.none'),
            advice: coreText('immutability.advice'),
          },
    };
    return report;
  }

  private checkMapping(path: string): MappingReport {
    if (path === '/maps/people.csv') {
      return { path, rows: 42, entries: 41, problems: [], phone_column: 'Mobile', address_column: 'Email', telegram_entries: 0 };
    }
    if (path === '/maps/bad.csv') {
      return {
        path,
        rows: 5,
        entries: 2,
        phone_column: 'Mobile',
        address_column: 'Email',
        telegram_entries: 0,
        problems: [
          problem(3, 'Mobile', coreText('mapping.phone.invalid', { column: 'Mobile', cell: '555-CALL-ME' })),
          problem(5, 'Email', coreText('mapping.address.invalid_cell', { column: 'Email', address: 'marc.peeters@', fault: coreText('mapping.address.no_at') })),
          problem(6, 'Mobile', coreText('mapping.phone.duplicate', { number: '+32470123456', first: 2, row: 6, existing: 'anna@contoso.com', address: 'marc@contoso.com' })),
        ],
      };
    }
    throw refusal('io', coreText('mapping.read', { path, detail: 'No such file or directory (os error 2)' }));
  }
}

function previewItem(key: string, time: string, sender: string, text: string, attachments: string[]) {
  return { key, time, chat: 'Sales team', sender, text, attachments };
}

function expiry(days: number): string {
  return new Date(Date.UTC(2026, 10, 22) + days * 86_400_000).toISOString().replace('.000Z', 'Z');
}

/** A sentence as the core sends it: its key, its values and the English the core renders from en.ts. */
function coreText(key: string, values: Record<string, string | number | Text> = {}): Text {
  const template = coreEn[key];
  if (template === undefined) throw new Error(`the test double names ${key}, which the core does not say`);
  const said = (v: string | number | Text) => (typeof v === 'object' ? v.message : typeof v === 'number' ? v.toLocaleString('en-US') : v);
  const message = template.replace(/\{(\w+)\}/g, (_, name: string) => said(values[name] ?? `{${name}}`));
  return { key, values, message };
}

/** The double's own words (no core sentence says them), shown as they are in every language. */
function own(message: string): Text {
  return { key: 'verbatim', values: { text: message }, message };
}

function problem(row: number, field: string, text: Text) {
  return { row, field, message: text.message, text };
}

function refusal(code: string, text: Text | string): IpcError {
  const said = typeof text === 'string' ? own(text) : text;
  return { code, message: said.message, text: said } as IpcError;
}

mockWindows('main');
const double = new IpcDouble();
window.__ipcDouble = double;
mockIPC((cmd, args) => double.handle(cmd, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });
