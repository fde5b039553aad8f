// The provisioner's page: jobs live over Server-Sent Events (read with fetch,
// which can carry the API token), the model catalog, the actor tree. Plain
// DOM, no framework, nothing loaded from elsewhere.
'use strict';

// Browsers open at most 6 HTTP/1.1 connections per host and every event stream
// holds one: a few streams at once leave room for the page's other requests.
// Jobs waiting for a stream show what the job list says until one frees up.
const MAX_STREAMS = 4;
// Finished jobs replay their history only to show their last narration line.
const MAX_REPLAYED_FINISHED = 30;
const JOB_LIST_INTERVAL_MS = 3000;
const MODELS_INTERVAL_MS = 10000;
const ACTORS_INTERVAL_MS = 2000;
const FINISHED = new Set(['completed', 'failed', 'cancelled']);
// The speed chart beside a running job's bar: the last minute, in a small box.
const CHART_WINDOW_MS = 60000;
const CHART_WIDTH = 120;
const CHART_HEIGHT = 28;
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  node.append(...children);
  return node;
}

function announce(text) {
  $('#status').textContent = text;
}

// -- formatting ---------------------------------------------------------------

function formatBytes(n) {
  if (n === undefined || n === null || n < 0) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let value = n;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i += 1;
  }
  return i === 0 ? `${value} B` : `${value.toFixed(1)} ${units[i]}`;
}

