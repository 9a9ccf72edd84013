import type { Bindings, Logger } from 'pino';
import { redactFields } from './redact.js';

const lineMethods = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => undefined;

/**
 * `parent.child(bindings)`, built only when a line at an enabled level is written (or anything
 * else of the child is used). A job or request that logs nothing then costs no child at all,
 * while the lines that are written carry the same fields as an eager child's. Its bindings are
 * masked like a line's fields; given as a function, they are computed only then.
 */
export function lazyChild(parent: Logger, bindings: Bindings | (() => Bindings)): Logger {
  let child: Logger | undefined;
  const built = () => (child ??= parent.child(redactFields(typeof bindings === 'function' ? bindings() : bindings)));
  return new Proxy(parent, {
    get(_target, prop) {
      if (!child && typeof prop === 'string' && lineMethods.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      const target = built();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(built(), prop, value);
    },
  });
}
