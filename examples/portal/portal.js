// The demo portal: a plain page over the Gridflow HTTP API (no framework), so integrators can see every call.
// Widgets and the designer replace its parts as they arrive.
import '/assets/gridflow-widgets.min.js';

const words = {
  zh: {
    title: 'Gridflow 演示门户',
    demo: '演示模式',
    user: '演示账号',
    lang: '语言',
    inbox: '收件箱',
    report: '上报诉求',
    indicators: '指标',
    policy: '政策校验',
    api: 'API 文档',
    search: '搜索标题',
    overdueOnly: '只看超时',
    refresh: '刷新',
    caseTitle: '标题',
    state: '状态',
    level: '层级',
    due: '时限',
    more: '更多',
    category: '类别',
    description: '描述',
    grid: '网格',
    submit: '提交',
    validate: '校验',
    reset: '恢复当前政策',
    policyHelp: '编辑政策 JSON 后点“校验”，服务器会指出每个问题的代码、说明和所在路径。',
    history: '办理经过',
    commands: '可执行的操作',
    send: '执行',
    none: '当前没有可执行的操作',
    attachments: '照片和附件',
    noAttachments: '还没有附件',
    upload: '上传',
    before: '整改前',
    after: '整改后',
    other: '其他',
    uploaded: '已上传',
    submitted: '已提交，案件编号',
    done: '已执行',
    unit: '单位',
    kind: '单位类别',
    period: '近 30 天',
    gridEscalation: '诉求',
    propertyCoordination: '三方联动事项',
    appealEvaluation: '评价',
    score: '综合得分',
    rank: '排名',
    noCases: '没有案件',
    why: '依据',
  },
  en: {
    title: 'Gridflow demo portal',
    demo: 'Demo mode',
    user: 'Demo login',
    lang: 'Language',
    inbox: 'Inbox',
    report: 'New report',
    indicators: 'Indicators',
    policy: 'Policy check',
    api: 'API reference',
    search: 'Search titles',
    overdueOnly: 'Overdue only',
    refresh: 'Refresh',
    caseTitle: 'Title',
    state: 'State',
    level: 'Level',
    due: 'Deadline',
    more: 'More',
    category: 'Category',
    description: 'Description',
    grid: 'Grid',
    submit: 'Submit',
    validate: 'Validate',
    reset: 'Reload current policy',
    policyHelp:
      'Edit the policy JSON and press Validate: the server names each problem with its code, message and path.',
    history: 'History',
    commands: 'What you can do now',
    send: 'Send',
    none: 'Nothing to do now',
    attachments: 'Photos and files',
    noAttachments: 'No attachments yet',
    upload: 'Upload',
    before: 'Before',
    after: 'After',
    other: 'Other',
    uploaded: 'Uploaded',
    submitted: 'Submitted, case',
    done: 'Done',
    unit: 'Unit',
    kind: 'Units',
    period: 'last 30 days',
    gridEscalation: 'Request',
    propertyCoordination: 'Three-party matter',
    appealEvaluation: 'Evaluation',
    score: 'Score',
    rank: 'Rank',
    noCases: 'No cases',
    why: 'Why',
  },
};

const $ = (sel) => document.querySelector(sel);
const state = { lang: 'zh', token: null, user: null, cursor: null, selected: null, policy: null, org: [] };
const t = (key) => words[state.lang][key] ?? key;
const name = (text) => (text && typeof text === 'object' ? (text[state.lang] ?? text.zh) : (text ?? ''));
const time = (ms) =>
  ms
    ? new Date(ms).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false })
    : '—';
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function toast(text) {
  const el = $('#toast');
  el.textContent = text;
  el.classList.add('show');
  setTimeout(() => el.classList.remove('show'), 3500);
}

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: {
      ...(options.body && !(options.body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
      ...options.headers,
    },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const message = body
      ? `${body[`message_${state.lang}`] ?? body.code}${body.path ? ` (${body.path})` : ''}`
      : `HTTP ${res.status}`;
    const error = new Error(message);
    error.body = body;
    throw error;
  }
  return body;
}

function translate() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-t]').forEach((el) => (el.textContent = t(el.dataset.t)));
  document.querySelectorAll('[data-tp]').forEach((el) => (el.placeholder = t(el.dataset.tp)));
  document.querySelectorAll('gf-problem-list').forEach((el) => (el.locale = state.lang));
}

async function login(userId) {
  const { token } = await api('/api/v1/demo/token', { method: 'POST', body: JSON.stringify({ userId }) });
  state.token = token;
  state.user = userId;
  localStorage.setItem('gridflow-demo-user', userId);
  state.selected = null;
  $('#detail').hidden = true;
  await Promise.all([loadCases(true), loadPolicy()]);
  listen();
}

