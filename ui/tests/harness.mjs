// What the browser specs share: a static server for the built UI (ui/dist) on 127.0.0.1, Debian's Chromium
// driven by playwright-core, and the IPC double (tests/ipc-double.ts) bundled and installed before the page
// loads. It deliberately knows no screen: the specs do.
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';

import { chromium } from 'playwright-core';
import { build } from 'vite';

export const UI_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST_DIR = join(UI_DIR, 'dist');
export const SCREENSHOT_DIR = resolve(UI_DIR, '..', 'docs', 'screenshots');

const CHROMIUM = process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Serves ui/dist on a free loopback port; resolves to `{ url, close }`. */
export async function serveDist() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/favicon.ico') {
      // Browsers ask for it; the app window never does.
      response.writeHead(204).end();
      return;
    }
    const file = normalize(join(DIST_DIR, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST_DIR + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) };
}

/** The IPC double as one classic script, so it runs before the app's module script. */
export async function bundleIpcDouble() {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: UI_DIR,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: join(UI_DIR, 'tests', 'ipc-double.ts'), formats: ['iife'], name: 'DocketIpcDouble', fileName: 'ipc-double' },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  for (const result of results) {
    for (const chunk of result.output ?? []) {
      if (chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('bundling tests/ipc-double.ts produced no script');
}

export async function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Opens the built UI in a fresh context with the double installed; `scenario` changes what the double's
 * machine is like (e.g. `{ keychainPersistent: false }`). `locale` is the browser's language (English unless
 * a spec asks for another: the UI follows it). Browser console errors and page errors are collected in
 * `page.problems` so a spec can assert there were none.
 */
export async function openApp(browser, url, doubleScript, scenario = {}, { locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 }, timezoneId: 'Europe/Brussels', locale });
  await context.addInitScript({ content: `window.__ipcDoubleScenario = ${JSON.stringify(scenario)};` });
  await context.addInitScript({ content: doubleScript });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(url);
  return page;
}

export function screenshotPath(name) {
  return join(SCREENSHOT_DIR, `${name}.png`);
}

/**
 * One spec file's browser, static server and IPC double, started before its tests and closed after them:
 * read them as `suite.browser`, `suite.server` and `suite.doubleScript` inside the tests. With `screenshots`,
 * the screenshot folder is made first.
 */
export function browserSuite({ screenshots = false } = {}) {
  const suite = { server: undefined, browser: undefined, doubleScript: undefined };
  before(async () => {
    if (screenshots) await mkdir(SCREENSHOT_DIR, { recursive: true });
    [suite.server, suite.browser, suite.doubleScript] = await Promise.all([serveDist(), launchChromium(), bundleIpcDouble()]);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
