import { GraphQLClient } from 'graphql-request';
import {
  AUTHORIZE,
  GENERATE_AUTHORIZATION_CODE,
  LIST_SOLUTION_INSTANCES,
  type AuthorizeResult,
  type GenerateAuthorizationCodeResult,
  type ListSolutionInstancesResult,
  type SolutionInstanceNode,
} from './documents.js';
import { classifyTrayError, type TokenKind } from './errors.js';
import type { RateBudget } from '@reauth/rate-budget';

export interface TrayClientOptions {
  graphqlUrl: string;
  masterToken: string;
  budget: RateBudget;
  timeoutMs?: number;
  pageSize?: number;
  /** Called after each call, for metrics. */
  onCall?: (operation: string, outcome: 'ok' | 'error', error?: Error) => void;
}

export interface TrayClient {
  authorize(userId: string): Promise<string>;
  generateAuthorizationCode(userId: string): Promise<string>;
  /** Every instance the user token can see, following `pageInfo` to the last page. */
  listSolutionInstances(userToken: string): Promise<SolutionInstanceNode[]>;
}

export function createTrayClient(options: TrayClientOptions): TrayClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new GraphQLClient(options.graphqlUrl, {
    // A fresh timeout per request: graphql-request would otherwise wait for ever on a stuck socket.
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });

  async function call<T>(operation: string, document: string, variables: object, tokenKind: TokenKind, token: string): Promise<T> {
    await options.budget.take();
    try {
      const data = await client.request<T>(document, variables, { authorization: `Bearer ${token}` });
      options.onCall?.(operation, 'ok');
      return data;
    } catch (err) {
      const classified = classifyTrayError(err, operation, tokenKind);
      options.onCall?.(operation, 'error', classified);
      throw classified;
    }
  }

  return {
    async authorize(userId) {
      const data = await call<AuthorizeResult>('authorize', AUTHORIZE, { userId }, 'master', options.masterToken);
      return data.authorize.accessToken;
    },
    async generateAuthorizationCode(userId) {
      const data = await call<GenerateAuthorizationCodeResult>(
        'generateAuthorizationCode', GENERATE_AUTHORIZATION_CODE, { userId }, 'master', options.masterToken,
      );
      return data.generateAuthorizationCode.authorizationCode;
    },
    async listSolutionInstances(userToken) {
      const instances: SolutionInstanceNode[] = [];
      let after: string | null = null;
      for (;;) {
        const data: ListSolutionInstancesResult = await call<ListSolutionInstancesResult>(
          'solutionInstances', LIST_SOLUTION_INSTANCES, { first: options.pageSize ?? 100, after }, 'user', userToken,
        );
        const page = data.viewer.solutionInstances;
        instances.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return instances;
        after = page.pageInfo.endCursor;
      }
    },
  };
}
