// The wizard by keyboard alone: Tab, Shift+Tab, Enter and Space (and typing into fields, an arrow key in the one
// select), never a click. Every stop of the focus must show the focus ring, every step of the default path
// must be reachable in order and again from the step list, and Finish must start the import.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { openApp, browserSuite } from './harness.mjs';
import { CLIENT, CLIENT_SECRET, TENANT } from './walk.mjs';

const suite = browserSuite();

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector` (and has the text `text`), checking
 * at every stop that the focus is visible: an outline ring at least 2 px wide.
 */
async function tabTo(page, selector, { text, back = false } = {}) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const stop = await page.evaluate(
      ({ selector, text }) => {
        const el = document.activeElement;
        if (!el || el === document.body) return { match: false, visible: true, what: 'body' };
        const style = getComputedStyle(el);
        const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        // The text a reader hears: what aria-hidden marks (a step's number or tick) is left out.
        const copy = el.cloneNode(true);
        for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
        const said = copy.textContent.replace(/\s+/g, ' ').trim();
        const match = el.matches(selector) && (text === undefined || said === text);
        return { match, visible, what: `${el.outerHTML.slice(0, 120)} (outline ${style.outlineStyle} ${style.outlineWidth})` };
      },
      { selector, text },
    );
    assert.ok(stop.visible, `the focus is visible on ${stop.what} (on the way to ${selector} ${text ?? ""}, press ${i + 1})`);
    if (stop.match) return;
  }
  throw new Error(`Tab never reached ${selector}${text ? ` “${text}”` : ''}`);
}

async function step(page) {
  return page.locator('section.step').getAttribute('data-step');
}

/** Tabs to Next and presses Enter; the new step's heading takes the focus. */
async function next(page, expected) {
  await tabTo(page, '.wizard-nav button.primary', { text: 'Next' });
  await page.keyboard.press('Enter');
  await page.locator(`section[data-step="${expected}"]`).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-heading');
}

describe('the wizard by keyboard only', () => {
  it('reaches every step with Tab, Shift+Tab, Enter and Space, with the focus always visible, and finishes', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript);

    // Start: the keychain check passes.
    await page.getByTestId('keychain-ok').waitFor();
    await next(page, 'connector');

    // Connector: Space picks WhatsApp and ticks each prerequisite.
    await tabTo(page, 'input[name=connector][value=whatsapp]');
    await page.keyboard.press('Space');
    const boxes = await page.locator('.checklist input[type=checkbox]').count();
    for (let i = 0; i < boxes; i += 1) {
      await tabTo(page, '.checklist input[type=checkbox]:not(:checked)');
      await page.keyboard.press('Space');
    }
    await next(page, 'entra');

    // Entra ID app: typed IDs, the secret stored and the app checked with Enter.
    await tabTo(page, '#tenant-id');
    await page.keyboard.type(TENANT);
    await tabTo(page, '#client-id');
    await page.keyboard.type(CLIENT);
    await tabTo(page, '#secret-azure_client_secret');
    await page.keyboard.type(CLIENT_SECRET);
    await tabTo(page, 'button', { text: 'Store' });
    await page.keyboard.press('Enter');
    await page.getByTestId('azure_client_secret-stored').waitFor();
    await tabTo(page, 'button', { text: 'Check' });
    await page.keyboard.press('Enter');
    await page.getByTestId('entra-ok').waitFor();
    await next(page, 'source');

    // Source: the preview asks for the date order; Shift+Tab goes back to it.
    await tabTo(page, '#export-path');
    await page.keyboard.type('/exports/sales-team.zip');
    await tabTo(page, 'button', { text: 'Preview' });
    await page.keyboard.press('Enter');
    await page.locator('#date-order').waitFor();
    await tabTo(page, '#date-order', { back: true });
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#date-order').inputValue(), 'dmy');
    await tabTo(page, 'button', { text: 'Preview' });
    await page.keyboard.press('Enter');
    await page.getByTestId('preview-table').waitFor();
    await next(page, 'storage');

    // Delivery: the mailboxes through Graph, as chosen by default.
    await next(page, 'mapping');

    // User mapping: a CSV typed and checked.
    await tabTo(page, '#mapping-csv');
    await page.keyboard.type('/maps/people.csv');
    await tabTo(page, 'button', { text: 'Check' });
    await page.keyboard.press('Enter');
    await page.getByTestId('mapping-ok').waitFor();
    await next(page, 'consent');

    // Admin consent: confirmed with Space.
    await tabTo(page, 'button', { text: 'I have granted consent already' });
    await page.keyboard.press('Space');
    await page.locator('[data-testid=app-consent-result][data-status=granted]').waitFor();
    await next(page, 'review');

    // Every step is reachable again from the step list: Shift+Tab back to Source, then Next through to Review.
    await tabTo(page, '.step-link', { text: 'Source', back: true });
    await page.keyboard.press('Enter');
    await page.locator('section[data-step="source"]').waitFor();
    for (const expected of ['storage', 'mapping', 'consent', 'review']) await next(page, expected);
    assert.equal(await step(page), 'review');

    // Finish with Enter: the dashboard follows the import.
    await tabTo(page, '.wizard-nav button.primary', { text: 'Finish and import' });
    await page.keyboard.press('Enter');
    await page.getByTestId('live-import').waitFor();
    assert.deepEqual(page.problems, []);
  });
});
