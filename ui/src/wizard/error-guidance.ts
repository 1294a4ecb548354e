// What the admin should do next for each error code a command can return, by the step it happened in. It
// branches on `code` only: the shell's `message` is shown as it is, beside this advice, and never parsed.
// It deliberately holds no markup (ErrorNotice.svelte) and no calls.
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

export interface Guidance {
  title: string;
  next: string;
}

const BY_CODE: Record<FailureCode, Guidance> = {
  bad_export: {
    title: 'The export cannot be read',
    next: 'Check the path points at the export itself (the .txt or .zip for WhatsApp, result.json, messages.html or their folder for Telegram), then preview again. If the file was cut short, export the chat again.',
  },
  ambiguous_date_order: {
    title: 'The export’s dates could be read two ways',
    next: 'Choose the date order the phone that made the export uses (for example day/month/year), then preview again.',
  },
  bad_mapping: {
    title: 'The mapping CSV has problems',
    next: 'Fix the rows listed, save the file, and check it again.',
  },
  bad_config: {
    title: 'A setting is not valid',
    next: 'Correct the field the message names, then try again.',
  },
  storage_auth: {
    title: 'The storage account refused the credentials',
    next: 'Copy the connection string again from the Azure portal (Storage account › Access keys), or make a new container SAS URL with Create, Read and List permissions that has not expired. Store it again, then test again.',
  },
  storage_unreachable: {
    title: 'The storage account could not be reached',
    next: 'Check this computer is online and the account name in the connection string is right; if a firewall or private endpoint guards the account, allow this computer. Then test again.',
  },
  storage_conflict: {
    title: 'The archive copy’s container already holds different data under the same name',
    next: 'Use an empty container for this connector’s archive copy, or ask whoever else writes to it. Docket never overwrites an archived item.',
  },
  storage: {
    title: 'The storage account answered with an error',
    next: 'Read the message for the account’s answer, fix what it names, and test again.',
  },
  io: {
    title: 'A file could not be read or written',
    next: 'Check the path exists, that you may read it, and that the disk has space; then try again.',
  },
  keychain: {
    title: 'The OS keychain refused',
    next: 'Unlock your keychain (on Linux: GNOME Keyring or another Secret Service), then try again.',
  },
  entra_auth: {
    title: 'Entra ID refused the app',
    next: 'Check the directory (tenant) ID and application (client) ID on the app’s Overview page in the Entra admin center. If the client secret expired or was copied wrong, add a new one under Certificates & secrets, store its Value (not its ID) here, and check again.',
  },
  entra_unreachable: {
    title: 'Entra ID could not be reached',
    next: 'Check this computer is online and that a proxy or firewall lets it reach login.microsoftonline.com, then check again.',
  },
  consent: {
    title: 'Docket could not capture the consent answer',
    next: 'Open the consent page again and accept the request in the browser window that opens. If you granted consent another way, choose “I have granted consent already”.',
  },
  graph: {
    title: 'Microsoft Graph refused the request',
    next: 'Check the mailbox exists in Microsoft 365 and that admin consent was granted to the Docket app for its Graph permissions, then try again.',
  },
  ledger: {
    title: 'Docket’s state database failed',
    next: 'Check the disk holding Docket’s state folder has space and is writable. If another import is running, wait for it to finish.',
  },
  cancelled: {
    title: 'The import was cancelled',
    next: 'Nothing is lost: start it again and it continues where it stopped.',
  },
  x_auth: {
    title: 'X refused the credentials',
    next: 'Copy the API key, API secret key, access token and access token secret again from the X developer portal (Projects & Apps › Keys and tokens). If you changed the app’s permissions, regenerate the access token. Store the four values again, then check again.',
  },
  x_unreachable: {
    title: 'The X API could not be reached',
    next: 'Check this computer is online and that a proxy or firewall lets it reach api.x.com, then try again.',
  },
  x_usage_cap: {
    title: 'X’s usage cap is reached',
    next: 'Nothing is lost: everything fetched so far is archived. The next run after the cap resets continues where this one stopped; the X developer portal shows when that is, or lets you raise the cap.',
  },
  x_api: {
    title: 'The X API answered with an error',
    next: 'Read the message for X’s answer. Nothing is lost: run again later and Docket continues where it stopped.',
  },
  internal: {
    title: 'Something went wrong inside Docket',
    next: 'Try again. If it happens again, report it with the message shown here.',
  },
};

