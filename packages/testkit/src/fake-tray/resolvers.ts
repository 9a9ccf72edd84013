import { randomUUID } from 'node:crypto';
import { preconditionError } from './errors.js';
import { paginate, type ConnectionArgs } from './pagination.js';
import type { Principal, TrayState } from './state.js';

/** Root fields that need the master token (§1 table); the handler answers 403 to a user token. */
export const MASTER_ONLY_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'users',
  'authorize',
  'generateAuthorizationCode',
  'createExternalUser',
]);

export interface ResolverContext {
  principal: Principal;
}

interface InstanceCriteria {
  name?: string | null;
  owner?: string | null;
  solutionId?: string | null;
}

interface UserCriteria {
  externalUserId?: string | null;
  name?: string | null;
  userId?: string | null;
  isTestUser?: boolean | null;
}

interface MutationInput {
  clientMutationId?: string | null;
}

/** A criterion left out (or null) matches everything. */
function matches<T>(wanted: T | null | undefined, actual: T): boolean {
  return wanted == null || wanted === actual;
}

/**
 * Resolvers for graphql's default field resolver: a function-valued property is called with
 * (args, context), so `viewer` returns an object whose connection fields close over the caller.
 */
export function createRootValue(state: TrayState, maxPageSize: number) {
  const requireUser = (userId: string): void => {
    if (!state.users.has(userId)) throw preconditionError('User does not exist', 'user_does_not_exist');
  };

  const authenticationsOf = (userId: string) => {
    const ids = new Set(
      [...state.instances.values()].filter((i) => i.owner === userId).flatMap((i) => i.authValues.map((v) => v.authId)),
    );
    // The fake keeps no auth names; the id stands in so the non-null `name` has a value.
    return [...ids].map((id) => ({ id, name: id, customFields: null }));
  };

  return {
    viewer: (_args: unknown, { principal }: ResolverContext) => ({
      solutionInstances: (args: ConnectionArgs & { criteria?: InstanceCriteria | null }) => {
        const criteria = args.criteria ?? {};
        if (principal.kind === 'user' && criteria.owner != null) {
          throw preconditionError('criteria.owner can only be used with a master token', 'access_not_allowed');
        }
        // §2.5: a user token only ever sees that user's instances.
        const owner = principal.kind === 'user' ? principal.userId : criteria.owner;
        const found = [...state.instances.values()].filter(
          (i) => matches(owner, i.owner) && matches(criteria.solutionId, i.solutionId) && matches(criteria.name, i.name),
        );
        return paginate(found, args, maxPageSize);
      },
      // §1: with the master token this lists the org's own auths, never end users' ones; the fake has none.
      authentications: (args: ConnectionArgs) =>
        paginate(principal.kind === 'user' ? authenticationsOf(principal.userId) : [], args, maxPageSize),
    }),

    users: (args: ConnectionArgs & { criteria?: UserCriteria | null }) => {
      const criteria = args.criteria ?? {};
      const found = [...state.users.values()].filter(
        (u) =>
          matches(criteria.userId, u.id) &&
          matches(criteria.externalUserId, u.externalUserId) &&
          matches(criteria.name, u.name) &&
          matches(criteria.isTestUser, u.isTestUser),
      );
      return paginate(found, args, maxPageSize);
    },

    authorize: ({ input }: { input: { userId: string } & MutationInput }) => {
      requireUser(input.userId);
      return { accessToken: state.issueUserToken(input.userId), clientMutationId: input.clientMutationId ?? null };
    },

    generateAuthorizationCode: ({ input }: { input: { userId: string } & MutationInput }) => {
      requireUser(input.userId);
      return { authorizationCode: state.issueCode(input.userId), clientMutationId: input.clientMutationId ?? null };
    },

    createExternalUser: ({
      input,
    }: {
      input: { name: string; externalUserId: string; isTestUser?: boolean | null } & MutationInput;
    }) => {
      if (state.findUserByExternalId(input.externalUserId)) {
        throw preconditionError('User already exists', 'user_already_exists');
      }
      const userId = randomUUID();
      state.addUser({ id: userId, name: input.name, externalUserId: input.externalUserId, isTestUser: input.isTestUser ?? false });
      return { userId, clientMutationId: input.clientMutationId ?? null };
    },
  };
}
