import { verbatim } from '../i18n/core';
import { describe, expect, it } from 'vitest';

import {
  applyProgress,
  durationWords,
  failImport,
  fractionDone,
  itemsPerSecond,
  processed,
  rateWords,
  secondsLeft,
  startingImport,
  type LiveImport,
} from './progress';
import type { Progress, RunSummary } from '../types';

const T0 = 1_700_000_000_000;

function fold(events: [number, Progress][], expected: number | null = null): LiveImport {
  return events.reduce((live, [at, event]) => applyProgress(live, event, T0 + at), startingImport(T0, expected));
}

const started: Progress = { event: 'started', data: { run_id: 9, source: 'whatsapp:/x/chat.zip', target: 'azure:archive' } };
const fetched = (n: number): Progress => ({ event: 'fetched', data: { key: `k${n}`, fetched: n } });
const delivered = (key: string, alreadyPresent = false): Progress => ({
  event: 'delivered',
  data: { key, mailboxes: ['a@contoso.com'], already_present: alreadyPresent },
});
const skipped = (key: string, reason: string): Progress => ({ event: 'skipped', data: { key, reason, detail: `${key} ${reason}`, text: verbatim(`${key} ${reason}`) } });
const failed = (key: string, reason: string): Progress => ({ event: 'failed', data: { key, reason, detail: `${key} could not be written`, text: verbatim(`${key} could not be written`) } });

describe('the live import counts every item by its outcome', () => {
  it('counts delivered, already present, skipped and failed items by reason', () => {
    const live = fold([
      [0, started],
      [100, fetched(1)],
      [110, delivered('k1')],
      [120, fetched(2)],
      [130, delivered('k2', true)],
      [140, fetched(3)],
      [150, skipped('k3', 'unmapped')],
      [160, fetched(4)],
      [170, skipped('k4', 'unmapped')],
      [180, fetched(5)],
      [190, failed('k5', 'storage')],
    ]);
    expect(live.phase).toBe('running');
    expect(live.runId).toBe(9);
    expect(live.target).toBe('azure:archive');
    expect(live.fetched).toBe(5);
    expect(live.delivered).toBe(1);
    expect(live.alreadyPresent).toBe(1);
    expect(live.skipped).toEqual({ unmapped: 2 });
    expect(live.failed).toEqual({ storage: 1 });
    expect(processed(live)).toBe(5);
    expect(live.recentFailures).toEqual([{ key: 'k5', reason: 'storage', detail: verbatim('k5 could not be written') }]);
  });

  it('counts items that reached a mailbox only as drafts apart, never as delivered or skipped', () => {
    const live = fold([
      [0, started],
      [10, delivered('k1')],
      [20, skipped('k2', 'draft')],
      [30, skipped('k3', 'draft')],
      [40, skipped('k4', 'unmapped')],
    ]);
    expect(live.delivered).toBe(1);
    expect(live.drafts).toBe(2);
    expect(live.skipped).toEqual({ unmapped: 1 });
    expect(processed(live)).toBe(4);
    const summary: RunSummary = {
      run_id: 9, fetched: 4, delivered: 1, already_present: 0, skipped: { unmapped: 1 }, failed: {}, deliveries: 3, drafts: 2,
      targets: { 'graph:t': { delivered: 1, already_present: 0, drafts: 2, failed: 0 } }, cancelled: false,
    };
    const done = applyProgress(live, { event: 'finished', data: { summary } }, T0 + 50);
    expect([done.delivered, done.drafts]).toEqual([1, 2]);
  });

  it('keeps only the latest failures, newest first', () => {
    const events: [number, Progress][] = [[0, started]];
    for (let i = 1; i <= 8; i += 1) events.push([i, failed(`k${i}`, 'too_large')]);
    const live = fold(events);
    expect(live.failed).toEqual({ too_large: 8 });
    expect(live.recentFailures.map((p) => p.key)).toEqual(['k8', 'k7', 'k6', 'k5', 'k4']);
  });

  it('takes the final summary as the ledger recorded it and ignores late events', () => {
    const summary: RunSummary = {
      run_id: 9,
      fetched: 3,
      delivered: 2,
      already_present: 0,
      skipped: { oversize: 1 },
      failed: {},
      deliveries: 4,
      drafts: 0,
      targets: {},
      cancelled: false,
    };
    const done = fold([
      [0, started],
      [10, delivered('k1')],
      [20, { event: 'finished', data: { summary } }],
      [30, delivered('late')],
    ]);
    expect(done.phase).toBe('finished');
    expect(done.summary).toEqual(summary);
    expect(done.delivered).toBe(2);
    expect(done.skipped).toEqual({ oversize: 1 });
  });

  it('marks a cancelled run as cancelled, whether the summary or the error says so', () => {
    const summary: RunSummary = {
      run_id: 9, fetched: 1, delivered: 1, already_present: 0, skipped: {}, failed: {}, deliveries: 1, drafts: 0, targets: {}, cancelled: true,
    };
    expect(fold([[0, started], [5, { event: 'finished', data: { summary } }]]).phase).toBe('cancelled');
    expect(failImport(fold([[0, started]]), { code: 'cancelled', message: 'stopped', text: verbatim('stopped') }).phase).toBe('cancelled');
    expect(failImport(fold([[0, started]]), { code: 'storage_auth', message: 'refused', text: verbatim('refused') }).phase).toBe('failed');
  });
});

describe('the rate and the time left come from the events’ times', () => {
  it('has no rate before any item has an outcome', () => {
    expect(itemsPerSecond(fold([[0, started], [500, fetched(1)]]))).toBeNull();
  });

  it('measures items per second from the start to the latest event', () => {
    const events: [number, Progress][] = [[0, started]];
    for (let i = 1; i <= 20; i += 1) events.push([i * 100, delivered(`k${i}`)]);
    const live = fold(events, 100);
    expect(itemsPerSecond(live)).toBeCloseTo(10, 5);
    expect(secondsLeft(live)).toBe(8);
    expect(fractionDone(live)).toBeCloseTo(0.2, 5);
  });

  it('gives no time left when the total is unknown or the run is over', () => {
    const live = fold([[0, started], [1000, delivered('k1')]]);
    expect(secondsLeft(live)).toBeNull();
    expect(fractionDone(live)).toBeNull();
    expect(secondsLeft(failImport(live, { code: 'internal', message: 'x', text: verbatim('x') }))).toBeNull();
  });

  it('writes durations and rates in words', () => {
    expect(durationWords(45)).toBe('45 s');
    expect(durationWords(200)).toBe('3 min 20 s');
    expect(durationWords(7500)).toBe('2 h 5 min');
    expect(rateWords(2.345)).toBe('2.3 items/s');
    expect(rateWords(1234.4)).toBe('1,234 items/s');
    expect(rateWords(null)).toBe('—');
  });
});
