import type { ServerResponse } from 'node:http';
import { send } from '../http.js';
import type { TrayState } from './state.js';

/** What a dialog URL points at, once the path is understood. */
type Target = { embeddedId: string; resolve: (state: TrayState) => Resource | string };

/** Whose code the visit must carry, what the page names, and the auth a finish reports (when one is known). */
type Resource = { owner: string; label: string; authId?: string };

/** §4: the three dialog shapes the worker may link to. */
const ROUTES: Array<{ pattern: RegExp; target: (segments: string[]) => Target }> = [
  {
    // Edit by authId, as Tray's sample app builds it.
    pattern: /^\/external\/auth\/edit\/([^/]+)\/([^/]+)$/,
    target: ([embeddedId = '', authId = '']) => ({
      embeddedId,
      resolve: (state) => {
        const owner = state.authOwner(authId);
        return owner === undefined ? 'Unknown authentication' : { owner, label: `authentication ${authId}`, authId };
      },
    }),
  },
  {
    pattern: /^\/external\/auth\/create\/([^/]+)\/([^/]+)\/([^/]+)$/,
    target: ([embeddedId = '', instanceId = '', externalAuthId = '']) => ({
      embeddedId,
      resolve: (state) => {
        const instance = state.instances.get(instanceId);
        if (!instance) return 'Unknown solution instance';
        const slot = instance.authValues.find((v) => v.externalId === externalAuthId);
        if (!slot) return 'Unknown auth slot';
        return { owner: instance.owner, label: `${externalAuthId} of solution instance ${instance.name}`, authId: slot.authId };
      },
    }),
  },
  {
    // The Config Wizard, the documented fallback for re-authenticating (§4).
    pattern: /^\/external\/solutions\/([^/]+)\/configure\/([^/]+)$/,
    target: ([embeddedId = '', instanceId = '']) => ({
      embeddedId,
      resolve: (state) => {
        const instance = state.instances.get(instanceId);
        return instance ? { owner: instance.owner, label: `solution instance ${instance.name}` } : 'Unknown solution instance';
      },
    }),
  },
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside an inline <script>: no `</script>` can close it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * What Tray's real popup tells its opener (reference §4, "Popup postMessage events"; note the
 * capital P of the error event), one button each, so a browser test can drive every outcome.
 */
function dialogPage(heading: string, authId: string | undefined): string {
  const events = [
    { label: 'Finish', message: { type: 'tray.authpopup.finish', authId, authType: 'oauth' } },
    { label: 'Close', message: { type: 'tray.authpopup.close' } },
    { label: 'Fail', message: { type: 'tray.authPopup.error', error: 'simulated failure' } },
  ];
  const buttons = events.map((e, n) => `<button type="button" data-event="${n}">${e.label}</button>`).join(' ');
  const script = `var events = ${scriptJson(events.map((e) => e.message))};
document.querySelectorAll('button[data-event]').forEach(function (button) {
  button.addEventListener('click', function () {
    if (window.opener) window.opener.postMessage(events[Number(button.dataset.event)], '*');
    window.close();
  });
});`;
  return `<!doctype html>\n<html><head><title>Tray auth dialog (simulated)</title></head><body><h1>${heading}</h1>\n<p>${buttons}</p>\n<script>${script}</script></body></html>\n`;
}

function matchTarget(pathname: string): Target | undefined {
  for (const { pattern, target } of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    try {
      return target(match.slice(1).map((segment) => decodeURIComponent(segment)));
    } catch {
      return undefined; // a malformed %-escape names nothing
    }
  }
  return undefined;
}

/** Answers a GET on the dialog host. Only a fully valid visit consumes the code, as the real one-time code would be. */
export function handleDialog(url: URL, res: ServerResponse, state: TrayState, embeddedId: string): void {
  const refuse = (status: number, reason: string): void => {
    state.dialogVisits.push({ path: url.pathname, ok: false, reason });
    send(res, status, 'text/plain; charset=utf-8', `${reason}\n`);
  };

  const target = matchTarget(url.pathname);
  if (!target) return refuse(404, 'Not found');
  if (target.embeddedId !== embeddedId) return refuse(404, 'Unknown embedded id');
  const code = url.searchParams.get('code');
  if (!code) return refuse(400, 'Missing code');
  const resource = target.resolve(state);
  if (typeof resource === 'string') return refuse(404, resource);
  const problem = state.redeemCode(code, resource.owner);
  if (problem !== undefined) return refuse(401, problem);

  state.dialogVisits.push({ path: url.pathname, ok: true });
  const heading = `Tray auth dialog (simulated): re-authenticate ${escapeHtml(resource.label)}`;
  send(res, 200, 'text/html; charset=utf-8', dialogPage(heading, resource.authId));
}
