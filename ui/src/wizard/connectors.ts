// The connectors the wizard offers and what to have ready before you begin, after Microsoft's connector docs
// ("Before you begin"), kept to what Docket itself needs: it delivers into the mailboxes through Microsoft
// Graph, so neither the Office 365 Import service nor an Azure subscription is a prerequisite. A trial with a
// folder on this computer needs no tenant, so the tenant's items are left out then. Data only; it
// deliberately checks nothing (the later steps do, live).
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
    name: 'WhatsApp (export)',
    folder: 'WhatsApp Archiver',
    source: 'A chat exported from WhatsApp: the .txt file or the .zip with its media.',
    available: true,
  },
  {
    kind: 'telegram',
    name: 'Telegram (export)',
    folder: 'Telegram Archiver',
    source: 'A Telegram Desktop export, JSON or HTML: result.json or messages.html, or the folder that holds it.',
    available: true,
  },
  {
    kind: 'telegram_bot',
    name: 'Telegram (live, through your bot)',
    folder: 'Telegram Archiver',
    source:
      'Groups, channels and Telegram Business chats, captured as they happen by the organisation’s own bot through Telegram’s Bot API. Nothing is installed on phones and nobody exports anything.',
    available: true,
  },
  {
    kind: 'x',
    name: 'X (Twitter)',
    folder: 'Twitter',
    source: 'Posts, mentions and direct messages of the organisation’s account, through the X API.',
    available: true,
  },
];

/** What mailbox delivery needs from the Microsoft 365 tenant; a trial folder needs none of it. */
const TENANT: readonly Prerequisite[] = [
  {
    id: 'm365_mailboxes',
    label: 'The people whose messages you archive have Microsoft 365 mailboxes.',
    detail:
      'Docket delivers each item into the mailbox of every participant that maps, so Litigation Hold, Content Search, retention policies and eDiscovery apply to it.',
  },
  {
    id: 'global_admin',
    label: 'A Microsoft 365 global admin can give admin consent to the Docket app.',
    detail:
      'The consent lets the Docket app read users and mailbox settings and write mail into your organisation’s mailboxes through Microsoft Graph; Docket asks for it in the Admin consent step.',
  },
];

const SOURCE_ACCOUNT: Record<ConnectorKind, Prerequisite> = {
  whatsapp: {
    id: 'source_account',
    label: 'You have the organisation’s WhatsApp exports, made from the account the organisation controls.',
    detail: 'Export each chat from the phone (Export chat, with or without media) and copy the files to this computer.',
  },
  telegram: {
    id: 'source_account',
    label: 'You have the organisation’s Telegram export, made from the account the organisation controls.',
    detail: 'In Telegram Desktop: Settings › Advanced › Export Telegram data, in the machine-readable JSON format.',
  },
  telegram_bot: {
    id: 'source_account',
    label: 'You can create a Telegram bot for the organisation with @BotFather, and add it where the business talks.',
    detail:
      'The bot must be a member of each group (with privacy mode off, or as an admin), an admin of each channel, or connected to the organisation’s Telegram Business account. It only receives messages sent after it joins, so add it before the conversations you must keep.',
  },
  x: {
    id: 'source_account',
    label: 'You have an X (Twitter) account for your organisation, and a developer app for it.',
    detail:
      'In the X developer portal, under the app’s Keys and tokens, you will copy four values into the Source step: the API key, the API secret key, the access token and the access token secret of the organisation’s account.',
  },
};

const X_DAILY_CAP: Prerequisite = {
  id: 'daily_cap',
  label: 'You know the connector imports at most 200,000 items a day.',
  detail:
    'Microsoft’s connector limit. Docket never exceeds it: a larger backlog is spread over the following days, without gaps. X’s API itself reaches only the latest 3,200 posts, 800 mentions and 30 days of direct messages.',
};

const USERS_KNOWN: Prerequisite = {
  id: 'users_known',
  label: 'You know each employee’s mobile number and mailbox address.',
  detail:
    'Items map to mailboxes by a CSV of mobile numbers and addresses, or by the email address an item carries. An item that maps to nobody is kept aside as unmapped, not imported.',
};

const TELEGRAM_USERS_KNOWN: Prerequisite = {
  id: 'users_known',
  label: 'You know each employee’s Telegram user ID or username, and mailbox address.',
  detail:
    'The Bot API shows no phone numbers, so items map to mailboxes by a CSV with TelegramUserId or TelegramUsername columns, or by an owner mailbox that receives every item. An item that maps to nobody is kept aside as unmapped, not imported.',
};

const BOT_24_HOURS: Prerequisite = {
  id: 'bot_24_hours',
  label: 'You know Telegram keeps a bot’s undelivered updates only 24 hours.',
  detail:
    'Docket polls the bot every few minutes while it runs. Keep it running, or let scheduled imports run when Docket is closed; the dashboard warns when the last poll is close to 24 hours old.',
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
