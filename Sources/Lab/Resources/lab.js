// The Parser Lab's page: plain JavaScript, no framework, nothing from the
// network but this server's /api/. Every view reads the JSON API; every
// action is a POST carrying the page's token (X-Casparian-Lab).
'use strict';

const TOKEN = document.querySelector('meta[name="casparian-lab-token"]').content;
const main = document.getElementById('main');
let overview = { plugins: [], scopes: [] };
let timers = [];

// ---- small helpers -------------------------------------------------------

/** An element: h('tr', {class: 'x', onclick: f}, child, 'text', …); children may be nested arrays, at any depth. */
function h(tag, attrs, ...children) {
  const el = tag === 'svg' || attrs && attrs.svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false || k === 'svg') continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const svg = (tag, attrs, ...children) => h(tag, Object.assign({ svg: true }, attrs), ...children);

function setStatus(message, kind) {
  const s = document.getElementById('status');
  s.textContent = message || '';
  s.className = kind || '';
}

class APIError extends Error {}

async function answer(response) {
  let body;
  try { body = await response.json(); } catch (e) { throw new APIError(`HTTP ${response.status}: the answer is not JSON`); }
  if (!response.ok) throw new APIError(body.error + (body.hint ? ` — ${body.hint}` : ''));
  return body;
}

async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const qs = q.toString();
  return answer(await fetch(path + (qs ? '?' + qs : ''), { headers: { Accept: 'application/json' } }));
}

async function post(path, body) {
  return answer(await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Casparian-Lab': TOKEN },
    body: JSON.stringify(body || {}),
  }));
}

/**
 * Runs an action, showing its error in the status line instead of throwing. Every request a handler or
 * timer starts goes through here (or a catch): Firefox rejects the requests still in flight when the
 * page is left (a job being polled, a list being reloaded) and logs each one nobody catches as an error.
 */
async function guarded(what, f) {
  try { return await f(); } catch (e) { setStatus(`${what}: ${e.message}`, 'error'); return undefined; }
}

