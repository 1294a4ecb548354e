// Browser specs of where the messages go, with the shell replaced by tests/ipc-double.ts: a newcomer without a
// Microsoft 365 tenant walks the whole wizard to a trial folder (Entra ID and consent skipped, the folder
// picked in the native dialog) and the trial connector runs and shows on the dashboard; mailbox delivery with
// drafts allowed and a WORM archive copy behind a container SAS shows drafts apart on the dashboard, and
// editing the connector brings every choice back. Each screen is saved to docs/screenshots/.
import assert from 'node:assert/strict';

import { before, describe, it } from 'node:test';

import { openApp, browserSuite } from './harness.mjs';
import { GOOD_SAS, TENANT, assertNextDisabled, assertNextEnabled, heading, keepArchiveCopy, next, shot, walk, words } from './walk.mjs';

const suite = browserSuite({ screenshots: true });

/** From an edited connector's Start step to its Delivery step: the live checks run again on the way. */
async function reachDelivery(page) {
  await page.getByTestId('keychain-ok').waitFor();
  await next(page);
  for (const box of await page.locator('.checklist input[type=checkbox]').all()) await box.check();
  await next(page);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByTestId('entra-ok').waitFor();
  await next(page);
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByTestId('preview-table').waitFor();
  await next(page);
  assert.equal(await heading(page), 'Delivery');
}

const TRIAL_SKIP = 'A folder on this computer needs no Microsoft 365 tenant; choose mailbox delivery to archive into Microsoft 365.';

