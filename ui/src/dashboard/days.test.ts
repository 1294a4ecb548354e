import { describe, expect, it } from 'vitest';

import { lastDays } from './days';

describe('lastDays', () => {
  it('fills every day of the window, oldest first, keeping the ledger’s counts', () => {
    const days = lastDays(
      [
        { day: '2026-11-21', delivered: 5, drafts: 0, skipped: 1, failed: 0 },
        { day: '2026-11-23', delivered: 2, drafts: 0, skipped: 0, failed: 1 },
        { day: '2026-10-01', delivered: 99, drafts: 0, skipped: 0, failed: 0 },
      ],
      3,
      new Date('2026-11-23T22:00:00Z'),
    );
    expect(days).toEqual([
      { day: '2026-11-21', delivered: 5, drafts: 0, skipped: 1, failed: 0 },
      { day: '2026-11-22', delivered: 0, drafts: 0, skipped: 0, failed: 0 },
      { day: '2026-11-23', delivered: 2, drafts: 0, skipped: 0, failed: 1 },
    ]);
  });

  it('crosses month ends', () => {
    const days = lastDays([], 3, new Date('2026-03-01T00:30:00Z'));
    expect(days.map((d) => d.day)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