async function loadCases(reset) {
  if (reset) {
    state.cursor = null;
    $('#cases tbody').innerHTML = '';
  }
  const q = new URLSearchParams({ limit: '25', sort: 'deadline', order: 'asc' });
  if ($('#search').value) q.set('text', $('#search').value);
  if ($('#overdue').checked) q.set('overdue', 'true');
  if (state.cursor) q.set('cursor', state.cursor);
  const page = await api(`/api/v1/cases?${q}`);
  const rows = page.items.map(
    (
      c,
    ) => `<tr data-id="${esc(c.id)}" class="${c.id === state.selected ? 'selected' : ''}"><td>${esc(c.title ?? c.summary.title ?? c.process)}</td><td>${esc(name(c.stateName) || c.state)}</td>
      <td>${esc(c.levelName ? name(c.levelName) : (c.summary.level ?? ''))}</td><td class="${c.overdue ? 'overdue' : ''}">${time(c.nextDueAt)}</td></tr>`,
  );
  $('#cases tbody').insertAdjacentHTML(
    'beforeend',
    rows.join('') || (reset ? `<tr><td colspan="4">${t('noCases')}</td></tr>` : ''),
  );
  state.cursor = page.nextCursor;
  $('#more').hidden = !page.nextCursor;
}

/** A starting input for a command form: the required properties with placeholder values from the schema. */
function sample(schema) {
  const out = {};
  for (const key of schema?.required ?? []) {
    const p = schema.properties?.[key] ?? {};
    out[key] = p.enum
      ? p.enum[0]
      : p.type === 'boolean'
        ? true
        : p.type === 'integer' || p.type === 'number'
          ? (p.minimum ?? 1)
          : p.type === 'array'
            ? []
            : p.type === 'object'
              ? {}
              : '';
  }
  return out;
}

async function showCase(id) {
  state.selected = id;
  document.querySelectorAll('#cases tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.id === id));
  const [c, history, commands, attachments] = await Promise.all([
    api(`/api/v1/cases/${encodeURIComponent(id)}`),
    api(`/api/v1/cases/${encodeURIComponent(id)}/history?lang=${state.lang}`),
    api(`/api/v1/cases/${encodeURIComponent(id)}/commands`),
    api(`/api/v1/cases/${encodeURIComponent(id)}/attachments`),
  ]);
  const steps = history.items
    .map(
      (
        h,
      ) => `<li><strong>${esc(h.commandName ?? h.command)}</strong> · ${esc(h.actor.name ?? (h.actorRoleNames ?? []).map(name).join('、'))} · ${time(h.at)}
        ${h.decisions.map((d) => `<p class="why">${t('why')}: ${esc(d.explanation ?? d.rule)}</p>`).join('')}</li>`,
    )
    .join('');
  // A command the case's rules refuse now is shown disabled with the reason; one that depends on its input, with
  // what it depends on.
  const forms = commands.commands
    .map((cmd) =>
      cmd.available === false
        ? `<details class="unavailable"><summary>${esc(name(cmd.name))} <code>${esc(cmd.type)}</code></summary>
        <p class="why">${esc(name(cmd.reason))}</p>
        <button data-send="${esc(cmd.type)}" disabled>${t('send')}</button></details>`
        : `<details><summary>${esc(name(cmd.name))} <code>${esc(cmd.type)}</code></summary>
        ${cmd.condition ? `<p class="why">${esc(name(cmd.condition))}</p>` : ''}
        <textarea data-type="${esc(cmd.type)}">${esc(JSON.stringify(sample(cmd.inputSchema), null, 2))}</textarea>
        <button data-send="${esc(cmd.type)}">${t('send')}</button></details>`,
    )
    .join('');
  $('#detail').hidden = false;
  const units = c.summary.units.map((u) => (c.unitNames?.[u] ? name(c.unitNames[u]) : u));
  $('#detail').innerHTML = `<h2>${esc(c.title ?? c.summary.title ?? c.id)}</h2>
    <p>${esc(name(c.stateName) || c.state)} · v${c.version} · ${esc(units.join('、'))}</p>
    <h3>${t('commands')}</h3><div class="commands">${forms || `<p>${t('none')}</p>`}</div>
    <h3>${t('attachments')}</h3>${attachmentList(id, attachments.items)}
    <form class="upload">
      <select name="kind" aria-label="kind">${['before', 'after', 'other'].map((k) => `<option value="${k}">${t(k)}</option>`).join('')}</select>
      <input type="file" name="file" accept="image/jpeg,image/png,image/webp,application/pdf" required />
      <button>${t('upload')}</button>
    </form>
    <h3>${t('history')}</h3><ol class="timeline">${steps}</ol>`;
  showAttachmentImages($('#detail'));
  $('#detail')
    .querySelector('form.upload')
    .addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        // The kind goes first: the server reads the parts in order.
        const form = new FormData();
        form.append('kind', event.target.kind.value);
        form.append('file', event.target.file.files[0]);
        await api(`/api/v1/cases/${encodeURIComponent(id)}/attachments`, { method: 'POST', body: form });
        toast(t('uploaded'));
        await showCase(id);
      } catch (e) {
        toast(e.message);
      }
    });
  $('#detail')
    .querySelectorAll('button[data-send]')
    .forEach((button) =>
      button.addEventListener('click', async () => {
        const type = button.dataset.send;
        try {
          const input = JSON.parse(
            $('#detail').querySelector(`textarea[data-type="${CSS.escape(type)}"]`).value || '{}',
          );
          await api(`/api/v1/cases/${encodeURIComponent(id)}/commands`, {
            method: 'POST',
            body: JSON.stringify({ type, input, expectedVersion: c.version }),
          });
          toast(`${t('done')}: ${type}`);
          await Promise.all([showCase(id), loadCases(true)]);
        } catch (e) {
          toast(e.message);
        }
      }),
    );
}