function pct(x) { return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%'; }
function relative(path, root) { return root && path.startsWith(root + '/') ? path.slice(root.length + 1) : path; }
function absolute(path, root) { return path.startsWith('/') || !root ? path : `${root}/${path}`; }
function scopeRoot(id) { const s = overview.scopes.find(s => s.id === id || s.definition.name === id); return s ? s.definition.root : ''; }
function link(view, params, text, attrs) { return h('a', Object.assign({ href: route(view, params) }, attrs || {}), text); }
function route(view, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${view}${qs ? '?' + qs : ''}`;
}

/** A table: columns as [header, cell(row)]; rowAttrs(row) for each tr. */
function table(columns, rows, opts) {
  opts = opts || {};
  return h('table', { id: opts.id, class: opts.class },
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c[0])))),
    h('tbody', {}, rows.map((r, i) => {
      const attrs = opts.rowAttrs ? opts.rowAttrs(r, i) : {};
      return h('tr', attrs, columns.map(c => { const v = c[1](r, i); return h('td', {}, v === null || v === undefined ? '' : v); }));
    })));
}

/** Makes a row open `go()` on click or Enter; the arrow keys move to the next or previous row. */
function clickable(go, extra) {
  const keys = e => {
    if (e.key === 'Enter') go(e);
    const next = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.key === 'ArrowUp' ? e.currentTarget.previousElementSibling : null;
    if (next) { e.preventDefault(); next.focus(); }
  };
  return Object.assign({ class: 'clickable', tabindex: '0', onclick: go, onkeydown: keys }, extra || {});
}

function select(id, options, value, onchange, label) {
  const s = h('select', { id, onchange: e => onchange && onchange(e.target.value) },
    options.map(o => { const [v, t] = Array.isArray(o) ? o : [o, o]; return h('option', { value: v, selected: v === value }, t); }));
  return label ? h('label', {}, label + ' ', s) : s;
}
const pluginOptions = () => overview.plugins.map(p => [p.name, p.name + (p.contract_version ? ` (contract v${p.contract_version})` : '')]);
const scopeOptions = () => overview.scopes.map(s => [s.definition.name, `${s.definition.name} (${s.file_count} files)`]);

/** Goes to a view and says `message` there (a plain hash change clears the status line). */
let pendingStatus = null;
function navigate(hash, message, kind) {
  pendingStatus = [message, kind];
  if (location.hash === hash) { setStatus(message, kind); pendingStatus = null; render(); } else location.hash = hash;
}

function every(ms, f) { const t = setInterval(f, ms); timers.push(t); return t; }

/** Polls a job until it ends; `onProgress(job)` on each look. */
async function waitForJob(id, onProgress) {
  for (;;) {
    const { job, result } = await api('/api/job', { id });
    if (onProgress) onProgress(job);
    if (job.status !== 'running') return { job, result };
    await new Promise(r => setTimeout(r, 400));
  }
}

function progressBar(job) {
  const p = job.progress || {};
  const total = p.files_total || 0;
  const done = p.files_done || 0;
  const bar = h('span', { class: 'bar' });
  bar.style.width = total ? `${Math.round(100 * done / total)}%` : '0';
  return h('span', {}, h('span', { class: 'progress', role: 'progressbar', 'aria-valuenow': done, 'aria-valuemax': total }, bar),
    ` ${done}/${total}`, p.passed !== undefined && p.passed !== null ? ` · ${p.passed} passed, ${p.failed} failed` : '',
    p.rows_written ? ` · ${p.rows_written} rows` : '');
}

// ---- views ---------------------------------------------------------------

const views = {};

views.files = async (params) => {
  const files = (await api('/api/files', { scope: params.get('scope'), status: params.get('status'), plugin: params.get('plugin'), tag: params.get('tag') })).files;
  const root = scopeRoot(params.get('scope'));
  const filterChange = (k) => (v) => { params.set(k, v); location.hash = route('files', Object.fromEntries(params)); };
  const plugin = params.get('plugin') || (overview.plugins[0] || {}).name;
  const scopeForm = h('form', { id: 'scope-form', onsubmit: async e => {
    e.preventDefault();
    const f = e.target;
    const r = await guarded('scope', () => post('/api/scope', { name: f.name.value, root: f.root.value, include: f.include.value ? [f.include.value] : [] }));
    if (r) { setStatus(`scope ${r.scope.definition.name}: ${r.scope.file_count} files`, 'ok'); await guarded('scope', refreshOverview); render(); }
  } },
  h('fieldset', {}, h('legend', {}, 'Name a file set (scope)'),
    h('label', {}, 'Name ', h('input', { name: 'name', required: true, size: 10 })),
    h('label', {}, 'Folder ', h('input', { name: 'root', required: true, placeholder: 'data', size: 20 })),
    h('label', {}, 'Include ', h('input', { name: 'include', placeholder: '**/*.csv', size: 12 })),
    h('button', { type: 'submit' }, 'Create scope')));
  main.replaceChildren(
    h('h2', {}, 'Files'),
    overview.scopes.length ? '' : h('p', {}, 'No scope yet: name the folder of files to work on.'),
    scopeForm,
    h('div', { class: 'row-actions' },
      select('filter-scope', [['', 'all scopes'], ...scopeOptions()], params.get('scope') || '', filterChange('scope'), 'Scope'),
      select('filter-status', [['', 'any status'], 'ok', 'failed', 'quarantined', 'untested', 'dead'], params.get('status') || '', filterChange('status'), 'Status'),
      select('filter-plugin', [['', 'all plugins'], ...pluginOptions()], params.get('plugin') || '', filterChange('plugin'), 'Plugin'),
      h('span', { class: 'muted' }, `${files.length} files`)),
    table([
      ['File', f => relative(f.path, root)],
      ['Format', f => f.format || ''],
      ['Bytes', f => f.size],
      ['Tags', f => f.tags.join(', ')],
      ['Last result per plugin', f => f.results.map(r => h('div', {}, `${r.plugin}: `, h('span', { class: `status-${r.status}` }, r.status), r.category ? ` (${r.category})` : ''))],
    ], files, { id: 'files-table', rowAttrs: f => clickable(() => { location.hash = route('file', { path: f.path, plugin: (f.results[0] || {}).plugin || plugin }); }, { 'data-path': f.path }) }));
};

views.file = async (params) => {
  const path = params.get('path');
  const plugin = params.get('plugin') || '';
  main.replaceChildren(h('h2', {}, path), h('p', {}, plugin ? `Running ${plugin} on the file…` : 'Loading…'));
  const f = await api('/api/file', { path, plugin });
  const sourceList = h('ol', { class: 'source', id: 'source', 'aria-label': 'The file' },
    f.source.lines.map((line, i) => h('li', { 'data-line': i, tabindex: '-1' }, line || ' ')));
  const select2 = (rowEls, lineEl) => {
    main.querySelectorAll('.selected').forEach(e => e.classList.remove('selected'));
    rowEls.forEach(e => e.classList.add('selected'));
    // Vertically only: a row wider than its pane would otherwise scroll the pane sideways, hiding the first columns.
    const reveal = (el, block) => {
      const boxes = [];
      for (let p = el.parentElement; p; p = p.parentElement) boxes.push([p, p.scrollLeft]);
      el.scrollIntoView({ block, inline: 'nearest' });
      boxes.forEach(([p, left]) => { p.scrollLeft = left; });
    };
    if (lineEl) { lineEl.classList.add('selected'); reveal(lineEl, 'center'); }
    if (rowEls[0]) reveal(rowEls[0], 'nearest');
  };
  const outputs = (f.outputs || []).map(o => {
    const tableEl = table(
      [['#', (r, i) => i + 1], ...o.columns.map((c, ci) => [c, r => r[ci] === null ? h('span', { class: 'muted' }, 'null') : r[ci]])],
      o.rows, {
        class: 'rows', rowAttrs: (r, i) => clickable(e => {
          const line = o.source_lines[i];
          select2([e.currentTarget], line === null || line === undefined ? null : sourceList.children[line]);
        }, { 'data-row': i, 'data-line': o.source_lines[i] ?? '' }),
      });
    return h('section', {}, h('h3', {}, `${o.name} `, h('span', { class: 'muted' }, `${o.rows.length} of ${o.rows_total} rows`)), tableEl);
  });
  sourceList.addEventListener('click', e => {
    const li = e.target.closest('li');
    if (!li) return;
    const rows = [...main.querySelectorAll(`tr[data-line="${li.dataset.line}"]`)];
    select2(rows, li);
  });
  for (const o of f.outputs || []) o.source_lines.forEach(l => { if (l !== null && sourceList.children[l]) sourceList.children[l].classList.add('linked'); });
  let failure = '';
  if (f.failure) {
    const fl = f.failure;
    const tb = (fl.traceback || '').split('\n');
    const isPluginLine = l => /parser\.py", line \d+/.test(l) && (!fl.line || l.includes(`line ${fl.line}`));
    const parser = f.parser_source ? f.parser_source.split('\n') : [];
    failure = h('section', { id: 'failure' },
      h('h3', { class: 'status-failed' }, `${plugin} failed: ${fl.category}`),
      h('p', {}, fl.summary || fl.message),
      tb.length > 1 ? h('pre', { id: 'traceback' }, tb.map(l => h('span', { class: isPluginLine(l) ? 'hl' : '' }, l + '\n'))) : '',
      parser.length && fl.line ? h('div', {}, h('h3', {}, `parser.py, line ${fl.line}`),
        h('ol', { class: 'source', id: 'parser-source' }, parser.map((l, i) => h('li', { class: i + 1 === fl.line ? 'traceback-line' : '' }, l || ' ')))) : '');
  }
  main.replaceChildren(
    h('h2', {}, path),
    h('div', { class: 'row-actions' },
      select('file-plugin', [['', 'no parser'], ...pluginOptions()], plugin, v => { location.hash = route('file', { path, plugin: v }); }, 'Parser'),
      h('span', { class: 'muted' }, `${f.format || ''} · ${f.size} bytes · ${f.source.kind === 'hex' ? 'binary: hex view' : f.source.encoding}${f.source.truncated ? ' · shown in part' : ''}`),
      f.parser_version ? h('span', { class: 'muted' }, `parser version ${f.parser_version}`) : ''),
    failure,
    h('div', { class: 'split' },
      h('div', { class: 'pane' }, sourceList),
      h('div', { class: 'pane', id: 'parsed' }, outputs.length ? outputs : h('p', { class: 'muted' }, plugin ? 'No rows.' : 'Choose a parser to see the rows it makes of this file.'))));
  if (f.failure) document.querySelector('#traceback .hl, #parser-source .traceback-line')?.scrollIntoView({ block: 'nearest' });
};

function candidateAnswer(column, c) { return `${column}=${c.type}${c.format ? ':' + c.format : ''}`; }

views.discovery = async (params) => {
  const list = (await api('/api/discoveries')).discoveries;
  const id = params.get('id') || (list.find(d => d.discovery_id) || {}).discovery_id;
  const startForm = h('form', { id: 'discover-form', onsubmit: async e => {
    e.preventDefault();
    const f = e.target;
    const r = await guarded('discover', () => post('/api/discover', { scope: f.scope.value, plugin: f.parser.value }));
    if (!r) return;
    setStatus(`discovering… (job ${r.run_id})`);
    const done = await guarded('discover', () => waitForJob(r.run_id, j => setStatus(`discovering: ${j.progress ? j.progress.files_done + '/' + j.progress.files_total : ''} files`)));
    if (!done) return;
    const { job, result } = done;
    if (job.status === 'done' && result && result.discovery_id) navigate(route('discovery', { id: result.discovery_id }), `discovery ${result.discovery_id}: ${result.files} files, ${result.rows} rows`, 'ok');
    else setStatus(`discovery ${job.status}: ${(result && result.error) || ''}`, 'error');
  } }, h('fieldset', {}, h('legend', {}, 'Prove the column types of a scope'),
    select('discover-scope', scopeOptions(), (overview.scopes[0] || { definition: {} }).definition.name, null, 'Scope'),
    select('discover-parser', [['csv', 'built-in CSV/TSV reader'], ...overview.plugins.map(p => p.name)], 'csv', null, 'Parser'),
    h('button', { type: 'submit', id: 'discover-button' }, 'Discover')));
  startForm.querySelector('#discover-scope').name = 'scope';
  startForm.querySelector('#discover-parser').name = 'parser';
  const parts = [h('h2', {}, 'Discovery'), startForm];
  if (list.length) parts.push(h('div', { class: 'row-actions' }, select('discovery-pick', list.filter(d => d.discovery_id).map(d => [d.discovery_id, `${d.discovery_id} · ${d.parser} · ${d.files} files · ${d.started_at}`]), id, v => { location.hash = route('discovery', { id: v }); }, 'Discovery')));
  if (!id) { main.replaceChildren(...parts, h('p', { class: 'muted' }, 'No discovery yet.')); return; }
  const d = await api('/api/discovery', { id });
  const questions = [];
  for (const out of d.result.outputs) {
    parts.push(h('h3', {}, `Output ${out.name}`, out.file_count ? h('span', { class: 'muted' }, ` · ${out.file_count} files`) : ''));
    parts.push(table([
      ['Column', c => c.name], ['Type', c => c.type], ['Format', c => c.format || ''],
      ['Nullable', c => c.nullable ? 'yes' + (c.null_sentinels && c.null_sentinels.length ? ` (${c.null_sentinels.join(', ')})` : '') : 'no'],
      ['Status', c => h('span', { class: `status-${c.status}` }, c.status)],
      ['Evidence', c => (c.evidence || []).slice(0, 3).map(ev => h('div', {}, h('code', {}, ev.value), ` ${ev.reason}`, ev.file ? h('span', { class: 'muted' }, ` (${relative(ev.file, scopeRoot(d.scope_id))}${ev.row ? ':' + ev.row : ''})`) : ''))],
      ['Note', c => c.note || ''],
    ], out.columns, { class: 'columns' }));
    for (const c of out.columns) if (c.status !== 'resolved' && c.candidates && c.candidates.length > 1) questions.push({ output: out.name, column: c });
  }
  const approveForm = h('form', { id: 'approve-form', onsubmit: async e => {
    e.preventDefault();
    const answers = questions.map(q => (main.querySelector(`input[name="q-${q.output}-${q.column.name}"]:checked`) || {}).value).filter(Boolean);
    if (answers.length < questions.length) { setStatus('approve: answer every question first (choose a candidate for each)', 'error'); return; }
    const plugin = e.target.plugin.value;
    const r = await guarded('approve', () => post('/api/approve', { discovery_id: id, plugin, answers }));
    if (r) { await guarded('approve', refreshOverview); navigate(route('contract', { plugin: r.plugin }), `approved: contract ${r.contract_id} version ${r.version} of ${r.plugin} (${r.contract_file})`, 'ok'); }
  } });
  if (questions.length) approveForm.append(h('h3', {}, 'Questions'));
  for (const q of questions) {
    const c = q.column;
    approveForm.append(h('fieldset', { class: 'question' }, h('legend', {}, `${q.output}.${c.name}`),
      h('p', {}, c.question || 'Which reading is right?'),
      (c.distribution || []).map(s => h('p', { class: 'muted' }, `${s.candidate}: ${s.files} files, ${s.values} values (e.g. ${(s.sample_files || []).slice(0, 2).join(', ')})`)),
      c.counterexample ? h('p', { class: 'muted' }, `A value that makes the choice matter: ${c.counterexample}`) : '',
      c.candidates.map((cand, i) => h('label', {}, h('input', { type: 'radio', name: `q-${q.output}-${c.name}`, value: candidateAnswer(c.name, cand), id: `answer-${c.name}-${i}`, 'data-answer': candidateAnswer(c.name, cand) }), ` ${cand.type}${cand.format ? ' ' + cand.format : ''}`))));
  }
  const defaultPlugin = d.parser !== 'csv' ? d.parser : ((overview.plugins.find(p => !p.contract_version) || overview.plugins[0] || {}).name || '');
  approveForm.append(h('div', { class: 'row-actions' },
    d.approved_contract_id ? h('span', { class: 'status-done' }, `approved as ${d.approved_contract_id}`) : '',
    h('label', {}, 'Plugin ', h('input', { name: 'plugin', id: 'approve-plugin', value: defaultPlugin, required: true, size: 12 })),
    h('button', { type: 'submit', id: 'approve-button' }, questions.length ? 'Answer and approve' : 'Approve as contract')));
  parts.push(approveForm);
  main.replaceChildren(...parts);
};

views.contract = async (params) => {
  const withContract = overview.plugins.filter(p => p.contract_version);
  const plugin = params.get('plugin') || (withContract[0] || overview.plugins[0] || {}).name;
  const parts = [h('h2', {}, 'Contract'), h('div', { class: 'row-actions' }, select('contract-plugin', pluginOptions(), plugin, v => { location.hash = route('contract', { plugin: v }); }, 'Plugin'))];
  if (!plugin) { main.replaceChildren(...parts, h('p', {}, 'No plugin yet.')); return; }
  let c;
  try { c = await api('/api/contract', { plugin }); } catch (e) { main.replaceChildren(...parts, h('p', {}, e.message)); return; }
  const k = c.contract;
  parts.push(h('p', {}, `${k.id} version ${k.version}, approved ${k.approved_at} by ${k.approved_by}`));
  for (const s of k.schemas || []) {
    parts.push(h('h3', {}, `Output ${s.output || s.name}`));
    parts.push(table([['Column', x => x.name], ['Type', x => x.type], ['Format', x => x.format || ''], ['Nullable', x => x.nullable ? 'yes' : 'no']], s.columns || [], { class: 'contract-columns' }));
  }
  parts.push(h('h3', {}, 'Versions'));
  parts.push(table([['Version', v => v.version], ['Approved', v => v.approved_at], ['By', v => v.approved_by], ['Origin', v => v.origin], ['Changes', v => (v.changes || []).map(describeChange)]], c.history, { id: 'history' }));
  const versions = c.history.map(v => String(v.version));
  const diffOut = h('div', { id: 'diff' });
  const showDiff = async () => {
    const from = document.getElementById('diff-from').value, to = document.getElementById('diff-to').value;
    const d = await guarded('diff', () => api('/api/contract/diff', { plugin, from, to }));
    if (d) diffOut.replaceChildren(d.changes && d.changes.length ? h('ul', {}, d.changes.map(ch => h('li', {}, describeChange(ch)))) : h('p', { class: 'muted' }, `versions ${from} and ${to} are the same`));
  };
  if (versions.length > 1) parts.push(h('div', { class: 'row-actions' }, select('diff-from', versions, versions[0], null, 'Diff from'), select('diff-to', versions, versions[versions.length - 1], null, 'to'), h('button', { id: 'diff-button', onclick: showDiff }, 'Show diff')), diffOut);
  parts.push(h('h3', {}, 'Amendments'));
  const decide = (a, decision) => async () => {
    const r = await guarded(decision, () => post('/api/amendment', { id: a.id, decision }));
    if (r) { setStatus(`amendment ${a.id} ${r.amendment.status}${r.contract_version ? `: contract version ${r.contract_version}` : ''}`, 'ok'); await guarded(decision, refreshOverview); render(); }
  };
  parts.push(c.amendments.length ? table([
    ['Id', a => a.id], ['Status', a => h('span', { class: `status-${a.status}` }, a.status)],
    ['Changes', a => ((a.proposal || {}).changes || []).map(describeChange)], ['Reason', a => (a.proposal || {}).reason || ''],
    ['', a => a.status === 'proposed' ? h('span', {}, h('button', { onclick: decide(a, 'approve'), 'data-amendment': a.id }, 'Approve'), ' ', h('button', { class: 'secondary', onclick: decide(a, 'reject') }, 'Reject')) : ''],
  ], c.amendments, { id: 'amendments' }) : h('p', { class: 'muted' }, 'No amendments.'));
  main.replaceChildren(...parts);
};

/** One line for a contract diff change ({kind, output, column, field, before, after}) or an amendment's change. */
function describeChange(ch) {
  if (typeof ch === 'string') return h('div', {}, ch);
  let text, kind = ch.kind || ch.op || ch.operation || Object.keys(ch)[0] || '';
  if (ch.kind) {
    const target = [ch.output, ch.column].filter(Boolean).join('.');
    text = /_changed$/.test(ch.kind)
      ? `${ch.kind} ${target} ${ch.field || ''}: ${ch.before ?? 'none'} → ${ch.after ?? 'none'}`
      : `${ch.kind} ${target}${(ch.after ?? ch.before) ? ': ' + (ch.after ?? ch.before) : ''}`;
  } else if (ch.op) {
    const column = ch.column && typeof ch.column === 'object' ? ch.column : null;
    const rest = Object.entries(ch).filter(([k]) => k !== 'op' && k !== 'column')
      .map(([k, v]) => `${k} ${v === null ? 'none' : typeof v === 'object' ? JSON.stringify(v) : v}`);
    text = `${ch.op} ${column ? `${column.name} (${column.type}${column.nullable ? ', nullable' : ''})` : ch.column || ''}${rest.length ? ': ' + rest.join(', ') : ''}`;
  } else {
    text = Object.entries(ch).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`).join(', ');
  }
  const cls = /add/i.test(kind) ? 'diff-added' : /remov|drop/i.test(kind) ? 'diff-removed' : 'diff-changed';
  return h('div', { class: cls }, text);
}

