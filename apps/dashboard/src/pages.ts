import type { DeadLetterView } from '@reauth/queues';
import { notificationStatuses, type HistoryPage, type NotificationDetail, type NotificationRecord } from '@reauth/history';
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
  .status.sent, .status.dialog-reached, .status.link-opened { background: #c6f7e2; }
  .status.dead-lettered { background: #ffd0d0; } .status.retrying { background: #fff3c4; }
  form.filters { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .ro { background: #fff3c4; color: #1f2933; padding: .1rem .5rem; border-radius: .3rem; font-size: .8rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
</style></head>
<body><header><strong>reauth admin</strong><a href="/notifications">Notifications</a><a href="${BOARD_PATH}">Queues (Bull Board)</a>${readOnly ? html`<span class="ro">read-only</span>` : ''}</header>
<main>${body}</main></body></html>`.value;
}

const statusBadge = (status: string) => html`<span class="status ${status}">${status}</span>`;

function jobLink(queue: string | undefined, jobId: string | undefined): Html | string {
  return queue && jobId ? html`<a href="${jobUrl(queue, jobId)}">${queue}</a>` : '';
}

export interface ListFilters {
  authId?: string;
  userId?: string;
  externalUserId?: string;
  status?: string;
}

export function notificationsPage(page: HistoryPage, filters: ListFilters, readOnly: boolean): string {
  const next = page.next !== undefined ? new URLSearchParams({ ...stripEmpty(filters), cursor: String(page.next) }) : undefined;
  const row = (n: NotificationRecord) => html`<tr>
<td>${time(n.receivedAt)}</td><td>${statusBadge(n.status)}</td>
<td>${n.serviceName ?? ''}<br><small>${n.authenticationName ?? ''}</small></td>
<td><code>${n.authId}</code></td><td><code>${n.userId}</code></td><td>${n.externalUserId ?? ''}</td>
<td>${jobLink(n.lastQueue, n.lastJobId)}</td><td><a href="/notifications/${encodeURIComponent(n.id)}">timeline</a></td></tr>`;
  return layout(
    'Notifications',
    readOnly,
    html`<h1>Notifications</h1>
<form class="filters" method="get" action="/notifications">
  <input name="authId" placeholder="authId" value="${filters.authId ?? ''}">
  <input name="userId" placeholder="Tray user id" value="${filters.userId ?? ''}">
  <input name="externalUserId" placeholder="external user id" value="${filters.externalUserId ?? ''}">
  <select name="status"><option value="">any status</option>${notificationStatuses.map(
    (s) => html`<option value="${s}"${filters.status === s ? html` selected` : ''}>${s}</option>`,
  )}</select>
  <button type="submit">Filter</button>
</form>
<table><thead><tr><th>Received</th><th>Status</th><th>Service / auth</th><th>authId</th><th>Tray user</th><th>External user</th><th>Last job</th><th></th></tr></thead>
<tbody>${page.items.length > 0 ? page.items.map(row) : html`<tr><td colspan="8">No notifications match.</td></tr>`}</tbody></table>
${next ? html`<p><a href="/notifications?${next.toString()}">Older →</a></p>` : ''}`,
  );
}

export function notificationPage(n: NotificationDetail, deadLetters: ReadonlyMap<string, DeadLetterView>, readOnly: boolean): string {
  const action = (entryId: string | undefined) => {
    const entry = entryId ? deadLetters.get(entryId) : undefined;
    if (!entry) return '';
    if (entry.replayJobId) return html`replayed as ${jobLink(entry.sourceQueue, entry.replayJobId)}`;
    if (readOnly) return '';
    return html`<form method="post" action="/api/dead-letter/${encodeURIComponent(entry.id)}/replay"><button type="submit">Replay</button></form>`;
  };
  return layout(
    `Notification ${n.id}`,
    readOnly,
    html`<h1>Notification <code>${n.id}</code> ${statusBadge(n.status)}</h1>
<dl>
  <dt>Received</dt><dd>${time(n.receivedAt)}</dd>
  <dt>Service</dt><dd>${n.serviceName ?? ''} ${n.authenticationName ? html`(${n.authenticationName})` : ''}</dd>
  <dt>authId</dt><dd><code>${n.authId}</code></dd>
  <dt>Tray user</dt><dd><code>${n.userId}</code></dd>
  <dt>External user</dt><dd>${n.externalUserId ?? ''}</dd>
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
