// The wizard and a saved connector, both ways: what Finish saves (the RunPlan, the Entra ID app's IDs, the
// consent and the schedule; never a secret) and the wizard filled in again from a saved connector, so that
// every choice of the Delivery step round-trips. It deliberately calls no command (App.svelte saves).
import { t } from '../i18n/index.svelte';
import {
  BOT_LOCATION_PREFIX,
  defaultTimezone,
  importRequest,
  initialState,
  isTrial,
  planConnectorKind,
  requiredConsent,
  type ConnectorKind,
  type WizardState,
} from './state';
import type { ConnectorSettings, SavedConnector, Schedule } from '../types';

const KIND_NAMES: Record<ConnectorKind, string> = { whatsapp: 'WhatsApp', telegram: 'Telegram', telegram_bot: 'Telegram', x: 'X' };

/** The name Finish gives the connector when the admin leaves it empty: its kind and the export's file name. */
export function suggestedName(state: WizardState): string {
  const kind = state.connector ? KIND_NAMES[state.connector] : t('wizard.suggestedName');
  if (state.connector === 'x' && state.source.xAccount) return `X – @${state.source.xAccount.username}`;
  if (state.connector === 'telegram_bot') return state.source.bot ? `Telegram – @${state.source.bot.username}` : 'Telegram';
  const file = state.source.location.trim().split(/[\\/]/).filter((p) => p !== '').pop() ?? '';
  return file === '' ? kind : `${kind} – ${file}`;
}

/** What Finish saves: the import, the Entra ID app's IDs (none for a trial), the consent and the schedule. */
export function connectorSettings(state: WizardState): ConnectorSettings {
  const name = state.name.trim() === '' ? suggestedName(state) : state.name.trim();
  const schedule: Schedule =
    state.schedule.kind === 'daily' ? { kind: 'daily', at: state.schedule.at.trim() } : state.schedule;
  return {
    name,
    request: importRequest(state),
    entra: isTrial(state)
      ? null
      : {
          tenant_id: state.entra.tenantId.trim(),
          client_id: state.entra.clientId.trim(),
          cloud: null,
          secret_expires_at: state.entra.secretExpiresAt,
        },
    consent: requiredConsent(state),
    schedule,
  };
}

/**
 * The wizard filled in from a saved connector, for editing. Every live check runs again before Next (the
 * secrets are already in the keychain, so they show as stored once a step has looked). A connector the old
 * wizard saved with only an Azure container comes back as mailbox delivery with that container as its
 * archive copy, flagged so the Delivery step can say that nothing of it reached a mailbox; the consent it
 * saved was the Office 365 Import service's, which mailbox delivery does not use, so it is dropped.
 */
export function stateFromConnector(saved: SavedConnector, timezone = defaultTimezone()): WizardState {
  const base = initialState(timezone);
  const { request, entra, consent, schedule, name } = saved.settings;
  const graph = request.targets.find((t) => t.kind === 'graph');
  const azure = request.targets.find((t) => t.kind === 'azure');
  const dir = request.targets.find((t) => t.kind === 'dir');
  const trial = dir !== undefined && graph === undefined;
  const connector = planConnectorKind(request);
  return {
    ...base,
    connector,
    entra: {
      ...base.entra,
      tenantId: entra?.tenant_id ?? (graph?.kind === 'graph' ? graph.tenant_id : ''),
      clientId: entra?.client_id ?? (graph?.kind === 'graph' ? graph.client_id : ''),
      secretExpiresAt: entra?.secret_expires_at ?? null,
      appConsent: graph ? consent : null,
    },
    source: {
      ...base.source,
      // A bot's location is `bot:USERNAME`; the Source step checks the bot again before Next.
      location: connector === 'telegram_bot' ? request.location.trim().slice(BOT_LOCATION_PREFIX.length) : request.location,
      timezone: request.timezone,
      dateOrderNeeded: request.date_order !== null,
      dateOrder: request.date_order,
    },
    delivery: {
      target: trial ? 'dir' : 'graph',
      cloud: graph?.kind === 'graph' ? graph.cloud : 'global',
      folderPath: dir?.kind === 'dir' ? dir.path : '',
      allowDrafts: graph?.kind === 'graph' ? graph.allow_drafts : false,
      archiveCopy: azure !== undefined && !trial,
      wasArchiveOnly: azure !== undefined && graph === undefined && dir === undefined,
    },
    storage: {
      ...base.storage,
      container: azure?.kind === 'azure' ? azure.container : '',
    },
    mapping: {
      ...base.mapping,
      autoMap: request.auto_map,
      ownerMailbox: request.owner_mailbox ?? '',
      csvPath: request.mapping_csv ?? '',
    },
    editingId: saved.id,
    name,
    schedule,
  };
}
