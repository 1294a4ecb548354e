// Browser spec of the dashboard's "Keep running scheduled imports when Docket is closed", with the shell
// replaced by tests/ipc-double.ts: the panel reads the timer's status, turning it on calls background_enable
// and shows the next check and the core's advice, turning it off calls background_disable.
import assert from 'node:assert/strict';

import { describe, it } from 'node:test';

import { SCREENSHOT_DIR, openApp, browserSuite } from './harness.mjs';

const suite = browserSuite({ screenshots: true });

const PAST_RUN = {
  run_id: 1,
  started_at: '2026-11-22T09:00:00+00:00',
  finished_at: '2026-11-22T09:02:00+00:00',
  source: 'whatsapp:/exports/sales-team.zip',
  target: 'dir:/home/admin/archive',
  status: 'finished',
  summary: { run_id: 1, fetched: 3, delivered: 3, already_present: 0, skipped: {}, failed: {}, deliveries: 3, drafts: 0, targets: {}, cancelled: false, warnings: [] },
};

describe('keep running scheduled imports when Docket is closed', () => {
  it('shows the timer off, turns it on through background_enable with its next check and advice, and off again', async () => {
    const page = await openApp(suite.browser, suite.server.url, suite.doubleScript, { pastRuns: [PAST_RUN] });
    const panel = page.getByTestId('keep-running');
    const toggle = page.getByTestId('keep-running-toggle');
    const state = page.getByTestId('keep-running-state');
    await state.waitFor();
    assert.match(await state.innerText(), /^Off: scheduled imports run only while Docket is open/);
    assert.equal(await toggle.isChecked(), false);

    await toggle.check();
    await page.getByText('Next check: Mon 2026-12-07 10:15:00 UTC').waitFor();
    assert.match(await state.innerText(), /^On: every 15 minutes/);
    assert.match(await page.getByTestId('keep-running-advice').innerText(), /lingering is off/i);
    await panel.screenshot({ path: `${SCREENSHOT_DIR}/dashboard-keep-running.png` });

    await toggle.uncheck();
    await page.getByText('Off: scheduled imports run only while Docket is open or in the tray.').waitFor();
    const calls = await page.evaluate(() => window.__ipcDouble.calls.map((c) => c.cmd).filter((c) => c.startsWith('background_')));
    assert.deepEqual(calls, ['background_status', 'background_enable', 'background_disable']);
    assert.deepEqual(page.problems, []);
  });
});
