import { randomBytes } from 'node:crypto';

export interface FakeTrayUserInput {
  id: string;
  externalUserId: string;
  name: string;
  isTestUser?: boolean;
}

export interface AuthValue {
  externalId: string;
  authId: string;
}

export interface ConfigValue {
  externalId: string;
  value: unknown;
}

export interface FakeTrayInstanceInput {
  id: string;
  name: string;
  /** Tray user id; the user must have been added first. */
  owner: string;
  enabled?: boolean;
  authValues: AuthValue[];
  configValues?: ConfigValue[];
  /** Only matters for `criteria.solutionId` filtering. */
  solutionId?: string;
  /** ISO string or Date; defaults to now. */
  created?: Date | string;
}

export interface FakeTrayCall {
  /** Root field name(s) of the selected operation joined by ',', '' when the body had no usable document. */
  operation: string;
  /** What the bearer token authenticated as; 'none' for missing, unknown, expired or revoked tokens. */
  tokenKind: 'master' | 'user' | 'none';
  status: number;
  rateLimited: boolean;
  at: number;
}

export interface DialogVisit {
  path: string;
  ok: boolean;
  reason?: string;
}

export interface StoredUser {
  id: string;
  externalUserId: string;
  name: string;
  isTestUser: boolean;
}

export interface StoredInstance {
  id: string;
  name: string;
  owner: string;
  enabled: boolean;
  created: string;
  authValues: AuthValue[];
  configValues: ConfigValue[];
  solutionId: string | undefined;
}

export type Principal = { kind: 'master' } | { kind: 'user'; userId: string };

interface Grant {
  userId: string;
  expiresAt: number;
}

export interface StateConfig {
  masterToken: string;
  codeTtlMs: number;
  userTokenTtlMs: number;
}

/** Everything the fake Tray knows: its data, the credentials it minted, and what it observed. */
export class TrayState {
  /** Maps keep insertion order, which is the stable order the connections page over. */
  readonly users = new Map<string, StoredUser>();
  readonly instances = new Map<string, StoredInstance>();
  readonly calls: FakeTrayCall[] = [];
  readonly dialogVisits: DialogVisit[] = [];
  rateLimitErrors = 0;
  codesIssued = 0;

  private readonly userTokens = new Map<string, Grant>();
  private readonly codes = new Map<string, Grant & { used: boolean }>();

  constructor(private readonly config: StateConfig) {}

  addUser(user: FakeTrayUserInput): void {
    if (this.users.has(user.id)) throw new Error(`fake Tray: user ${user.id} already exists`);
    if (this.findUserByExternalId(user.externalUserId)) {
      throw new Error(`fake Tray: externalUserId ${user.externalUserId} is already taken`);
    }
    this.users.set(user.id, { ...user, isTestUser: user.isTestUser ?? false });
  }

  findUserByExternalId(externalUserId: string): StoredUser | undefined {
    return [...this.users.values()].find((u) => u.externalUserId === externalUserId);
  }

  addInstance(instance: FakeTrayInstanceInput): void {
    // Failing here beats a test that silently finds no instances because of a typo in the owner.
    if (!this.users.has(instance.owner)) throw new Error(`fake Tray: owner ${instance.owner} is not a known user`);
    if (this.instances.has(instance.id)) throw new Error(`fake Tray: instance ${instance.id} already exists`);
    this.instances.set(instance.id, {
      id: instance.id,
      name: instance.name,
      owner: instance.owner,
      enabled: instance.enabled ?? true,
      created: new Date(instance.created ?? Date.now()).toISOString(),
      authValues: instance.authValues.map((v) => ({ ...v })),
      configValues: (instance.configValues ?? []).map((v) => ({ ...v })),
      solutionId: instance.solutionId,
    });
  }

  /** Tray has no auth store in this fake: an auth exists, and belongs to a user, through the instances using it. */
  authOwner(authId: string): string | undefined {
    return [...this.instances.values()].find((i) => i.authValues.some((v) => v.authId === authId))?.owner;
  }

  authenticate(token: string | undefined): Principal | undefined {
    if (token === undefined) return undefined;
    if (token === this.config.masterToken) return { kind: 'master' };
    const grant = this.userTokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) return undefined;
    return { kind: 'user', userId: grant.userId };
  }

  issueUserToken(userId: string): string {
    const token = randomBytes(29).toString('hex');
    this.userTokens.set(token, { userId, expiresAt: Date.now() + this.config.userTokenTtlMs });
    return token;
  }

  revokeUserTokens(userId?: string): void {
    for (const [token, grant] of this.userTokens) {
      if (userId === undefined || grant.userId === userId) this.userTokens.delete(token);
    }
  }

  issueCode(userId: string): string {
    const code = randomBytes(20).toString('hex');
    this.codes.set(code, { userId, expiresAt: Date.now() + this.config.codeTtlMs, used: false });
    this.codesIssued += 1;
    return code;
  }

  /** Consumes the code when it is usable for `ownerId`; otherwise returns why not and leaves it untouched. */
  redeemCode(code: string, ownerId: string): string | undefined {
    const grant = this.codes.get(code);
    if (!grant) return 'Invalid authorization code';
    if (grant.used) return 'Authorization code already used';
    if (grant.expiresAt <= Date.now()) return 'Authorization code expired';
    if (grant.userId !== ownerId) return 'Authorization code was issued for another user';
    grant.used = true;
    return undefined;
  }

  resetObservations(): void {
    this.calls.length = 0;
    this.dialogVisits.length = 0;
    this.rateLimitErrors = 0;
    this.codesIssued = 0;
  }
}
