import type { DeadLetterView } from '@reauth/queues';
import { funnelStates, isOpen, notificationStates, type NotificationDetail, type NotificationPage, type NotificationView } from '@reauth/notification';
import { BOARD_PATH, jobUrl } from './board.js';
import { html, type Html } from './html.js';

// Pages carry no script and only inline styles; the policy says so.
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function layout(title: string, readOnly: boolean, body: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · reauth admin</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1f2933; }
  header { background: #1f2933; color: #fff; padding: .7rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; }
  header a { color: #cbd2d9; text-decoration: none; } header strong { color: #fff; }
  main { padding: 1rem 1.5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
  code { font-size: .85rem; }
  .status { padding: .1rem .45rem; border-radius: .6rem; background: #e4e7eb; font-size: .8rem; white-space: nowrap; }
  .status.completed { background: #c6f7e2; } .status.opened { background: #e3f8ff; }
  .status.failed, .status.lapsed { background: #ffd0d0; } .status.notified, .status.reminded { background: #fff3c4; }
  table.funnel { width: auto; margin-bottom: 1.2rem; } table.funnel td { text-align: right; }
  form.filters { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .ro { background: #fff3c4; color: #1f2933; padding: .1rem .5rem; border-radius: .3rem; font-size: .8rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
</style></head>
<body><header><strong>reauth admin</strong><a href="/notifications">Notifications</a><a href="${BOARD_PATH}">Queues (Bull Board)</a>${readOnly ? html`<span class="ro">read-only</span>` : ''}</header>
<main>${body}</main></body></html>`.value;
}

const statusBadge = (state: string) => html`<span class="status ${state}">${state}</span>`;

function jobLink(queue: string | undefined, jobId: string | undefined): Html | string {
  return queue && jobId ? html`<a href="${jobUrl(queue, jobId)}">${queue}</a>` : '';
}

const idList = (ids: Record<string, string>) => html`${Object.entries(ids).map(([k, v]) => html`<div><small>${k}</small> <code>${v}</code></div>`)}`;

/** What the list form can filter by: provider, state, and one provider id (`key` = `value`). */
export interface ListFilters {
  provider?: string;
  state?: string;
  key?: string;
  value?: string;
}

export type Funnel = Record<string, Record<string, number>>;

function funnelTable(funnel: Funnel): Html {
  const providers = Object.keys(funnel);
  if (providers.length === 0) return html``;
  const columns = ['received', ...funnelStates];
  return html`<table class="funnel"><thead><tr><th>Provider</th>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>
${providers.map((p) => html`<tr><th>${p}</th>${columns.map((c) => html`<td>${funnel[p]?.[c] ?? 0}</td>`)}</tr>`)}</tbody></table>`;
}

/** The latest runs (JourneyApps sweeps) per provider: when, what, and every count the run reported. */
export type Runs = Record<string, Array<Record<string, unknown>>>;

const flatCounts = (r: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(r).flatMap(([k, v]) => (typeof v === 'number' && !k.endsWith('At') ? [`${prefix}${k} ${v}`] : v && typeof v === 'object' && !Array.isArray(v) ? flatCounts(v as Record<string, unknown>, `${k}.`) : []));

function runsTable(runs: Runs): Html {
  const rows = Object.entries(runs).flatMap(([provider, list]) => list.map((r) => ({ provider, r })));
  if (rows.length === 0) return html``;
  return html`<h2>Latest runs</h2><table><thead><tr><th>Finished</th><th>Provider</th><th>Run</th><th>Outcome</th><th>Counts</th></tr></thead><tbody>
${rows.map(({ provider, r }) => html`<tr><td>${typeof r.finishedAt === 'number' ? time(r.finishedAt) : ''}</td><td>${provider}</td>
<td>${String(r.deployment ?? '')} ${String(r.trigger ?? '')}${r.dryRun ? ' (dry run)' : ''}</td>
<td>${statusBadge(r.outcome === 'completed' ? 'completed' : 'failed')}${typeof r.error === 'string' ? html`<br><small>${r.error}</small>` : ''}</td>
<td><small>${flatCounts(r).join(', ')}</small></td></tr>`)}</tbody></table>`;
}

export function notificationsPage(page: NotificationPage, filters: ListFilters, funnel: Funnel, readOnly: boolean, runs: Runs = {}): string {
  const next = page.next !== undefined ? new URLSearchParams({ ...stripEmpty(filters), cursor: String(page.next) }) : undefined;
  const row = (n: NotificationView) => html`<tr>
<td>${time(n.createdAt)}</td><td>${statusBadge(n.state)}${n.reason ? html`<br><small>${n.reason}</small>` : ''}</td><td>${n.provider}</td>
<td>${idList(n.ids)}</td><td>${n.sends}</td><td>${jobLink(n.lastQueue, n.lastJobId)}</td><td><a href="/notifications/${encodeURIComponent(n.id)}">timeline</a></td></tr>`;
  return layout(
    'Notifications',
    readOnly,
    html`<h1>Notifications</h1>
${funnelTable(funnel)}
${runsTable(runs)}
<form class="filters" method="get" action="/notifications">
  <input name="provider" placeholder="provider (tray, …)" value="${filters.provider ?? ''}">
  <select name="state"><option value="">any state</option>${notificationStates.map(
    (s) => html`<option value="${s}"${filters.state === s ? html` selected` : ''}>${s}</option>`,
  )}</select>
  <input name="key" placeholder="id name (authId, userId, …)" value="${filters.key ?? ''}">
  <input name="value" placeholder="id value" value="${filters.value ?? ''}">
  <button type="submit">Filter</button>
</form>
<table><thead><tr><th>Created</th><th>State</th><th>Provider</th><th>Ids</th><th>Emails</th><th>Last job</th><th></th></tr></thead>
<tbody>${page.items.length > 0 ? page.items.map(row) : html`<tr><td colspan="7">No notifications match.</td></tr>`}</tbody></table>
${next ? html`<p><a href="/notifications?${next.toString()}">Older →</a></p>` : ''}`,
  );
}

export function notificationPage(n: NotificationDetail, deadLetters: ReadonlyMap<string, DeadLetterView>, readOnly: boolean): string {
  const action = (entryId: string | undefined) => {
    const entry = entryId ? deadLetters.get(entryId) : undefined;
    if (!entry) return '';
    const code = entry.errorCode ? html`<code>${entry.errorCode}</code> ` : '';
    if (entry.replayJobId) return html`${code}replayed as ${jobLink(entry.sourceQueue, entry.replayJobId)}`;
    if (readOnly) return code;
    return html`${code}<form method="post" action="/api/dead-letter/${encodeURIComponent(entry.id)}/replay"><button type="submit">Replay</button></form>`;
  };
  const resolve =
    isOpen(n.state) && !readOnly
      ? html`<form method="post" action="/api/notifications/${encodeURIComponent(n.id)}/resolve"><button type="submit">Resolve by hand</button> <small>marks it completed and stops its reminders</small></form>`
      : '';
  return layout(
    `Notification ${n.id}`,
    readOnly,
    html`<h1>Notification <code>${n.id}</code> ${statusBadge(n.state)}</h1>
${resolve}
<dl>
  <dt>Provider</dt><dd>${n.provider}</dd>
  <dt>Created</dt><dd>${time(n.createdAt)}</dd>
  <dt>Links expire</dt><dd>${time(n.expiresAt)}</dd>
  <dt>Emails sent</dt><dd>${n.sends}</dd>
  ${n.reason ? html`<dt>Reason</dt><dd>${n.reason}</dd>` : ''}
  <dt>Ids</dt><dd>${idList(n.ids)}</dd>
  <dt>Contact key</dt><dd>${n.contactKey}</dd>
</dl>
<h2>Timeline</h2>
<table class="timeline"><thead><tr><th>When</th><th>Step</th><th>Detail</th><th>Job</th><th></th></tr></thead><tbody>
${n.events.map(
  (e) => html`<tr><td>${time(e.at)}</td><td>${e.kind}</td><td>${e.detail ?? ''}</td><td>${jobLink(e.queue, e.jobId)}</td><td>${e.kind === 'dead-lettered' ? action(e.jobId) : ''}</td></tr>`,
)}
</tbody></table>
<p><a href="/notifications">← all notifications</a></p>`,
  );
}

export function notFoundPage(what: string, readOnly: boolean): string {
  return layout('Not found', readOnly, html`<h1>Not found</h1><p>${what}</p><p><a href="/notifications">← all notifications</a></p>`);
}

function stripEmpty(filters: ListFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}
