import { randomUUID } from 'node:crypto';
import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';

/** §3: `extensions.code` values of a PreconditionError that the fake can produce. */
export type PreconditionCode = 'access_not_allowed' | 'user_does_not_exist' | 'user_already_exists';

export function preconditionError(
  message: string,
  code: PreconditionCode,
  at?: { node: ASTNode; path: string },
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    ...(at && { nodes: at.node, path: [at.path] }),
    extensions: { name: 'PreconditionError', code, ...extra },
  });
}

/** Bad arguments are query problems, which Tray reports as `GraphQLError` (§3). */
export function queryError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { name: 'GraphQLError' } });
}

/** "In Tray Partner API, the message and extensions.name fields will always exist" (§3). */
export function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = error.toJSON();
    if (formatted.extensions?.['name'] !== undefined) return formatted;
    // An exception that is not a GraphQLError is a bug in a resolver: the real API calls that internal.
    const internal = error.originalError !== undefined && !(error.originalError instanceof GraphQLError);
    const extensions = internal ? { name: 'InternalError', errorId: randomUUID() } : { name: 'GraphQLError' };
    return { ...formatted, extensions: { ...formatted.extensions, ...extensions } };
  });
}

export function requestErrorBody(message: string): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { name: 'GraphQLError' } }] };
}

export function internalErrorBody(): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message: 'Internal error', extensions: { name: 'InternalError', errorId: randomUUID() } }] };
}

export function unauthorizedBody(): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message: 'Unauthorized', extensions: { name: 'PreconditionError', code: 'access_not_allowed' } }] };
}
