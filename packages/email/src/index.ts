/**
 * @reauth/email owns outgoing mail: one pooled nodemailer transport per process, SMTP failures
 * sorted into permanent (5xx) and transient (4xx, network), the templates every provider's email
 * is rendered with (providers hand in content, never HTML; an operator overrides the templates from
 * TEMPLATES_DIR), the brand they show, and the escaping that keeps payload text out of mail headers
 * and HTML markup.
 */
export { createMailer, type Mailer, type OutgoingMail } from './mailer.js';
export { escapeHtml, headerText } from './escape.js';
export { brandOf, DEFAULT_BRAND_COLOR, type Brand } from './brand.js';
export { templateData, type EmailContent, type RenderedEmail, type RenderOptions, type TemplateData } from './layout.js';
export { DEFAULT_TEMPLATES_DIR, loadEmailTemplates, TemplateError, type EmailRenderer } from './templates.js';
