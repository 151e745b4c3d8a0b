import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's version, from the nearest package.json named jobcharts above this module (dist/, or src/cli/ in a checkout). */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'jobcharts' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json here: look further up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
