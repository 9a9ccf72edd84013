import { createServer } from 'node:http';

export interface Contact {
  email: string;
  name?: string;
}

export interface ContactsServerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>` or gets 401. */
  token?: string;
}

export interface ContactsServer {
  /** URL template as the app expects in CONTACTS_URL, e.g. http://127.0.0.1:PORT/contacts/{external_user_id} */
  urlTemplate: string;
  set(externalUserId: string, contact: Contact): void;
  remove(externalUserId: string): void;
  /** The next n contact lookups are answered with that status (503 by default). */
  failNext(n: number, status?: number): void;
  /** Every request to /contacts/:id, in order, with the status it got. */
  requests: Array<{ externalUserId: string; status: number }>;
  close(): Promise<void>;
}

const CONTACT_PATH = /^\/contacts\/([^/]+)$/;

/** A malformed escape is treated like any unknown path rather than crashing the handler. */
function decodeId(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

export async function startContactsServer(
  initial: Record<string, Contact> = {},
  options: ContactsServerOptions = {},
): Promise<ContactsServer> {
  const contacts = new Map<string, Contact>(Object.entries(initial).map(([id, contact]) => [id, { ...contact }]));
  const forcedStatuses: number[] = [];
  const requests: ContactsServer['requests'] = [];

  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const externalUserId = decodeId(CONTACT_PATH.exec(pathname)?.[1]);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (externalUserId !== undefined) requests.push({ externalUserId, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return answer(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
    }
    if (externalUserId === undefined) return answer(404, { error: 'not found' });
    if (req.method !== 'GET') return answer(405, { error: 'method not allowed' }, { allow: 'GET' });
    const forced = forcedStatuses.shift();
    if (forced !== undefined) return answer(forced, { error: 'injected failure' });
    const contact = contacts.get(externalUserId);
    if (!contact) return answer(404, { error: 'not found' });
    return answer(200, contact);
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('contacts server has no port'));
    });
  });

  return {
    urlTemplate: `http://127.0.0.1:${port}/contacts/{external_user_id}`,
    set(externalUserId, contact) {
      contacts.set(externalUserId, { ...contact });
    },
    remove(externalUserId) {
      contacts.delete(externalUserId);
    },
    failNext(n, status = 503) {
      for (let i = 0; i < n; i += 1) forcedStatuses.push(status);
    },
    requests,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive clients (undici's pool) would otherwise hold close() open until their idle timeout.
        server.closeAllConnections();
      });
    },
  };
}
