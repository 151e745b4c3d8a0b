#!/usr/bin/env bash
# The package as a user gets it: packs it, lints the tarball (publint, @arethetypeswrong/cli), installs it into fresh
# consumer projects (ESM, CommonJS, node16, bundler) with xstate at the lowest version of the peer range and at the
# newest 5.x, type-checks each with skipLibCheck: false, and runs the ESM and CommonJS ones against the simulator.
#   npm run build && npm run test:package
# Offline once the dependencies are in npm's cache (--prefer-offline); CI has the registry for the rest.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ -f dist/index.js ] || { echo "test:package: dist/ is missing: run npm run build first" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/jobcharts-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== npm pack"
# The build is already there (prepack builds it for a real publish).
tarball="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -1)"
tar -tzf "$tarball" | sed 's#^package/##' | sort > "$work/files.txt"
echo "$(wc -l < "$work/files.txt") files, $(du -k "$tarball" | cut -f1) KB packed"
# What the package must hold, and what it must not (the CLI is ESM only; source maps stay home).
for must in LICENSE README.md package.json bin/jobcharts.js dist/cli.js dist/index.d.cts dist/index.d.ts; do
  grep -qx "$must" "$work/files.txt" || { echo "missing from the tarball: $must" >&2; exit 1; }
done
if grep -E '^dist/cli\.(cjs|d\.)|\.map$' "$work/files.txt"; then echo "unused files in the tarball (above)" >&2; exit 1; fi

echo "== publint"
npx --no-install publint --strict "$tarball"
echo "== @arethetypeswrong/cli"
npx --no-install attw --pack "$tarball" --format table-flipped

tsc="$root/node_modules/.bin/tsc"
types_node="$(node -p "require('./node_modules/@types/node/package.json').version")"
# The consumer uses jobcharts/visualizer, whose WebSocket server is an optional peer an app installs itself.
ws="$(node -p "require('./package.json').peerDependencies.ws")"
lowest="$(node -p "require('./package.json').peerDependencies.xstate.replace(/^[\^~>=]+/, '')")"
failed=0
# JOBCHARTS_XSTATE_VERSIONS="5.25.0" checks other versions instead.
for xstate in ${JOBCHARTS_XSTATE_VERSIONS:-$lowest ^5}; do
  dir="$work/xstate-${xstate//[^0-9.]/}"
  [ "$xstate" = "^5" ] && dir="$work/xstate-newest"
  mkdir -p "$dir"
  cp -r test/package/consumer/* "$dir/"
  for project in esm cjs node16 bundler; do cp "$dir/check.ts" "$dir/main.ts" "$dir/$project/"; done
  echo "{ \"name\": \"consumer\", \"private\": true }" > "$dir/package.json"
  echo "== xstate@$xstate: npm install the tarball"
  (cd "$dir" && npm install --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error \
    "$tarball" "xstate@$xstate" "@types/node@$types_node" "ws@$ws" >/dev/null)
  installed="$(node -p "require('$dir/node_modules/xstate/package.json').version")"
  # A peer dependency: the app's own xstate, never a second copy nested under jobcharts.
  if [ -e "$dir/node_modules/jobcharts/node_modules/xstate" ]; then echo "a second xstate under jobcharts" >&2; failed=1; fi
  for project in esm cjs node16 bundler; do
    if (cd "$dir/$project" && "$tsc" -p tsconfig.json); then
      echo "ok   tsc $project (xstate $installed, skipLibCheck: false)"
    else
      echo "FAIL tsc $project (xstate $installed)"; failed=1; continue
    fi
    if [ -d "$dir/$project/out" ]; then
      if (cd "$dir/$project" && node out/main.js "$project, xstate $installed"); then :; else echo "FAIL run $project (xstate $installed)"; failed=1; fi
    fi
  done
done
exit "$failed"
