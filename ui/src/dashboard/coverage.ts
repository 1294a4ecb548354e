import { formatTag, language, t } from '../i18n/index.svelte';

/** A coverage instant (RFC 3339, UTC) as the dashboard shows it: `14 Jan 2024, 01:39 UTC`. */
export function coverageWhen(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  // English keeps the day-month order it always had (`14 Jan 2024`); French and Dutch write their own.
  const tag = language.current === 'en' ? 'en-GB' : formatTag();
  const text = when.toLocaleString(tag, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  return t('coverage.utc', { when: text });
}
