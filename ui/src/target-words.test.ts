import { describe, expect, it } from 'vitest';

import { draftsWords, isArchiveOnly, perTargetCounts, planTargetWords, runTargets, targetCountPhrase, targetIdWords } from './target-words';
import type { RunSummary } from './types';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('where a connector delivers, in words', () => {
  it('names the mailbox folder, the archive copy (which Microsoft 365 does not read) and the trial folder', () => {
    const graph = { kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false } as const;
    expect(planTargetWords(graph, 'WhatsApp Archiver')).toBe(
      `Each mapped person’s mailbox, in the “WhatsApp Archiver” folder, through Microsoft Graph as application ${CLIENT} (tenant ${TENANT})`,
    );
    expect(planTargetWords({ kind: 'azure', container: 'whatsapp-archive' }, 'WhatsApp Archiver')).toMatch(
      /Archive copy in the Azure Storage container “whatsapp-archive”.*Microsoft 365 does not read it/,
    );
    expect(planTargetWords({ kind: 'dir', path: '/home/a/trial' }, 'Twitter')).toMatch(/^Trial: .*\/home\/a\/trial.*nothing reaches Microsoft 365/);
    expect(draftsWords(false)).toMatch(/^Not allowed/);
    expect(draftsWords(true)).toMatch(/never as delivered/);
  });

  it('knows a connector that writes only to Azure reaches no mailbox', () => {
    expect(isArchiveOnly([{ kind: 'azure', container: 'a-b-c' }])).toBe(true);
    expect(isArchiveOnly([{ kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false }, { kind: 'azure', container: 'a-b-c' }])).toBe(false);
    expect(isArchiveOnly([])).toBe(false);
  });
});

describe('a run’s targets and their counts', () => {
  it('splits the ledger’s target label and says each target in words', () => {
    const label = `graph:${TENANT}, azure:devstoreaccount1/e2e-whatsapp`;
    expect(runTargets(label)).toEqual([`graph:${TENANT}`, 'azure:devstoreaccount1/e2e-whatsapp']);
    expect(runTargets('dir:/tmp/a, b')).toEqual(['dir:/tmp/a, b']);
    expect(targetIdWords(`graph:${TENANT}`)).toBe(`Mailboxes through Microsoft Graph (tenant ${TENANT})`);
    expect(targetIdWords('azure:devstoreaccount1/e2e-whatsapp')).toBe('Archive copy in Azure container “e2e-whatsapp”');
    expect(targetIdWords('dir:/tmp/trial')).toBe('Folder /tmp/trial');
    expect(targetIdWords('s3:bucket')).toBe('s3:bucket');
  });

  it('lists each target’s counts, the mailboxes first, only when the run had more than one, drafts apart', () => {
    const summary: RunSummary = {
      run_id: 1, fetched: 10, delivered: 8, already_present: 0, skipped: {}, failed: {}, deliveries: 30, drafts: 2, cancelled: false,
      targets: {
        'azure:acct/copy': { delivered: 15, already_present: 1, drafts: 0, failed: 1 },
        [`graph:${TENANT}`]: { delivered: 12, already_present: 0, drafts: 3, failed: 0 },
      },
    };
    expect(perTargetCounts(summary).map(([id, counts]) => `${targetIdWords(id)}: ${targetCountPhrase(counts)}`)).toEqual([
      `Mailboxes through Microsoft Graph (tenant ${TENANT}): 12 delivered, 3 drafts`,
      'Archive copy in Azure container “copy”: 15 delivered, 1 already present, 1 failed',
    ]);
    expect(perTargetCounts({ ...summary, targets: { 'dir:/x': { delivered: 1, already_present: 0, drafts: 0, failed: 0 } } })).toEqual([]);
  });
});