/** Attachments grouped before / after / other; images are filled in by {@link showAttachmentImages}. */
function attachmentList(caseId, items) {
  if (items.length === 0) return `<p>${t('noAttachments')}</p>`;
  return `<div class="attachments">${items
    .map((a) => {
      const url = `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(a.id)}`;
      const media = a.contentType.startsWith('image/')
        ? `<img data-src="${esc(url)}" alt="${esc(a.filename)}" />`
        : `<a href="#" data-download="${esc(url)}" data-name="${esc(a.filename)}">${esc(a.filename)}</a>`;
      return `<figure>${media}<figcaption>${t(a.kind)} · ${esc(a.filename)} · ${time(a.createdAt)}</figcaption></figure>`;
    })
    .join('')}</div>`;
}

/** Attachment bytes need the bearer token, so they are fetched and shown from blob URLs. */
function showAttachmentImages(root) {
  const blob = async (url) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${state.token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  };
  root.querySelectorAll('img[data-src]').forEach((img) => {
    blob(img.dataset.src).then(
      (src) => (img.src = src),
      (e) => toast(e.message),
    );
  });
  root.querySelectorAll('a[data-download]').forEach((a) =>
    a.addEventListener('click', async (event) => {
      event.preventDefault();
      const link = document.createElement('a');
      link.href = await blob(a.dataset.download);
      link.download = a.dataset.name;
      link.click();
    }),
  );
}

async function loadPolicy() {
  state.policy = await api('/api/v1/policies/current');
  state.org = (await api('/api/v1/org/tree')).items ?? [];
  $('#policyText').value = JSON.stringify(state.policy, null, 2);
  $('#problems').problems = [];
  const categories = state.policy.categories;
  $('#reportForm [name=category]').innerHTML = categories
    .map((c) => `<option value="${esc(c.code)}">${esc(name(c.name))}</option>`)
    .join('');
  $('#reportForm [name=grid]').innerHTML = state.org
    .filter((u) => u.kind === 'grid')
    .map((u) => `<option value="${esc(u.id)}">${esc(name(u.name))}</option>`)
    .join('');
  renderAttributes();
}

function renderAttributes() {
  const category = state.policy?.categories.find((c) => c.code === $('#reportForm [name=category]').value);
  $('#attributes').innerHTML = (category?.attributes ?? [])
    .map((a) => {
      const input =
        a.type === 'choice'
          ? `<select data-attr="${esc(a.code)}">${(a.options ?? []).map((o) => `<option value="${esc(o.value)}">${esc(name(o.name))}</option>`).join('')}</select>`
          : `<input data-attr="${esc(a.code)}" data-kind="${a.type}" type="${a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'text'}" ${a.required ? 'required' : ''} />`;
      return `<label>${esc(name(a.name))}${a.required ? ' *' : ''} ${input}</label>`;
    })
    .join('');
}

