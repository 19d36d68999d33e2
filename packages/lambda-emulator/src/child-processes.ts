import { type ChildProcess, spawn } from 'node:child_process';
import { EmulatorError, EmulatorErrorCode } from './errors.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES...). */
  spawnError?: Error;
}

export interface ChildHandle {
  readonly name: string;
  readonly kind: 'extension' | 'runtime';
  readonly child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | null;
  /** True once the emulator itself signalled the process (its exit is then expected). */
  killedByUs: boolean;
}

export interface SpawnRequest {
  name: string;
  kind: 'extension' | 'runtime';
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
}

const MAX_LOG_CHARS = 4 * 1024 * 1024;
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Last resort against orphans: if the host process exits without shutdown(), kill every group we started. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The extension and runtime processes of one environment. Each runs in its own process group (detached)
 * so that killing it also kills whatever it started (a wrapper script's runtime, a proxy's children).
 */
export class ChildProcesses {
  private readonly handles: ChildHandle[] = [];
  private logText = '';

  constructor(private readonly captureLogs: boolean) {}

  get all(): readonly ChildHandle[] {
    return this.handles;
  }

  spawn(request: SpawnRequest, onExit: (handle: ChildHandle) => void): ChildHandle {
    installExitHook();
    let child: ChildProcess;
    try {
      child = spawn(request.command, [...request.args], {
        env: request.env,
        cwd: request.cwd,
        detached: true,
        stdio: this.captureLogs ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      });
    } catch (cause) {
      throw new EmulatorError(
        EmulatorErrorCode.SpawnFailed,
        `cannot start ${request.kind} ${request.command}`,
        {
          cause,
        },
      );
    }
    const pid = child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    const handle: ChildHandle = {
      name: request.name,
      kind: request.kind,
      child,
      exit: null,
      killedByUs: false,
      exited: new Promise<ExitInfo>((resolve) => {
        const done = (info: ExitInfo) => {
          if (handle.exit) return;
          handle.exit = info;
          if (pid !== undefined) liveGroups.delete(pid);
          resolve(info);
          onExit(handle);
        };
        child.once('error', (spawnError) => done({ code: null, signal: null, spawnError }));
        child.once('exit', (code, signal) => done({ code, signal }));
      }),
    };
    if (this.captureLogs) {
      this.capture(child.stdout, request.name);
      this.capture(child.stderr, request.name);
    }
    this.handles.push(handle);
    return handle;
  }

  /** Signals the whole process group of a child. */
  kill(handle: ChildHandle, signal: NodeJS.Signals = 'SIGKILL'): void {
    if (handle.child.pid === undefined) return;
    handle.killedByUs = true;
    killGroup(handle.child.pid, signal);
  }

  /** SIGKILLs every group, including groups whose leader already exited but left children behind. */
  async killAll(): Promise<void> {
    for (const handle of this.handles) this.kill(handle, 'SIGKILL');
    await Promise.all(this.handles.map((h) => h.exited));
  }

  logs(): string {
    return this.logText;
  }

  private capture(stream: NodeJS.ReadableStream | null, name: string): void {
    if (!stream) return;
    let atLineStart = true;
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      let out = '';
      for (const line of text.split(/(?<=\n)/)) {
        if (atLineStart) out += `[${name}] `;
        out += line;
        atLineStart = line.endsWith('\n');
      }
      this.logText += out;
      if (this.logText.length > MAX_LOG_CHARS) this.logText = this.logText.slice(-MAX_LOG_CHARS / 2);
    });
  }
}
