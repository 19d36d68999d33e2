#!/usr/bin/env bash
# Installed size of a user install: packs the CLI and the workspace packages it needs (npm pack), installs
# the tarballs into an empty directory (npm install <tarballs>) and prints its size (du) and package count.
# Usage: bench/install-size/run.sh [repository] (default: this one; build it first).
set -euo pipefail
repo=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs" "$work/app"
cd "$repo"
workspaces=()
for pkg in contracts inventory dashboard server extension lambda-emulator instrumentation cli; do workspaces+=(-w "packages/$pkg"); done
env -u npm_config_workspace npm pack --silent --pack-destination "$work/tarballs" "${workspaces[@]}" >/dev/null
# Offer this workspace's better-sqlite3 binary as the prebuild prebuild-install would download (GitHub is
# out of reach here), so the install does not compile it; the installed files are the same.
sqlite="$repo/node_modules/better-sqlite3"
if [[ -f "$sqlite/build/Release/better_sqlite3.node" ]]; then
  version=$(node -p "require('$sqlite/package.json').version")
  abi=$(node -p 'process.versions.modules')
  mkdir -p "$work/prebuilds"
  tar -czf "$work/prebuilds/better-sqlite3-v$version-node-v$abi-linux-x64.tar.gz" -C "$sqlite" build/Release/better_sqlite3.node
  export npm_config_better_sqlite3_local_prebuilds="$work/prebuilds"
fi
cd "$work/app"
echo '{"name":"tapline-user","private":true}' >package.json
npm install --silent --no-audit --no-fund --prefer-offline "$work"/tarballs/*.tgz >/dev/null
packages=$(npm ls --all --parseable 2>/dev/null | tail -n +2 | sort -u | wc -l)
# TOP=N lists the N largest packages.
if [[ -n "${TOP:-}" ]]; then
  du -s node_modules/* node_modules/@*/* 2>/dev/null | sort -rn | awk -v top="$TOP" 'NR <= top { printf "  %6.1f MB  %s\n", $1 / 1024, $2 }'
fi
size=$(du -sh node_modules | cut -f1)
bytes=$(du -sb node_modules | cut -f1)
echo "install-size: $size ($bytes bytes) in node_modules, $packages packages"