async function submitReport(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const grid = state.org.find((u) => u.id === form.get('grid'));
  const community = state.org.find((u) => u.id === grid?.parentId);
  const attributes = {};
  document.querySelectorAll('#attributes [data-attr]').forEach((el) => {
    if (el.value === '') return;
    attributes[el.dataset.attr] = el.dataset.kind === 'number' ? Number(el.value) : el.value;
  });
  const input = {
    category: form.get('category'),
    title: form.get('title'),
    description: form.get('description'),
    source: 'walk_in',
    anonymous: false,
    reporter: { id: state.user },
    units: { grid: grid?.id, community: community?.id, street: community?.parentId },
    attributes,
  };
  try {
    const c = await api('/api/v1/cases', {
      method: 'POST',
      body: JSON.stringify({ process: 'gridEscalation', input }),
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    $('#reportProblems').problems = [];
    $('#reportResult').textContent = `${t('submitted')} ${c.id}`;
    await loadCases(true);
  } catch (e) {
    $('#reportProblems').problems = e.body?.details?.problems ?? [
      {
        code: e.body?.code ?? 'error',
        severity: 'error',
        message: { zh: e.message, en: e.message },
        path: e.body?.path ?? '',
      },
    ];
  }
}

async function loadIndicators() {
  const data = await api(`/api/v1/indicators/rankings?kind=${$('#kind').value}`);
  const items = data.items ?? [];
  const codes = data.indicators ?? [];
  $('#ranking thead').innerHTML =
    `<tr><th>${t('rank')}</th><th>${t('unit')}</th><th>${t('score')}</th>${codes.map((i) => `<th>${esc(name(i.name))}</th>`).join('')}</tr>`;
  $('#ranking tbody').innerHTML = items
    .map(
      (r) =>
        `<tr><td>${r.rank ?? '—'}</td><td>${esc(r.name ? name(r.name) : r.unit)}</td><td>${r.score ?? '—'}</td>${r.indicators.map((i) => `<td>${i.value === null ? '—' : `${Math.round(i.value * 1000) / 10}%`}</td>`).join('')}</tr>`,
    )
    .join('');
}

let source;
function listen() {
  source?.close();
  source = new EventSource(`/api/v1/events?access_token=${encodeURIComponent(state.token)}`);
  source.addEventListener('case', () => {
    clearTimeout(listen.timer);
    listen.timer = setTimeout(() => loadCases(true).catch(() => {}), 300);
  });
}

async function validatePolicy() {
  let body;
  try {
    body = JSON.parse($('#policyText').value);
  } catch (e) {
    $('#problems').problems = [
      {
        code: 'json.syntax',
        severity: 'error',
        message: { zh: `JSON 语法错误：${e.message}`, en: `JSON syntax error: ${e.message}` },
        path: '',
      },
    ];
    return;
  }
  const out = await api('/api/v1/policies/validate', { method: 'POST', body: JSON.stringify(body) }).catch(
    (e) => e.body,
  );
  $('#problems').problems = out?.problems ?? [];
}

function showTab(id) {
  document.querySelectorAll('.tab').forEach((s) => (s.hidden = s.id !== id));
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.tab === id));
  if (id === 'indicators') loadIndicators().catch((e) => toast(e.message));
}

async function start() {
  state.lang = localStorage.getItem('gridflow-demo-lang') ?? 'zh';
  $('#lang').value = state.lang;
  translate();
  const { items } = await api('/api/v1/demo/users');
  // Role names from the policy in effect (open without a token), so the picker shows 网格员, not grid_worker.
  const roles = await api('/api/v1/policies/current')
    .then((p) => new Map(p.organisation.roles.map((r) => [r.code, r.name])))
    .catch(() => new Map());
  const roleName = (code) => (roles.has(code) ? name(roles.get(code)) : code);
  $('#user').innerHTML = items
    .map((u) => `<option value="${esc(u.id)}">${esc(u.name)} · ${esc(u.roles.map(roleName).join('、'))}</option>`)
    .join('');
  const saved = localStorage.getItem('gridflow-demo-user');
  $('#user').value = items.some((u) => u.id === saved)
    ? saved
    : (items.find((u) => u.roles.includes('grid_worker'))?.id ?? items[0].id);
  $('#user').addEventListener('change', () => login($('#user').value).catch((e) => toast(e.message)));
  $('#lang').addEventListener('change', () => {
    state.lang = $('#lang').value;
    localStorage.setItem('gridflow-demo-lang', state.lang);
    translate();
    loadPolicy().catch((e) => toast(e.message));
    if (state.selected) showCase(state.selected);
  });
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));
  $('#cases tbody').addEventListener('click', (e) => {
    const id = e.target.closest('tr')?.dataset.id;
    if (id) showCase(id).catch((err) => toast(err.message));
  });
  $('#refresh').addEventListener('click', () => loadCases(true));
  $('#kind').addEventListener('change', () => loadIndicators().catch((e) => toast(e.message)));
  $('#more').addEventListener('click', () => loadCases(false));
  $('#search').addEventListener('change', () => loadCases(true));
  $('#overdue').addEventListener('change', () => loadCases(true));
  $('#reportForm [name=category]').addEventListener('change', renderAttributes);
  $('#reportForm').addEventListener('submit', submitReport);
  $('#validate').addEventListener('click', validatePolicy);
  $('#reset').addEventListener('click', loadPolicy);
  await login($('#user').value);
}

start().catch((e) => toast(e.message));
