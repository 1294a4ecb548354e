// Where a run writes, in plain words: a saved plan's targets (the review step, the dashboard's connector
// cards) and a run's target ids (`graph:TENANT`, `azure:ACCOUNT/CONTAINER`, `dir:PATH`, as the ledger and
// RunSummary.targets name them) with their counts. Pure functions; it deliberately draws nothing.
import type { PlanTarget, RunSummary, TargetCounts } from './types';

const numbers = new Intl.NumberFormat('en-US');

/** One target of a plan, as the admin chose it; `folder` is the mailbox folder the connector writes to. */
export function planTargetWords(target: PlanTarget, folder: string): string {
  switch (target.kind) {
    case 'graph':
      return `Each mapped person’s mailbox, in the “${folder}” folder, through Microsoft Graph as application ${target.client_id} (tenant ${target.tenant_id})`;
    case 'azure':
      return `Archive copy in the Azure Storage container “${target.container}”, for your own records (Microsoft 365 does not read it)`;
    case 'dir':
      return `Trial: .eml files in the folder ${target.path} on this computer (nothing reaches Microsoft 365)`;
  }
}

/** Whether mailbox delivery may leave drafts, in words. */
export function draftsWords(allowed: boolean): string {
  return allowed
    ? 'Allowed where Graph’s importMime is not available: those messages keep their full MIME as drafts, counted apart and never as delivered'
    : 'Not allowed: every message arrives as received mail';
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
      return `Mailboxes through Microsoft Graph (tenant ${rest})`;
    case 'azure': {
      const container = rest.split('/').pop() ?? rest;
      return `Archive copy in Azure container “${container}”`;
    }
    case 'dir':
      return `Folder ${rest}`;
    default:
      return id;
  }
}

/** One target's counts: `60 delivered, 2 drafts, 1 failed` (zeros left out, delivered always said). */
export function targetCountPhrase(counts: TargetCounts): string {
  const parts = [`${numbers.format(counts.delivered)} delivered`];
  if (counts.drafts > 0) parts.push(`${numbers.format(counts.drafts)} ${counts.drafts === 1 ? 'draft' : 'drafts'}`);
  if (counts.already_present > 0) parts.push(`${numbers.format(counts.already_present)} already present`);
  if (counts.failed > 0) parts.push(`${numbers.format(counts.failed)} failed`);
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
