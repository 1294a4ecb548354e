import { describe, expect, it } from 'vitest';

import whatsappGraphPlan from './plans/whatsapp-graph.json';
import telegramBotGraphPlan from './plans/telegram-bot-graph.json';
import xGraphPlan from './plans/x-graph.json';

import { verbatim } from '../i18n/core';
import { codesWithGuidance, guidanceFor, type FailureCode } from './error-guidance';
import { prerequisites } from './connectors';
import { connectorSettings, stateFromConnector } from './saved';
import {
  blockers,
  canCheckMailboxes,
  chooseConnector,
  planConnectorKind,
  consentWords,
  expectedItems,
  firstUnreadyStep,
  importRequest,
  initialState,
  isContainerName,
  isSecretDays,
  mailboxCheckInputs,
  mailboxCheckIsCurrent,
  isTenantId,
  previewInputs,
  scheduleWords,
  stepSkipped,
  type WizardState,
} from './state';
import type { ErrorCode, ProbeReport } from '../types';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** What the archive copy's test reports for a container without an immutability policy. */
function probeReport(worm = false): ProbeReport {
  return {
    container_created: true,
    round_trip_ms: 40,
    probe_blob: '.docket-probe/x',
    probe_blob_deleted: !worm,
    immutability: {
      time_based_policy: worm,
      legal_hold: false,
      delete_refused_by_policy: worm,
      worm,
      summary: verbatim(worm ? 'The container is immutable (WORM): it has a time-based retention policy.' : 'The container has no immutability policy and no legal hold: the archive copy is not WORM.'),
      advice: worm ? null : verbatim('In the Azure portal, open the storage account, then Data storage > Containers > this container > Access policy.'),
    },
  };
}

/** A wizard with every step of the default path done (mailbox delivery, no archive copy), as a walk leaves it. */
function completed(): WizardState {
  const state = initialState('Europe/Brussels');
  state.keychainPersistent = true;
  state.connector = 'whatsapp';
  for (const p of prerequisites('whatsapp')) state.prerequisites[p.id] = true;
  state.entra = { ...state.entra, tenantId: TENANT, clientId: CLIENT, secretStored: true, check: { tenant_id: TENANT, client_id: CLIENT, expires_in_seconds: 3599 } };
  state.source.location = ' /exports/chat.zip ';
  state.source.preview = { items: [], total: 120, total_capped: false };
  state.source.previewedWith = previewInputs(state);
  state.entra.appConsent = { status: 'granted', method: 'loopback_redirect', tenant: TENANT, error: null, description: null };
  return state;
}

const ids = prerequisites('whatsapp').map((p) => p.id);

