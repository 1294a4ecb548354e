// Accessibility of every screen in every language: axe-core (WCAG 2.1 A and AA rules) on each step of the
// wizard's default path and on the dashboard, in English, French and Dutch, switching language with the
// header's switcher at each screen (the state stays, so each language is checked on the same content). The
// UI follows the browser's language on a first start. A violation fails the spec with the rule and the nodes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import AxeBuilder from '@axe-core/playwright';

import { openApp, browserSuite } from './harness.mjs';
import { CLIENT, STEPS, TENANT, answerStep, heading, next, walk } from './walk.mjs';

const LANGUAGES = ['en', 'fr', 'nl'];
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const suite = browserSuite();

async function setLanguage(page, lang) {
  await page.getByTestId('language').selectOption(lang);
  await page.locator(`html[lang="${lang}"]`).waitFor();
}

/** The WCAG 2.1 AA violations on the page now, one line each (rule, impact, the first nodes). */
async function violations(page, where) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return results.violations.map(
    (v) => `${where}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`,
  );
}

/** Checks the screen in each language, then leaves it in English for the walk to go on. */
async function auditInEveryLanguage(page, where) {
  const found = [];
  for (const lang of LANGUAGES) {
    await setLanguage(page, lang);
    // The pointer rests on the open view's header button, where its colours once failed contrast.
    await page.locator('nav.views button[aria-current="page"]').hover();
    found.push(...(await violations(page, `${where} [${lang}]`)));
  }
  await setLanguage(page, 'en');
  return found;
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  it('finds no violation on any wizard step or the dashboard, in English, French or Dutch', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    const found = [];
    for (const step of STEPS) {
      await answerStep(page, step);
      found.push(...(await auditInEveryLanguage(page, `wizard step ${step}`)));
      if (step !== 'review') await next(page);
    }
    await page.getByRole('button', { name: 'Finish and import' }).click();
    await page.getByTestId('live-import').waitFor();
    await page.evaluate(() => {
      const d = window.__ipcDouble;
      d.send({ event: 'started', data: { run_id: 12, source: 'whatsapp:/exports/sales-team.zip', target: d.targetLabel() } });
      for (let i = 1; i <= 10; i += 1) {
        d.send({ event: 'fetched', data: { key: `k${i}`, fetched: i } });
        if (i === 10) d.send({ event: 'skipped', data: { key: 'k10', reason: 'unmapped', detail: '+32 470 00 00 10 maps to no mailbox' } });
        else if (i === 7) d.send({ event: 'failed', data: { key: 'k7', reason: 'too_large', detail: 'the attachment is 23 MB' } });
        else d.send({ event: 'delivered', data: { key: `k${i}`, mailboxes: ['anna@contoso.com'], already_present: false } });
      }
    });
    await page.locator('[data-testid=live-import][data-phase=running]').waitFor();
    found.push(...(await auditInEveryLanguage(page, 'dashboard, importing')));
    await page.evaluate((tenant) =>
      window.__ipcDouble.finish({
        run_id: 12, fetched: 10, delivered: 8, already_present: 0, skipped: { unmapped: 1 }, failed: { too_large: 1 }, deliveries: 16, drafts: 0, cancelled: false,
        targets: {
          [`graph:${tenant}`]: { delivered: 8, already_present: 0, drafts: 0, failed: 1 },
          'azure:contosoarchive/whatsapp-archive': { delivered: 8, already_present: 0, drafts: 0, failed: 1 },
        },
      }), TENANT,
    );
    await page.locator('[data-testid=live-import][data-phase=finished]').waitFor();
    await page.getByTestId('connector').first().waitFor();
    found.push(...(await auditInEveryLanguage(page, 'dashboard, finished')));
    assert.deepEqual(found, []);
    assert.deepEqual(page.problems, []);
  });

  it('finds no violation where a step is skipped or an error shows its advice', async () => {
    const found = [];
    const blocked = await openApp(suite.browser, suite.server.url, suite.doubleScript, { keychainPersistent: false });
    await blocked.getByTestId('keychain-blocked').waitFor();
    found.push(...(await auditInEveryLanguage(blocked, 'keychain blocked')));

    const trial = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await answerStep(trial, 'start');
    await next(trial);
    await trial.getByTestId('trial-offer').getByRole('button').click();
    await answerStep(trial, 'connector');
    await next(trial);
    await trial.getByTestId('step-skipped').waitFor();
    found.push(...(await auditInEveryLanguage(trial, 'trial, Entra ID skipped')));

    const refused = await openApp(suite.browser, suite.server.url, suite.doubleScript);
    await walk(refused, 'entra');
    await refused.locator('#tenant-id').fill(TENANT);
    await refused.locator('#client-id').fill(CLIENT);
    await refused.locator('#secret-azure_client_secret').fill('not-the-secret');
    await refused.getByRole('button', { name: 'Store', exact: true }).click();
    await refused.getByRole('button', { name: 'Check', exact: true }).click();
    await refused.locator('[role=alert][data-code=entra_auth]').waitFor();
    found.push(...(await auditInEveryLanguage(refused, 'Entra ID refused, with advice')));
    assert.deepEqual(found, []);
  });

  for (const [locale, lang, title] of [
    ['fr-BE', 'fr', 'Démarrage'],
    ['nl-NL', 'nl', 'Start'],
    ['de-DE', 'en', 'Start'],
  ]) {
    it(`opens in ${lang} for a suite.browser asking for ${locale}, and remembers a switch`, async () => {
      const page = await openApp(suite.browser, suite.server.url, suite.doubleScript, {}, { locale });
      await page.locator(`html[lang="${lang}"]`).waitFor();
      await page.getByTestId('keychain-ok').waitFor();
      assert.equal(await heading(page), title);
      assert.equal(await page.getByTestId('language').inputValue(), lang);
      assert.equal(await page.evaluate(() => window.__ipcDouble.trayLanguage), lang, 'the tray menu starts in the same language');
      await setLanguage(page, 'fr');
      assert.equal(await heading(page), 'Démarrage');
      assert.equal(await page.evaluate(() => window.__ipcDouble.trayLanguage), 'fr', 'the tray menu follows a switch');
      await page.reload();
      await page.locator('html[lang="fr"]').waitFor();
      assert.equal(await page.getByTestId('language').inputValue(), 'fr');
      assert.deepEqual(page.problems, []);
    });
  }
});
