import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { envSchema } from './schema.js';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

// Operators configure reauth from .env.example and the README: a variable missing there is invisible.
describe('every environment variable is documented', () => {
  const keys = Object.keys(envSchema.shape);

  it('in .env.example', () => {
    const example = read('.env.example');
    expect(keys.filter((k) => !new RegExp(`^${k}=`, 'm').test(example))).toEqual([]);
  });

  it('in the README configuration table', () => {
    const readme = read('README.md');
    expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
  });
});