views.parser = async (params) => {
  const plugin = params.get('plugin') || (overview.plugins[0] || {}).name;
  const parts = [h('h2', {}, 'Parser'), h('div', { class: 'row-actions' }, select('parser-plugin', pluginOptions(), plugin, v => { location.hash = route('parser', { plugin: v }); }, 'Plugin'))];
  if (!plugin) { main.replaceChildren(...parts, h('p', {}, 'No plugin yet: approve a discovery (Discovery view) or create plugins/NAME/parser.py.')); return; }
  const p = await api('/api/parser', { plugin });
  const area = h('textarea', { id: 'parser-source', class: 'code', spellcheck: 'false', 'aria-label': 'parser.py' });
  area.value = p.source;
  const save = async (thenBacktest) => {
    const r = await guarded('save', () => post('/api/parser/save', { plugin, source: area.value }));
    if (!r) return;
    const message = `saved ${plugin}: version ${r.version}${r.previous_version ? ` (was ${r.previous_version})` : ''}`;
    await guarded('save', refreshOverview);
    if (thenBacktest) navigate(route('backtest', { plugin, scope: document.getElementById('parser-scope').value, start: '1' }), message, 'ok');
    else setStatus(message, 'ok');
  };
  parts.push(h('p', { class: 'muted' }, `${p.path} · version ${p.version}`), area,
    h('div', { class: 'row-actions' }, h('button', { id: 'save-parser', onclick: () => save(false) }, 'Save'),
      select('parser-scope', scopeOptions(), (overview.scopes[0] || { definition: {} }).definition.name, null, 'then backtest over'),
      h('button', { id: 'save-and-backtest', onclick: () => save(true) }, 'Save and backtest')));
  main.replaceChildren(...parts);
};

