import { describe, expect, it } from 'vitest';
import { resolveProviderUrl } from '../src/core/url.js';

describe('resolveProviderUrl', () => {
  it.each([
    ['https://api.example.test', '/job/1/status', 'https://api.example.test/job/1/status'],
    ['https://api.example.test/', 'job/1/status', 'https://api.example.test/job/1/status'],
    ['https://proxy.example.test/m2p', '/job/1/status', 'https://proxy.example.test/m2p/job/1/status'],
    ['https://api.example.test', 'https://files.example.test/job/1/output', 'https://files.example.test/job/1/output'],
    ['https://api.example.test', 'HTTP://files.example.test/x', 'HTTP://files.example.test/x'],
  ])('%s + %s → %s', (base, path, url) => {
    expect(resolveProviderUrl(base, path)).toBe(url);
  });
});
