import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface AppDir {
  dir: string;
  remove(): void;
}

/**
 * An app's folder with the built package installed as `node_modules/jobcharts` (a link to this repo, so `jobcharts`
 * resolves through package.json `exports` and `imports` to dist/, as after `npm install`) and `xstate`, its peer.
 */
export function appWithBuiltPackage(): AppDir {
  if (!existsSync(join(repo, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-app-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repo, join(dir, 'node_modules', 'jobcharts'), 'dir');
  symlinkSync(join(repo, 'node_modules', 'xstate'), join(dir, 'node_modules', 'xstate'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