describe('each step says what it still needs before Next', () => {
  it('a fresh wizard stops at the keychain check', () => {
    expect(firstUnreadyStep(initialState('UTC'), ids)).toBe('start');
  });

  it('a completed wizard is ready to review', () => {
    expect(firstUnreadyStep(completed(), ids)).toBe('review');
  });

  it('needs a connector and every prerequisite ticked', () => {
    const state = completed();
    state.prerequisites.global_admin = false;
    expect(blockers(state, 'connector', ids)).toEqual(['Tick every prerequisite once it is done.']);
    state.connector = null;
    expect(blockers(state, 'connector', ids)[0]).toBe('Choose a connector.');
  });

  it('needs the app checked again when its IDs change after the check', () => {
    const state = completed();
    expect(blockers(state, 'entra')).toEqual([]);
    state.entra.clientId = '11111111-2222-4333-8444-555555555555';
    expect(blockers(state, 'entra')).toEqual(['Check the app.']);
    state.entra.clientId = 'not-a-guid';
    expect(blockers(state, 'entra')).toContain('Enter the application (client) ID.');
  });

  it('needs the preview made again when the path or time zone changes', () => {
    const state = completed();
    state.source.timezone = 'America/New_York';
    expect(blockers(state, 'source')).toEqual(['Preview the export.']);
  });

  it('asks for the date order only after the preview said it is ambiguous', () => {
    const state = completed();
    expect(blockers(state, 'source')).toEqual([]);
    state.source.dateOrderNeeded = true;
    expect(blockers(state, 'source')).toContain('Choose the date order.');
  });

  it('needs the archive copy’s container tested, for the container named now, only when a copy is kept', () => {
    const state = completed();
    expect(blockers(state, 'storage')).toEqual([]);
    state.delivery.archiveCopy = true;
    state.storage.secretStored = false;
    expect(blockers(state, 'storage')).toEqual([
      'Store the archive copy’s connection string or SAS URL.',
      'Enter a valid container name.',
    ]);
    state.storage.secretStored = true;
    state.storage.container = 'whatsapp-archive';
    expect(blockers(state, 'storage')).toEqual(['Test the archive copy’s container.']);
    state.storage.probe = probeReport();
    state.storage.testedContainer = 'whatsapp-archive';
    expect(blockers(state, 'storage')).toEqual([]); // a copy that is not WORM is warned about, not refused
    state.storage.container = 'other-archive';
    expect(blockers(state, 'storage')).toEqual(['Test the archive copy’s container.']);
    state.storage.container = 'Other_Container';
    expect(blockers(state, 'storage')).toEqual(['Enter a valid container name.']);
    state.delivery.archiveCopy = false;
    expect(blockers(state, 'storage')).toEqual([]);
  });

  it('needs some way to map people to mailboxes, and a clean CSV when one is given', () => {
    const state = completed();
    state.mapping.autoMap = false;
    expect(blockers(state, 'mapping')).toEqual(['Turn on automatic mapping, or give a mapping CSV or an owner mailbox.']);
    state.mapping.csvPath = '/maps/people.csv';
    expect(blockers(state, 'mapping')).toEqual(['Check the mapping CSV.']);
    state.mapping.report = {
      path: '/maps/people.csv', rows: 3, entries: 2, phone_column: 'Phone', address_column: 'Email', telegram_entries: 0,
      problems: [{ row: 3, field: 'Phone', message: 'row 3: +1 555 0100 appears twice (rows 2 and 3)', text: verbatim('row 3: +1 555 0100 appears twice (rows 2 and 3)') }],
    };
    expect(blockers(state, 'mapping')).toEqual(['Fix the problems in the mapping CSV and check it again.']);
    state.mapping.report = { ...state.mapping.report, problems: [] };
    expect(blockers(state, 'mapping')).toEqual([]);
    state.mapping.ownerMailbox = 'compliance';
    expect(blockers(state, 'mapping')).toEqual(['Enter the owner mailbox as an email address, or leave it empty.']);
  });

  it('needs the Docket app’s admin consent granted, not refused', () => {
    const state = completed();
    const refused = {
      status: 'refused', method: 'loopback_redirect', tenant: null, error: 'access_denied',
      description: 'AADSTS65004: User declined to consent to access the app.',
    } as const;
    state.entra.appConsent = refused;
    expect(blockers(state, 'consent')).toEqual(['Grant admin consent to the Docket app’s Microsoft Graph permissions.']);
    expect(consentWords(refused)).toBe(
      'Admin consent was refused: access_denied: AADSTS65004: User declined to consent to access the app.',
    );
    expect(consentWords({ ...refused, status: 'timed_out', error: null, description: null })).toBe(
      'No answer came from the consent page in time.',
    );
    const confirmed = { status: 'granted', method: 'confirmed_by_admin', tenant: TENANT, error: null, description: null } as const;
    expect(consentWords(confirmed)).toBe('Admin consent is recorded as granted (you confirmed it).');
    state.entra.appConsent = confirmed;
    expect(blockers(state, 'consent')).toEqual([]);
  });
});

describe('the finished wizard describes one import without secrets', () => {
  it('builds the request from the answers, trimmed', () => {
    const state = completed();
    state.mapping.ownerMailbox = 'compliance@contoso.com';
    expect(importRequest(state)).toEqual({
      source_kind: 'whatsapp',
      location: '/exports/chat.zip',
      timezone: 'Europe/Brussels',
      date_order: null,
      mapping_csv: null,
      auto_map: true,
      owner_mailbox: 'compliance@contoso.com',
      folder: null,
      default_region: null,
      targets: [{ kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false }],
      concurrency: 16,
    });
    expect(JSON.stringify(importRequest(state))).not.toMatch(/secret|AccountKey|sig=/i);
  });

  it('sends the date order only when the export needed one', () => {
    const state = completed();
    state.source.dateOrder = 'dmy';
    expect(importRequest(state).date_order).toBeNull();
    state.source.dateOrderNeeded = true;
    expect(importRequest(state).date_order).toBe('dmy');
  });

  it('knows how many items to expect only when the preview counted them all', () => {
    const state = completed();
    expect(expectedItems(state)).toBe(120);
    state.source.preview = { items: [], total: 10000, total_capped: true };
    expect(expectedItems(state)).toBeNull();
  });
});

