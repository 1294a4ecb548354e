// The words and tone a past import run is shown with: its counts, reasons, status and times. Pure functions
// of the ledger's values, so they are tested without a window. It deliberately does no fetching (ipc.ts)
// and no markup (RunList.svelte).
import { formatNumber, formatTag, hasMessage, intlFormat, language, t, type MessageKey } from './i18n/index.svelte';
import { verbatim } from './i18n/core';
import type { RunRecord, RunSummary, Text } from './types';

/** `daily_cap` → `daily cap`: reason codes as words, in the language in force when it names the reason. */
export function reasonWords(reason: string): string {
  const key = `runs.reasons.${reason}`;
  return hasMessage(key) ? t(key as MessageKey) : reason.replaceAll('_', ' ').trim();
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** `3 skipped (2 media omitted, 1 system message)`, largest reason first; empty when nothing was counted. */
function countWithReasons(label: 'skipped' | 'failed', counts: Record<string, number>): string {
  const sum = total(counts);
  if (sum === 0) {
    return '';
  }
  const reasons = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, n], [b, m]) => m - n || a.localeCompare(b))
    .map(([reason, n]) => t('runs.reasonCount', { count: formatNumber(n), reason: reasonWords(reason) }));
  return t(`runs.${label}`, { count: formatNumber(sum), reasons: reasons.join(', ') });
}

/**
 * A run's accounting as short phrases, e.g. `["120 fetched", "118 delivered", "2 skipped (2 media omitted)"]`.
 * Fetched and delivered always appear; the other counts only when they are not zero.
 */
export function countPhrases(summary: RunSummary): string[] {
  const phrases = [t('runs.fetched', { count: formatNumber(summary.fetched) }), t('runs.delivered', { count: formatNumber(summary.delivered) })];
  // Drafts are never delivered: they are shown apart so nobody reads them as archived mail.
  if ((summary.drafts ?? 0) > 0) {
    phrases.push(t('runs.onlyDrafts', { count: formatNumber(summary.drafts) }));
  }
  if (summary.already_present > 0) {
    phrases.push(t('runs.alreadyPresent', { count: formatNumber(summary.already_present) }));
  }
  const skipped = countWithReasons('skipped', summary.skipped);
  if (skipped) {
    phrases.push(skipped);
  }
  const failed = countWithReasons('failed', summary.failed);
  if (failed) {
    phrases.push(failed);
  }
  return phrases;
}

/** True when every fetched item is accounted for, as the ledger promises. */
export function balances(summary: RunSummary): boolean {
  return (
    summary.fetched ===
    summary.delivered + (summary.drafts ?? 0) + summary.already_present + total(summary.skipped) + total(summary.failed)
  );
}

export type RunTone = 'ok' | 'running' | 'warning' | 'problem';

/**
 * How a run went, for colour and symbol. The ledger's statuses are `running`, `finished`, `failed`,
 * `cancelled` and `interrupted` (the process died mid-run). A finished run is still a problem when items
 * failed or its counts do not add up.
 */
export function runTone(run: RunRecord): RunTone {
  if (run.status === 'failed' || total(run.summary.failed) > 0 || !balances(run.summary)) {
    return 'problem';
  }
  if (run.status === 'running') {
    return 'running';
  }
  if (run.status !== 'finished' || run.summary.cancelled || run.finished_at === null || (run.summary.warnings ?? []).length > 0) {
    return 'warning';
  }
  return 'ok';
}

/** `interrupted` → `Interrupted`, `some_new_status` → `Some new status`. */
export function statusLabel(status: string): string {
  const key = `runs.status.${status}`;
  if (hasMessage(key)) return t(key as MessageKey);
  const words = status.replaceAll('_', ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : t('runs.unknown');
}

/**
 * A ledger timestamp in the given time zone (the computer's own by default), as the language writes it:
 * `2026-11-22 21:34` in English, `22/11/2026 21:34` in French, `22-11-2026 21:34` in Dutch.
 * Text that is not a timestamp is shown as it is rather than hidden.
 */
export function formatWhen(timestamp: string, timeZone?: string): string {
  const when = new Date(timestamp);
  if (Number.isNaN(when.getTime())) {
    return timestamp;
  }
  const options: Intl.DateTimeFormatOptions = {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  };
  if (language.current !== 'en') {
    return intlFormat('date', formatTag(), options).format(when).replace(',', '');
  }
  // English: ISO-like YYYY-MM-DD HH:MM, whatever the browser's own English conventions.
  const parts = intlFormat('date', 'en-CA', options).formatToParts(when);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/**
 * A source or target label made short enough for a table cell: the kind and the last part of its path
 * (`whatsapp:…/WhatsApp Chat with Trading Desk.txt`). The full label stays in the cell's tooltip.
 */
export function shortLocation(label: string): string {
  const colon = label.indexOf(':');
  if (colon < 0) return label;
  const kind = label.slice(0, colon);
  const rest = label.slice(colon + 1);
  const parts = rest.split(/[\\/]/).filter((p) => p !== '');
  if (parts.length <= 1) return label;
  return `${kind}:…/${parts[parts.length - 1]}`;
}

/** A calendar day (RFC 3339 or `YYYY-MM-DD`) as the language writes it: `2027-06-04`, `04/06/2027`, `04-06-2027`. */
export function formatDay(timestamp: string): string {
  const day = timestamp.slice(0, 10);
  const when = new Date(`${day}T00:00:00Z`);
  if (language.current === 'en' || Number.isNaN(when.getTime())) return day;
  return intlFormat('date', formatTag(), { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(when);
}

/** A run's warnings as texts to say in the language in force; a run recorded before Docket kept their keys
 * shows its English sentences as they are. */
export function runWarnings(summary: RunSummary): Text[] {
  const english = summary.warnings ?? [];
  const texts = summary.warning_texts ?? [];
  return texts.length === english.length ? texts : english.map(verbatim);
}
