// The per-day chart's days: the ledger returns only days with changes; the chart shows every day of the
// window, oldest first, with zeros filled in. UTC days, as the ledger counts them.
import type { DayCount } from '../types';

export function lastDays(counts: readonly DayCount[], days: number, today: Date): DayCount[] {
  const byDay = new Map(counts.map((c) => [c.day, c]));
  const out: DayCount[] = [];
  for (let back = days - 1; back >= 0; back -= 1) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back));
    const day = d.toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, delivered: 0, drafts: 0, skipped: 0, failed: 0 });
  }
  return out;
}
