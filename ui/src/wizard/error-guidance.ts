// What the admin should do next for each error code a command can return, by the step it happened in. It
// branches on `code` only: the shell's `message` is shown as it is, beside this advice, and never parsed.
// The words are in src/i18n/messages/ (errors.*). It deliberately holds no markup (ErrorNotice.svelte) and no calls.
import { t } from '../i18n/index.svelte';
import en, { type Messages } from '../i18n/messages/en';
import type { IdentityErrorCode } from './identity-types';
import type { ErrorCode, IpcError } from '../types';

/** Every code a command can fail with. */
export type FailureCode = ErrorCode | IdentityErrorCode;

/** Where an error happened; some codes need different advice in different places. */
export type ErrorContext =
  | 'keychain'
  | 'entra'
  | 'source'
  | 'delivery'
  | 'storage'
  | 'mapping'
  | 'mailboxes'
  | 'signin'
  | 'consent'
  | 'import'
  | 'runs';

type InContextKey = keyof Messages['errors']['inContext'];

export interface Guidance {
  title: string;
  next: string;
}

/** Every code's advice, in English (`errors.byCode.<code>`): typed so that a code without advice fails to compile. */
const BY_CODE: Record<FailureCode, Guidance> = en.errors.byCode;
const CODES = Object.keys(BY_CODE) as FailureCode[];

/** Advice that differs by where the code happened: `errors.inContext.<context>_<code>`. */
const IN_CONTEXT: Partial<Record<ErrorContext, readonly FailureCode[]>> = {
  delivery: ['io'],
  storage: ['bad_config', 'keychain'],
  entra: ['bad_config'],
  source: ['bad_config'],
  signin: ['entra_auth', 'consent', 'graph'],
  mailboxes: ['graph', 'entra_auth', 'bad_config'],
  mapping: ['io'],
};

/** The advice for an error: what went wrong in a few words, and what to do next. */
export function guidanceFor(error: Pick<IpcError, 'code'>, context: ErrorContext): Guidance {
  const code = error.code as FailureCode;
  if (IN_CONTEXT[context]?.includes(code)) {
    const key = `${context}_${code}` as InContextKey;
    return { title: t(`errors.inContext.${key}.title`), next: t(`errors.inContext.${key}.next`) };
  }
  // Codes from a newer shell than this UI still get advice rather than nothing.
  const known = CODES.includes(code) ? code : 'internal';
  return { title: t(`errors.byCode.${known}.title`), next: t(`errors.byCode.${known}.next`) };
}

/** Every code the UI has advice for (the test checks it covers every generated ErrorCode). */
export function codesWithGuidance(): FailureCode[] {
  return [...CODES];
}