describe('fields are checked the way Azure and Entra ID check them', () => {
  it('accepts a tenant GUID or domain', () => {
    expect(isTenantId(TENANT)).toBe(true);
    expect(isTenantId('contoso.onmicrosoft.com')).toBe(true);
    expect(isTenantId('contoso')).toBe(false);
  });

  it('accepts only Azure container names', () => {
    expect(isContainerName('whatsapp-archive')).toBe(true);
    expect(isContainerName('ab')).toBe(false);
    expect(isContainerName('Archive')).toBe(false);
    expect(isContainerName('a--b')).toBe(false);
    expect(isContainerName('-ab')).toBe(false);
  });
});

describe('every error code tells the admin what to do next', () => {
  const all: FailureCode[] = [
    'bad_export', 'ambiguous_date_order', 'bad_mapping', 'bad_config', 'storage_auth', 'storage_unreachable',
    'storage_conflict', 'storage', 'io', 'keychain', 'entra_auth', 'entra_unreachable', 'graph', 'consent', 'ledger',
    'cancelled', 'internal', 'x_auth', 'x_unreachable', 'x_usage_cap', 'x_api',
  ];

  it('has advice for every code', () => {
    expect(new Set(codesWithGuidance())).toEqual(new Set(all));
    for (const code of all) {
      const advice = guidanceFor({ code: code as ErrorCode }, 'import');
      expect(advice.next.length).toBeGreaterThan(20);
    }
  });

  it('tells a refused storage key to copy the key again, wherever the message text says', () => {
    const advice = guidanceFor({ code: 'storage_auth' }, 'storage');
    expect(advice.next).toMatch(/Access keys/);
  });

  it('gives a code from a newer shell general advice rather than none', () => {
    const advice = guidanceFor({ code: 'from_the_future' as ErrorCode }, 'entra');
    expect(advice.next).toMatch(/Try again/);
  });
});

