// The UI's only door to the Rust shell: the one module that imports @tauri-apps/api. Every command gets a
// typed function here, and every failure comes out as an IpcError `{code, message}` the UI can branch on.
// It deliberately holds no UI state and no formatting.
import { invoke } from '@tauri-apps/api/core';

import type { AppInfo, RunRecord } from './types';

/** A failed command, as the shell sends it: a stable `code` (e.g. `ledger`) and a sentence for the admin. */
export interface IpcError {
  code: string;
  message: string;
}

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).code === 'string' &&
    typeof (value as Record<string, unknown>).message === 'string'
  );
}

/** Turns whatever `invoke` rejected with into an IpcError; anything unexpected becomes code `internal`. */
export function toIpcError(reason: unknown): IpcError {
  if (isIpcError(reason)) {
    return { code: reason.code, message: reason.message };
  }
  const detail = reason instanceof Error ? reason.message : String(reason);
  return {
    code: 'internal',
    message: `The Docket window could not reach the app (${detail}). Close Docket and open it again; if this keeps happening, report it.`,
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toIpcError(reason);
  }
}

/** The app's version and state folder. */
export function appInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}

/** Past import runs from the ledger, newest first, at most `limit` of them. */
export function listRuns(limit = 50): Promise<RunRecord[]> {
  return call<RunRecord[]>('list_runs', { limit });
}
