import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this module lives: `visualizer/` when run from source, `dist/` when run from the package. */
const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));

/** The page's source entry (present when running from a checkout). */
export const PAGE_ENTRY = join(here, 'page', 'main.ts');
/** The prebuilt page shipped in the package (`npm run build` writes it). */
export const PREBUILT_PAGE = join(here, 'page', 'app.js');

/** Bundles the page (TypeScript, elkjs, CSS) into one browser script. Needs esbuild: build time or a checkout only. */
export async function bundlePage(entry = PAGE_ENTRY): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    loader: { '.css': 'text' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

let cached: Promise<string> | undefined;

/** The page script: the prebuilt file in a package, a fresh bundle in a checkout. */
export function pageScript(): Promise<string> {
  cached ??= existsSync(PAGE_ENTRY) ? bundlePage() : readFile(PREBUILT_PAGE, 'utf8');
  cached.catch(() => (cached = undefined));
  return cached;
}

let worker: Promise<string> | undefined;

/** elkjs's layout worker, served as is from the installed package (a runtime dependency). */
export function elkWorkerScript(): Promise<string> {
  const require = createRequire(join(here, 'page-bundle.js'));
  worker ??= readFile(require.resolve('elkjs/lib/elk-worker.min.js'), 'utf8');
  worker.catch(() => (worker = undefined));
  return worker;
}

/** Writes the prebuilt page next to the built package (`dist/page/app.js`): run by the build, see tsup.config.ts. */
export async function writePrebuiltPage(distDir: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(join(distDir, 'page'), { recursive: true });
  await writeFile(join(distDir, 'page', 'app.js'), await bundlePage());
}