/** The pass rate of each iteration as an SVG chart (0–100%). */
function passRateChart(iterations) {
  const w = 520, hgt = 210, left = 40, bottom = 30, top = 20;
  const n = Math.max(iterations.length, 1);
  const step = (w - left - 10) / n;
  const y = r => top + (hgt - top - bottom) * (1 - r);
  const chart = svg('svg', { width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, class: 'chart', id: 'pass-rate-chart', role: 'img', 'aria-label': 'Pass rate per iteration' },
    svg('title', {}, 'Pass rate per iteration'),
    [0, 0.5, 1].map(r => [svg('line', { x1: left, x2: w - 10, y1: y(r), y2: y(r), stroke: '#ddd' }), svg('text', { x: 4, y: y(r) + 4 }, `${r * 100}%`)]),
    iterations.map((it, i) => {
      const x = left + i * step + step * 0.2, bw = step * 0.6;
      return svg('g', { class: 'iteration', 'data-iteration': it.iteration, 'data-pass-rate': it.pass_rate },
        svg('rect', { x, y: y(it.pass_rate), width: bw, height: Math.max(1, y(0) - y(it.pass_rate)), fill: it.pass_rate >= 1 ? '#1e7d32' : '#2b5797' },
          svg('title', {}, `iteration ${it.iteration} (${it.parser_version}): ${pct(it.pass_rate)}, ${it.files_passed} passed, ${it.files_failed} failed${it.early_stopped ? ', stopped early' : ''}`)),
        svg('text', { x: x + bw / 2 - 14, y: y(it.pass_rate) - 3 }, pct(it.pass_rate)),
        svg('text', { x: x + bw / 2 - 4, y: hgt - 12 }, String(it.iteration)));
    }),
    svg('text', { x: w / 2 - 25, y: hgt - 1 }, 'iteration'));
  return chart;
}