const IN_CONTEXT: Partial<Record<ErrorContext, Partial<Record<FailureCode, Guidance>>>> = {
  delivery: {
    io: {
      title: 'The folder could not be used',
      next: 'Choose a folder on this computer that you may write to, or type its full path.',
    },
  },
  storage: {
    bad_config: {
      title: 'The container name or connection string is not valid',
      next: 'Use a container name of 3 to 63 lowercase letters, digits and single hyphens, and paste the whole connection string or SAS URL; then test again.',
    },
    keychain: {
      title: 'The connection string could not be stored',
      next: 'Unlock your keychain (on Linux: GNOME Keyring or another Secret Service) and store it again.',
    },
  },
  entra: {
    bad_config: {
      title: 'The app’s details are not valid',
      next: 'Copy the directory (tenant) ID and application (client) ID from the app’s Overview page in the Entra admin center, and a current client secret value (not its ID) from Certificates & secrets. Then check again.',
    },
  },
  source: {
    bad_config: {
      title: 'The export’s settings are not valid',
      next: 'Check the time zone is an IANA name such as Europe/Paris (or UTC), then preview again.',
    },
  },
  signin: {
    entra_auth: {
      title: 'The Microsoft sign-in did not complete',
      next: 'Sign in again as an admin of this tenant. If your tenant blocks the Microsoft Graph Command Line Tools app, register a public client app with a http://127.0.0.1 redirect and start Docket with DOCKET_SIGN_IN_CLIENT_ID set to its ID, or enter the app’s details by hand below.',
    },
    consent: {
      title: 'Docket did not receive the sign-in answer',
      next: 'Sign in again and finish in the browser window that opens (or paste the address shown into your browser). Only the newest sign-in page counts.',
    },
    graph: {
      title: 'Microsoft Graph refused to register the app',
      next: 'Sign in as a Global Administrator, Application Administrator or Cloud Application Administrator and accept the permissions asked for; or register the app in the Entra admin center and enter its details by hand below.',
    },
  },
  mailboxes: {
    graph: {
      title: 'Microsoft Graph refused the mailbox check',
      next: 'Grant admin consent to the Docket app in the Entra ID step (it needs User.Read.All and MailboxSettings.Read), wait a minute for it to take effect, then check again.',
    },
    entra_auth: {
      title: 'The Entra ID app could not sign in for the mailbox check',
      next: 'Go back to the Entra ID step and press Check: the client secret may have expired or been replaced.',
    },
    bad_config: {
      title: 'There is nothing to check yet',
      next: 'Check the mapping CSV first, or enter an owner mailbox; then check the mailboxes again.',
    },
  },
  mapping: {
    io: {
      title: 'The mapping CSV could not be opened',
      next: 'Check the path names the CSV file and that you may read it, then check again.',
    },
  },
};

/** The advice for an error: what went wrong in a few words, and what to do next. */
export function guidanceFor(error: IpcError, context: ErrorContext): Guidance {
  const code = error.code as FailureCode;
  const specific = IN_CONTEXT[context]?.[code];
  if (specific) return specific;
  // Codes from a newer shell than this UI still get advice rather than nothing.
  return BY_CODE[code] ?? BY_CODE.internal;
}

/** Every code the UI has advice for (the test checks it covers every generated ErrorCode). */
export function codesWithGuidance(): FailureCode[] {
  return Object.keys(BY_CODE) as FailureCode[];
}
