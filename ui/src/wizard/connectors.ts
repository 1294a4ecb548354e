// The connectors the wizard offers and what to have ready before you begin, after Microsoft's connector docs
// ("Before you begin"), kept to what Docket itself needs: it delivers into the mailboxes through Microsoft
// Graph, so neither the Office 365 Import service nor an Azure subscription is a prerequisite. A trial with a
// folder on this computer needs no tenant, so the tenant's items are left out then. Data only; it
// deliberately checks nothing (the later steps do, live).
import { t } from '../i18n/index.svelte';
import type { ConnectorKind } from './state';

export interface Prerequisite {
  id: string;
  label: string;
  detail: string;
}

export interface ConnectorChoice {
  kind: ConnectorKind;
  name: string;
  /** The mailbox folder Microsoft's connector imports into. */
  folder: string;
  source: string;
  available: boolean;
}

export const CONNECTORS: readonly ConnectorChoice[] = [
  {
    kind: 'whatsapp',
    get name() {
      return t('connector.whatsapp.name');
    },
    folder: 'WhatsApp Archiver',
    get source() {
      return t('connector.whatsapp.source');
    },
    available: true,
  },
  {
    kind: 'telegram',
    get name() {
      return t('connector.telegram.name');
    },
    folder: 'Telegram Archiver',
    get source() {
      return t('connector.telegram.source');
    },
    available: true,
  },
  {
    kind: 'telegram_bot',
    get name() {
      return t('connector.telegram_bot.name');
    },
    folder: 'Telegram Archiver',
    get source() {
      return t('connector.telegram_bot.source');
    },
    available: true,
  },
  {
    kind: 'x',
    get name() {
      return t('connector.x.name');
    },
    folder: 'Twitter',
    get source() {
      return t('connector.x.source');
    },
    available: true,
  },
];

/** What mailbox delivery needs from the Microsoft 365 tenant; a trial folder needs none of it. */
const TENANT: readonly Prerequisite[] = [
  {
    id: 'm365_mailboxes',
    get label() {
      return t('prerequisites.m365_mailboxes.label');
    },
    get detail() {
      return t('prerequisites.m365_mailboxes.detail');
    },
  },
  {
    id: 'global_admin',
    get label() {
      return t('prerequisites.global_admin.label');
    },
    get detail() {
      return t('prerequisites.global_admin.detail');
    },
  },
];

const SOURCE_ACCOUNT: Record<ConnectorKind, Prerequisite> = {
  whatsapp: {
    id: 'source_account',
    get label() {
      return t('prerequisites.whatsapp_account.label');
    },
    get detail() {
      return t('prerequisites.whatsapp_account.detail');
    },
  },
  telegram: {
    id: 'source_account',
    get label() {
      return t('prerequisites.telegram_account.label');
    },
    get detail() {
      return t('prerequisites.telegram_account.detail');
    },
  },
  telegram_bot: {
    id: 'source_account',
    get label() {
      return t('prerequisites.telegram_bot_account.label');
    },
    get detail() {
      return t('prerequisites.telegram_bot_account.detail');
    },
  },
  x: {
    id: 'source_account',
    get label() {
      return t('prerequisites.x_account.label');
    },
    get detail() {
      return t('prerequisites.x_account.detail');
    },
  },
};

const X_DAILY_CAP: Prerequisite = {
  id: 'daily_cap',
  get label() {
    return t('prerequisites.daily_cap.label');
  },
  get detail() {
    return t('prerequisites.daily_cap.detail');
  },
};

const USERS_KNOWN: Prerequisite = {
  id: 'users_known',
  get label() {
    return t('prerequisites.users_known.label');
  },
  get detail() {
    return t('prerequisites.users_known.detail');
  },
};

const TELEGRAM_USERS_KNOWN: Prerequisite = {
  id: 'users_known',
  get label() {
    return t('prerequisites.telegram_users_known.label');
  },
  get detail() {
    return t('prerequisites.telegram_users_known.detail');
  },
};

const BOT_24_HOURS: Prerequisite = {
  id: 'bot_24_hours',
  get label() {
    return t('prerequisites.bot_24_hours.label');
  },
  get detail() {
    return t('prerequisites.bot_24_hours.detail');
  },
};

/** The checklist for one connector, in the order the docs give it; a trial leaves the tenant's items out. */
export function prerequisites(kind: ConnectorKind | null, trial = false): readonly Prerequisite[] {
  const tenant = trial ? [] : TENANT;
  if (kind === null) return tenant;
  if (kind === 'x') return [...tenant, SOURCE_ACCOUNT.x, X_DAILY_CAP];
  if (kind === 'telegram_bot') return [...tenant, SOURCE_ACCOUNT.telegram_bot, TELEGRAM_USERS_KNOWN, BOT_24_HOURS];
  return [...tenant, SOURCE_ACCOUNT[kind], USERS_KNOWN];
}

export function connectorChoice(kind: ConnectorKind | null): ConnectorChoice | undefined {
  return CONNECTORS.find((c) => c.kind === kind);
}
