// The Entra ID (Azure AD) values the wizard's app and consent steps receive from the shell. Each type
// mirrors a Rust type of docket_core::identity (`AppCheck`, `ConsentStart`, `ConsentResult` and its enums)
// field for field, and the codes its errors carry; it deliberately adds nothing. When ui/src/generated has
// them, these become re-exports of the generated ones.

import type { Text } from '../generated/Text';

/** Mirrors the Rust `AppCheck`: Entra ID issued an app-only token for the tenant, app and stored secret. */
export interface AppCheck {
  tenant_id: string;
  client_id: string;
  /** How long the issued token would have been valid, when Entra ID said. */
  expires_in_seconds: number | null;
}

/** Mirrors the Rust `ConsentStart`: the consent page opened in the system browser. */
export interface ConsentStart {
  url: string;
  /** The random value the answer must carry back. */
  state: string;
  /** Docket's listener on 127.0.0.1 that the browser is sent back to. */
  redirect_uri: string;
}

/** Mirrors the Rust `ConsentStatus`. */
export type ConsentStatus = 'granted' | 'refused' | 'rejected' | 'timed_out';

/** Mirrors the Rust `ConsentMethod`. */
export type ConsentMethod = 'loopback_redirect' | 'confirmed_by_admin';

/** Mirrors the Rust `ConsentResult`: how admin consent ended. */
export interface ConsentResult {
  status: ConsentStatus;
  method: ConsentMethod;
  /** The tenant Entra ID reported, or the one being set up. */
  tenant: string | null;
  /** Entra ID's error code, e.g. `access_denied` (refused only). */
  error: string | null;
  /** Entra ID's `error_description` as sent (refused), or Docket's sentence (rejected, timed out). */
  description: string | null;
  /** Docket's sentence (rejected, timed out) as a text the UI says in its language. */
  description_text?: Text;
}

/** Mirrors the error codes of docket_core::identity (`Code::EntraAuth`, `EntraUnreachable`, `Consent`). */
export type IdentityErrorCode = 'entra_auth' | 'entra_unreachable' | 'consent';