views.backtest = async (params) => {
  const plugin = params.get('plugin') || (overview.plugins[0] || {}).name;
  const scope = params.get('scope') || (overview.scopes[0] || { definition: {} }).definition.name;
  const progress = h('span', { id: 'backtest-progress' });
  const run = async () => {
    const r = await guarded('backtest', () => post('/api/backtest/run', { plugin: document.getElementById('backtest-plugin').value, scope: document.getElementById('backtest-scope').value }));
    if (!r) return;
    setStatus(`backtest ${r.run_id} running`);
    const done = await guarded('backtest', () => waitForJob(r.run_id, j => progress.replaceChildren(progressBar(j))));
    if (!done) return;
    const { job, result } = done;
    navigate(route('backtest', { plugin: document.getElementById('backtest-plugin').value, scope: document.getElementById('backtest-scope').value, run: r.run_id }),
      `backtest ${job.status}${result && result.error ? ': ' + result.error : ''}`, job.status === 'done' ? 'ok' : (job.status === 'failed' && !(result && result.error) ? '' : 'error'));
  };
  const execute = async () => {
    const r = await guarded('execute', () => post('/api/execute', { plugin: document.getElementById('backtest-plugin').value, scope: document.getElementById('backtest-scope').value }));
    if (r) location.hash = route('jobs', { watch: r.run_id });
  };
  const parts = [h('h2', {}, 'Backtest'), h('div', { class: 'row-actions' },
    select('backtest-plugin', pluginOptions(), plugin, v => { location.hash = route('backtest', { plugin: v, scope }); }, 'Plugin'),
    select('backtest-scope', scopeOptions(), scope, null, 'Scope'),
    h('button', { id: 'run-backtest', onclick: run }, 'Run backtest'),
    h('button', { id: 'execute-button', class: 'secondary', onclick: execute }, 'Execute into output tables'),
    progress)];
  if (!plugin) { main.replaceChildren(...parts); return; }
  const b = await api('/api/backtest', { plugin, run: params.get('run') });
  if (b.runs.length) parts.push(h('div', { class: 'row-actions' }, select('backtest-run', b.runs.map(r => [r.id, `${r.id} · ${r.parser_version} · ${r.status} · ${r.started_at}`]), b.run_id, v => { location.hash = route('backtest', { plugin, scope, run: v }); }, 'Run')));
  const res = b.result;
  if (!res || !res.report) {
    parts.push(h('p', { class: 'muted' }, res && res.error ? res.error : 'No finished backtest of this plugin yet.'));
  } else {
    const r = res.report;
    parts.push(h('p', { id: 'backtest-summary' }, h('strong', { class: `status-${r.status}` }, r.status), ` · ${r.files_passed}/${r.files_tested} files passed (${pct(r.pass_rate)})`,
      r.early_stopped ? ` · stopped early, ${r.files_skipped} not run: ${r.stop_reason || ''}` : '', ` · judged by ${r.judged_by || '—'} · verdict ${res.verdict}`));
    parts.push(h('h3', {}, 'Pass rate per iteration'), passRateChart(res.iterations || []));
    const root = scopeRoot(res.scope_id);
    const results = r.results || [];
    if ((r.clusters || []).length) {
      parts.push(h('h3', {}, 'Failure clusters'));
      for (const c of r.clusters) {
        const samples = (c.sample_files || []).map(f => absolute(f, root));
        const examples = results.filter(x => x.status === 'failed' && samples.includes(absolute(x.path, root))).slice(0, 3);
        parts.push(h('div', { class: 'cluster' },
          h('strong', {}, `${c.category}${c.column ? ' · ' + c.column : ''}`), ` in ${c.files} files (${pct(c.share)}): `, h('code', {}, c.pattern),
          h('p', {}, c.suggestion),
          (c.sample_values || []).length ? h('p', {}, 'Values: ', c.sample_values.slice(0, 5).map(v => h('code', {}, v, ' '))) : '',
          examples.length ? table([
            ['File', x => link('file', { path: absolute(x.path, root), plugin }, relative(x.path, root))],
            ['Row', x => ((x.problems || [])[0] || {}).row ?? ''],
            ['Column', x => ((x.problems || [])[0] || {}).column ?? ''],
            ['Value', x => { const p = (x.problems || [])[0]; return p && p.got !== undefined && p.got !== null ? h('code', {}, p.got) : ''; }],
            ['Message', x => (((x.problems || [])[0] || {}).message || x.message || '').slice(0, 300) + (x.plugin_line ? ` (parser.py line ${x.plugin_line})` : '')],
          ], examples, { class: 'cluster-examples' }) :
            h('ul', {}, samples.slice(0, 3).map(f => h('li', {}, link('file', { path: f, plugin }, relative(f, root)))))));
      }
    }
    const fileList = (title, id, paths) => paths && paths.length ? [h('h3', {}, `${title} (${paths.length})`), h('ul', { id }, paths.slice(0, 50).map(p => h('li', {}, link('file', { path: absolute(p, root), plugin }, relative(p, root)))))] : [];
    parts.push(...fileList('Fixed', 'fixed', res.fixed), ...fileList('Still failing', 'still-failing', res.still_failing), ...fileList('Regressed', 'regressed', res.regressed));
    if (r.changes) {
      const ch = r.changes;
      parts.push(h('h3', {}, `What ${ch.version} changed against ${ch.previous_version}`), h('p', { id: 'changes' }, ch.summary));
      if ((ch.examples || []).length) parts.push(table([['File', e => relative(e.file, root)], ['Output', e => e.output], ['Row', e => e.row], ['Column', e => e.column], ['Before', e => e.old ?? '(absent)'], ['After', e => e.new ?? '(absent)']], ch.examples, { id: 'change-examples' }));
    }
  }
  main.replaceChildren(...parts);
  if (params.get('start') === '1') { history.replaceState(null, '', route('backtest', { plugin, scope })); run(); }
};

