/** A coverage instant (RFC 3339, UTC) as the dashboard shows it: `14 Jan 2024, 01:39 UTC`. */
export function coverageWhen(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const text = when.toLocaleString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  return `${text} UTC`;
}
