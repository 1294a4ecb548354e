// Where a run writes, in plain words: a saved plan's targets (the review step, the dashboard's connector
// cards) and a run's target ids (`graph:TENANT`, `azure:ACCOUNT/CONTAINER`, `dir:PATH`, as the ledger and
// RunSummary.targets name them) with their counts. Pure functions; it deliberately draws nothing.
import { formatNumber, t } from './i18n/index.svelte';
import type { PlanTarget, RunSummary, TargetCounts } from './types';

/** One target of a plan, as the admin chose it; `folder` is the mailbox folder the connector writes to. */
export function planTargetWords(target: PlanTarget, folder: string): string {
  switch (target.kind) {
    case 'graph':
      return t('targets.graph', { folder, client: target.client_id, tenant: target.tenant_id });
    case 'azure':
      return t('targets.azure', { container: target.container });
    case 'dir':
      return t('targets.dir', { path: target.path });
  }
}

/** Whether mailbox delivery may leave drafts, in words. */
export function draftsWords(allowed: boolean): string {
  return allowed ? t('targets.draftsAllowed') : t('targets.draftsNotAllowed');
}

/** A plan that writes only to an Azure container: nothing of it reaches a mailbox (the old wizard's default). */
export function isArchiveOnly(targets: readonly PlanTarget[]): boolean {
  return targets.length > 0 && targets.every((t) => t.kind === 'azure');
}

/** The target ids of a run's target label (the ledger joins them with ", "). */
export function runTargets(label: string): string[] {
  return label.split(/, (?=(?:graph|azure|dir):)/).filter((part) => part !== '');
}

/** A run's target id as words: `Mailboxes through Microsoft Graph (tenant …)`, `Archive copy …`, `Folder …`. */
export function targetIdWords(id: string): string {
  const colon = id.indexOf(':');
  const kind = colon < 0 ? id : id.slice(0, colon);
  const rest = colon < 0 ? '' : id.slice(colon + 1);
  switch (kind) {
    case 'graph':
      return t('targets.idGraph', { tenant: rest });
    case 'azure': {
      const container = rest.split('/').pop() ?? rest;
      return t('targets.idAzure', { container });
    }
    case 'dir':
      return t('targets.idDir', { path: rest });
    default:
      return id;
  }
}

/** One target's counts: `60 delivered, 2 drafts, 1 failed` (zeros left out, delivered always said). */
export function targetCountPhrase(counts: TargetCounts): string {
  const parts = [t('targets.delivered', { count: formatNumber(counts.delivered) })];
  if (counts.drafts > 0) parts.push(t('targets.drafts', { count: counts.drafts }));
  if (counts.already_present > 0) parts.push(t('targets.alreadyPresent', { count: formatNumber(counts.already_present) }));
  if (counts.failed > 0) parts.push(t('targets.failed', { count: formatNumber(counts.failed) }));
  return parts.join(', ');
}

const KIND_ORDER = ['graph', 'dir', 'azure'];

/** Where a target id sorts: the mailboxes first, the archive copy last, unknown kinds after them. */
function kindRank(id: string): number {
  const rank = KIND_ORDER.indexOf(id.slice(0, id.indexOf(':')));
  return rank < 0 ? KIND_ORDER.length : rank;
}

/**
 * Each target's counts, the mailboxes first, when the run wrote to more than one target (with one, the run's
 * own counts say it).
 */
export function perTargetCounts(summary: RunSummary): [string, TargetCounts][] {
  const entries = Object.entries(summary.targets ?? {});
  if (entries.length < 2) return [];
  return entries.sort(([a], [b]) => kindRank(a) - kindRank(b) || a.localeCompare(b));
}