views.jobs = async (params) => {
  const body = h('div', { id: 'jobs' });
  const detail = h('div', { id: 'job-detail' });
  const showDetail = async (id) => {
    const d = await guarded('job', () => api('/api/job', { id }));
    if (!d) return;
    const r = d.result || {};
    const facts = Object.entries(r).filter(([, v]) => typeof v !== 'object' || v === null).map(([k, v]) => h('li', {}, `${k}: ${v}`));
    detail.replaceChildren(h('h3', {}, `${d.job.kind} ${d.job.id}: ${d.job.status}`), h('ul', {}, facts),
      r.tables ? h('p', {}, `tables: ${r.tables.join(', ')}`) : '',
      d.job.kind === 'backtest' ? link('backtest', { plugin: d.job.plugin, run: d.job.id }, 'Open the backtest') : '');
  };
  const load = async () => {
    const jobs = (await api('/api/jobs')).jobs;
    body.replaceChildren(table([
      ['Job', j => j.id], ['Kind', j => j.kind], ['Plugin', j => j.plugin],
      ['Status', j => h('span', { class: `status-${j.status}` }, j.status + (j.cancel_requested && j.status === 'running' ? ' (cancelling)' : ''))],
      ['Progress', j => progressBar(j)], ['Started', j => j.started_at], ['Seconds', j => j.seconds ?? ''],
      ['', j => j.status === 'running' ? h('button', { class: 'secondary', 'data-cancel': j.id, onclick: async e => { e.stopPropagation(); const r = await guarded('cancel', () => post('/api/job/cancel', { id: j.id })); if (r) { setStatus(`cancel requested for ${j.id}`, 'ok'); guarded('jobs', load); } } }, 'Cancel') : ''],
    ], jobs, { id: 'jobs-table', rowAttrs: j => clickable(() => showDetail(j.id), { 'data-job': j.id, 'data-status': j.status }) }));
    return jobs;
  };
  const execForm = h('form', { id: 'execute-form', onsubmit: async e => {
    e.preventDefault();
    const f = e.target;
    const r = await guarded('execute', () => post('/api/execute', { plugin: f.plugin.value, scope: f.scope.value, force: f.force.checked }));
    if (r) { setStatus(`execute ${r.run_id} started`, 'ok'); await guarded('jobs', load); showDetail(r.run_id); }
  } }, h('fieldset', {}, h('legend', {}, 'Execute a plugin into the output tables'),
    select('execute-plugin', pluginOptions(), (overview.plugins.find(p => p.contract_version) || overview.plugins[0] || {}).name, null, 'Plugin'),
    select('execute-scope', scopeOptions(), (overview.scopes[0] || { definition: {} }).definition.name, null, 'Scope'),
    h('label', {}, h('input', { type: 'checkbox', name: 'force' }), ' re-write unchanged files'),
    h('button', { type: 'submit', id: 'execute-submit' }, 'Execute')));
  execForm.querySelector('#execute-plugin').name = 'plugin';
  execForm.querySelector('#execute-scope').name = 'scope';
  main.replaceChildren(h('h2', {}, 'Jobs'), execForm, body, detail);
  await load();
  if (params.get('watch')) showDetail(params.get('watch'));
  let last = '';
  every(1000, async () => {
    const jobs = await load().catch(() => []);
    const running = jobs.filter(j => j.status === 'running').map(j => j.id).join(',');
    const watched = params.get('watch');
    if (watched && (running.includes(watched) || last.includes(watched))) showDetail(watched);
    last = running;
  });
};

