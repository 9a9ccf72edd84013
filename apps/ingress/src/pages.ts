import { escapeHtml, type Brand } from '@reauth/email';
import type { Landing } from '@reauth/notification';

const h = escapeHtml;

/** The same brand as the emails: logo or name above, accent colour, support link below. */
function shell(brand: Brand, title: string, body: string): string {
  const mark = brand.logoUrl
    ? `<img src="${h(brand.logoUrl)}" alt="${h(brand.name ?? '')}" style="height: 32px; display: block; margin-bottom: 1.5rem">`
    : brand.name
      ? `<p style="font-weight: bold; margin: 0 0 1.5rem">${h(brand.name)}</p>`
      : '';
  const support = brand.supportUrl ? `<p style="margin-top: 2rem; font-size: .9rem; color: #666">Questions? <a href="${h(brand.supportUrl)}" style="color: ${h(brand.color)}">Contact ${brand.name ? `${h(brand.name)} ` : ''}support</a>.</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${h(title)}</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto; padding: 1.5rem 1rem 0; line-height: 1.5; border-top: 4px solid ${h(brand.color)}">
${mark}${body}${support}</body></html>`;
}

/** A plain page for people who clicked a link: never a stack trace, never a redirect on failure. */
export function messagePage(brand: Brand, title: string, body: string, link?: { label: string; url: string }): string {
  return shell(brand, title, `<h1 style="font-size: 1.4rem">${h(title)}</h1><p>${h(body)}</p>${link ? `<p><a href="${h(link.url)}" style="color: ${h(brand.color)}">${h(link.label)}</a></p>` : ''}`);
}

export interface LandingPageInput {
  landing: Landing;
  /** The form's action: the link itself. */
  action: string;
  formKey: string;
  nonce: string;
  brand: Brand;
}

/** The script the page runs, with the nonce its CSP allows; the brand's logo is the one image it may load. */
export const LANDING_CSP = (nonce: string, brand: Brand) =>
  `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline';${brand.logoUrl ? ` img-src ${new URL(brand.logoUrl).origin};` : ''} connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`;

/**
 * The landing page: what needs reconnecting and one button (a form POST, so it works without
 * JavaScript). With JavaScript the button opens the provider's dialog in a popup and reports its
 * `postMessage` events back, accepting them only from the dialog's origin.
 */
export function landingPage({ landing, action, formKey, nonce, brand }: LandingPageInput): string {
  const items = landing.items.length > 0 ? `<p>These integrations use it:</p><ul>${landing.items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>` : '';
  const buttons = landing.buttons
    .map(
      (b) => `<form method="post" action="${h(action)}" data-reauth>
<input type="hidden" name="k" value="${h(formKey)}">${b.choice !== undefined ? `<input type="hidden" name="choice" value="${h(b.choice)}">` : ''}
<button type="submit" style="font-size: 1rem; padding: .6rem 1.2rem; cursor: pointer; color: #fff; background: ${h(brand.color)}; border: 0; border-radius: 4px">${h(b.label)}</button></form>`,
    )
    .join('\n');
  const account = landing.account ? ` <strong>${h(landing.account)}</strong>` : '';
  return shell(
    brand,
    `Reconnect ${landing.service}`,
    `<h1 style="font-size: 1.4rem">Reconnect ${h(landing.service)}</h1>
<p>Your ${h(landing.service)} connection${account} needs you to sign in again.</p>
${items}
${buttons}
<p id="status" role="status" aria-live="polite"></p>
<script nonce="${h(nonce)}">${LANDING_SCRIPT}</script>`,
  );
}

// Kept small and dependency-free: it runs on an end user's browser, once.
const LANDING_SCRIPT = `
(function () {
  var status = document.getElementById('status');
  var say = function (text) { status.textContent = text; };
  var report = function (action, k, type, detail) {
    return fetch(action + '/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ k: k, type: type, detail: detail || '' }) });
  };
  document.querySelectorAll('form[data-reauth]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var popup = window.open('about:blank', 'reauth-dialog', 'popup,width=620,height=760');
      if (!popup) { form.submit(); return; }
      var k = form.elements.k.value;
      say('Opening the sign-in window…');
      fetch(form.action, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(new FormData(form)) })
        .then(function (res) {
          // The link's own pages (already reconnected, replaced, refused) are HTML: show them as a press without JavaScript would.
          if (!/json/.test(res.headers.get('content-type') || '')) { popup.close(); form.submit(); return undefined; }
          return res.json();
        })
        .then(function (answer) {
          if (!answer) return;
          if (!answer.url) { popup.close(); say(answer.message || 'Something went wrong. Please try again.'); return; }
          if (!answer.popupOrigin) { popup.close(); window.location.assign(answer.url); return; }
          popup.location.href = answer.url;
          window.addEventListener('message', function onMessage(e) {
            if (e.origin !== answer.popupOrigin || !e.data || typeof e.data.type !== 'string') return;
            if (e.data.type === 'tray.authpopup.finish') { window.removeEventListener('message', onMessage); report(form.action, k, 'finish').then(function () { say('Reconnected. You can close this page.'); }); }
            else if (e.data.type === 'tray.authpopup.close') { window.removeEventListener('message', onMessage); report(form.action, k, 'close'); say('The sign-in window was closed before finishing. You can try again.'); }
            else if (e.data.type === 'tray.authPopup.error') { window.removeEventListener('message', onMessage); report(form.action, k, 'error', String(e.data.error || '')); say('Signing in did not work. Please try again, or contact support.'); }
          });
        })
        .catch(function () { popup.close(); say('Please try again in a minute.'); });
    });
  });
})();
`;
