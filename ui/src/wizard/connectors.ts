// The connectors the wizard offers and the prerequisites Microsoft's connector docs list for each ("Before
// you begin"), in the docs' words. Data only; it deliberately checks nothing (the later steps do, live).
import type { ConnectorKind } from './state';

export interface Prerequisite {
  id: string;
  label: string;
  detail: string;
}

export interface ConnectorChoice {
  kind: ConnectorKind | 'x';
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
    source: 'A Telegram Desktop export: result.json or the folder that holds it.',
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

const COMMON: readonly Prerequisite[] = [
  {
    id: 'azure_subscription',
    label: 'Your organisation has a valid Azure subscription.',
    detail:
      'A free one-year or a pay-as-you-go subscription will do. The free Azure AD subscription that comes with Office 365 does not support connectors.',
  },
  {
    id: 'import_export_role',
    label: 'You have the Mailbox Import Export role in Exchange Online.',
    detail:
      'By default no role group has it. Add it to the Organization Management role group, or create a role group with it and add yourself.',
  },
  {
    id: 'global_admin',
    label: 'A Microsoft 365 global admin can give admin consent to the Office 365 Import service.',
    detail: 'The consent lets the Office 365 Import service write into your organisation’s mailboxes; Docket asks for it in the Admin consent step.',
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
  label: 'You know each employee’s mobile number and Microsoft 365 mailbox.',
  detail:
    'Items map to mailboxes by a CSV of mobile numbers and addresses, or by the email address an item carries. An item that maps to nobody is kept aside as unmapped, not imported.',
};

/** The checklist for one connector, in the order the docs give it. */
export function prerequisites(kind: ConnectorKind | null): readonly Prerequisite[] {
  if (kind === null) return COMMON;
  if (kind === 'x') return [...COMMON, SOURCE_ACCOUNT.x, X_DAILY_CAP];
  return [...COMMON, SOURCE_ACCOUNT[kind], USERS_KNOWN];
}

export function connectorChoice(kind: ConnectorKind | null): ConnectorChoice | undefined {
  return CONNECTORS.find((c) => c.kind === kind);
}
