import { describe, expect, it } from 'vitest';

import { balances, countPhrases, formatWhen, runTone, shortLocation, statusLabel } from './run-text';
import type { RunRecord, RunSummary } from './types';

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    run_id: 7,
    fetched: 0,
    delivered: 0,
    already_present: 0,
    skipped: {},
    failed: {},
    deliveries: 0,
    drafts: 0,
    targets: {},
    cancelled: false,
    ...overrides,
  };
}

function run(overrides: Partial<RunRecord> = {}, counts: Partial<RunSummary> = {}): RunRecord {
  return {
    run_id: 7,
    started_at: '2026-11-22T21:34:00+00:00',
    finished_at: '2026-11-22T21:35:10+00:00',
    source: 'whatsapp:/exports/chat.zip',
    target: 'dir:/archive',
    status: 'finished',
    summary: summary(counts),
    ...overrides,
  };
}

describe('a run is described by its counts', () => {
  it('always shows fetched and delivered, and hides counts that are zero', () => {
    expect(countPhrases(summary({ fetched: 1200, delivered: 1200 }))).toEqual(['1,200 fetched', '1,200 delivered']);
  });

  it('names skip and failure reasons in words, largest first', () => {
    const counts = summary({
      fetched: 10,
      delivered: 4,
      already_present: 2,
      skipped: { system_message: 1, media_omitted: 2 },
      failed: { unmapped_sender: 1 },
    });
    expect(countPhrases(counts)).toEqual([
      '10 fetched',
      '4 delivered',
      '2 already present',
      '3 skipped (2 media omitted, 1 system message)',
      '1 failed (1 unmapped sender)',
    ]);
    expect(balances(counts)).toBe(true);
  });

  it('shows drafts apart from delivered, and counts them in the balance', () => {
    const drafted = summary({ fetched: 3, delivered: 1, drafts: 2 });
    expect(countPhrases(drafted)).toEqual(['3 fetched', '1 delivered', '2 only as drafts']);
    expect(balances(drafted)).toBe(true);
  });

  it('does not list a reason whose count is zero', () => {
    expect(countPhrases(summary({ fetched: 1, delivered: 1, skipped: { media_omitted: 0 } }))).toEqual([
      '1 fetched',
      '1 delivered',
    ]);
  });
});

describe('a run has a tone', () => {
  it('is ok when every item is accounted for and none failed', () => {
    expect(runTone(run({}, { fetched: 3, delivered: 2, already_present: 1 }))).toBe('ok');
  });

  it('is a problem when items failed or the counts do not add up', () => {
    expect(runTone(run({}, { fetched: 2, delivered: 1, failed: { too_large: 1 } }))).toBe('problem');
    expect(runTone(run({}, { fetched: 5, delivered: 1 }))).toBe('problem');
  });

  it('is a problem when the run itself failed', () => {
    expect(runTone(run({ status: 'failed' }))).toBe('problem');
  });

  it('is a warning when the run was cancelled, interrupted or never finished', () => {
    expect(runTone(run({ status: 'cancelled' }, { cancelled: true }))).toBe('warning');
    expect(runTone(run({ status: 'interrupted', finished_at: null }))).toBe('warning');
    expect(runTone(run({ finished_at: null }))).toBe('warning');
  });

  it('is running while the run is in progress', () => {
    expect(runTone(run({ status: 'running', finished_at: null }))).toBe('running');
  });
});

describe('statuses and times read as words', () => {
  it('turns a status code into a sentence-case label', () => {
    expect(statusLabel('interrupted')).toBe('Interrupted');
    expect(statusLabel('partly_done')).toBe('Partly done');
    expect(statusLabel('')).toBe('Unknown');
  });

  it('formats a timestamp in the given time zone and keeps text that is not one', () => {
    expect(formatWhen('2026-11-22T21:34:56+00:00', 'UTC')).toBe('2026-11-22 21:34');
    expect(formatWhen('2026-11-22T21:34:56+00:00', 'Asia/Kolkata')).toBe('2026-11-23 03:04');
    expect(formatWhen('yesterday-ish')).toBe('yesterday-ish');
  });
});

describe('shortLocation', () => {
  it('keeps the kind and the last part of a long path', () => {
    expect(shortLocation('whatsapp:/home/admin/exports/WhatsApp Chat with Trading Desk.txt')).toBe(
      'whatsapp:…/WhatsApp Chat with Trading Desk.txt',
    );
    expect(shortLocation('dir:C:\\Archive\\docket')).toBe('dir:…/docket');
    expect(shortLocation('azure:devstoreaccount1/archive')).toBe('azure:…/archive');
  });

  it('leaves short labels as they are', () => {
    expect(shortLocation('x:contoso')).toBe('x:contoso');
    expect(shortLocation('no-colon')).toBe('no-colon');
  });
});
