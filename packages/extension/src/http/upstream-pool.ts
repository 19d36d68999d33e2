import net from 'node:net';

/** Who receives what an upstream socket reads while it serves one exchange. */
export interface UpstreamOwner {
  onUpstreamData(chunk: Buffer): void;
  onUpstreamClose(error: Error | undefined): void;
}

export interface UpstreamSocket {
  readonly socket: net.Socket;
  owner: UpstreamOwner | undefined;
}

/** Idle keep-alive sockets kept for reuse; long polls hold one socket each while they wait. */
const MAX_IDLE = 64;

/** Keep-alive sockets to one upstream: one exchange at a time per socket, reused when the answer was framed. */
export class UpstreamPool {
  private readonly idle: UpstreamSocket[] = [];
  private readonly all = new Set<UpstreamSocket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  acquire(owner: UpstreamOwner): UpstreamSocket {
    let entry = this.idle.pop();
    while (entry !== undefined && (entry.socket.destroyed || entry.socket.readyState !== 'open'))
      entry = this.idle.pop();
    if (entry === undefined) entry = this.connect();
    entry.owner = owner;
    return entry;
  }

  release(entry: UpstreamSocket, reusable: boolean): void {
    entry.owner = undefined;
    if (reusable && !entry.socket.destroyed && this.idle.length < MAX_IDLE) {
      entry.socket.resume();
      this.idle.push(entry);
    } else entry.socket.destroy();
  }

  destroy(): void {
    for (const entry of this.all) entry.socket.destroy();
    this.idle.length = 0;
  }

  private connect(): UpstreamSocket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    const entry: UpstreamSocket = { socket, owner: undefined };
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (entry.owner !== undefined) entry.owner.onUpstreamData(chunk);
      else socket.destroy(); // bytes nobody asked for: the connection is out of step
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      this.all.delete(entry);
      const i = this.idle.indexOf(entry);
      if (i >= 0) this.idle.splice(i, 1);
      const owner = entry.owner;
      entry.owner = undefined;
      owner?.onUpstreamClose(failure);
    });
    this.all.add(entry);
    return entry;
  }
}