describe('saved connectors', () => {
  function finished(): WizardState {
    const s = initialState('Europe/London');
    s.connector = 'whatsapp';
    s.entra = { ...s.entra, tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-0000-0000-000000000001', secretStored: true, check: null };
    s.source.location = '/exports/WhatsApp Chat with Trading Desk.zip';
    s.delivery.archiveCopy = true;
    s.storage.container = 'whatsapp-archive';
    s.mapping.csvPath = '/exports/mapping.csv';
    s.mapping.ownerMailbox = 'compliance@contoso.com';
    return s;
  }

  it('Finish saves the import, the app IDs and the schedule, with a suggested name and no secret', () => {
    const settings = connectorSettings(finished());
    expect(settings.name).toBe('WhatsApp – WhatsApp Chat with Trading Desk.zip');
    expect(settings.schedule).toEqual({ kind: 'daily', at: '02:00' });
    expect(settings.entra).toEqual({
      tenant_id: 'contoso.onmicrosoft.com',
      client_id: '00000000-0000-0000-0000-000000000001',
      cloud: null,
      secret_expires_at: null,
    });
    expect(settings.request.targets).toEqual([
      { kind: 'graph', cloud: 'global', tenant_id: 'contoso.onmicrosoft.com', client_id: '00000000-0000-0000-0000-000000000001', allow_drafts: false },
      { kind: 'azure', container: 'whatsapp-archive' },
    ]);
    // The only key that names a secret is its expiry date, which is not secret.
    expect(JSON.stringify(settings).replace('"secret_expires_at"', '')).not.toMatch(/secret|AccountKey|sig=/i);
  });

  it('editing re-enters the wizard with the saved values', () => {
    const s = finished();
    s.name = 'Trading desk';
    s.schedule = { kind: 'every_hours', hours: 6 };
    const saved = { id: 'c-0000000000ab', created_at: 'x', updated_at: 'x', settings: connectorSettings(s) };
    const again = stateFromConnector(saved, 'UTC');
    expect(again.editingId).toBe('c-0000000000ab');
    expect(again.name).toBe('Trading desk');
    expect(again.schedule).toEqual({ kind: 'every_hours', hours: 6 });
    expect(importRequest(again)).toEqual(saved.settings.request);
    expect(again.entra.secretStored).toBe(false); // the Start step looks in the keychain again
  });

  it('the review step waits for a valid schedule', () => {
    const s = finished();
    s.schedule = { kind: 'daily', at: '25:00' };
    expect(blockers(s, 'review')).toEqual(['Enter the daily run time as HH:MM, for example 02:00.']);
    s.schedule = { kind: 'every_hours', hours: 0 };
    expect(blockers(s, 'review')).toEqual(['Choose every 1 to 168 hours.']);
    s.schedule = { kind: 'manual' };
    expect(blockers(s, 'review')).toEqual([]);
    expect(scheduleWords({ kind: 'every_hours', hours: 1 })).toBe('Every hour');
  });
});

describe('the X connector', () => {
  function xState(): WizardState {
    const s = initialState('UTC');
    s.connector = 'x';
    s.mapping.ownerMailbox = 'compliance@contoso.com';
    return s;
  }

  it('waits for the four credentials and a live account check', () => {
    const s = xState();
    expect(blockers(s, 'source')).toEqual(['Store the four X credentials.', 'Check the X account.']);
    s.source.xStored = true;
    s.source.xAccount = { id: '1512345678901234567', username: 'contoso', name: 'Contoso Compliance' };
    expect(blockers(s, 'source')).toEqual([]);
  });

  it('sends everything to the owner mailbox, which it requires', () => {
    const s = xState();
    s.source.xAccount = { id: '1', username: 'contoso', name: 'Contoso' };
    expect(importRequest(s)).toMatchObject({ source_kind: 'x', location: 'contoso', owner_mailbox: 'compliance@contoso.com', auto_map: true, mapping_csv: null });
    expect(connectorSettings(s).name).toBe('X – @contoso');
    s.mapping.ownerMailbox = '';
    expect(blockers(s, 'mapping')).toEqual(['Enter the mailbox that receives the X account’s items.']);
  });
});

describe('the live Telegram connector (the organisation’s bot)', () => {
  const bot = {
    id: 7123456789,
    username: 'docket_archive_bot',
    can_read_all_group_messages: true,
    can_connect_to_business: true,
    warnings: [],
    webhook_set: false,
    chats: [],
    last_poll: null,
  };

  it('is polled every few minutes unless the admin chose a schedule, and the others go back to daily', () => {
    const s = initialState('UTC');
    chooseConnector(s, 'telegram_bot');
    expect(s.schedule).toEqual({ kind: 'every_minutes', minutes: 5 });
    expect(scheduleWords(s.schedule)).toBe('Every 5 minutes');
    chooseConnector(s, 'whatsapp');
    expect(s.schedule).toEqual({ kind: 'daily', at: '02:00' });
    s.schedule = { kind: 'every_hours', hours: 2 };
    chooseConnector(s, 'telegram_bot');
    expect(s.schedule).toEqual({ kind: 'every_hours', hours: 2 });
    expect(prerequisites('telegram_bot').map((p) => p.id)).toEqual(['m365_mailboxes', 'global_admin', 'source_account', 'users_known', 'bot_24_hours']);
  });

  it('waits for the token and a live check, and a webhook blocks Next', () => {
    const s = initialState('UTC');
    chooseConnector(s, 'telegram_bot');
    expect(blockers(s, 'source')).toEqual(['Store the bot token.', 'Check the bot.']);
    s.source.botStored = true;
    s.source.bot = { ...bot, webhook_set: true, warnings: [verbatim('a webhook is set')] };
    expect(blockers(s, 'source')).toEqual(['Delete the bot’s webhook, then check the bot again.']);
    s.source.bot = bot;
    expect(blockers(s, 'source')).toEqual([]);
    s.schedule = { kind: 'every_minutes', minutes: 0 };
    expect(blockers(s, 'review')).toEqual(['Choose every 1 to 720 minutes.']);
  });

  it('builds the same run plan as `docket run --source telegram-bot:NAME`, and round-trips through a saved connector', () => {
    const s = completed();
    chooseConnector(s, 'telegram_bot');
    s.source.botStored = true;
    s.source.bot = bot;
    s.mapping.csvPath = ' /maps/telegram-people.csv ';
    s.mapping.ownerMailbox = 'compliance@contoso.com';
    const plan = importRequest(s);
    expect(plan).toEqual(telegramBotGraphPlan.plan);
    expect(planConnectorKind(plan)).toBe('telegram_bot');
    expect(planConnectorKind({ source_kind: 'telegram', location: '/exports/result.json' })).toBe('telegram');
    const settings = connectorSettings(s);
    expect(settings.name).toBe('Telegram – @docket_archive_bot');
    expect(settings.schedule).toEqual({ kind: 'every_minutes', minutes: 5 });
    const again = stateFromConnector({ id: 'c-000000000001', created_at: '', updated_at: '', settings }, 'UTC');
    expect(again.connector).toBe('telegram_bot');
    expect(again.schedule).toEqual({ kind: 'every_minutes', minutes: 5 });
    expect(blockers(again, 'source')).toContain('Check the bot.');
  });
});

describe('Microsoft 365: sign-in, mailbox check and the Graph target', () => {
  function graphReady(): WizardState {
    const state = completed();
    state.entra.secretExpiresAt = '2027-05-21T09:00:00Z';
    return state;
  }

  it('mailbox delivery is the default and needs no storage account, only the checked app', () => {
    expect(initialState('UTC').delivery).toMatchObject({ target: 'graph', archiveCopy: false, allowDrafts: false });
    const state = graphReady();
    expect(blockers(state, 'storage')).toEqual([]);
    state.entra.check = null;
    expect(blockers(state, 'storage')).toEqual(['Check the Entra ID app first: mailbox delivery signs in as it.']);
  });

  it('mailbox delivery asks for consent to the Docket app and to nothing else', () => {
    const state = graphReady();
    expect(blockers(state, 'consent')).toEqual([]);
    expect(firstUnreadyStep(state, ids)).toBe('review');
    state.entra.appConsent = null;
    expect(blockers(state, 'consent')).toEqual(['Grant admin consent to the Docket app’s Microsoft Graph permissions.']);
    expect(connectorSettings(state).consent).toBeNull();
  });

  it('an archive copy rides along after the mailboxes, and drafts are allowed only when chosen', () => {
    const state = graphReady();
    state.delivery.archiveCopy = true;
    state.delivery.allowDrafts = true;
    state.storage = { secretStored: true, container: ' whatsapp-archive ', probe: probeReport(true), testedContainer: 'whatsapp-archive' };
    expect(blockers(state, 'storage')).toEqual([]);
    expect(importRequest(state).targets).toEqual([
      { kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: true },
      { kind: 'azure', container: 'whatsapp-archive' },
    ]);
  });

  it('every delivery choice round-trips through a saved connector: mailboxes, archive copy and drafts', () => {
    const state = graphReady();
    state.delivery.archiveCopy = true;
    state.delivery.allowDrafts = true;
    state.storage.container = 'whatsapp-archive';
    const settings = connectorSettings(state);
    const again = stateFromConnector({ id: 'c-2', created_at: 'x', updated_at: 'x', settings }, 'UTC');
    expect(again.delivery).toEqual({ target: 'graph', cloud: 'global', folderPath: '', allowDrafts: true, archiveCopy: true, wasArchiveOnly: false });
    expect(again.storage.container).toBe('whatsapp-archive');
    expect(again.storage.probe).toBeNull(); // the copy is tested again before Next
    expect(blockers({ ...again, storage: { ...again.storage, secretStored: true } }, 'storage')).toContain('Test the archive copy’s container.');
    expect(importRequest(again)).toEqual(settings.request);
    const plain = graphReady();
    const plainAgain = stateFromConnector({ id: 'c-3', created_at: 'x', updated_at: 'x', settings: connectorSettings(plain) }, 'UTC');
    expect(plainAgain.delivery).toMatchObject({ allowDrafts: false, archiveCopy: false });
    expect(importRequest(plainAgain)).toEqual(importRequest(plain));
  });

  it('a connector the old wizard saved with only an Azure container comes back as mailbox delivery with that copy, flagged', () => {
    const settings = connectorSettings(graphReady());
    settings.request = { ...settings.request, targets: [{ kind: 'azure', container: 'whatsapp-archive' }] };
    settings.consent = { status: 'granted', method: 'loopback_redirect', tenant: TENANT, error: null, description: null };
    const again = stateFromConnector({ id: 'c-4', created_at: 'x', updated_at: 'x', settings }, 'UTC');
    expect(again.delivery).toMatchObject({ target: 'graph', archiveCopy: true, wasArchiveOnly: true });
    expect(again.entra.appConsent).toBeNull(); // that consent was the Import service's
    expect(importRequest(again).targets.map((t) => t.kind)).toEqual(['graph', 'azure']);
  });

  it('a Graph import targets the Entra app with its IDs, and Finish keeps the secret expiry and app consent', () => {
    const state = graphReady();
    expect(importRequest(state).targets).toEqual([{ kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false }]);
    const settings = connectorSettings(state);
    expect(settings.entra?.secret_expires_at).toBe('2027-05-21T09:00:00Z');
    expect(settings.consent?.status).toBe('granted');
    const again = stateFromConnector({ id: 'c-1', created_at: 'x', updated_at: 'x', settings }, 'UTC');
    expect(again.delivery.target).toBe('graph');
    expect(again.entra.appConsent?.status).toBe('granted');
    expect(again.entra.secretExpiresAt).toBe('2027-05-21T09:00:00Z');
    expect(importRequest(again)).toEqual(settings.request);
  });

  it('X with Graph delivery goes to the mailboxes through Graph, not to an empty Azure container', () => {
    const state = graphReady();
    state.connector = 'x';
    state.source.xAccount = { id: '1', username: 'contoso', name: 'Contoso' } as WizardState['source']['xAccount'];
    const plan = importRequest(state);
    expect(plan.source_kind).toBe('x');
    expect(plan.targets).toEqual([{ kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false }]);
  });

  it('builds the same run plan as `docket run` for the same connector (shared fixtures)', () => {
    const whatsapp = graphReady();
    whatsapp.source.dateOrderNeeded = true;
    whatsapp.source.dateOrder = 'dmy';
    whatsapp.mapping.csvPath = ' /maps/people.csv ';
    whatsapp.mapping.ownerMailbox = 'compliance@contoso.com';
    expect(importRequest(whatsapp)).toEqual(whatsappGraphPlan.plan);
    const x = graphReady();
    x.connector = 'x';
    x.source.xAccount = { id: '1', username: 'contoso', name: 'Contoso' } as WizardState['source']['xAccount'];
    x.mapping.ownerMailbox = 'compliance@contoso.com';
    expect(importRequest(x)).toEqual(xGraphPlan.plan);
  });

  it('the mailbox check waits for a checked app and a clean mapping, and goes stale when they change', () => {
    const state = completed();
    expect(canCheckMailboxes(state)).toBe(false); // no mapping CSV or owner mailbox yet
    state.mapping.ownerMailbox = 'compliance@contoso.com';
    expect(canCheckMailboxes(state)).toBe(true);
    state.mapping.mailboxes = { folder: 'WhatsApp Archiver', mailboxes: [], unknown: [], unusable: [] };
    state.mapping.mailboxesCheckedWith = mailboxCheckInputs(state);
    expect(mailboxCheckIsCurrent(state)).toBe(true);
    state.mapping.ownerMailbox = 'legal@contoso.com';
    expect(mailboxCheckIsCurrent(state)).toBe(false);
    state.entra.check = null;
    expect(canCheckMailboxes(state)).toBe(false);
    expect(blockers(state, 'mapping')).toEqual([]); // the check informs; it does not block
  });

  it('a client secret lifetime is 1 to 730 whole days', () => {
    expect([0, 1, 180, 730, 731, 1.5, Number.NaN].map(isSecretDays)).toEqual([false, true, true, true, false, false, false]);
  });

  it('sign-in and mailbox errors get advice of their own', () => {
    expect(guidanceFor({ code: 'graph' }, 'signin').next).toMatch(/Application Administrator/);
    expect(guidanceFor({ code: 'graph' }, 'mailboxes').next).toMatch(/admin consent/);
    expect(guidanceFor({ code: 'entra_auth' }, 'signin').next).toMatch(/DOCKET_SIGN_IN_CLIENT_ID/);
  });
});

describe('a trial with a folder on this computer', () => {
  function trial(): WizardState {
    const state = initialState('Europe/Brussels');
    state.keychainPersistent = true;
    state.connector = 'whatsapp';
    state.delivery.target = 'dir';
    for (const p of prerequisites('whatsapp', true)) state.prerequisites[p.id] = true;
    state.source.location = '/exports/chat.zip';
    state.source.preview = { items: [], total: 12, total_capped: false };
    state.source.previewedWith = previewInputs(state);
    state.delivery.folderPath = ' /home/admin/.local/share/docket/archive ';
    return state;
  }

  it('asks nothing of a tenant: the tenant’s prerequisites, the Entra ID step and consent are skipped', () => {
    const state = trial();
    expect(prerequisites('whatsapp', true).map((p) => p.id)).toEqual(['source_account', 'users_known']);
    expect(prerequisites('whatsapp').map((p) => p.id)).toEqual(['m365_mailboxes', 'global_admin', 'source_account', 'users_known']);
    expect(stepSkipped(state, 'entra')).toBe(true);
    expect(stepSkipped(state, 'consent')).toBe(true);
    expect(stepSkipped(state, 'storage')).toBe(false);
    expect(blockers(state, 'entra')).toEqual([]);
    expect(blockers(state, 'consent')).toEqual([]);
    expect(firstUnreadyStep(state, prerequisites('whatsapp', true).map((p) => p.id))).toBe('review');
    state.delivery.target = 'graph';
    expect(stepSkipped(state, 'entra')).toBe(false);
    expect(blockers(state, 'entra')).toContain('Enter the directory (tenant) ID.');
    expect(blockers(state, 'consent')).toEqual(['Grant admin consent to the Docket app’s Microsoft Graph permissions.']);
  });

  it('needs the folder as a full path', () => {
    const state = trial();
    state.delivery.folderPath = '';
    expect(blockers(state, 'storage')).toEqual(['Enter the folder the .eml files go to, or choose it.']);
    state.delivery.folderPath = 'archive';
    expect(blockers(state, 'storage')).toEqual(['Enter the folder’s full path, e.g. /home/you/Docket trial.']);
    state.delivery.folderPath = 'C:\\Users\\admin\\Docket trial';
    expect(blockers(state, 'storage')).toEqual([]);
  });

  it('writes only to the folder, whatever was typed for Microsoft 365, and saves no app and no consent', () => {
    const state = trial();
    state.entra.tenantId = TENANT;
    state.delivery.archiveCopy = true;
    state.storage.container = 'whatsapp-archive';
    expect(importRequest(state).targets).toEqual([{ kind: 'dir', path: '/home/admin/.local/share/docket/archive' }]);
    const settings = connectorSettings(state);
    expect(settings.entra).toBeNull();
    expect(settings.consent).toBeNull();
    const again = stateFromConnector({ id: 'c-5', created_at: 'x', updated_at: 'x', settings }, 'UTC');
    expect(again.delivery).toMatchObject({ target: 'dir', folderPath: '/home/admin/.local/share/docket/archive', archiveCopy: false });
    expect(stepSkipped(again, 'entra')).toBe(true);
    expect(importRequest(again)).toEqual(settings.request);
  });

  it('an X trial writes the owner mailbox’s items to the folder', () => {
    const state = trial();
    state.connector = 'x';
    state.source.xAccount = { id: '1', username: 'contoso', name: 'Contoso' } as WizardState['source']['xAccount'];
    state.mapping.ownerMailbox = 'compliance@contoso.com';
    expect(importRequest(state)).toMatchObject({ source_kind: 'x', owner_mailbox: 'compliance@contoso.com', targets: [{ kind: 'dir', path: '/home/admin/.local/share/docket/archive' }] });
  });
});