describe('where the messages go', () => {
  it('lets a newcomer without a tenant walk the whole wizard to a trial folder, which runs like any connector', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await page.getByTestId('keychain-ok').waitFor();
    await next(page);

    // Connector: the tenant's prerequisites are asked for until the trial is chosen.
    await page.getByLabel('WhatsApp (export)').check();
    assert.equal(await page.locator('.checklist input[type=checkbox]').count(), 4);
    await page.getByRole('button', { name: 'No tenant yet? Try Docket with a folder on this computer' }).click();
    assert.equal(await page.locator('.checklist input[type=checkbox]').count(), 2, 'no Microsoft 365 prerequisites for a trial');
    assert.doesNotMatch(await words(page.locator('.checklist')), /Microsoft 365/);
    for (const box of await page.locator('.checklist input[type=checkbox]').all()) await box.check();
    await next(page);

    // Entra ID: skipped, saying why, and Next is open; the way back to mailbox delivery brings the fields back.
    assert.equal(await heading(page), 'Entra ID app');
    assert.equal(await words(page.getByTestId('step-skipped')), `This step is skipped. ${TRIAL_SKIP} Deliver into Microsoft 365 mailboxes instead`);
    assert.equal(await page.getByLabel('Directory (tenant) ID').count(), 0);
    await assertNextEnabled(page);
    assert.match(await words(page.locator('nav.steps')), /Entra ID app \(skipped\).*Admin consent \(skipped\)/);
    await page.getByRole('button', { name: 'Deliver into Microsoft 365 mailboxes instead' }).click();
    await page.getByLabel('Directory (tenant) ID').waitFor();
    await assertNextDisabled(page);
    await page.getByRole('button', { name: 'No tenant yet? Try Docket with a folder on this computer' }).click();
    await page.getByTestId('step-skipped').waitFor();
    await shot(page, 'wizard-trial-2-entra-skipped');
    await next(page);

    await page.getByLabel('Export file or folder').fill('/exports/sales-team.zip');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByLabel('Date order').selectOption('dmy');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('preview-table').waitFor();
    await next(page);

    // Delivery: the trial folder, suggested in Docket's state folder, then picked in the native folder dialog.
    assert.equal(await heading(page), 'Delivery');
    assert.equal(await page.getByLabel('A folder on this computer (trial)').isChecked(), true);
    const folder = page.getByLabel('Folder for the .eml files');
    await page.waitForFunction(() => document.querySelector('#trial-folder')?.value !== '');
    assert.equal(await folder.inputValue(), '/home/admin/.local/share/docket/archive');
    await folder.fill('archive');
    assert.match(await page.locator('#next-waiting').textContent(), /full path/);
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await page.waitForFunction(() => document.querySelector('#trial-folder')?.value === '/home/admin/Docket trial');
    const dialog = await page.evaluate(() => window.__ipcDouble.calls.find((c) => c.cmd === 'plugin:dialog|open')?.args.options);
    assert.equal(dialog.directory, true);
    assert.match(await words(page.getByTestId('trial-target')), /nothing written here reaches Microsoft 365/);
    assert.equal(await page.getByLabel('Also keep an immutable archive copy in our Azure Storage account').count(), 0);
    await shot(page, 'wizard-trial-4-delivery');
    await next(page);

    // Mapping: no directory to ask; each mapped mailbox becomes a folder.
    await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('mapping-ok').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Check mailboxes in Microsoft 365' }).count(), 0);
    assert.match(await words(page.getByTestId('trial-mapping-hint')), /\/home\/admin\/Docket trial/);
    await next(page);

    assert.equal(await heading(page), 'Admin consent');
    assert.match(await words(page.getByTestId('step-skipped')), /needs no Microsoft 365 tenant/);
    await next(page);

    const review = await words(page.getByTestId('review'));
    assert.match(review, /Entra ID app\s*Not used: A folder on this computer needs no Microsoft 365 tenant/);
    assert.match(await words(page.getByTestId('review-target')), /^Trial: \.eml files in the folder \/home\/admin\/Docket trial on this computer \(nothing reaches Microsoft 365\)$/);
    assert.match(review, /Admin consent\s*Not needed for a folder on this computer/);
    assert.doesNotMatch(review, /Client secret|Drafts/);
    await shot(page, 'wizard-trial-7-review');
    await page.getByRole('button', { name: 'Finish and import' }).click();

    await page.getByTestId('live-import').waitFor();
    const saved = await page.evaluate(() => window.__ipcDouble.connectors[0].settings);
    assert.deepEqual(saved.request.targets, [{ kind: 'dir', path: '/home/admin/Docket trial' }]);
    assert.equal(saved.entra, null);
    assert.equal(saved.consent, null);
    await page.evaluate(() => {
      const d = window.__ipcDouble;
      d.send({ event: 'started', data: { run_id: 3, source: 'whatsapp:/exports/sales-team.zip', target: d.targetLabel() } });
      d.finish({ run_id: 3, fetched: 12, delivered: 12, already_present: 0, skipped: {}, failed: {}, deliveries: 20, drafts: 0, targets: { 'dir:/home/admin/Docket trial': { delivered: 20, already_present: 0, drafts: 0, failed: 0 } }, cancelled: false });
    });
    await page.locator('[data-testid=live-import][data-phase=finished]').waitFor();
    assert.match(await words(page.locator('.route')), /→ Folder \/home\/admin\/Docket trial/);
    assert.equal(await page.getByTestId('target-counts').count(), 0, 'one target: the run’s own counts say it');
    const card = page.getByTestId('connector');
    assert.match(await words(card.getByTestId('connector-targets')), /Trial: \.eml files in the folder \/home\/admin\/Docket trial/);
    assert.match(await words(card), /Next run\s*2026-11-23/);
    await page.getByRole('row', { name: /#3/ }).waitFor();
    await shot(page, 'wizard-trial-dashboard');

    // Editing the trial connector brings the folder back, with the tenant's steps still skipped.
    await card.getByRole('button', { name: 'Edit' }).click();
    assert.match(await words(page.locator('nav.steps')), /Entra ID app \(skipped\)/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('keeps drafts apart from delivered mail and a WORM archive copy behind a SAS, and editing brings every choice back', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'storage');
    await page.getByLabel('Allow drafts where Graph’s importMime is not available').check();
    await keepArchiveCopy(page, GOOD_SAS, 'worm-archive');
    await page.getByTestId('storage-ok').waitFor();
    assert.equal(await page.getByTestId('immutability').getAttribute('data-worm'), 'true');
    assert.match(await words(page.getByTestId('storage-ok')), /Azure refused to delete the test file because of the container’s immutability/);
    assert.equal(await page.getByTestId('immutability-advice').count(), 0);
    await shot(page, 'wizard-4-storage-worm');
    await next(page);
    await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('mapping-ok').waitFor();
    await next(page);
    await page.locator('[data-testid=app-consent-result][data-status=granted]').or(page.getByRole('button', { name: 'I have granted consent already' })).first().waitFor();
    await page.getByRole('button', { name: 'I have granted consent already' }).click();
    await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
    await next(page);

    assert.match(await words(page.getByTestId('review-drafts')), /^Allowed where Graph’s importMime is not available/);
    assert.match(await words(page.getByTestId('review-immutability')), /immutable \(WORM\)/);
    await page.getByRole('button', { name: 'Finish and import' }).click();
    await page.getByTestId('live-import').waitFor();
    const saved = await page.evaluate(() => window.__ipcDouble.connectors[0].settings);
    assert.deepEqual(saved.request.targets.map((t) => t.kind === 'graph' ? t.allow_drafts : t.container), [true, 'worm-archive']);

    await page.evaluate((tenant) => {
      const d = window.__ipcDouble;
      d.send({ event: 'started', data: { run_id: 21, source: 'whatsapp:/exports/sales-team.zip', target: d.targetLabel() } });
      d.send({ event: 'fetched', data: { key: 'k1', fetched: 1 } });
      d.send({ event: 'delivered', data: { key: 'k1', mailboxes: ['anna@contoso.com'], already_present: false } });
      d.send({ event: 'fetched', data: { key: 'k2', fetched: 2 } });
      d.send({ event: 'skipped', data: { key: 'k2', reason: 'draft', detail: 'stored only as a draft (drafts are allowed for this connector) in anna@contoso.com' } });
      d.finish({
        run_id: 21, fetched: 2, delivered: 1, already_present: 0, skipped: {}, failed: {}, deliveries: 4, drafts: 1, cancelled: false,
        targets: {
          [`graph:${tenant}`]: { delivered: 1, already_present: 0, drafts: 1, failed: 0 },
          'azure:contosoarchive/worm-archive': { delivered: 2, already_present: 0, drafts: 0, failed: 0 },
        },
      });
    }, TENANT);
    await page.locator('[data-testid=live-import][data-phase=finished]').waitFor();
    assert.equal(await page.getByTestId('count-delivered').textContent(), '1');
    assert.equal(await page.getByTestId('count-drafts').textContent(), '1');
    assert.equal(await page.getByTestId('count-skipped').textContent(), '0', 'a draft is not a skipped item');
    assert.match(await words(page.getByTestId('final-summary')), /2 items fetched; 1 delivered as 4 messages, 1 only as drafts \(not delivered\)/);
    assert.match(await words(page.getByTestId('drafts-note')), /not archived as received mail/);
    const rows = await page.locator('[data-testid=target-counts] tbody tr').allTextContents();
    assert.match(rows[0].replace(/\s+/g, ' '), /Mailboxes through Microsoft Graph.* ?1 ?0 ?1 ?0$/);
    await page.getByRole('row', { name: /#21/ }).waitFor();
    assert.match(await words(page.getByRole('row', { name: /#21/ })), /1 delivered.*1 only as drafts/);
    await shot(page, 'dashboard-drafts');

    // Edit: every choice of the Delivery step comes back (the copy is tested again before Next).
    await page.getByTestId('connector').getByRole('button', { name: 'Edit' }).click();
    await reachDelivery(page);
    assert.equal(await page.getByLabel(/Into each mapped person’s mailbox/).isChecked(), true);
    assert.equal(await page.getByLabel('Allow drafts where Graph’s importMime is not available').isChecked(), true);
    assert.equal(await page.getByLabel('Also keep an immutable archive copy in our Azure Storage account').isChecked(), true);
    assert.equal(await page.getByLabel('Container name').inputValue(), 'worm-archive');
    await page.getByTestId('storage_connection-stored').waitFor();
    assert.match(await page.locator('#next-waiting').textContent(), /Test the archive copy’s container/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('warns about a connector the old wizard saved with only an Azure container, which reaches no mailbox', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'review');
    await page.getByRole('button', { name: 'Finish and import' }).click();
    await page.getByTestId('live-import').waitFor();
    await page.evaluate(() => {
      const d = window.__ipcDouble;
      d.connectors[0].settings.request.targets = [{ kind: 'azure', container: 'whatsapp-archive' }];
      d.finish({ run_id: 5, fetched: 1, delivered: 1, already_present: 0, skipped: {}, failed: {}, deliveries: 1, drafts: 0, targets: {}, cancelled: false });
    });
    await page.locator('[data-testid=live-import][data-phase=finished]').waitFor();
    await page.getByRole('row', { name: /#5/ }).waitFor();
    assert.match(await words(page.getByTestId('archive-only-warning')), /Microsoft 365 does not read.*Edit it and choose mailbox delivery/);
    await page.getByTestId('connector').getByRole('button', { name: 'Edit' }).click();
    await reachDelivery(page);
    assert.match(await words(page.getByTestId('was-archive-only')), /only to the Azure container “whatsapp-archive”.*none of its messages reached a mailbox/);
    assert.equal(await page.getByLabel(/Into each mapped person’s mailbox/).isChecked(), true);
    assert.equal(await page.getByLabel('Also keep an immutable archive copy in our Azure Storage account').isChecked(), true);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});
