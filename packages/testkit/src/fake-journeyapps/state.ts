/**
 * The fake JourneyApps deployment's users, kept compactly: one canonical JSON string per user (in
 * insertion order) plus an id → position index, so 100,000 users cost a few tens of MB and a page of
 * `GET /users` is a string join, not a re-serialisation. Mutations (re-authenticate, re-enrol) parse
 * one user, change it and serialise it again.
 */

export type FakeJourneyAppsSessionState = 'ENROLLED' | 'LOCKED' | 'RESET' | 'NEVER_ENROLLED';

/** Reference B.3, without the optional container/runtime/device/label/sync_status fields. */
export interface FakeJourneyAppsSession {
  id: string;
  state: FakeJourneyAppsSessionState;
  last_authenticated_at: string;
  created_at: string;
  signed_out_at: string | null;
  last_connected_at: string;
}

export interface FakeJourneyAppsUser {
  id: string;
  last_connected_at: string;
  enrolled: boolean;
  locked: boolean;
  sessions: FakeJourneyAppsSession[];
}

const SESSION_STATES: ReadonlySet<string> = new Set(['ENROLLED', 'LOCKED', 'RESET', 'NEVER_ENROLLED']);

/** The reference's samples carry whole seconds: `2017-08-18T13:33:23Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type SessionLookup = 'ok' | 'no-user' | 'no-session';

export class JourneyAppsState {
  private readonly rows: string[] = [];
  private readonly index = new Map<string, number>();

  get total(): number {
    return this.rows.length;
  }

  add(user: FakeJourneyAppsUser): void {
    const record = canonical(user);
    if (this.index.has(record.id)) throw new Error(`fake JourneyApps: duplicate user id '${record.id}'`);
    this.index.set(record.id, this.rows.length);
    this.rows.push(JSON.stringify(record));
  }

  /** A copy: changing it does not change the fake. */
  get(id: string): FakeJourneyAppsUser | undefined {
    const json = this.json(id);
    return json === undefined ? undefined : (JSON.parse(json) as FakeJourneyAppsUser);
  }

  json(id: string): string | undefined {
    const at = this.index.get(id);
    return at === undefined ? undefined : this.rows[at];
  }

  /** The `GET /users` body for one page, built from the stored strings. */
  pageJson(skip: number, limit: number): string {
    const total = this.rows.length;
    const objects = this.rows.slice(skip, skip + limit);
    const more = skip + objects.length < total;
    return `{"total":${total},"count":${objects.length},"more":${more},"objects":[${objects.join(',')}]}`;
  }

  /** Applies `change` to one session; nothing is stored unless both exist. */
  updateSession(userId: string, sessionId: string, change: (session: FakeJourneyAppsSession) => void): SessionLookup {
    const at = this.index.get(userId);
    if (at === undefined) return 'no-user';
    const user = JSON.parse(this.rows[at]!) as FakeJourneyAppsUser;
    const session = user.sessions.find((s) => s.id === sessionId);
    if (session === undefined) return 'no-session';
    change(session);
    this.rows[at] = JSON.stringify(user);
    return 'ok';
  }
}

/** Copies the known fields in the reference's order, so input objects' extra keys or key order never leak out. */
function canonical(user: FakeJourneyAppsUser): FakeJourneyAppsUser {
  if (typeof user.id !== 'string' || user.id === '') throw new Error('fake JourneyApps: a user needs a non-empty id');
  const seen = new Set<string>();
  return {
    id: user.id,
    last_connected_at: user.last_connected_at,
    enrolled: user.enrolled,
    locked: user.locked,
    sessions: user.sessions.map((s) => {
      if (typeof s.id !== 'string' || s.id === '') throw new Error(`fake JourneyApps: user '${user.id}' has a session without an id`);
      if (seen.has(s.id)) throw new Error(`fake JourneyApps: user '${user.id}' has session '${s.id}' twice`);
      if (!SESSION_STATES.has(s.state)) throw new Error(`fake JourneyApps: session '${s.id}' has unknown state '${String(s.state)}'`);
      seen.add(s.id);
      return {
        id: s.id,
        state: s.state,
        last_authenticated_at: s.last_authenticated_at,
        created_at: s.created_at,
        signed_out_at: s.signed_out_at,
        last_connected_at: s.last_connected_at,
      };
    }),
  };
}
