// The web page in a real browser (Debian's Chromium, headless) against a real
// provisiond and a slow file server on loopback.
//
//   node tests/web/page.test.mjs <path to provisiond> [artifacts dir]
//
// Screenshots go to the artifacts dir (default $TMPDIR/provisioner-web-test):
// failure.png when a step fails, final.png when all pass.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const provisiond = process.argv[2];
const artifacts = process.argv[3] || join(tmpdir(), 'provisioner-web-test');
assert.ok(provisiond && existsSync(provisiond), 'usage: node page.test.mjs <provisiond> [artifacts dir]');

const MiB = 1024 * 1024;
// Long enough (about a minute) that a busy machine cannot finish it before the cancel.
const slow = Buffer.alloc(64 * MiB, 7);
const small = Buffer.from('a small model file\n'.repeat(1000));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// -- a slow file server (~1 MiB/s) -------------------------------------------

function startFileServer() {
  const files = { '/slow.gguf': slow, '/small.gguf': small };
  const server = createServer((req, res) => {
    const body = files[req.url];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    if (body === small) {
      res.end(body);
      return;
    }
    const chunk = 64 * 1024;
    let offset = 0;
    const timer = setInterval(() => {
      res.write(body.subarray(offset, offset + chunk));
      offset += chunk;
      if (offset >= body.length) {
        clearInterval(timer);
        res.end();
      }
    }, 1000 / 16); // 16 chunks of 64 KiB a second
    res.on('close', () => clearInterval(timer));
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

// -- provisiond on a free port -------------------------------------------------

async function startDaemon(modelsDir, options = []) {
  const child = spawn(provisiond, ['--listen', '127.0.0.1:0', '--models-dir', modelsDir, ...options], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provisiond did not start:\n${log}`)), 10000);
    const onData = (data) => {
      log += data;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`provisiond exited (${code}):\n${log}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, log: () => log };
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map(String);
}

// -- the scenario --------------------------------------------------------------

async function scenario(page, base, fileServer, modelsDir) {
  const source = `http://127.0.0.1:${fileServer.address().port}`;
  const jobs = [];
  const server = async (path) => (await fetch(base + path)).json();

  await page.goto(base);
  await page.getByRole('heading', { name: 'Hive model provisioner' }).waitFor();
  await page.locator('#actors .actor-name', { hasText: 'job_router' }).waitFor();

  // Start a slow download from the form and watch its bar move.
  await page.getByLabel('Model reference').fill(`url:${source}/slow.gguf`);
  const created = page.waitForResponse((r) => r.url().endsWith('/v1/jobs') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Start download' }).click();
  const slowJob = (await (await created).json()).job_id;
  jobs.push(slowJob);
  const slowRow = page.locator(`tr[data-job-id="${slowJob}"]`);
  await slowRow.and(page.locator('[data-state="running"]')).waitFor();
  const percent = async () => Number.parseFloat(await slowRow.locator('.percent').textContent()) || 0;
  await page.waitForFunction(
    (id) => Number.parseFloat(document.querySelector(`tr[data-job-id="${id}"] .percent`).textContent) > 0, slowJob);
  const first = await percent();
  await page.waitForFunction(([id, before]) =>
    Number.parseFloat(document.querySelector(`tr[data-job-id="${id}"] .percent`).textContent) > before,
  [slowJob, first]);
  const second = await percent();
  assert.ok(second > first && second < 100, `the bar moves: ${first}% then ${second}%`);
  assert.match(await slowRow.locator('td').nth(5).textContent(), /B\/s \u00d71$/, 'a speed and one connection are shown');
  // The speed chart of the last minute is drawn beside it, by the page itself.
  const chart = slowRow.locator('svg.speed-chart');
  await chart.waitFor();
  await page.waitForFunction((id) => {
    const line = document.querySelector(`tr[data-job-id="${id}"] svg.speed-chart polyline`);
    return line && line.getAttribute('points').split(' ').length >= 2;
  }, slowJob);
  assert.match(await chart.getAttribute('aria-label'), /^Speed over the last minute, now .+B\/s$/);
  // Cap it from its row: the server's next events carry the cap.
  await slowRow.getByLabel(/^Rate cap of/).fill('512K');
  await slowRow.getByRole('button', { name: /^Set the rate cap/ }).click();
  await slowRow.locator('.note', { hasText: 'Cap 524.3 kB/s' }).waitFor();
  await slowRow.locator('td .rate', { hasText: '(cap 524.3 kB/s)' }).waitFor();
  assert.equal(await chart.locator('line.speed-cap').getAttribute('visibility'), 'visible', 'the cap is drawn');
  await slowRow.getByLabel(/^Rate cap of/).fill('fast');
  await slowRow.getByRole('button', { name: /^Set the rate cap/ }).click();
  await slowRow.locator('.note', { hasText: /^Cap not changed: .*invalid_field/ }).waitFor();
  assert.equal(await slowRow.locator('td').nth(1).textContent(), 'url', 'the vendor is shown');
  console.log(`progress moved from ${first}% to ${second}%`);
  await page.locator('#actors .actor-name', { hasText: 'url_vendor' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'running.png'), fullPage: true });

  // Cancel it: the server stops the transfer and removes the partial file.
  await slowRow.getByRole('button', { name: /^Cancel/ }).click();
  await slowRow.and(page.locator('[data-state="cancelled"]')).waitFor();
  await slowRow.locator('.note', { hasText: /^Cancelled$/ }).waitFor();
  assert.equal((await server(`/v1/jobs/${slowJob}`)).state, 'cancelled', 'the server says cancelled');
  const left = filesUnder(modelsDir).filter((f) => f.endsWith('.part') || f.includes('slow.gguf'));
  assert.deepEqual(left, [], 'no partial file remains');
  const stopped = await percent();
  await page.waitForTimeout(500);
  assert.equal(await percent(), stopped, 'the bar stops');

  // An invalid reference is refused next to the field.
  await page.getByLabel('Model reference').fill('no such vendor');
  await page.getByRole('button', { name: 'Start download' }).click();
  await page.locator('#model-error').getByText('invalid_model_ref').waitFor();
  assert.equal(await page.getByLabel('Model reference').getAttribute('aria-invalid'), 'true');
  // And a bad checksum next to its own field.
  await page.getByLabel('Model reference').fill(`url:${source}/small.gguf`);
  await page.getByLabel(/sha256/).fill('1234');
  await page.getByRole('button', { name: 'Start download' }).click();
  await page.locator('#sha256-error').getByText('invalid_field').waitFor();

  // A small download to the end, then a reload shows the history.
  await page.getByLabel(/sha256/).fill(sha256(small));
  const createdSmall = page.waitForResponse((r) => r.url().endsWith('/v1/jobs') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Start download' }).click();
  const smallJob = (await (await createdSmall).json()).job_id;
  jobs.push(smallJob);
  assert.equal(await page.locator('#model-error').textContent(), '', 'the error is cleared');
  await page.locator(`tr[data-job-id="${smallJob}"][data-state="completed"]`).waitFor();
  await page.reload();
  const smallRow = page.locator(`tr[data-job-id="${smallJob}"][data-state="completed"]`);
  await smallRow.waitFor();
  await smallRow.getByText('100.0%').waitFor();
  await page.waitForFunction((id) => document.querySelector(`tr[data-job-id="${id}"] td.latest`).textContent !== '', smallJob);
  await page.locator(`tr[data-job-id="${slowJob}"][data-state="cancelled"]`).waitFor();
  console.log(`after the reload: ${await smallRow.locator('td.latest').textContent()}`);

  // Delete the model through its button and the confirmation dialog.
  const modelRow = page.locator('tr[data-model-id="small"]');
  await modelRow.waitFor();
  const dialog = page.getByRole('dialog', { name: 'Delete model?' });
  // Escape keeps the model.
  await modelRow.getByRole('button', { name: 'Delete small' }).click();
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForTimeout(300);
  assert.equal((await fetch(`${base}/v1/models/small`)).status, 200, 'Escape deleted nothing');
  await modelRow.getByRole('button', { name: 'Delete small' }).click();
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await modelRow.waitFor({ state: 'detached' });
  const gone = await fetch(`${base}/v1/models/small`);
  assert.equal(gone.status, 404, 'the server no longer has the model');
  assert.ok(!existsSync(join(modelsDir, 'small')), 'its folder is gone');
  await page.locator('#status').getByText('Deleted small').waitFor();
}

// A daemon with an API token: the page asks for it once, then its requests
// and its event streams (read with fetch) carry it.
async function tokenScenario(page, base, fileServer) {
  const token = 'page-test-token-0123456789';
  let asked = 0;
  const answer = (dialog) => {
    asked += 1;
    dialog.accept(token);
  };
  page.on('dialog', answer);
  await page.goto(base);
  await page.locator('#actors .actor-name', { hasText: 'job_router' }).waitFor();
  assert.equal((await fetch(`${base}/v1/jobs`)).status, 401, 'the API wants the token');
  await page.getByLabel('Model reference').fill(`url:http://127.0.0.1:${fileServer.address().port}/small.gguf`);
  await page.getByRole('button', { name: 'Start download' }).click();
  const row = page.locator('tr[data-job-id][data-state="completed"]');
  await row.waitFor();
  await row.getByText('100.0%').waitFor();
  await page.waitForFunction(() => document.querySelector('tr[data-job-id] td.latest').textContent !== '');
  await page.locator('tr[data-model-id="small"]').waitFor();
  assert.equal(asked, 1, 'the token is asked for once');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('provisioner-api-token')), token);
  page.off('dialog', answer);
  console.log('with a token: asked once, the download streamed to its end');
}

// -- main ----------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'provisioner-web-'));
const modelsDir = join(work, 'models');
mkdirSync(artifacts, { recursive: true });
const fileServer = await startFileServer();
const daemon = await startDaemon(modelsDir);
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(15000);
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // The invalid submissions answer 400 on purpose, and the guarded daemon 401
  // until the page has its token; anything else is a fault.
  if (m.type() === 'error' && !/status of 40[01]/.test(m.text())) problems.push(`console error: ${m.text()}`);
});

