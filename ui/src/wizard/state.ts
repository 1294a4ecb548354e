// The setup wizard's state and rules: which steps there are, what each step needs before Next is enabled,
// and the RunPlan the finished wizard describes. Pure data and functions, so Vitest checks them
// without a window. It deliberately calls no command (the step components do) and holds no secret: a
// secret is only ever "stored" or "not stored" here.
import { say } from '../i18n/core';
import { t } from '../i18n/index.svelte';
import type { AppCheck, ConsentResult } from './identity-types';
import type { BotCheck } from '../generated/BotCheck';
import type { MailboxReport } from '../generated/MailboxReport';
import type {
  CloudName,
  DateOrder,
  PlanTarget,
  RunPlan,
  MappingReport,
  ProbeReport,
  Schedule,
  SecretStatus,
  SourcePreview,
  XAccount,
} from '../types';

/**
 * The connectors the wizard sets up: exports (WhatsApp, Telegram), X through its API, and Telegram captured
 * live by the organisation's bot (`telegram_bot`; its plan is a `telegram` source at `bot:USERNAME`).
 */
export type ConnectorKind = 'whatsapp' | 'telegram' | 'telegram_bot' | 'x';

/** How a live Telegram plan's location begins (`bot:USERNAME`), as the core reads it. */
export const BOT_LOCATION_PREFIX = 'bot:';

/** How often the wizard suggests polling a Telegram bot: Telegram keeps undelivered updates 24 hours. */
export const DEFAULT_BOT_POLL_MINUTES = 5;
export const MAX_EVERY_MINUTES = 720;

/** The connector kind a saved plan is: a `telegram` plan at `bot:…` is the live bot connector. */
export function planConnectorKind(plan: Pick<RunPlan, 'source_kind' | 'location'>): ConnectorKind {
  if (plan.source_kind === 'telegram' && plan.location.trim().startsWith(BOT_LOCATION_PREFIX)) return 'telegram_bot';
  return plan.source_kind;
}

/**
 * Chooses the connector, and the schedule that suits it unless the admin already picked one: a bot is polled
 * every few minutes (Telegram keeps its updates 24 hours), the others run daily.
 */
export function chooseConnector(state: WizardState, kind: ConnectorKind): void {
  state.connector = kind;
  const polling = state.schedule.kind === 'every_minutes';
  const defaultDaily = state.schedule.kind === 'daily' && state.schedule.at === '02:00';
  if (kind === 'telegram_bot' && defaultDaily) state.schedule = { kind: 'every_minutes', minutes: DEFAULT_BOT_POLL_MINUTES };
  else if (kind !== 'telegram_bot' && polling) state.schedule = { kind: 'daily', at: '02:00' };
}

