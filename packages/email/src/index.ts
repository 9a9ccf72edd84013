/**
 * @reauth/email owns outgoing mail: one pooled nodemailer transport per process, SMTP failures
 * sorted into permanent (5xx) and transient (4xx, network), the one layout every provider's email
 * uses (providers hand in content, never HTML), and the escaping that keeps payload text out of
 * mail headers and HTML markup.
 */
export { createMailer, type Mailer, type OutgoingMail } from './mailer.js';
export { escapeHtml, headerText } from './escape.js';
export { renderEmail, type EmailContent, type RenderedEmail, type RenderOptions } from './layout.js';
