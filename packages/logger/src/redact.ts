/**
 * What counts as a secret in anything reauth writes out: fields named like credentials, at any
 * depth, and credentials inside strings (URLs, Bearer/Basic values).
 */

// Exact names, then suffixes: a new `fooToken` or `client_secret` field is masked without a list edit.
const secretName =
  /^(?:pass|code|key|authorizationcode|linkkey|credentials?)$|(?:token|secret|password|passwd|authorization|cookie|api_?key|private_?key|signing_?key)$/i;

export const isSecretName = (key: string): boolean => secretName.test(key);

export const CENSOR = '[REDACTED]';
const MAX_DEPTH = 20;

/**
 * Masks credentials in URLs that reach a log line: query-string secrets (the webhook takes
 * ?token=) and the password in `scheme://user:password@host` (SMTP_URL, REDIS_URL).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:token|code|key)=)[^&#\s]*/gi, '$1[REDACTED]')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]+@/gi, '$1[REDACTED]@');
}

const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const redactString = (s: string): string => redactUrl(s).replace(bearer, '$1 [REDACTED]');

/**
 * Copy-on-write: returns `value` itself when nothing in it is secret, so a log object without
 * credentials costs one pass over its keys and no allocation. Only objects are descended into,
 * so the work is bounded by the size of what is logged. Non-plain objects (an Error) keep their
 * prototype and own properties, so serializers downstream still recognise them.
 */
function mask(value: unknown, strings: boolean, depth: number): unknown {
  if (typeof value === 'string') return strings ? redactString(value) : value;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const masked = mask(item, strings, depth + 1);
      if (masked !== item) (copy ??= value.slice())[i] = masked;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const masked = isSecretName(key) ? CENSOR : mask(item, strings, depth + 1);
    if (masked !== item) Object.defineProperty((copy ??= shallowCopy(value)), key, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

function shallowCopy(value: object): Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return { ...value };
  const descriptors = Object.getOwnPropertyDescriptors(value);
  // A frozen source's properties would be frozen in the copy too, and could not be masked there.
  for (const descriptor of Object.values(descriptors)) descriptor.configurable = true;
  return Object.create(proto, descriptors) as Record<string, unknown>;
}

/** For log objects: secret-named fields at any depth. */
export const redactFields = <T>(value: T): T => mask(value, false, 0) as T;

/**
 * For data shown outside the logs (the admin dashboard's job data and return values): secret-named
 * fields at any depth, and credentials inside strings too.
 */
export const redactSecrets = (value: unknown): unknown => mask(value, true, 0);
