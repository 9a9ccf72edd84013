import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PermanentError, TransientError } from '@reauth/queues';

export interface Contact {
  email: string;
  name?: string;
  /** IANA time zone; reminders honour REMINDER_HOURS in it. */
  timezone?: string;
}

/** Resolves to null when the directory has no contact for that user (a permanent outcome). */
export type ContactLookup = (externalUserId: string) => Promise<Contact | null>;

export type ContactSource =
  | { kind: 'url'; template: string; token?: string; timeoutMs?: number }
  | { kind: 'file'; path: string }
  | { kind: 'external-id' };

const timeZone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone');
const contactSchema = z.object({ email: z.email(), name: z.string().max(200).optional(), timezone: timeZone.optional() });

export function createContactLookup(source: ContactSource): ContactLookup {
  switch (source.kind) {
    case 'url':
      return (id) => fetchContact(source, id);
    case 'file': {
      const contacts = z.record(z.string(), contactSchema).parse(JSON.parse(readFileSync(source.path, 'utf8')));
      return async (id) => (Object.hasOwn(contacts, id) ? (contacts[id] ?? null) : null);
    }
    case 'external-id':
      return async (id) => (z.email().safeParse(id).success ? { email: id } : null);
  }
}

async function fetchContact(source: { template: string; token?: string; timeoutMs?: number }, id: string): Promise<Contact | null> {
  const url = source.template.replace('{external_user_id}', encodeURIComponent(id));
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(source.token ? { authorization: `Bearer ${source.token}` } : {}) },
      signal: AbortSignal.timeout(source.timeoutMs ?? 5_000),
    });
  } catch (err) {
    throw new TransientError(`contact directory unreachable: ${(err as Error).message}`, 'contacts-unavailable');
  }
  if (response.status === 404) return null;
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new TransientError(`contact directory answered ${response.status}`, 'contacts-unavailable');
  }
  if (!response.ok) throw new PermanentError(`contact directory answered ${response.status}`, 'contacts-rejected');
  const parsed = contactSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new PermanentError('contact directory answered without a valid email', 'contacts-invalid');
  return parsed.data;
}
