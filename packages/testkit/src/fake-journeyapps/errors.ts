/**
 * Error bodies of the fake JourneyApps Backend API: `{type, title, detail}` (reference B.5). The real
 * API may add `see`; clients must branch on `type` and the status only, so the fake leaves it out.
 */
export interface JourneyAppsErrorBody {
  type: string;
  title: string;
  detail: string;
}

/** B.5, CONFIRMED: type, status and detail. */
export const AUTHENTICATION_FAILED: JourneyAppsErrorBody = {
  type: 'AUTHENTICATION_FAILED',
  title: 'Authentication failed',
  detail: 'HTTP Basic: Access denied.',
};

/** B.5: type and status CONFIRMED; title and detail beyond `{"type": "TOO_MANY_REQUESTS", "title": ...` are not. */
export const TOO_MANY_REQUESTS: JourneyAppsErrorBody = {
  type: 'TOO_MANY_REQUESTS',
  title: 'Too many requests',
  detail: 'Rate limit exceeded; wait at least 1 second before retrying',
};

/** Title verbatim from the B.5 sample; detail follows its "No task found with ID: '…'" pattern. */
export function objectNotFound(kind: string, id: string): JourneyAppsErrorBody {
  return { type: 'OBJECT_NOT_FOUND', title: 'Object not found.', detail: `No ${kind} found with ID: '${id}'` };
}

export function routeNotFound(method: string, path: string): JourneyAppsErrorBody {
  return { type: 'OBJECT_NOT_FOUND', title: 'Object not found.', detail: `No route for ${method} ${path}` };
}

export function invalidApiRequest(detail: string): JourneyAppsErrorBody {
  return { type: 'INVALID_API_REQUEST', title: 'Invalid API request', detail };
}

export function internalServerError(detail: string): JourneyAppsErrorBody {
  return { type: 'INTERNAL_SERVER_ERROR', title: 'Internal server error', detail };
}
