import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes, randomUUID } from '../src/core/random.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('randomness from Web Crypto', () => {
  it('uses crypto.randomUUID where the runtime has it', () => {
    expect(randomUUID()).toMatch(V4);
  });

  it('builds a version 4 UUID from getRandomValues where randomUUID is missing (a browser page over plain http)', () => {
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    const ids = new Set(Array.from({ length: 200 }, () => randomUUID()));
    expect([...ids].every((id) => V4.test(id))).toBe(true);
    expect(ids.size).toBe(200);
  });

  it('gives the bytes asked for', () => {
    expect(randomBytes(32)).toHaveLength(32);
    expect(randomBytes(32)).not.toEqual(randomBytes(32));
  });
});