let failed = false;
let guarded = null;
try {
  // Well inside ctest's limit, so that the cleanup below still runs.
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the scenarios took over 100 s')), 100000);
  });
  await Promise.race([scenario(page, daemon.url, fileServer, modelsDir), deadline]);
  const tokenFile = join(work, 'api.token');
  writeFileSync(tokenFile, 'page-test-token-0123456789\n', { mode: 0o600 });
  guarded = await startDaemon(join(work, 'guarded-models'), ['--api-token-file', tokenFile]);
  await Promise.race([tokenScenario(page, guarded.url, fileServer), deadline]);
  clearTimeout(timer);
  assert.deepEqual(problems, [], 'no script errors or policy violations');
  const shot = join(artifacts, 'final.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`web page test passed; final screenshot: ${shot}`);
} catch (e) {
  failed = true;
  const shot = join(artifacts, 'failure.png');
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  console.error(`web page test FAILED: ${e.stack || e}`);
  if (problems.length) console.error(problems.join('\n'));
  console.error(`screenshot: ${shot}\nprovisiond's log:\n${daemon.log()}`);
} finally {
  await context.close();
  daemon.child.kill('SIGTERM');
  if (guarded) guarded.child.kill('SIGTERM');
  fileServer.closeAllConnections();
  fileServer.close();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