views.query = async (params) => {
  const out = h('div', { id: 'query-result' });
  const area = h('textarea', { id: 'sql', class: 'sql', spellcheck: 'false', 'aria-label': 'SQL' });
  area.value = params.get('sql') || 'SELECT region, count(*) AS orders, round(sum(amount), 2) AS revenue FROM sales GROUP BY region ORDER BY region';
  const run = async () => {
    out.replaceChildren(h('p', { class: 'muted' }, 'Running…'));
    try {
      const r = await post('/api/query', { sql: area.value });
      out.replaceChildren(h('p', { class: 'muted' }, `${r.row_count} rows${r.truncated ? ' (truncated)' : ''}`),
        table(r.columns.map((c, i) => [c, row => row[i] === null ? h('span', { class: 'muted' }, 'null') : String(row[i])]), r.rows, { id: 'query-table' }));
      setStatus('');
    } catch (e) {
      out.replaceChildren(h('p', { class: 'status-failed', id: 'query-error' }, e.message));
    }
  };
  area.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  const targets = await api('/api/outputs').catch(() => ({ targets: [] }));
  const tables = targets.targets.flatMap(t => (t.tables || []).map(x => `${x.table} (${x.rows ?? '?'} rows)`));
  main.replaceChildren(h('h2', {}, 'Query'), h('p', { class: 'muted' }, 'One read-only SQL statement over the output tables. Ctrl+Enter runs it.', tables.length ? ` Tables: ${tables.join(', ')}.` : ''),
    area, h('div', { class: 'row-actions' }, h('button', { id: 'run-query', onclick: run }, 'Run')), out);
};

