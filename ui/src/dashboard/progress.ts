// The live import's state, folded from the pipeline's Progress events: counts by outcome and reason (items
// that reached a mailbox only as drafts apart: the pipeline reports them as skipped `draft`), the rate in
// items per second, the time left when the item total is known, and the final summary. A pure
// reducer taking the clock as an argument, so Vitest checks it without a window. It deliberately starts
// and cancels nothing (ipc.ts) and draws nothing (LiveImport.svelte).
import { formatNumber, t } from '../i18n/index.svelte';
import { total } from '../run-text';
import type { IpcError, Progress, RateLimitStatus, RunSummary, Text } from '../types';

export type LivePhase = 'starting' | 'running' | 'finished' | 'cancelled' | 'failed';

export interface ItemProblem {
  key: string;
  reason: string;
  /** The pipeline's sentence, said in the language in force. */
  detail: Text;
}

export interface LiveImport {
  phase: LivePhase;
  runId: number | null;
  source: string;
  target: string;
  /** How many items the import will fetch, when the preview counted them all. */
  expected: number | null;
  fetched: number;
  delivered: number;
  /** Items that reached a mailbox only as drafts (the connector allows them); never counted as delivered. */
  drafts: number;
  alreadyPresent: number;
  skipped: Record<string, number>;
  failed: Record<string, number>;
  /** The latest failures (newest first, at most RECENT_PROBLEMS) with the pipeline's detail. */
  recentFailures: ItemProblem[];
  /** Epoch milliseconds of the `started` event (or the request, before it). */
  startedAt: number;
  /** Epoch milliseconds of the latest event. */
  lastEventAt: number;
  summary: RunSummary | null;
  error: IpcError | null;
  /** X: the latest rate-limit state the client reported (limit, remaining, reset, next allowed request). */
  rateLimit: RateLimitStatus | null;
  /** Warnings said during the run (X's reach limits and daily cap, gaps in a chat's coverage). */
  warnings: Text[];
}

export const RECENT_PROBLEMS = 5;

export function startingImport(now: number, expected: number | null = null): LiveImport {
  return {
    rateLimit: null,
    warnings: [],
    phase: 'starting',
    runId: null,
    source: '',
    target: '',
    expected,
    fetched: 0,
    delivered: 0,
    drafts: 0,
    alreadyPresent: 0,
    skipped: {},
    failed: {},
    recentFailures: [],
    startedAt: now,
    lastEventAt: now,
    summary: null,
    error: null,
  };
}

function bump(counts: Record<string, number>, reason: string): Record<string, number> {
  return { ...counts, [reason]: (counts[reason] ?? 0) + 1 };
}

/** The reason the pipeline's `skipped` event gives an item that reached a mailbox only as a draft. */
export const DRAFT_REASON = 'draft';

/** Items with an outcome so far: delivered, drafts, already present, skipped or failed. */
export function processed(live: LiveImport): number {
  return live.delivered + live.drafts + live.alreadyPresent + total(live.skipped) + total(live.failed);
}

/** Folds one event into the state. Events after the end (a late message) change nothing. */
export function applyProgress(live: LiveImport, event: Progress, now: number): LiveImport {
  if (live.phase === 'finished' || live.phase === 'cancelled' || live.phase === 'failed') return live;
  const next = { ...live, lastEventAt: now };
  switch (event.event) {
    case 'started':
      return {
        ...next,
        phase: 'running',
        runId: event.data.run_id,
        source: event.data.source,
        target: event.data.target,
        startedAt: now,
      };
    case 'fetched':
      return { ...next, phase: 'running', fetched: Math.max(live.fetched, event.data.fetched) };
    case 'delivered':
      return event.data.already_present
        ? { ...next, alreadyPresent: live.alreadyPresent + 1 }
        : { ...next, delivered: live.delivered + 1 };
    case 'skipped':
      if (event.data.reason === DRAFT_REASON) return { ...next, drafts: live.drafts + 1 };
      return { ...next, skipped: bump(live.skipped, event.data.reason) };
    case 'failed': {
      const problem = { key: event.data.key, reason: event.data.reason, detail: event.data.text };
      return {
        ...next,
        failed: bump(live.failed, event.data.reason),
        recentFailures: [problem, ...live.recentFailures].slice(0, RECENT_PROBLEMS),
      };
    }
    case 'finished':
      return finishImport(next, event.data.summary);
    case 'warning':
      // X's warnings change no count; they are shown while the run goes on.
      return { ...next, warnings: [...live.warnings, event.data.text] };
    case 'rate_limit':
      return { ...next, rateLimit: event.data.status };
  }
}

/** The run's own summary replaces the running counts: it is what the ledger recorded. */
export function finishImport(live: LiveImport, summary: RunSummary): LiveImport {
  return {
    ...live,
    phase: summary.cancelled ? 'cancelled' : 'finished',
    runId: summary.run_id,
    fetched: summary.fetched,
    delivered: summary.delivered,
    drafts: summary.drafts ?? 0,
    alreadyPresent: summary.already_present,
    skipped: { ...summary.skipped },
    failed: { ...summary.failed },
    summary,
  };
}

/** The import stopped with an error (the run may not even have started). */
export function failImport(live: LiveImport, error: IpcError): LiveImport {
  if (error.code === 'cancelled') return { ...live, phase: 'cancelled', error };
  return { ...live, phase: 'failed', error };
}

/** Items per second so far, from the first to the latest event; null before there is anything to measure. */
export function itemsPerSecond(live: LiveImport): number | null {
  const seconds = (live.lastEventAt - live.startedAt) / 1000;
  const done = processed(live);
  if (done === 0 || seconds <= 0) return null;
  return done / seconds;
}

/** Seconds left at the current rate, when the total is known and the import is still running. */
export function secondsLeft(live: LiveImport): number | null {
  if (live.phase !== 'running' || live.expected === null) return null;
  const rate = itemsPerSecond(live);
  if (rate === null || rate <= 0) return null;
  return Math.max(0, Math.ceil((live.expected - processed(live)) / rate));
}

/** Fraction done (0–1) when the total is known. */
export function fractionDone(live: LiveImport): number | null {
  if (live.expected === null || live.expected <= 0) return null;
  return Math.min(1, processed(live) / live.expected);
}

/** `45 s`, `3 min 20 s`, `2 h 5 min`. */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('live.seconds', { s });
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 === 0 ? t('live.minutes', { m: minutes }) : t('live.minutesSeconds', { m: minutes, s: s % 60 });
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? t('live.hours', { h: hours }) : t('live.hoursMinutes', { h: hours, m: minutes % 60 });
}

/** `12.5` or `1,234`: one decimal below 10, whole numbers above; `—` when there is no rate yet. */
export function rateNumber(rate: number | null): string {
  if (rate === null) return '—';
  return rate < 10 ? formatNumber(rate, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : formatNumber(Math.round(rate));
}

/** `12.5 items/s`, or `—` when there is no rate yet. */
export function rateWords(rate: number | null): string {
  return rate === null ? '—' : `${rateNumber(rate)} ${t('live.perSecond')}`;
}