export const STEPS = [
  { id: 'start' },
  { id: 'connector' },
  { id: 'entra' },
  { id: 'source' },
  { id: 'storage' },
  { id: 'mapping' },
  { id: 'consent' },
  { id: 'review' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

/** A step's name in the language in force (the docs' own words: « Mappage utilisateur »…). */
export function stepTitle(id: StepId): string {
  return t(`wizard.steps.${id}`);
}

/**
 * `graph`: into each mapped person's mailbox folder through Microsoft Graph (the product's target);
 * `dir`: a folder of .eml files on this computer, for trying Docket without a Microsoft 365 tenant.
 */
export type DeliveryTarget = 'graph' | 'dir';

/** Why the Entra ID and Admin consent steps are skipped for a trial folder. */
export function trialSkipReason(): string {
  return t('wizard.trialSkipReason');
}

/** The client secret lifetime the wizard suggests, in days (Microsoft recommends under two years). */
export const DEFAULT_SECRET_DAYS = 180;
export const MAX_SECRET_DAYS = 730;

export interface WizardState {
  /** Whether the OS keychain keeps secrets between sessions; null until checked. */
  keychainPersistent: boolean | null;
  connector: ConnectorKind | null;
  /** Prerequisite id → ticked by the admin. */
  prerequisites: Record<string, boolean>;
  entra: {
    tenantId: string;
    clientId: string;
    secretStored: boolean;
    /** The last successful check, for the IDs it was made with. */
    check: AppCheck | null;
    /** The tenant the admin signed in to with "Sign in with Microsoft…"; null until then. */
    signedInTenant: string | null;
    /** When the client secret Docket added expires (RFC 3339); null for a secret pasted by hand. */
    secretExpiresAt: string | null;
    /** Admin consent for the Docket app's own Graph permissions (mailbox check, delivery through Graph). */
    appConsent: ConsentResult | null;
  };
  source: {
    location: string;
    timezone: string;
    /** Shown and required only after a preview answered `ambiguous_date_order`. */
    dateOrderNeeded: boolean;
    dateOrder: DateOrder | null;
    preview: SourcePreview | null;
    /** The inputs the preview was made with; a change means it must be made again. */
    previewedWith: string | null;
    /** X: whether all four credentials are in the keychain. */
    xStored: boolean;
    /** X: the account the stored credentials belong to, from the live check. */
    xAccount: XAccount | null;
    /** Telegram bot: whether its token is in the keychain. */
    botStored: boolean;
    /** Telegram bot: the live check (which bot, what blocks polling, the chats archived so far). */
    bot: BotCheck | null;
  };
  delivery: {
    /** Where messages go: each mapped mailbox through Graph (the default), or a trial folder. */
    target: DeliveryTarget;
    /** The Microsoft cloud of the Graph target (the wizard signs in to the global cloud). */
    cloud: CloudName;
    /** Trial: the folder the .eml files are written under. */
    folderPath: string;
    /** Graph: keep the full MIME as a draft where importMime is not available (counted apart). */
    allowDrafts: boolean;
    /** Graph: also keep an archive copy in the Azure container of `storage`, in the same run. */
    archiveCopy: boolean;
    /** Set when an edited connector wrote only to Azure, so nothing of it ever reached a mailbox. */
    wasArchiveOnly: boolean;
  };
  /** The optional archive copy's Azure container (Microsoft 365 does not read it). */
  storage: {
    secretStored: boolean;
    container: string;
    probe: ProbeReport | null;
    testedContainer: string | null;
  };
  mapping: {
    autoMap: boolean;
    ownerMailbox: string;
    csvPath: string;
    report: MappingReport | null;
    /** The last directory check of the mapping's mailboxes, for the inputs in `mailboxesCheckedWith`. */
    mailboxes: MailboxReport | null;
    mailboxesCheckedWith: string | null;
  };
  /** The saved connector being edited; null while setting up a new one. */
  editingId: string | null;
  /** The connector's name on the dashboard; empty means the suggested name. */
  name: string;
  schedule: Schedule;
}

/** The browser's own IANA time zone (the computer's), or UTC when it cannot tell. */
export function defaultTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function initialState(timezone = defaultTimezone()): WizardState {
  return {
    keychainPersistent: null,
    connector: null,
    prerequisites: {},
    entra: { tenantId: '', clientId: '', secretStored: false, check: null, signedInTenant: null, secretExpiresAt: null, appConsent: null },
    source: {
      location: '',
      timezone,
      dateOrderNeeded: false,
      dateOrder: null,
      preview: null,
      previewedWith: null,
      xStored: false,
      xAccount: null,
      botStored: false,
      bot: null,
    },
    delivery: { target: 'graph', cloud: 'global', folderPath: '', allowDrafts: false, archiveCopy: false, wasArchiveOnly: false },
    storage: { secretStored: false, container: '', probe: null, testedContainer: null },
    mapping: { autoMap: true, ownerMailbox: '', csvPath: '', report: null, mailboxes: null, mailboxesCheckedWith: null },
    editingId: null,
    name: '',
    schedule: { kind: 'daily', at: '02:00' },
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAILBOX = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A directory (tenant) ID is a GUID, or a verified domain such as `contoso.onmicrosoft.com`. */
export function isTenantId(value: string): boolean {
  const v = value.trim();
  return GUID.test(v) || TENANT_DOMAIN.test(v);
}

/** An application (client) ID is always a GUID. */
export function isClientId(value: string): boolean {
  return GUID.test(value.trim());
}

/** Azure's container rule: 3–63 lowercase letters, digits and single hyphens, not at either end. */
export function isContainerName(value: string): boolean {
  return CONTAINER.test(value);
}

export function isMailbox(value: string): boolean {
  return MAILBOX.test(value.trim());
}

/** Whether the keychain holds the named secret (a name an older shell does not know counts as not stored). */
export function isStored(status: SecretStatus, name: string): boolean {
  return (status as unknown as Partial<Record<string, boolean>>)[name] === true;
}

/** The inputs a preview depends on, as one comparable string. */
export function previewInputs(state: WizardState): string {
  const s = state.source;
  return JSON.stringify([state.connector, s.location.trim(), s.timezone.trim(), s.dateOrder]);
}

export function previewIsCurrent(state: WizardState): boolean {
  return state.source.preview !== null && state.source.previewedWith === previewInputs(state);
}

export function entraCheckIsCurrent(state: WizardState): boolean {
  const { check, tenantId, clientId } = state.entra;
  return (
    check !== null &&
    check.tenant_id.toLowerCase() === tenantId.trim().toLowerCase() &&
    check.client_id.toLowerCase() === clientId.trim().toLowerCase()
  );
}

/** Whether a secret lifetime in days is one Docket offers (1 to 730 whole days). */
export function isSecretDays(days: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= MAX_SECRET_DAYS;
}

/** The inputs a mailbox check depends on (app and mapping), as one comparable string. */
export function mailboxCheckInputs(state: WizardState): string {
  const m = state.mapping;
  return JSON.stringify([state.entra.tenantId.trim(), state.entra.clientId.trim(), m.csvPath.trim(), m.ownerMailbox.trim().toLowerCase()]);
}

export function mailboxCheckIsCurrent(state: WizardState): boolean {
  return state.mapping.mailboxes !== null && state.mapping.mailboxesCheckedWith === mailboxCheckInputs(state);
}

/** The mailbox check can run once the app passed its check and the mapping names at least one mailbox. */
export function canCheckMailboxes(state: WizardState): boolean {
  const m = state.mapping;
  const owner = m.ownerMailbox.trim();
  const csvOk = m.csvPath.trim() !== '' && mappingReportIsCurrent(state) && (m.report?.problems.length ?? 0) === 0;
  return entraCheckIsCurrent(state) && (csvOk || (owner !== '' && isMailbox(owner)));
}

/** Whether the admin is trying Docket with a folder on this computer (no Microsoft 365 tenant). */
export function isTrial(state: WizardState): boolean {
  return state.delivery.target === 'dir';
}

/** The steps a trial folder does not need: it signs in nowhere and asks nobody for consent. */
export function stepSkipped(state: WizardState, step: StepId): boolean {
  return isTrial(state) && (step === 'entra' || step === 'consent');
}

/** The consent a run needs: the Docket app's own Graph permissions for mailbox delivery; none for a trial. */
export function requiredConsent(state: WizardState): ConsentResult | null {
  return isTrial(state) ? null : state.entra.appConsent;
}

/** A full path on Linux, macOS or Windows: the app's working folder is nowhere the admin chose. */
export function isFullPath(value: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value.trim());
}

export function storageTestIsCurrent(state: WizardState): boolean {
  return state.storage.probe !== null && state.storage.testedContainer === state.storage.container.trim();
}

export function mappingReportIsCurrent(state: WizardState): boolean {
  const report = state.mapping.report;
  return report !== null && report.path === state.mapping.csvPath.trim();
}

/**
 * What still stands between the admin and the next step, in words, in the order to do it. An empty list
 * means Next is enabled. `prerequisiteIds` are the checklist items of the chosen connector.
 */
export function blockers(state: WizardState, step: StepId, prerequisiteIds: readonly string[] = []): string[] {
  const out: string[] = [];
  switch (step) {
    case 'start':
      if (state.keychainPersistent !== true) out.push(t('wizard.blockers.keychain'));
      break;
    case 'connector':
      if (state.connector === null) out.push(t('wizard.blockers.chooseConnector'));
      if (prerequisiteIds.some((id) => !state.prerequisites[id])) out.push(t('wizard.blockers.tickPrerequisites'));
      break;
    case 'entra':
      if (stepSkipped(state, 'entra')) break;
      if (!isTenantId(state.entra.tenantId)) out.push(t('wizard.blockers.tenantId'));
      if (!isClientId(state.entra.clientId)) out.push(t('wizard.blockers.clientId'));
      if (!state.entra.secretStored) out.push(t('wizard.blockers.clientSecret'));
      if (!entraCheckIsCurrent(state)) out.push(t('wizard.blockers.checkApp'));
      break;
    case 'source':
      if (state.connector === 'x') {
        if (!state.source.xStored) out.push(t('wizard.blockers.xCredentials'));
        if (state.source.xAccount === null) out.push(t('wizard.blockers.xAccount'));
        break;
      }
      if (state.connector === 'telegram_bot') {
        if (!state.source.botStored) out.push(t('wizard.blockers.botToken'));
        if (state.source.bot === null) out.push(t('wizard.blockers.botCheck'));
        else if (state.source.bot.webhook_set) out.push(t('wizard.blockers.botWebhook'));
        break;
      }
      if (state.source.location.trim() === '') out.push(t('wizard.blockers.exportPath'));
      if (state.source.timezone.trim() === '') out.push(t('wizard.blockers.timezone'));
      if (state.source.dateOrderNeeded && state.source.dateOrder === null) out.push(t('wizard.blockers.dateOrder'));
      if (!previewIsCurrent(state)) out.push(t('wizard.blockers.preview'));
      break;
    case 'storage': {
      const d = state.delivery;
      if (d.target === 'dir') {
        if (d.folderPath.trim() === '') out.push(t('wizard.blockers.trialFolder'));
        else if (!isFullPath(d.folderPath)) out.push(t('wizard.blockers.trialFullPath'));
        break;
      }
      if (!entraCheckIsCurrent(state)) out.push(t('wizard.blockers.entraFirst'));
      if (d.archiveCopy) {
        if (!state.storage.secretStored) out.push(t('wizard.blockers.archiveSecret'));
        if (!isContainerName(state.storage.container.trim())) out.push(t('wizard.blockers.container'));
        else if (!storageTestIsCurrent(state)) out.push(t('wizard.blockers.testContainer'));
      }
      break;
    }
    case 'mapping': {
      const m = state.mapping;
      const csv = m.csvPath.trim();
      const owner = m.ownerMailbox.trim();
      if (owner !== '' && !isMailbox(owner)) out.push(t('wizard.blockers.ownerFormat'));
      if (state.connector === 'x') {
        if (owner === '') out.push(t('wizard.blockers.xOwner'));
        break;
      }
      if (!m.autoMap && csv === '' && owner === '') {
        out.push(t('wizard.blockers.mappingNeeded'));
      }
      if (csv !== '') {
        if (!mappingReportIsCurrent(state)) out.push(t('wizard.blockers.checkCsv'));
        else if ((m.report?.problems.length ?? 0) > 0) out.push(t('wizard.blockers.fixCsv'));
      }
      break;
    }
    case 'consent':
      if (stepSkipped(state, 'consent')) break;
      if (requiredConsent(state)?.status !== 'granted') {
        out.push(t('wizard.blockers.consent'));
      }
      break;
    case 'review': {
      const sc = state.schedule;
      if (sc.kind === 'daily' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(sc.at.trim())) {
        out.push(t('wizard.blockers.dailyAt'));
      }
      if (sc.kind === 'every_hours' && !(Number.isInteger(sc.hours) && sc.hours >= 1 && sc.hours <= 168)) {
        out.push(t('wizard.blockers.everyHours'));
      }
      if (sc.kind === 'every_minutes' && !(Number.isInteger(sc.minutes) && sc.minutes >= 1 && sc.minutes <= MAX_EVERY_MINUTES)) {
        out.push(t('wizard.blockers.everyMinutes', { max: MAX_EVERY_MINUTES }));
      }
      break;
    }
  }
  return out;
}

/** The first step that is not ready, or `review` when every step is. */
export function firstUnreadyStep(state: WizardState, prerequisiteIds: readonly string[]): StepId {
  for (const { id } of STEPS) {
    if (id !== 'review' && blockers(state, id, prerequisiteIds).length > 0) return id;
  }
  return 'review';
}

/**
 * Where the run writes: the trial folder alone, or the mailboxes through Graph as the Entra ID app, with the
 * archive copy's container after them when the admin keeps one.
 */
export function planTargets(state: WizardState): PlanTarget[] {
  const d = state.delivery;
  if (d.target === 'dir') return [{ kind: 'dir', path: d.folderPath.trim() }];
  const targets: PlanTarget[] = [
    {
      kind: 'graph',
      cloud: d.cloud,
      tenant_id: state.entra.tenantId.trim(),
      client_id: state.entra.clientId.trim(),
      allow_drafts: d.allowDrafts,
    },
  ];
  if (d.archiveCopy) targets.push({ kind: 'azure', container: state.storage.container.trim() });
  return targets;
}

/** The import the finished wizard describes. It carries no secret: the shell reads those from the keychain. */
export function importRequest(state: WizardState): RunPlan {
  const s = state.source;
  const m = state.mapping;
  const csv = m.csvPath.trim();
  const owner = m.ownerMailbox.trim();
  const targets = planTargets(state);
  const common = { folder: null, default_region: null, targets, concurrency: 16, owner_mailbox: owner === '' ? null : owner };
  if (state.connector === 'x') {
    // Everything goes to the one mailbox the admin chose, as Microsoft's X connector does.
    return {
      ...common,
      source_kind: 'x',
      location: s.xAccount?.username ?? s.location.trim(),
      timezone: 'UTC',
      date_order: null,
      mapping_csv: null,
      auto_map: true,
    };
  }
  const mapping = { mapping_csv: csv === '' ? null : csv, auto_map: m.autoMap };
  if (state.connector === 'telegram_bot') {
    // Live capture: the connector is named after the bot its token belongs to; Bot API times are UTC.
    return {
      ...common,
      ...mapping,
      source_kind: 'telegram',
      location: `${BOT_LOCATION_PREFIX}${s.bot?.username ?? ''}`,
      timezone: 'UTC',
      date_order: null,
    };
  }
  return {
    ...common,
    ...mapping,
    source_kind: state.connector === 'telegram' ? 'telegram' : 'whatsapp',
    location: s.location.trim(),
    timezone: s.timezone.trim(),
    date_order: s.dateOrderNeeded ? s.dateOrder : null,
  };
}

/** How many items the import will fetch, when the preview counted them all (for the dashboard's ETA). */
export function expectedItems(state: WizardState): number | null {
  const preview = state.source.preview;
  return preview && !preview.total_capped ? preview.total : null;
}

/** The consent answer in words: granted, or why not, with Entra ID's own words as it sent them. */
export function consentWords(result: ConsentResult): string {
  const description = result.description_text ? say(result.description_text) : result.description;
  const said = [result.error, description].filter((part) => part && part.trim() !== '').join(': ');
  const because = (plain: 'refused' | 'rejected' | 'timedOut') =>
    said === '' ? t(`wizard.consentWords.${plain}`) : t(`wizard.consentWords.${plain}Because`, { said });
  switch (result.status) {
    case 'granted':
      return result.method === 'confirmed_by_admin' ? t('wizard.consentWords.grantedConfirmed') : t('wizard.consentWords.granted');
    case 'refused':
      return because('refused');
    case 'rejected':
      return because('rejected');
    case 'timed_out':
      return because('timedOut');
  }
}

/** The schedule in words, e.g. "Daily at 02:00" or "Every 6 hours". */
export function scheduleWords(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'daily':
      return t('wizard.schedule.daily', { at: schedule.at });
    case 'every_hours':
      return t('wizard.schedule.everyHours', { hours: schedule.hours });
    case 'every_minutes':
      return t('wizard.schedule.everyMinutes', { minutes: schedule.minutes });
    case 'manual':
      return t('wizard.schedule.manual');
  }
}
