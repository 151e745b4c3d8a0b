/**
 * What `npm install jobcharts` puts in an app's node_modules: packs the built package, installs the tarball alone
 * into an empty project, and prints the size of node_modules with its largest packages.
 *
 *   npm run build && npm run bench:install
 *   npm run bench:install -- /path/to/another/checkout   (beside the same figures of another built checkout)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Bytes of files under `dir` (what `du --apparent-size` counts). */
function sizeOf(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeOf(path);
    else if (entry.isFile()) bytes += statSync(path).size;
  }
  return bytes;
}

/** The installed packages (scoped ones as `@scope/name`) with their sizes, largest first. */
function packagesIn(modules: string): [string, number][] {
  const names = readdirSync(modules).filter((name) => !name.startsWith('.'));
  const packages = names.flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name]));
  return packages.map((name): [string, number] => [name, sizeOf(join(modules, name))]).sort((a, b) => b[1] - a[1]);
}

export interface InstallSize {
  bytes: number;
  packages: [string, number][];
  /** What `jobcharts --help` says in that project (the command's own packages are not installed). */
  command: string;
}

function runCommand(app: string): string {
  try {
    return execFileSync(join(app, 'node_modules', '.bin', 'jobcharts'), ['--help'], { encoding: 'utf8', stdio: 'pipe' }).split('\n')[0];
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error).trim();
  }
}

/** Packs `root` and installs the tarball alone into a new empty project. */
export function installSize(root: string): InstallSize {
  const work = mkdtempSync(join(tmpdir(), 'jobcharts-install-'));
  try {
    const [{ filename }] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
    const app = join(work, 'app');
    npm(['init', '-y'], (execFileSync('mkdir', ['-p', app]), app));
    writeFileSync(join(app, '.npmrc'), 'fund=false\naudit=false\n');
    npm(['install', '--prefer-offline', '--ignore-scripts', join(work, filename)], app);
    const modules = join(app, 'node_modules');
    return { bytes: sizeOf(modules), packages: packagesIn(modules), command: runCommand(app) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function main() {
  const here = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const root of [here, ...process.argv.slice(2)].map((r) => resolve(r))) {
    const { bytes, packages, command } = installSize(root);
    console.log(`${root}: npm install of the packed tarball alone: node_modules ${mb(bytes)}, ${packages.length} packages`);
    for (const [name, size] of packages.slice(0, 8)) console.log(`  ${name.padEnd(24)} ${mb(size).padStart(8)}`);
    console.log(`  \`jobcharts --help\` there: ${command}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
