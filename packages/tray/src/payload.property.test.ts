import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { trayExpiredAuthSchema } from './payload.js';

const fields = ['authentication_name', 'service_name', 'user_id', 'authId', 'external_user_id'] as const;

const id = fc.stringMatching(/^[\x21-\x7e]{1,200}$/);
// `binary` reaches every code point, lone surrogates included; 250 of them stay within 500 UTF-16 units.
const text = (minLength = 0) => fc.string({ unit: 'binary', minLength, maxLength: 250 });
const validPayload = fc.record({
  authentication_name: text(),
  service_name: text(1),
  user_id: id,
  authId: id,
  external_user_id: text(1),
});
const notAString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.string()));
/** Each field mostly valid, else any JSON value, a string around its bounds or empty: a good share passes. */
const mixed = fc.record(
  Object.fromEntries(
    fields.map((f) => [
      f,
      fc.oneof(
        { arbitrary: f === 'user_id' || f === 'authId' ? id : text(1), weight: 8 },
        fc.jsonValue(),
        fc.string({ minLength: 190, maxLength: 510 }),
        fc.constant(''),
      ),
    ]),
  ) as Record<(typeof fields)[number], fc.Arbitrary<unknown>>,
  { requiredKeys: [] },
);
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty');

describe('trayExpiredAuthSchema, property-based', () => {
  it('never throws on any JSON value, and whatever it accepts has exactly the five fields, all within bounds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mixed, fc.tuple(mixed, fc.jsonValue()).map(([p, extra]) => ({ ...p, extra }))), (value) => {
        const parsed = trayExpiredAuthSchema.safeParse(value);
        if (!parsed.success) return;
        expect(Object.keys(parsed.data).sort()).toEqual([...fields].sort());
        for (const key of ['user_id', 'authId'] as const) expect(parsed.data[key]).toMatch(/^[\x21-\x7e]{1,200}$/);
        for (const key of fields) expect(parsed.data[key].length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts every valid payload unchanged and drops any other key, __proto__ and constructor included', () => {
    fc.assert(
      fc.property(validPayload, fc.dictionary(fc.oneof(hostileKey, fc.string()), fc.jsonValue()), (payload, extras) => {
        // JSON.parse is how a body arrives: it makes "__proto__" an own key instead of a prototype.
        const body = JSON.parse(JSON.stringify({ ...extras, ...payload })) as unknown;
        const parsed = trayExpiredAuthSchema.parse(body);
        expect(parsed).toEqual(payload);
        expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it('rejects a payload with any one field missing or not a string, naming that field', () => {
    fc.assert(
      fc.property(validPayload, fc.constantFrom(...fields), fc.option(notAString, { nil: undefined }), (payload, field, replacement) => {
        const broken: Record<string, unknown> = { ...payload };
        if (replacement === undefined) delete broken[field];
        else broken[field] = replacement;
        const parsed = trayExpiredAuthSchema.safeParse(broken);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.map((i) => i.path[0])).toContain(field);
      }),
      { numRuns: 1_000 },
    );
  });

  it('rejects ids holding whitespace, control or non-ASCII characters, wherever they are', () => {
    const bad = fc.constantFrom(' ', '\t', '\r', '\n', '\u0000', '\u007f', '\u00a0', 'é', '\u2028', '😀');
    fc.assert(
      fc.property(validPayload, fc.constantFrom('user_id', 'authId'), id, bad, fc.nat(), (payload, field, base, char, at) => {
        const position = at % (base.length + 1);
        const tainted = `${base.slice(0, position)}${char}${base.slice(position)}`;
        expect(trayExpiredAuthSchema.safeParse({ ...payload, [field]: tainted }).success).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });
});
