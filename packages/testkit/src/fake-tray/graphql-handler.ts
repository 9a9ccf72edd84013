import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GraphQLError,
  Kind,
  buildSchema,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  formatErrors,
  internalErrorBody,
  preconditionError,
  requestErrorBody,
  unauthorizedBody,
} from './errors.js';
import type { Faults } from './faults.js';
import { readBody, sendJson } from '../http.js';
import type { TokenBucket } from './rate-limit.js';
import { MASTER_ONLY_ROOT_FIELDS, createRootValue, type ResolverContext } from './resolvers.js';
import { traySdl } from './schema.graphql.js';
import type { FakeTrayCall, TrayState } from './state.js';

const schema = buildSchema(traySdl);

export interface GraphqlHandlerDeps {
  state: TrayState;
  faults: Faults;
  /** Undefined when rate limiting is switched off; forced rate limits still apply. */
  limiter: TokenBucket | undefined;
  rateLimitStatus: 200 | 429;
  maxPageSize: number;
}

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** Returns the request, or why the body is not a GraphQL-over-HTTP request. */
function parseRequest(raw: string): GraphqlRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'Body is not valid JSON';
  }
  if (!isRecord(body)) return 'Body must be a JSON object';
  const { query, variables, operationName } = body;
  if (typeof query !== 'string') return 'Must provide query string.';
  if (variables != null && !isRecord(variables)) return 'Variables must be an object.';
  if (operationName != null && typeof operationName !== 'string') return 'Operation name must be a string.';
  return {
    query,
    variables: isRecord(variables) ? variables : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

function parseDocument(query: string): DocumentNode | GraphQLError {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

const CACHED_DOCUMENTS = 100;

/**
 * Parsing and validating a document costs the fake more than answering it, and clients send the
 * same few documents again and again; under load (the benchmarks) that cost would crowd out the
 * client being measured. Both are pure functions of the query text, so they are kept per text.
 */
function createDocumentCache() {
  const cache = new Map<string, { document: DocumentNode | GraphQLError; invalid?: readonly GraphQLError[] }>();
  return {
    get(query: string) {
      let entry = cache.get(query);
      if (!entry) {
        entry = { document: parseDocument(query) };
        if (cache.size >= CACHED_DOCUMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(query, entry);
      }
      return entry;
    },
  };
}

/** Root fields through fragments too, so a fragment cannot smuggle a master-only field past the token check. */
function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const visited = new Set<string>();
  const fields: FieldNode[] = [];
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          collect(fragment.selectionSet);
        }
      }
    }
  };
  collect(operation.selectionSet);
  return fields;
}

function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** §3 verbatim shape; "the path property will tell you the query or the mutation that exceeded the threshold". */
function rateLimitBody(roots: readonly FieldNode[]): object {
  const timeThrown = new Date().toISOString();
  const errors = roots.map((field) =>
    preconditionError('Rate limit exceeded', 'access_not_allowed', { node: field, path: responseKey(field) }, {
      time_thrown: timeThrown,
    }),
  );
  return { data: null, errors: formatErrors(errors) };
}

/**
 * Answers POST /graphql. Checks run in the order a gateway in front of a GraphQL server would apply
 * them: injected infrastructure failures, authentication, document validity, rate limit, token
 * permissions, then execution.
 */
export function createGraphqlHandler(deps: GraphqlHandlerDeps) {
  const { state, faults, limiter, rateLimitStatus, maxPageSize } = deps;
  const rootValue = createRootValue(state, maxPageSize);
  const documents = createDocumentCache();

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const call: FakeTrayCall = { operation: '', tokenKind: 'none', status: 0, rateLimited: false, at: Date.now() };
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      state.calls.push(call);
      sendJson(res, status, body, headers);
    };

    if (!isJsonContentType(req.headers['content-type'])) {
      return reply(415, requestErrorBody('Content-Type must be application/json'));
    }
    const request = parseRequest(raw);
    if (typeof request === 'string') return reply(400, requestErrorBody(request));

    const prepared = documents.get(request.query);
    const document = prepared.document;
    const operation = document instanceof GraphQLError ? null : getOperationAST(document, request.operationName);
    const roots = operation && !(document instanceof GraphQLError) ? rootFields(document, operation) : [];
    call.operation = [...new Set(roots.map((f) => f.name.value))].join(',');

    const injected = faults.takeFailure();
    if (injected !== undefined) return reply(injected, internalErrorBody());

    const principal = state.authenticate(bearerToken(req.headers.authorization));
    if (!principal) return reply(401, unauthorizedBody());
    call.tokenKind = principal.kind;

    if (document instanceof GraphQLError) return reply(400, { errors: formatErrors([document]) });
    const invalid = (prepared.invalid ??= validate(schema, document));
    if (invalid.length > 0) return reply(400, { errors: formatErrors(invalid) });
    if (!operation) {
      const message = request.operationName
        ? `Unknown operation named "${request.operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return reply(400, requestErrorBody(message));
    }

    if (faults.takeForcedRateLimit() || (limiter !== undefined && !limiter.tryTake())) {
      call.rateLimited = true;
      state.rateLimitErrors += 1;
      return reply(rateLimitStatus, rateLimitBody(roots), rateLimitStatus === 429 ? { 'retry-after': '1' } : {});
    }

    if (principal.kind === 'user') {
      const denied = roots.filter((f) => MASTER_ONLY_ROOT_FIELDS.has(f.name.value));
      if (denied.length > 0) {
        const errors = denied.map((f) =>
          preconditionError(`${f.name.value} requires the master token`, 'access_not_allowed', {
            node: f,
            path: responseKey(f),
          }),
        );
        return reply(403, { data: null, errors: formatErrors(errors) });
      }
    }

    const contextValue: ResolverContext = { principal };
    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
    // No `data` key means the request never ran (e.g. bad variables): a client error, not an execution error.
    if (!('data' in result)) return reply(400, { errors: formatErrors(result.errors ?? []) });
    if (!result.errors) return reply(200, { data: result.data });
    const errors = formatErrors(result.errors);
    // Permission failures are 403 wherever they are detected, matching the up-front master-token check.
    const forbidden = errors.some((e) => e.extensions?.['code'] === 'access_not_allowed');
    return reply(forbidden ? 403 : 200, { data: result.data, errors });
  };
}