function formatDuration(secs) {
  if (secs === undefined || secs === null || secs < 0) return '—';
  if (secs < 60) return `${Math.round(secs)} s`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ${Math.round(secs % 60)} s`;
  return `${Math.floor(secs / 3600)} h ${Math.floor((secs % 3600) / 60)} min`;
}

function formatValue(key, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' && key.endsWith('_ms')) {
    return key.includes('uptime') || key.includes('age') ? formatDuration(value / 1000) : `${value} ms`;
  }
  if (typeof value === 'number' && key.endsWith('bytes')) return formatBytes(value);
  return String(value);
}

// -- API ----------------------------------------------------------------------

// A daemon started with --api-token-file wants `Authorization: Bearer` on every
// /v1/ request. The page asks once and keeps the token in sessionStorage: this
// tab only, gone when it closes, and never attached by the browser on its own
// (as a cookie would be), so another site's page cannot make the browser use it.
const TOKEN_KEY = 'provisioner-api-token';
let tokenQuestion = null;
let tokenDeclined = false;

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * After a 401 to a request sent with `sentToken`: true when another token is
 * there to retry with, asking for it once however many requests were refused
 * together.
 */
function tokenAfterRefusal(sentToken) {
  const current = sessionStorage.getItem(TOKEN_KEY);
  if (current && current !== sentToken) return Promise.resolve(true);
  if (tokenDeclined) return Promise.resolve(false);
  if (!tokenQuestion) {
    tokenQuestion = new Promise((resolve) => {
      setTimeout(() => {
        const token = (window.prompt('This provisioner needs its API token (see --api-token-file):') || '').trim();
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        else {
          tokenDeclined = true;
          announce('The provisioner needs its API token: reload the page to enter it.');
        }
        tokenQuestion = null;
        resolve(Boolean(token));
      });
    });
  }
  return tokenQuestion;
}

async function api(method, path, body, retried = false) {
  const sentToken = sessionStorage.getItem(TOKEN_KEY);
  const init = { method, headers: authHeaders() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 && !retried && await tokenAfterRefusal(sentToken)) return api(method, path, body, true);
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  return { status: response.status, ok: response.ok, json };
}

/**
 * Reads a Server-Sent Events stream with fetch, which, unlike EventSource, can
 * send the API token. Like EventSource it resumes after the last event id when
 * the connection drops; when the server refuses the stream it stops and calls
 * `onRefused`. Returns `{ close }`.
 */
function eventStream(url, onEvent, onRefused) {
  const controller = new AbortController();
  let closed = false;
  let lastId = '';
  const dispatch = (lines) => {
    const event = { id: null, name: 'message', data: [] };
    for (const line of lines) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') event.id = value;
      else if (field === 'event') event.name = value;
      else if (field === 'data') event.data.push(value);
    }
    if (event.id !== null) lastId = event.id;
    if (event.data.length && !closed) onEvent(event.name, event.data.join('\n'));
  };
  let sentToken = null;
  const read = async () => {
    sentToken = sessionStorage.getItem(TOKEN_KEY);
    const headers = { Accept: 'text/event-stream', ...authHeaders() };
    if (lastId) headers['Last-Event-ID'] = lastId;
    const response = await fetch(url, { headers, cache: 'no-store', signal: controller.signal });
    if (!response.ok) return response.status;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    let lines = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 0;
      pending += value;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        if (line) lines.push(line);
        else {
          dispatch(lines);
          lines = [];
        }
      }
    }
  };
  (async () => {
    while (!closed) {
      let refused = 0;
      try {
        refused = await read();
      } catch {
        refused = 0; // a dropped connection, or our own close
      }
      if (closed) return;
      if (refused === 401 && await tokenAfterRefusal(sentToken)) continue;
      if (refused) {
        closed = true;
        onRefused();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  })();
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}

function errorText(reply) {
  const error = reply.json && reply.json.error;
  return error ? `${error.message} (${error.code})` : `HTTP ${reply.status}`;
}

// -- jobs ---------------------------------------------------------------------

/** job id -> { summary, progress, latest, row: {...cells}, stream, replayed } */
const jobs = new Map();
let openStreams = 0;

function jobRow(id) {
  const cells = {
    model: el('td', { class: 'model' }),
    vendor: el('td'),
    state: el('td', {}, el('span', { class: 'state' })),
    progress: el('td', { class: 'num' }),
    bytes: el('td', { class: 'num' }),
    speed: el('td', { class: 'num' }),
    eta: el('td', { class: 'num' }),
    latest: el('td', { class: 'latest' }),
    outcome: el('td', { class: 'outcome' }),
  };
  cells.bar = el('progress', { max: 100 });
  cells.percent = el('span', { class: 'percent' });
  cells.progress.append(cells.bar, ' ', cells.percent);
  cells.rate = el('span', { class: 'rate' });
  cells.chart = speedChart();
  cells.speed.append(cells.chart.svg, ' ', cells.rate);
  cells.cancel = el('button', { type: 'button', text: 'Cancel' });
  cells.note = el('span', { class: 'note' });
  cells.capInput = el('input', { type: 'text', class: 'cap', placeholder: 'e.g. 10M', size: 7 });
  cells.capButton = el('button', { type: 'submit', class: 'set-cap', text: 'Set cap' });
  cells.capForm = el('form', { class: 'cap-form' }, cells.capInput, ' ', cells.capButton);
  cells.outcome.append(cells.cancel, ' ', cells.capForm, ' ', cells.note);
  cells.cancel.addEventListener('click', () => cancelJob(id));
  cells.capForm.addEventListener('submit', (event) => {
    event.preventDefault();
    changeCap(id);
  });
  cells.tr = el('tr', { 'data-job-id': id }, cells.model, cells.vendor, cells.state, cells.progress,
    cells.bytes, cells.speed, cells.eta, cells.latest, cells.outcome);
  return cells;
}

function renderJob(job) {
  const { summary, progress, row } = job;
  const state = summary.state;
  row.tr.dataset.state = state;
  row.model.textContent = summary.operation === 'model_download'
    ? summary.model : `${summary.operation} ${summary.model}`;
  if (summary.hive_id) row.model.append(' ', el('span', { class: 'hint', text: `on ${summary.hive_id}` }));
  row.vendor.textContent = summary.vendor || '—';
  const badge = row.state.firstChild;
  badge.textContent = state;
  badge.className = `state state-${state}`;
  if (summary.error && state === 'failed') badge.title = `${summary.error.code}: ${summary.error.message}`;

  const bytes = progress ? progress.bytes : summary.bytes;
  const total = progress ? progress.total : summary.total;
  let percent = null;
  if (state === 'completed') percent = 100;
  else if (total > 0) percent = (100 * bytes) / total;
  if (percent === null) {
    row.bar.removeAttribute('value');
    row.percent.textContent = '';
  } else {
    row.bar.value = percent;
    row.percent.textContent = `${percent.toFixed(1)}%`;
  }
  row.bar.setAttribute('aria-label', `Progress of ${summary.model}`);
  row.bytes.textContent = total > 0 ? `${formatBytes(bytes)} / ${formatBytes(total)}` : formatBytes(bytes);
  const live = state === 'running' && progress;
  row.rate.textContent = live ? rateText(progress) : '—';
  row.chart.svg.classList.toggle('idle', !live);
  if (live) drawSpeedChart(row.chart, job.speeds, progress.max_rate);
  row.eta.textContent = live ? formatDuration(progress.eta_secs) : '—';
  row.latest.textContent = job.latest || (summary.error ? summary.error.message : '');
  const cancellable = !FINISHED.has(state);
  row.cancel.hidden = !cancellable;
  row.cancel.setAttribute('aria-label', `Cancel ${summary.model}`);
  row.capForm.hidden = !cancellable || summary.operation !== 'model_download';
  row.capInput.setAttribute('aria-label', `Rate cap of ${summary.model} (bytes per second, e.g. 10M; empty for none)`);
  row.capButton.setAttribute('aria-label', `Set the rate cap of ${summary.model}`);
}

function addJob(summary) {
  const job = {
    summary, progress: null, speeds: [], latest: '', row: jobRow(summary.job_id), stream: null, replayed: false,
  };
  jobs.set(summary.job_id, job);
  // Newest first.
  $('#jobs tbody').prepend(job.row.tr);
  $('#jobs-empty').hidden = true;
  $('#jobs').hidden = false;
  renderJob(job);
  return job;
}

function finishFromEnd(job, data) {
  if (data === '[DONE]') job.summary.state = 'completed';
  else if (data === '[CANCELLED]') job.summary.state = 'cancelled';
  else {
    job.summary.state = 'failed';
    job.latest = data.replace(/^\[ERROR\] /, '');
  }
}

function openStream(job) {
  const id = job.summary.job_id;
  const wasFinished = FINISHED.has(job.summary.state);
  let source = null;
  const close = () => {
    if (job.stream !== source) return;
    source.close();
    job.stream = null;
    openStreams -= 1;
    // Without a stream, the job list's figures are the newest.
    if (!FINISHED.has(job.summary.state)) job.progress = null;
    pumpStreams();
  };
  const onEvent = (name, data) => {
    if (name === 'progress') {
      job.progress = JSON.parse(data);
      recordSpeed(job.speeds, job.progress.bytes_per_sec);
      if (job.summary.state === 'queued') job.summary.state = 'running';
      renderJob(job);
    } else if (name === 'narration') {
      job.latest = JSON.parse(data).human;
      renderJob(job);
    } else if (name === 'end') {
      finishFromEnd(job, data);
      renderJob(job);
      close();
      if (!wasFinished) {
        announce(`${job.summary.model}: ${job.summary.state}`);
        if (job.summary.state === 'completed') refreshModels();
      }
    }
  };
  // A dropped connection resumes by itself; a refusal (a job the server no
  // longer knows) ends the stream.
  source = eventStream(`/v1/jobs/${encodeURIComponent(id)}/stream`, onEvent, close);
  job.stream = source;
  job.replayed = true;
  openStreams += 1;
}

/** Opens streams for jobs without one: running first, then queued, then history. */
function pumpStreams() {
  const rank = { running: 0, queued: 1 };
  const waiting = [...jobs.values()]
    .filter((job) => !job.stream && !job.replayed)
    .sort((a, b) => (rank[a.summary.state] ?? 2) - (rank[b.summary.state] ?? 2)
      || b.summary.created_ms - a.summary.created_ms);
  for (const job of waiting) {
    if (openStreams >= MAX_STREAMS) return;
    openStream(job);
  }
}

// -- hives ----------------------------------------------------------------------

let lastHives = '';

function hiveRow(hive, own) {
  const seen = hive.hive_id === own ? 'now' : hive.last_seen_ms
    ? `${formatDuration(Math.max(0, (Date.now() - hive.last_seen_ms) / 1000))} ago` : 'never';
  return el('tr', { 'data-hive-id': hive.hive_id, 'data-state': hive.state },
    el('td', { class: 'model', text: hive.hive_id === own ? `${hive.hive_id} (this hive)` : hive.hive_id }),
    el('td', {}, el('span', { class: 'state', text: hive.state })),
    el('td', { text: hive.api_url || '—' }),
    el('td', { class: 'num', text: String(hive.jobs_running) }),
    el('td', { class: 'num', text: String((hive.models || []).length), title: (hive.models || []).join(', ') }),
    el('td', { class: 'num', text: seen }));
}

async function refreshHives() {
  let reply;
  try {
    reply = await api('GET', '/v1/cluster');
  } catch {
    return;
  }
  if (!reply.ok) return;
  const text = JSON.stringify(reply.json);
  if (text === lastHives) return;
  lastHives = text;
  $('#hives tbody').replaceChildren(...reply.json.hives.map((h) => hiveRow(h, reply.json.hive_id)));
}

async function refreshJobs() {
  refreshHives();
  let reply;
  try {
    reply = await api('GET', '/v1/jobs');
  } catch {
    announce('The provisioner does not answer; retrying…');
    return;
  }
  if (!reply.ok) return;
  const list = reply.json.jobs;
  const finishedSeen = list.filter((s) => FINISHED.has(s.state)).length;
  let finishedIndex = 0;
  for (const summary of list) {
    let job = jobs.get(summary.job_id);
    const finished = FINISHED.has(summary.state);
    if (!job) {
      job = addJob(summary);
      // History beyond the newest finished jobs needs no replay: the list says it all.
      if (finished && finishedSeen - finishedIndex > MAX_REPLAYED_FINISHED) job.replayed = true;
    } else if (!FINISHED.has(job.summary.state)) {
      // The state (queued to running) and, for a job still waiting for a
      // stream, the bytes so far; the end event stays authoritative.
      job.summary = { ...job.summary, ...summary };
      renderJob(job);
    }
    if (finished) finishedIndex += 1;
  }
  // Jobs the server no longer lists (it restarted, or dropped old history).
  const listed = new Set(list.map((summary) => summary.job_id));
  for (const [id, job] of jobs) {
    if (listed.has(id)) continue;
    if (job.stream) {
      job.stream.close();
      openStreams -= 1;
    }
    job.row.tr.remove();
    jobs.delete(id);
  }
  if (jobs.size === 0) {
    $('#jobs-empty').hidden = false;
    $('#jobs').hidden = true;
  }
  pumpStreams();
}

async function cancelJob(id) {
  const job = jobs.get(id);
  job.row.cancel.disabled = true;
  job.row.note.textContent = 'Cancelling…';
  let reply;
  try {
    reply = await api('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  } catch {
    reply = { status: 0, ok: false, json: null };
  }
  job.row.cancel.disabled = false;
  if (reply.ok || reply.status === 409) {
    const state = reply.json.status;
    job.summary.state = state;
    job.row.note.textContent = reply.ok ? 'Cancelled' : `Already ${state}`;
    announce(`${job.summary.model}: ${reply.ok ? 'cancelled' : `already ${state}`}`);
  } else {
    const text = reply.status === 0 ? 'The provisioner does not answer' : errorText(reply);
    job.row.note.textContent = `Cancel failed: ${text}`;
    announce(`Cancel failed: ${text}`);
  }
  renderJob(job);
}

// -- speed, connections and the rate cap -----------------------------------------

function rateText(progress) {
  let text = `${formatBytes(progress.bytes_per_sec)}/s`;
  if (progress.connections > 0) text += ` \u00d7${progress.connections}`;
  if (progress.max_rate > 0) text += ` (cap ${formatBytes(progress.max_rate)}/s)`;
  return text;
}

/** Keeps a minute of (time, bytes per second) samples. */
function recordSpeed(speeds, rate) {
  const now = Date.now();
  speeds.push({ at: now, rate });
  while (speeds.length && speeds[0].at < now - CHART_WINDOW_MS) speeds.shift();
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

function speedChart() {
  const area = svg('polygon', { class: 'speed-area' });
  const line = svg('polyline', { class: 'speed-line' });
  const cap = svg('line', { class: 'speed-cap', x1: 0, x2: CHART_WIDTH });
  const root = svg('svg', {
    class: 'speed-chart', width: CHART_WIDTH, height: CHART_HEIGHT, viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
    role: 'img', 'aria-label': 'Speed over the last minute',
  });
  root.append(area, line, cap);
  return { svg: root, area, line, cap };
}

/** Redraws the chart: time runs left to right over the last minute, the cap (if any) is a dashed line. */
function drawSpeedChart(chart, speeds, cap) {
  const now = Date.now();
  const top = Math.max(1, cap || 0, ...speeds.map((s) => s.rate)) * 1.1;
  const x = (at) => (CHART_WIDTH * (at - (now - CHART_WINDOW_MS))) / CHART_WINDOW_MS;
  const y = (rate) => CHART_HEIGHT - (CHART_HEIGHT * rate) / top;
  const points = speeds.map((s) => `${x(s.at).toFixed(1)},${y(s.rate).toFixed(1)}`).join(' ');
  chart.line.setAttribute('points', points);
  chart.area.setAttribute('points', speeds.length
    ? `${x(speeds[0].at).toFixed(1)},${CHART_HEIGHT} ${points} ${x(speeds[speeds.length - 1].at).toFixed(1)},${CHART_HEIGHT}`
    : '');
  chart.cap.setAttribute('visibility', cap > 0 ? 'visible' : 'hidden');
  chart.cap.setAttribute('y1', y(cap || 0).toFixed(1));
  chart.cap.setAttribute('y2', y(cap || 0).toFixed(1));
  const last = speeds.length ? speeds[speeds.length - 1].rate : 0;
  chart.svg.setAttribute('aria-label', `Speed over the last minute, now ${formatBytes(last)}/s`);
}

async function changeCap(id) {
  const job = jobs.get(id);
  const text = job.row.capInput.value.trim();
  job.row.capButton.disabled = true;
  let reply;
  try {
    reply = await api('PATCH', `/v1/jobs/${encodeURIComponent(id)}`, { max_rate: text === '' ? null : text });
  } catch {
    reply = { status: 0, ok: false, json: null };
  }
  job.row.capButton.disabled = false;
  if (reply.ok) {
    const own = reply.json.max_rate;
    job.row.note.textContent = own > 0 ? `Cap ${formatBytes(own)}/s` : 'No cap of its own';
    job.row.capInput.removeAttribute('aria-invalid');
    announce(`${job.summary.model}: ${own > 0 ? `capped at ${formatBytes(own)}/s` : 'cap removed'}`);
  } else {
    const why = reply.status === 0 ? 'The provisioner does not answer' : errorText(reply);
    job.row.note.textContent = `Cap not changed: ${why}`;
    job.row.capInput.setAttribute('aria-invalid', 'true');
    announce(`Cap not changed: ${why}`);
  }
}

// -- the download form --------------------------------------------------------

function showFieldError(field, text) {
  const input = $(`#${field}`);
  $(`#${field}-error`).textContent = text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

async function startDownload(event) {
  event.preventDefault();
  const form = event.target;
  const model = form.model.value.trim();
  const sha256 = form.sha256.value.trim();
  showFieldError('model', '');
  showFieldError('sha256', '');
  if (!model) {
    showFieldError('model', 'Enter a model reference.');
    form.model.focus();
    return;
  }
  const body = { operation: 'model_download', model };
  if (sha256) body.sha256 = sha256;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  let reply;
  try {
    reply = await api('POST', '/v1/jobs', body);
  } catch {
    reply = { status: 0, ok: false, json: null };
  } finally {
    button.disabled = false;
  }
  if (reply.ok) {
    announce(`Started ${model} as ${reply.json.job_id}`);
    form.reset();
    await refreshJobs();
    return;
  }
  const text = reply.status === 0 ? 'The provisioner does not answer.' : errorText(reply);
  const message = reply.json && reply.json.error ? reply.json.error.message : '';
  const field = /sha256/i.test(message) ? 'sha256' : 'model';
  showFieldError(field, text);
  form[field].focus();
}

// -- models -------------------------------------------------------------------

let deleting = null;
let lastModels = '';

function modelRow(model) {
  const files = el('ul', { class: 'files' },
    ...(model.files || []).map((f) => el('li', { text: `${f.path || f.name} (${formatBytes(f.size)})` })));
  const remove = el('button', { type: 'button', class: 'danger', text: 'Delete', 'aria-label': `Delete ${model.id}` });
  remove.addEventListener('click', () => confirmDelete(model.id));
  return el('tr', { 'data-model-id': model.id },
    el('td', { class: 'model', text: model.name && model.name !== model.id ? `${model.id} (${model.name})` : model.id }),
    el('td', { text: model.vendor || '—' }),
    el('td', { class: 'num', text: formatBytes(model.total_size) }),
    el('td', {}, files),
    el('td', { class: 'num', text: model.added_at || '—' }),
    el('td', {}, remove));
}

async function refreshModels() {
  let reply;
  try {
    reply = await api('GET', '/v1/models');
  } catch {
    return;
  }
  if (!reply.ok) return;
  const models = reply.json.models;
  // Unchanged: keep the rows, and with them the keyboard focus on a button.
  const text = JSON.stringify(models);
  if (text === lastModels) return;
  lastModels = text;
  $('#models tbody').replaceChildren(...models.map(modelRow));
  $('#models-empty').hidden = models.length > 0;
  $('#models').hidden = models.length === 0;
}

function confirmDelete(id) {
  deleting = id;
  $('#confirm-delete-name').textContent = id;
  const dialog = $('#confirm-delete');
  // Escape closes a dialog without touching returnValue: clear the last answer.
  dialog.returnValue = '';
  dialog.showModal();
}

async function onDeleteDialogClose() {
  const dialog = $('#confirm-delete');
  const id = deleting;
  deleting = null;
  if (dialog.returnValue !== 'delete' || !id) return;
  let reply;
  try {
    reply = await api('DELETE', `/v1/models/${encodeURIComponent(id)}`);
  } catch {
    reply = { status: 0, ok: false, json: null };
  }
  announce(reply.ok ? `Deleted ${id}` : `Could not delete ${id}: ${errorText(reply)}`);
  await refreshModels();
}

// -- actors -------------------------------------------------------------------

// Shown as the headline; `parent` is shown by the nesting (or, for an actor
// whose parent is not listed, as a field).
const ACTOR_HEADLINE = new Set(['id', 'name']);
let lastActors = '';

function actorItem(actor, children, ids) {
  const nested = (key) => key === 'parent' && (!actor.parent || ids.has(actor.parent));
  const fields = Object.entries(actor)
    .filter(([key, value]) => !ACTOR_HEADLINE.has(key) && !nested(key) && value !== '' && value !== null)
    .map(([key, value]) => el('span', { class: 'actor-field' }, `${key} `, el('b', { text: formatValue(key, value) })));
  const item = el('li', { 'data-actor-id': String(actor.id) },
    el('span', { class: 'actor-name', text: actor.name || actor.kind || 'actor' }),
    el('span', { class: 'actor-field' }, '#', el('b', { text: String(actor.id) })), ...fields);
  const kids = children.get(actor.id) || [];
  if (kids.length) item.append(el('ul', {}, ...kids.map((kid) => actorItem(kid, children, ids))));
  return item;
}

async function refreshActors() {
  if (document.hidden) return;
  let reply;
  try {
    reply = await api('GET', '/v1/actors');
  } catch {
    return;
  }
  if (!reply.ok) return;
  const text = JSON.stringify(reply.json.actors);
  if (text === lastActors) return;
  lastActors = text;
  const actors = reply.json.actors;
  const ids = new Set(actors.map((a) => a.id));
  const children = new Map();
  const roots = [];
  for (const actor of actors) {
    if (actor.parent && ids.has(actor.parent) && actor.parent !== actor.id) {
      if (!children.has(actor.parent)) children.set(actor.parent, []);
      children.get(actor.parent).push(actor);
    } else {
      roots.push(actor);
    }
  }
  $('#actors').replaceChildren(el('ul', { 'aria-label': 'Actor tree' }, ...roots.map((a) => actorItem(a, children, ids))));
}

// -- start ----------------------------------------------------------------------

function start() {
  $('#download-form').addEventListener('submit', startDownload);
  $('#confirm-delete').addEventListener('close', onDeleteDialogClose);
  refreshJobs();
  refreshModels();
  refreshActors();
  // The list only discovers jobs started elsewhere; progress comes from the streams.
  setInterval(refreshJobs, JOB_LIST_INTERVAL_MS);
  setInterval(refreshModels, MODELS_INTERVAL_MS);
  setInterval(refreshActors, ACTORS_INTERVAL_MS);
}

start();
