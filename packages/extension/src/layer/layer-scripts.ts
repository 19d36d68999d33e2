/**
 * The shell scripts inside the layer. Every path is resolved from the script's own location, so the
 * same tree works under /opt or unpacked anywhere else (tests).
 */

/** Sourced by both scripts: sets TAPLINE_NODE_BIN to the Node that will run the extension, or empty. */
export const FIND_NODE_SH = `# Tapline: pick the Node that runs the extension (sourced; expects TAPLINE_LAYER_ROOT).
TAPLINE_NODE_BIN=""
if [ -n "\${TAPLINE_NODE:-}" ] && [ -x "\${TAPLINE_NODE}" ]; then
  TAPLINE_NODE_BIN="\${TAPLINE_NODE}"
elif [ -x /var/lang/bin/node ]; then
  TAPLINE_NODE_BIN=/var/lang/bin/node
elif command -v node >/dev/null 2>&1; then
  TAPLINE_NODE_BIN="$(command -v node)"
elif [ -x "\${TAPLINE_LAYER_ROOT}/tapline/bin/node" ]; then
  TAPLINE_NODE_BIN="\${TAPLINE_LAYER_ROOT}/tapline/bin/node"
fi
if [ "\${TAPLINE_DISABLED:-}" = "true" ]; then
  TAPLINE_NODE_BIN=""
fi
`;

/** extensions/tapline: Lambda starts it during init; the extension name is this file's name. */
export const LAUNCHER_SH = `#!/bin/sh
# Tapline Lambda extension launcher.
# Only shell built-ins before Node is found: PATH may be minimal on OS-only runtimes.
case "$0" in */*) TAPLINE_SELF_DIR="\${0%/*}" ;; *) TAPLINE_SELF_DIR=. ;; esac
TAPLINE_LAYER_ROOT="$(cd "\${TAPLINE_SELF_DIR}/.." && pwd)"
. "\${TAPLINE_LAYER_ROOT}/tapline/find-node.sh"
if [ -z "\${TAPLINE_NODE_BIN}" ]; then
  echo '{"level":"error","ext":"tapline","msg":"no Node found (runtime, PATH or layer); Tapline is inactive and the runtime is left untouched"}' >&2
  # Still register, so Lambda does not fail init because of a silent extension.
  exec /bin/sh "\${TAPLINE_LAYER_ROOT}/tapline/idle-extension.sh" "\${0##*/}"
fi
TAPLINE_EXTENSION_NAME="\${0##*/}"
# One malloc arena: the proxy is single-threaded JavaScript, and fewer arenas keep resident memory lower.
MALLOC_ARENA_MAX="\${MALLOC_ARENA_MAX:-1}"
export TAPLINE_EXTENSION_NAME MALLOC_ARENA_MAX
# No Node flags by default: any V8 flag makes V8 reject the code cache Node ships for its own modules,
# which costs 10-15 ms of cold start. TAPLINE_NODE_FLAGS adds some (e.g. --max-semi-space-size=4).
# shellcheck disable=SC2086
exec "\${TAPLINE_NODE_BIN}" \${TAPLINE_NODE_FLAGS:-} "\${TAPLINE_LAYER_ROOT}/tapline/extension.mjs"
`;

/**
 * Without any Node the extension cannot run, but a started extension that never registers fails init.
 * With curl available, register for no events and block on event/next (Lambda ends it at shutdown);
 * otherwise exit quietly.
 */
export const IDLE_EXTENSION_SH = `#!/bin/sh
name="\${1:-tapline}"
api="\${AWS_LAMBDA_RUNTIME_API:-}"
if [ -z "$api" ] || ! command -v curl >/dev/null 2>&1; then
  exit 0
fi
id="$(curl -sS -D - -o /dev/null -X POST -H "Lambda-Extension-Name: \${name}" -d '{"events":[]}' \\
  "http://\${api}/2020-01-01/extension/register" | tr -d '\\r' | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: *//p')"
[ -n "$id" ] || exit 0
while :; do
  curl -sS -o /dev/null -H "Lambda-Extension-Identifier: \${id}" "http://\${api}/2020-01-01/extension/event/next" || exit 0
done
`;

/** wrapper-script.sh: AWS_LAMBDA_EXEC_WRAPPER points here; it redirects only the runtime to the proxy. */
export const WRAPPER_SH = `#!/bin/sh
# Tapline exec wrapper: points the runtime at the proxy, but only if the proxy can exist.
case "$0" in */*) TAPLINE_SELF_DIR="\${0%/*}" ;; *) TAPLINE_SELF_DIR=. ;; esac
TAPLINE_LAYER_ROOT="$(cd "\${TAPLINE_SELF_DIR}" && pwd)"
. "\${TAPLINE_LAYER_ROOT}/tapline/find-node.sh"
if [ -n "\${TAPLINE_NODE_BIN}" ]; then
  port="\${LRAP_LISTENER_PORT:-9009}"
  case "$port" in
    ''|*[!0-9]*) port=9009 ;;
  esac
  if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then port=9009; fi
  AWS_LAMBDA_RUNTIME_API="127.0.0.1:\${port}"
  export AWS_LAMBDA_RUNTIME_API
fi
unset TAPLINE_NODE_BIN TAPLINE_LAYER_ROOT TAPLINE_SELF_DIR
if [ -n "\${TAPLINE_PREVIOUS_EXEC_WRAPPER:-}" ]; then
  exec "\${TAPLINE_PREVIOUS_EXEC_WRAPPER}" "$@"
fi
exec "$@"
`;
