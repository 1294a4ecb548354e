// Browser specs of the built UI with the shell replaced by tests/ipc-double.ts: the whole wizard walked on its
// default path (mailbox delivery through Graph, with an archive copy) to the dashboard with a live import, a
// mapping CSV with row-numbered problems, a refused storage key, and Microsoft 365 sign-in. The trial folder
// and drafts are in delivery.spec.mjs. Each screen is saved to docs/screenshots/ as it is checked.
import assert from 'node:assert/strict';

import { before, describe, it } from 'node:test';

import { openApp, browserSuite } from './harness.mjs';
import {
  CLIENT,
  CLIENT_SECRET,
  GOOD_CONNECTION,
  TENANT,
  WRONG_CONNECTION,
  assertNextDisabled,
  heading,
  keepArchiveCopy,
  next,
  shot,
  walk,
  words,
} from './walk.mjs';

const suite = browserSuite({ screenshots: true });

describe('the setup wizard', () => {
  it('walks every step with live checks to a running import on the dashboard', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);

    // 0. Start: the keychain keeps secrets.
    await page.getByTestId('keychain-ok').waitFor();
    assert.equal(await heading(page), 'Start');
    await shot(page, 'wizard-0-start');
    await next(page);

    // 1. Connector and prerequisites, by keyboard: Next waits for a connector and every box.
    assert.equal(await heading(page), 'Connector and prerequisites');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-heading', 'focus moves to the new step');
    await assertNextDisabled(page);
    assert.equal(await page.getByLabel(/X \(Twitter\)/).isDisabled(), false, 'X is offered');
    await page.getByLabel('WhatsApp (export)').focus();
    await page.keyboard.press('Space');
    for (const box of await page.locator('.checklist input[type=checkbox]').all()) {
      await box.focus();
      await page.keyboard.press('Space');
    }
    await page.getByText('WhatsApp Archiver').waitFor();
    await shot(page, 'wizard-1-connector');
    await next(page);

    // 2. Entra ID app: a wrong secret is refused, the right one passes; the secret is never shown again.
    assert.equal(await heading(page), 'Entra ID app');
    await page.getByText('Sign in and register automatically').waitFor();
    await page.getByLabel('Directory (tenant) ID').fill(TENANT);
    await page.getByLabel('Application (client) ID').fill(CLIENT);
    await page.getByLabel('Client secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Store', exact: true }).click();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('[role=alert][data-code=entra_auth]').waitFor();
    assert.match(await words(page.locator('[role=alert]')), /Entra ID refused the app\..*Certificates & secrets/);
    // The core's sentence under the advice is said in the admin's language, its values (the app, AADSTS) kept.
    await page.getByTestId('language').selectOption('fr');
    assert.match(await words(page.locator('[role=alert] .message')), /Microsoft Entra ID a refusé la clé secrète client de l’application 0a1b2c3d-.*AADSTS7000215/);
    await page.getByTestId('language').selectOption('en');
    await assertNextDisabled(page);
    await page.getByRole('button', { name: 'Replace' }).click();
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Store', exact: true }).click();
    await page.getByTestId('azure_client_secret-stored').waitFor();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('entra-ok').waitFor();
    assert.ok(!(await page.content()).includes(CLIENT_SECRET), 'the stored secret is not in the page');
    await shot(page, 'wizard-2-entra');
    await next(page);

    // 3. Source: the preview asks for the date order only when the export is ambiguous.
    assert.equal(await heading(page), 'Source');
    assert.equal(await page.getByLabel('Time zone the export was made in').inputValue(), 'Europe/Brussels');
    assert.equal(await page.getByLabel('Date order').count(), 0);
    await page.getByLabel('Export file or folder').fill('/exports/sales-team.zip');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('[role=alert][data-code=ambiguous_date_order]').waitFor();
    await page.getByLabel('Date order').selectOption('dmy');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('preview-table').waitFor();
    assert.equal(await page.locator('[data-testid=preview-table] tbody tr').count(), 3);
    assert.match(await page.getByTestId('preview-ok').textContent(), /1,240 items in the export/);
    await shot(page, 'wizard-3-source');
    await next(page);

    // 4. Delivery: the mailboxes through Graph by default; an archive copy stored, tested, with its immutability.
    assert.equal(await heading(page), 'Delivery');
    const mailboxes = page.getByLabel(/Into each mapped person’s mailbox, in the WhatsApp Archiver folder \(Microsoft Graph\)/);
    assert.equal(await mailboxes.isChecked(), true, 'mailbox delivery is the default');
    assert.equal(await page.getByLabel('A folder on this computer (trial)').isChecked(), false);
    assert.equal(await page.getByLabel('Allow drafts where Graph’s importMime is not available').isChecked(), false);
    assert.equal(await page.getByLabel('Container name').count(), 0, 'no storage account unless a copy is kept');
    await keepArchiveCopy(page, GOOD_CONNECTION, 'whatsapp-archive');
    assert.match(await words(page.getByTestId('copy-not-read')), /This copy is for your own records: Microsoft 365 does not read it\./);
    assert.match(await words(page.getByTestId('archive-copy')), /only Create, Read and List permissions \(no Delete or Write\)/);
    const probe = await words(page.getByTestId('storage-ok'));
    assert.match(probe, /Created by this test/);
    assert.match(probe, /184 ms/);
    assert.match(await words(page.getByTestId('immutability')), /no immutability policy and no legal hold/);
    assert.match(await words(page.getByTestId('immutability-advice')), /not protected.*Access policy/);
    assert.ok(!(await page.content()).includes('cmlnaHQta2V5'), 'the storage key is not in the page');
    await shot(page, 'wizard-4-storage');
    await next(page);

    // 5. User mapping: a clean CSV.
    assert.equal(await heading(page), 'User mapping');
    assert.equal(await page.getByRole('switch', { name: 'Automatic user mapping' }).isChecked(), true);
    await page.getByLabel('Owner mailbox (optional)').fill('compliance@contoso.com');
    await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    assert.match(await page.getByTestId('mapping-ok').textContent(), /42 rows, 41 numbers mapped/);
    await shot(page, 'wizard-5-mapping');
    await next(page);

    // 6. Admin consent for the Docket app's Graph permissions: the page opens, Docket waits, the redirect answers.
    assert.equal(await heading(page), 'Admin consent');
    assert.doesNotMatch(await words(page.locator('section.step')), /Import service/);
    await page.getByRole('button', { name: 'Grant admin consent to the Docket app' }).click();
    await page.getByTestId('app-consent-waiting').waitFor();
    assert.match(await page.getByLabel('App consent page address').inputValue(), new RegExp(`v2\\.0/adminconsent\\?client_id=${CLIENT}`));
    await assertNextDisabled(page);
    await shot(page, 'wizard-6-consent-waiting');
    await page.evaluate(() =>
      window.__ipcDouble.answerConsent({
        status: 'refused', method: 'loopback_redirect', tenant: null, error: 'access_denied',
        description: 'AADSTS65004: User declined to consent to access the app.',
      }),
    );
    assert.match(await page.getByTestId('app-consent-result').textContent(), /AADSTS65004: User declined to consent/);
    await assertNextDisabled(page);
    await page.getByRole('button', { name: 'Grant admin consent to the Docket app' }).click();
    await page.getByTestId('app-consent-waiting').waitFor();
    await page.evaluate(() =>
      window.__ipcDouble.answerConsent({
        status: 'granted', method: 'loopback_redirect', tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', error: null, description: null,
      }),
    );
    assert.match(await page.getByTestId('app-consent-result').textContent(), /Admin consent is granted/);
    await shot(page, 'wizard-6-consent');
    await next(page);

    // 7. Review: secrets only as "stored ✓".
    assert.equal(await heading(page), 'Review and finish');
    const review = await words(page.getByTestId('review'));
    assert.match(review, /Client secret\s*stored ✓/);
    const targets = await page.getByTestId('review-target').allTextContents();
    assert.equal(targets.length, 2);
    assert.match(targets[0].replace(/\s+/g, ' '), /mailbox, in the “WhatsApp Archiver” folder, through Microsoft Graph as application 0a1b2c3d/);
    assert.match(targets[1].replace(/\s+/g, ' '), /Archive copy in the Azure Storage container “whatsapp-archive”.*does not read it.*connection string or SAS stored ✓.*not WORM/);
    assert.match(await words(page.getByTestId('review-drafts')), /^Not allowed/);
    assert.match(review, /Admin consent\s*granted ✓ \(the Docket app’s Microsoft Graph permissions\)/);
    assert.ok(!review.includes(CLIENT_SECRET));
    await page.getByLabel('Connector name').fill('Sales team');
    await page.getByRole('radio', { name: /Every/ }).check();
    await page.getByLabel('Hours between runs').fill('6');
    assert.match(await page.getByTestId('schedule-words').textContent(), /Every 6 hours/);
    await shot(page, 'wizard-7-review');
    await page.getByRole('button', { name: 'Finish and import' }).click();

    // Finish saves the connector (no secret in it), runs it, and the dashboard follows the progress events.
    await page.getByTestId('live-import').waitFor();
    const settings = await page.evaluate(() => window.__ipcDouble.calls.find((c) => c.cmd === 'save_connector')?.args.settings);
    assert.equal(settings.name, 'Sales team');
    assert.deepEqual(settings.schedule, { kind: 'every_hours', hours: 6 });
    assert.ok(!JSON.stringify(settings).includes(CLIENT_SECRET));
    const run = await page.evaluate(() => window.__ipcDouble.calls.find((c) => c.cmd === 'run_connector')?.args);
    assert.equal(run.replay, false);
    // The admin's Microsoft sign-in was for setting up: the wizard's end signs them out.
    await page.waitForFunction(() => window.__ipcDouble.signedOut === true);
    const request = settings.request;
    assert.deepEqual(request, {
      source_kind: 'whatsapp',
      location: '/exports/sales-team.zip',
      timezone: 'Europe/Brussels',
      date_order: 'dmy',
      mapping_csv: '/maps/people.csv',
      auto_map: true,
      owner_mailbox: 'compliance@contoso.com',
      folder: null,
      default_region: null,
      targets: [
        { kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: CLIENT, allow_drafts: false },
        { kind: 'azure', container: 'whatsapp-archive' },
      ],
      concurrency: 16,
    });
    assert.equal(settings.consent.status, 'granted');
    await page.evaluate(async () => {
      const d = window.__ipcDouble;
      const pause = () => new Promise((done) => setTimeout(done, 20));
      d.send({ event: 'started', data: { run_id: 12, source: 'whatsapp:/exports/sales-team.zip', target: d.targetLabel() } });
      for (let i = 1; i <= 40; i += 1) {
        d.send({ event: 'fetched', data: { key: `k${i}`, fetched: i } });
        if (i % 10 === 0) d.send({ event: 'skipped', data: { key: `k${i}`, reason: 'unmapped', detail: `+32 470 00 00 ${i} maps to no mailbox` } });
        else if (i === 7) d.send({ event: 'failed', data: { key: 'k7', reason: 'too_large', detail: 'the attachment video-0412.mp4 is 23 MB; items over 10 MB cannot be imported' } });
        else d.send({ event: 'delivered', data: { key: `k${i}`, mailboxes: ['anna@contoso.com'], already_present: i <= 5 } });
        await pause();
      }
    });
    assert.equal(await page.getByTestId('count-fetched').textContent(), '40 of 1,240');
    assert.equal(await page.getByTestId('count-delivered').textContent(), '30');
    assert.equal(await page.getByTestId('count-already').textContent(), '5');
    assert.equal(await page.getByTestId('count-skipped').textContent(), '4');
    assert.equal(await page.getByTestId('count-failed').textContent(), '1');
    assert.match(await page.getByTestId('skipped-reasons').textContent(), /4 unmapped/);
    assert.match(await page.getByTestId('failed-reasons').textContent(), /1 too large/);
    assert.match(await page.getByTestId('rate').textContent(), /items\/s/);
    assert.match(await page.getByTestId('eta').textContent(), /about \d/);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).isEnabled(), true);
    assert.match(await words(page.locator('.route')), /Mailboxes through Microsoft Graph \(tenant 72f988bf.*\) \+ Archive copy in Azure container “whatsapp-archive”/);
    await shot(page, 'dashboard');

    await page.evaluate((tenant) =>
      window.__ipcDouble.finish({
        run_id: 12, fetched: 40, delivered: 30, already_present: 5, skipped: { unmapped: 4 }, failed: { too_large: 1 }, deliveries: 60, drafts: 0, cancelled: false,
        targets: {
          [`graph:${tenant}`]: { delivered: 30, already_present: 5, drafts: 0, failed: 1 },
          'azure:contosoarchive/whatsapp-archive': { delivered: 30, already_present: 5, drafts: 0, failed: 1 },
        },
      }), TENANT,
    );
    await page.locator('[data-testid=live-import][data-phase=finished]').waitFor();
    assert.match(await words(page.getByTestId('final-summary')), /40 items fetched; 30 delivered as 60 messages/);
    const perTarget = await page.locator('[data-testid=target-counts] tbody tr').allTextContents();
    assert.equal(perTarget.length, 2);
    assert.match(perTarget[0].replace(/\s+/g, ' '), /Mailboxes through Microsoft Graph.*30 ?5 ?0 ?1/);
    assert.match(perTarget[1].replace(/\s+/g, ' '), /Archive copy in Azure container “whatsapp-archive” ?30 ?5 ?0 ?1/);
    await page.getByRole('row', { name: /#12/ }).waitFor();
    assert.match(await words(page.getByTestId('run-target-counts')), /Mailboxes through Microsoft Graph.*: 30 delivered, 5 already present, 1 failed/);
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    const card = page.getByTestId('connector');
    assert.match(await words(card), /Sales team.*Delivers to.*WhatsApp Archiver.*Archive copy.*Every 6 hours.*60 delivered/);
    assert.equal(await page.getByTestId('archive-only-warning').count(), 0);
    assert.match(await page.getByTestId('chart-total').textContent(), /60 in the last 30 days/);
    assert.match(
      await words(page.getByTestId('coverage')),
      /Sales team \(WhatsApp\).*2 Mar 2026, 08:00 UTC.*3 Apr 2026, 07:15 UTC.*1,204.*No export covers 9 Mar 2026, 17:20 UTC to 16 Mar 2026, 08:05 UTC/,
    );
    await shot(page, 'dashboard-finished');

    // Edit re-enters the wizard with the saved values; Delete asks first and keeps the archive.
    await card.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await page.getByRole('button', { name: 'Edit connector' }).getAttribute('aria-current'), 'page');
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await page.getByTestId('connector').getByRole('button', { name: 'Delete…' }).click();
    assert.match(await words(page.getByRole('alertdialog')), /Messages already archived, and its runs in the ledger, are kept/);
    await page.getByRole('button', { name: 'Keep it' }).click();
    assert.equal(await page.getByTestId('connector').count(), 1);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('lists a mapping CSV’s problems by row and keeps Next disabled until it is fixed, then takes consent confirmed by hand', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'mapping');
    await page.getByLabel('Mapping CSV (optional)').fill('/maps/bad.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('mapping-problems').waitFor();
    const rows = await page.locator('.table-wrap tbody tr').allTextContents();
    assert.equal(rows.length, 3);
    assert.match(rows[0], /^3\s*Mobile\s*Mobile "555-CALL-ME" is not a valid phone number/);
    assert.match(rows[1], /^5\s*Email\s*Email "marc\.peeters@" has no @/);
    assert.match(rows[2], /^6.*appears twice with different addresses \(rows 2 and 6/);
    assert.match(await page.getByTestId('mapping-problems').textContent(), /3 problems in \/maps\/bad\.csv/);
    await assertNextDisabled(page);
    assert.match(await page.locator('#next-waiting').textContent(), /Fix the problems in the mapping CSV/);
    await shot(page, 'wizard-5-mapping-problems');

    // The core's own sentences follow the language too: the same rows in French, then in Dutch, with the
    // file's own words (the column, the cell) kept as they are.
    await page.getByTestId('language').selectOption('fr');
    const french = await page.locator('.table-wrap tbody tr').allTextContents();
    assert.match(french[0], /^3\s*Mobile\s*.*«\s?555-CALL-ME\s?».*numéro de téléphone/);
    assert.doesNotMatch(french.join('\n'), /is not a valid phone number|appears twice|has no @/);
    await page.getByTestId('language').selectOption('nl');
    const dutch = await page.locator('.table-wrap tbody tr').allTextContents();
    assert.match(dutch[0], /^3\s*Mobile\s*.*555-CALL-ME.*telefoonnummer/);
    assert.doesNotMatch(dutch.join('\n'), /is not a valid phone number|appears twice|has no @/);
    await page.getByTestId('language').selectOption('en');

    await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('mapping-ok').waitFor();
    await next(page);

    // Consent given elsewhere: confirming by hand ends the wait and is not shown as an error.
    await page.getByRole('button', { name: 'Grant admin consent to the Docket app' }).click();
    await page.getByTestId('app-consent-waiting').waitFor();
    await page.getByRole('button', { name: 'I have granted consent already' }).click();
    await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
    assert.match(await words(page.getByTestId('app-consent-result')), /you confirmed it/);
    assert.equal(await page.locator('[role=alert]').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isEnabled(), true);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('tells the admin how to fix a storage key the account refuses', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'storage');
    await keepArchiveCopy(page, WRONG_CONNECTION, 'whatsapp-archive');
    const alert = page.locator('[role=alert][data-code=storage_auth]');
    await alert.waitFor();
    const text = await words(alert);
    assert.match(text, /The storage account refused the credentials/);
    assert.match(text, /Access keys/);
    assert.match(text, /Create, Read and List/);
    assert.match(text, /403 AuthenticationFailed/);
    assert.ok(!text.includes('d3Jvbmcta2V5'), 'the refused key is not shown');
    await assertNextDisabled(page);
    assert.match(await page.locator('#next-waiting').textContent(), /Test the archive copy’s container/);
    await shot(page, 'wizard-4-storage-auth-error');

    await page.getByRole('button', { name: 'Replace' }).click();
    await page.getByLabel('Connection string or container SAS URL').fill(GOOD_CONNECTION);
    await page.getByRole('button', { name: 'Store', exact: true }).click();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByTestId('storage-ok').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isEnabled(), true);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('stops at the start when the OS keychain would forget secrets, and says how to fix it', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript, { keychainPersistent: false });
    const blocked = page.getByTestId('keychain-blocked');
    await blocked.waitFor();
    const text = await words(blocked);
    assert.match(text, /did not keep a test secret \(it read back nothing\)/);
    assert.match(text, /gnome-keyring/);
    await assertNextDisabled(page);
    assert.match(await page.locator('#next-waiting').textContent(), /keychain must keep secrets/);
    assert.equal(await page.getByRole('button', { name: /Entra ID app/ }).isDisabled(), true, 'later steps stay closed');
    await shot(page, 'wizard-0-start-keychain-blocked');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('takes a mapping CSV dropped onto the window and checks it at once', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'mapping');
    const drop = (paths) =>
      page.evaluate(
        (dropped) =>
          window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {
            event: 'tauri://drag-drop',
            payload: { paths: dropped, position: { x: 10, y: 10 } },
          }),
        paths,
      );
    await drop(['/home/admin/photo.jpg']);
    assert.match(await page.getByRole('alert').first().textContent(), /Only a \.csv file can be dropped here/);
    await drop(['/maps/bad.csv']);
    await page.getByTestId('mapping-problems').waitFor();
    assert.equal(await page.getByLabel('Mapping CSV (optional)').inputValue(), '/maps/bad.csv');
    assert.equal(await page.locator('.table-wrap tbody th').first().textContent(), '3');
    const checked = await page.evaluate(() => window.__ipcDouble.calls.filter((c) => c.cmd === 'check_mapping').map((c) => c.args.path));
    assert.deepEqual(checked, ['/maps/bad.csv']);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('cancels a running import and says how to continue it', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'review');
    await page.getByRole('button', { name: 'Finish and import' }).click();
    await page.getByTestId('live-import').waitFor();
    await page.evaluate(() => {
      const d = window.__ipcDouble;
      d.send({ event: 'started', data: { run_id: 13, source: 'whatsapp:/exports/sales-team.zip', target: d.targetLabel() } });
      d.send({ event: 'fetched', data: { key: 'k1', fetched: 1 } });
      d.send({ event: 'delivered', data: { key: 'k1', mailboxes: ['anna@contoso.com'], already_present: false } });
    });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Cancelling…' }).waitFor();
    assert.equal(await page.evaluate(() => window.__ipcDouble.cancelRequested), true);
    await page.evaluate(() =>
      window.__ipcDouble.finish({
        run_id: 13, fetched: 1, delivered: 1, already_present: 0, skipped: {}, failed: {}, deliveries: 1, drafts: 0, targets: {}, cancelled: true,
      }),
    );
    await page.locator('[data-testid=live-import][data-phase=cancelled]').waitFor();
    assert.match(await words(page.getByTestId('final-summary')), /Stopped early: 1 item fetched; 1 delivered as 1 message.*continue where it stopped/);
    await page.getByRole('row', { name: /#13/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: /Cancel/ }).count(), 0);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('signs in with Microsoft, registers the Docket app without ever showing its secret, and lists mailboxes unknown to the directory', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'entra');

    // Sign in: the page address is shown while Docket waits for the loopback redirect.
    await page.getByLabel('Directory (tenant) ID').fill(TENANT);
    await page.getByRole('button', { name: 'Sign in with Microsoft…' }).click();
    await page.getByTestId('signin-waiting').waitFor();
    assert.match(await page.getByLabel('Sign-in page address').inputValue(), /oauth2\/v2\.0\/authorize\?.*code_challenge_method=S256/);
    await shot(page, 'wizard-2-entra-signin-waiting');
    await page.evaluate(() => window.__ipcDouble.answerSignIn());
    await page.getByTestId('signed-in').waitFor();

    // A lifetime Docket does not offer is refused before anything is registered.
    await page.getByLabel('Client secret lifetime (days)').fill('900');
    assert.equal(await page.getByRole('button', { name: 'Register the Docket app' }).isDisabled(), true);
    await page.getByLabel('Client secret lifetime (days)').fill('90');
    await page.getByRole('button', { name: 'Register the Docket app' }).click();
    await page.getByTestId('app-ready').waitFor();
    assert.match(await words(page.getByTestId('app-ready')), /application ID 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b.*stored in the OS keychain and expires on 2027-02-20/);
    assert.equal(await page.getByLabel('Application (client) ID').inputValue(), '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b');
    await page.getByTestId('azure_client_secret-stored').waitFor();
    const registered = await page.evaluate(() => window.__ipcDouble.calls.find((c) => c.cmd === 'register_docket_app')?.args);
    assert.deepEqual(registered, { displayName: 'Docket', secretDays: 90 });
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('entra-ok').waitFor();
    assert.ok(!(await page.content()).includes('Rg7~registered-secret-value'), 'the new secret is not in the page');

    // The app's own Graph permissions: consent through the loopback redirect.
    await page.getByRole('button', { name: 'Grant admin consent to the Docket app' }).click();
    await page.getByTestId('app-consent-waiting').waitFor();
    assert.match(await page.getByLabel('App consent page address').inputValue(), /v2\.0\/adminconsent\?client_id=5e6f7a8b/);
    await page.evaluate(() =>
      window.__ipcDouble.answerConsent({ status: 'granted', method: 'loopback_redirect', tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47', error: null, description: null }),
    );
    await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
    await shot(page, 'wizard-2-entra-registered');
    await next(page);

    // Source, then delivery into the mailboxes (the default): no storage account is asked for.
    await page.getByLabel('Export file or folder').fill('/exports/sales-team.zip');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByLabel('Date order').selectOption('dmy');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('preview-table').waitFor();
    await next(page);
    assert.equal(await heading(page), 'Delivery');
    assert.equal(await page.getByLabel(/Into each mapped person’s mailbox/).isChecked(), true);
    assert.match(await words(page.getByTestId('graph-target')), /application 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b/);
    assert.equal(await page.getByLabel('Container name').count(), 0);
    await shot(page, 'wizard-4-storage-graph');
    await next(page);

    // Mapping: the directory check lists the address that is not a Microsoft 365 user, before any run.
    await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('mapping-ok').waitFor();
    await page.getByRole('button', { name: 'Check mailboxes in Microsoft 365' }).click();
    await page.getByTestId('mailboxes-problems').waitFor();
    assert.match(await words(page.getByTestId('mailboxes-problems')), /1 of 2 addresses are not usable/);
    const rows = await page.locator('[data-testid=mailboxes] tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[1].replace(/\s+/g, ' '), /ghost\.trader@contoso\.com ?not a Microsoft 365 user/);
    assert.match(rows[0].replace(/\s+/g, ' '), /anna\.devos@contoso\.com ?mailbox ✓.*exists/);
    await shot(page, 'wizard-5-mapping-mailboxes');
    await next(page);

    // Consent: the app's consent from the Entra step already counts; Review shows the Graph target.
    assert.equal(await heading(page), 'Admin consent');
    await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
    await next(page);
    assert.match(await words(page.getByTestId('review-target')), /through Microsoft Graph as application 5e6f7a8b/);
    assert.match(await words(page.getByTestId('review')), /stored ✓, expires on 2027-02-20/);
    await page.getByRole('button', { name: 'Finish and import' }).click();
    await page.getByTestId('live-import').waitFor();
    const saved = await page.evaluate(() => window.__ipcDouble.connectors[0].settings);
    assert.deepEqual(saved.request.targets, [{ kind: 'graph', cloud: 'global', tenant_id: TENANT, client_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', allow_drafts: false }]);
    assert.equal(saved.entra.secret_expires_at, '2027-02-20T00:00:00Z');
    assert.equal(saved.consent.status, 'granted');
    assert.ok(!JSON.stringify(saved).includes('Rg7~'), 'no secret is saved');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  it('says what to do when the mailbox check is refused for want of consent', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(page, 'mapping');
    await page.evaluate(() => window.__ipcDouble.consentedApps.clear());
    await page.getByLabel('Owner mailbox (optional)').fill('compliance@contoso.com');
    await page.getByRole('button', { name: 'Check mailboxes in Microsoft 365' }).click();
    await page.locator('[role=alert][data-code=graph]').waitFor();
    assert.match(await words(page.locator('[role=alert][data-code=graph]')), /refused the mailbox check.*Grant admin consent to the Docket app/);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});
