// What the browser specs share about the wizard: the double's accepted values, reading a screen's words,
// and walking the default path (mailbox delivery through Graph) up to a given step. It deliberately
// starts nothing (harness.mjs does).
import assert from 'node:assert/strict';

import { screenshotPath } from './harness.mjs';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const CLIENT_SECRET = 'Zx8Q~right-client-secret';
export const GOOD_CONNECTION =
  'DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey=cmlnaHQta2V5;EndpointSuffix=core.windows.net';
export const WRONG_CONNECTION =
  'DefaultEndpointsProtocol=https;AccountName=contosoarchive;AccountKey=d3Jvbmcta2V5;EndpointSuffix=core.windows.net';
/** A container SAS with only Create, Read and List, as the Delivery step recommends. */
export const GOOD_SAS = 'https://contosoarchive.blob.core.windows.net/worm-archive?sv=2024-11-04&sr=c&sp=rcl&sig=cmlnaHQta2V5';

export async function shot(page, name) {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}

/** An element's text with runs of white space as one space, as a reader sees it. */
export async function words(locator) {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

export async function heading(page) {
  return (await page.locator('#step-heading').textContent())?.trim();
}

export async function next(page) {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
}

export async function assertNextDisabled(page) {
  assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isDisabled(), true);
}

export async function assertNextEnabled(page) {
  assert.equal(await page.getByRole('button', { name: 'Next', exact: true }).isEnabled(), true);
}

/** Stores the archive copy's connection string (or SAS) and tests `container`. */
export async function keepArchiveCopy(page, connection, container) {
  await page.getByLabel('Also keep an immutable archive copy in our Azure Storage account').check();
  await page.getByLabel('Connection string or container SAS URL').fill(connection);
  await page.getByRole('button', { name: 'Store', exact: true }).click();
  await page.getByTestId('storage_connection-stored').waitFor();
  await page.getByLabel('Container name').fill(container);
  await page.getByRole('button', { name: 'Test', exact: true }).click();
}

export const STEPS = ['start', 'connector', 'entra', 'source', 'storage', 'mapping', 'consent', 'review'];

/** Walks the default path's steps up to (not including) `stop`, answering each one correctly. */
export async function walk(page, stop) {
  for (const step of STEPS) {
    if (step === stop) return;
    await answerStep(page, step);
    await next(page);
  }
}

/** Answers one step of the default path correctly (in English), leaving Next enabled. */
export async function answerStep(page, step) {
  await page.locator(`section[data-step="${step}"]`).waitFor();
  switch (step) {
    case 'start':
      await page.getByTestId('keychain-ok').waitFor();
      break;
    case 'connector':
      await page.getByLabel('WhatsApp (export)').check();
      for (const box of await page.locator('.checklist input[type=checkbox]').all()) await box.check();
      break;
    case 'entra':
      await page.getByLabel('Directory (tenant) ID').fill(TENANT);
      await page.getByLabel('Application (client) ID').fill(CLIENT);
      await page.getByLabel('Client secret').fill(CLIENT_SECRET);
      await page.getByRole('button', { name: 'Store', exact: true }).click();
      await page.getByTestId('azure_client_secret-stored').waitFor();
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.getByTestId('entra-ok').waitFor();
      break;
    case 'source':
      await page.getByLabel('Export file or folder').fill('/exports/sales-team.zip');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByLabel('Date order').selectOption('dmy');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByTestId('preview-table').waitFor();
      break;
    case 'storage':
      await page.getByTestId('graph-target').waitFor();
      break;
    case 'mapping':
      await page.getByLabel('Mapping CSV (optional)').fill('/maps/people.csv');
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.getByTestId('mapping-ok').waitFor();
      break;
    case 'consent':
      await page.locator('[data-testid=app-consent-result][data-status=granted]').or(page.getByRole('button', { name: 'I have granted consent already' })).first().waitFor();
      if ((await page.locator('[data-testid=app-consent-result][data-status=granted]').count()) === 0) {
        await page.getByRole('button', { name: 'I have granted consent already' }).click();
        await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
      }
      break;
  }
}
