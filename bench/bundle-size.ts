/**
 * What an app pays in bundle size for the library: the one-provider app (`perceptisJob` + `settle` from
 * `jobcharts`) and each entry of package.json `exports`, bundled by esbuild (minified, as an app would).
 *
 *   npm run bench:size            the built package (dist/, after `npm run build`), as an installed app sees it
 *   npm run bench:size -- --src   the sources, resolved the same way (what test/bundle-size.test.ts checks)
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The app of issue 14: one provider chart and `settle`, from the main entry. */
export const ONE_PROVIDER_APP = `
import { perceptisJob, settle } from 'jobcharts';
import { createActor } from 'xstate';
const job = createActor(perceptisJob, { input: { apiKey: 'k', request: { prompt: 'p', output_type: 'deck' } } }).start();
settle(job).then((outcome) => console.log(outcome.status));
`;

/** Entries that only make sense on Node (servers, the terminal): bundled for Node, not for a browser. */
const NODE_ONLY = new Set(['simulator', 'testing', 'visualizer', 'undici', 'runner', 'bullmq']);

export type Source = 'dist' | 'src';

export interface BundleSize {
  bytes: number;
  /** The bundle itself (an ES module). */
  code: string;
  /** Bytes in the output per input package (or top folder of this repo), largest first. */
  parts: [string, number][];
  /** Every input file, for checks such as "no Node transport in a browser bundle". */
  inputs: string[];
}

/** The subpaths of package.json `exports`: '' for the main entry, then 'perceptis', 'inspect', … */
export function entryNames(): string[] {
  const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, unknown>;
  return Object.keys(exports)
    .filter((key) => key !== './package.json')
    .map((key) => key.replace(/^\.\/?/, ''));
}

/** Resolves `jobcharts` and `jobcharts/<entry>` to the repo's sources: src/<entry>.ts or src/<entry>/index.ts. */
const fromSources: Plugin = {
  name: 'jobcharts-sources',
  setup(b) {
    b.onResolve({ filter: /^jobcharts(\/.*)?$/ }, (args) => {
      const entry = args.path.slice('jobcharts/'.length) || 'index';
      const file = [join(root, 'src', `${entry}.ts`), join(root, 'src', entry, 'index.ts')].find((f) => existsSync(f));
      return file ? { path: file } : { errors: [{ text: `no source for ${args.path}` }] };
    });
  },
};

/** Bundles `code` as an app would, resolving `jobcharts` to the built package or to the sources. */
export async function bundle(
  code: string,
  options: { source: Source; platform: 'browser' | 'node'; /** Where the app lives (default: this repo). */ appDir?: string },
): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: code, resolveDir: options.appDir ?? root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: options.platform,
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // From dist, `jobcharts` resolves through package.json `exports` (a package may import itself by name).
    plugins: options.source === 'src' ? [fromSources] : [],
  });
  const [output] = result.outputFiles;
  return { bytes: output.contents.byteLength, code: output.text, ...partsOf(result.metafile) };
}

function partsOf(metafile: Metafile): Pick<BundleSize, 'parts' | 'inputs'> {
  const output = Object.values(metafile.outputs)[0];
  const parts = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    parts.set(partName(file), (parts.get(partName(file)) ?? 0) + bytesInOutput);
  }
  return { parts: [...parts].sort((a, b) => b[1] - a[1]), inputs: Object.keys(output.inputs) };
}

function partName(file: string): string {
  const inModules = file.split('node_modules/').at(-1)!;
  if (inModules !== file) return inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/');
  return file.startsWith('<stdin>') ? 'the app' : file.split('/').slice(0, 2).join('/');
}

/** Everything an entry exports, bundled for the platform it is made for. */
export function bundleEntry(entry: string, source: Source): Promise<BundleSize> {
  const specifier = entry ? `jobcharts/${entry}` : 'jobcharts';
  return bundle(`export * from '${specifier}';`, { source, platform: NODE_ONLY.has(entry) ? 'node' : 'browser' });
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main() {
  const source: Source = process.argv.includes('--src') ? 'src' : 'dist';
  if (source === 'dist' && !existsSync(join(root, 'dist', 'index.js'))) {
    console.error('dist/ is missing: run `npm run build` first (or pass --src to bundle the sources)');
    process.exit(2);
  }
  const app = await bundle(ONE_PROVIDER_APP, { source, platform: 'browser' });
  console.log(`one-provider app (perceptisJob + settle from 'jobcharts', browser, minified, from ${source}): ${kb(app.bytes)}`);
  for (const [part, bytes] of app.parts.slice(0, 8)) console.log(`  ${part.padEnd(24)} ${kb(bytes).padStart(9)}`);
  console.log('\nevery export of an entry (export * from …):');
  console.log('| entry | platform | minified |\n| --- | --- | --- |');
  for (const entry of entryNames()) {
    const size = await bundleEntry(entry, source);
    console.log(`| jobcharts${entry ? `/${entry}` : ''} | ${NODE_ONLY.has(entry) ? 'node' : 'browser'} | ${kb(size.bytes)} |`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
