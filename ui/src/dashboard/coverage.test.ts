import { describe, expect, it } from 'vitest';
import { coverageWhen } from './coverage';

describe('coverageWhen', () => {
  it('shows the UTC day and minute with the zone named', () => {
    expect(coverageWhen('2024-01-14T01:39:00Z')).toBe('14 Jan 2024, 01:39 UTC');
  });

  it('keeps text that is not a time as it is', () => {
    expect(coverageWhen('not a time')).toBe('not a time');
  });
});