// ---- routing ---------------------------------------------------------------

async function refreshOverview() {
  overview = await api('/api/overview');
  document.getElementById('workspace').textContent = `workspace ${overview.workspace}`;
}

async function render() {
  timers.forEach(clearInterval);
  timers = [];
  const hash = location.hash || '#/files';
  const [name, qs] = hash.slice(2).split('?');
  const view = views[name] ? name : 'files';
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.view === view || (view === 'file' && a.dataset.view === 'files')));
  document.querySelectorAll('nav a').forEach(a => a.toggleAttribute('aria-current', a.classList.contains('active')));
  try {
    await views[view](new URLSearchParams(qs || ''));
    main.dataset.view = view;
  } catch (e) {
    main.replaceChildren(h('h2', {}, 'Something went wrong'), h('p', { class: 'status-failed', id: 'view-error' }, e.message));
    main.dataset.view = view;
  }
}

document.addEventListener('keydown', e => {
  if (e.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
    const first = main.querySelector('input, textarea, select, button');
    if (first) { e.preventDefault(); first.focus(); }
  }
  if (e.altKey && /^[1-7]$/.test(e.key)) {
    const a = document.querySelectorAll('nav a')[Number(e.key) - 1];
    if (a) { e.preventDefault(); location.hash = a.getAttribute('href'); }
  }
});
window.addEventListener('hashchange', () => { setStatus(...(pendingStatus || [''])); pendingStatus = null; render(); });
refreshOverview().then(render).catch(e => setStatus(`cannot load the workspace: ${e.message}`, 'error'));
