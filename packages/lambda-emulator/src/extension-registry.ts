import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ExtensionEventType, errorBody, Header, type ShutdownReason } from './protocol.js';

interface ExtensionEvent {
  body: Record<string, unknown>;
  /** Set for INVOKE events: the extension's next event/next call acknowledges this invocation. */
  requestId?: string;
}

export interface RegisteredExtension {
  readonly id: string;
  readonly name: string;
  readonly events: ReadonlySet<ExtensionEventType>;
  readonly queue: ExtensionEvent[];
  /** The parked event/next call, if any. */
  waiter: ServerResponse | null;
  /** Request id of the INVOKE event delivered last and not yet acknowledged. */
  awaitingAck: string | null;
  calledNext: boolean;
  shutdownDelivered: boolean;
}

export interface InvokeEvent {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
}

/**
 * Registered external extensions, their event queues and parked `event/next` calls. An `event/next`
 * call acknowledges the INVOKE event the extension received last: that is what the freeze rule waits for.
 */
export class ExtensionRegistry {
  private readonly byId = new Map<string, RegisteredExtension>();

  constructor(private readonly onAcknowledge: (extensionId: string, requestId: string) => void) {}

  get all(): readonly RegisteredExtension[] {
    return [...this.byId.values()];
  }

  get allCalledNext(): boolean {
    return this.all.every((e) => e.calledNext);
  }

  /** True once every extension registered for SHUTDOWN has been handed its SHUTDOWN event. */
  get shutdownEventsDelivered(): boolean {
    return this.all.every((e) => !e.events.has('SHUTDOWN') || e.shutdownDelivered);
  }

  register(name: string, events: readonly ExtensionEventType[]): RegisteredExtension {
    const extension: RegisteredExtension = {
      id: randomUUID(),
      name,
      events: new Set(events),
      queue: [],
      waiter: null,
      awaitingAck: null,
      calledNext: false,
      shutdownDelivered: false,
    };
    this.byId.set(extension.id, extension);
    return extension;
  }

  get(id: string | undefined): RegisteredExtension | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Forgets extensions by name (their process died); returns their ids. */
  remove(name: string): string[] {
    const ids: string[] = [];
    for (const extension of this.byId.values()) {
      if (extension.name !== name) continue;
      this.byId.delete(extension.id);
      ids.push(extension.id);
    }
    return ids;
  }

  /** An extension's `event/next`: acknowledges its last INVOKE, then answers with a queued event or parks. */
  next(extension: RegisteredExtension, res: ServerResponse): void {
    if (extension.awaitingAck !== null) {
      const requestId = extension.awaitingAck;
      extension.awaitingAck = null;
      this.onAcknowledge(extension.id, requestId);
    }
    if (extension.waiter && !extension.waiter.writableEnded) {
      // One outstanding event/next per extension: the newer call replaces the older one.
      extension.waiter.writeHead(409, { 'content-type': 'application/json' });
      extension.waiter.end(errorBody('Extension.ConcurrentNext', 'superseded by a newer event/next call'));
    }
    extension.waiter = res;
    res.on('close', () => {
      if (extension.waiter === res) extension.waiter = null;
    });
    extension.calledNext = true;
    this.deliver(extension);
  }

  /** Queues an INVOKE event for every extension registered for INVOKE; returns their ids. */
  queueInvoke(event: InvokeEvent): string[] {
    const ids: string[] = [];
    for (const extension of this.byId.values()) {
      if (!extension.events.has('INVOKE')) continue;
      ids.push(extension.id);
      extension.queue.push({
        requestId: event.requestId,
        body: {
          eventType: 'INVOKE',
          deadlineMs: event.deadlineMs,
          requestId: event.requestId,
          invokedFunctionArn: event.invokedFunctionArn,
          tracing: { type: 'X-Amzn-Trace-Id', value: event.traceId },
        },
      });
      this.deliver(extension);
    }
    return ids;
  }

  queueShutdown(reason: ShutdownReason, deadlineMs: number): void {
    for (const extension of this.byId.values()) {
      if (!extension.events.has('SHUTDOWN')) continue;
      // INVOKE events not yet picked up belong to invocations that just ended: SHUTDOWN comes next.
      extension.queue.length = 0;
      extension.queue.push({ body: { eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs } });
      this.deliver(extension);
    }
  }

  private deliver(extension: RegisteredExtension): void {
    const res = extension.waiter;
    if (!res || res.destroyed || res.writableEnded) return;
    const event = extension.queue.shift();
    if (!event) return;
    extension.waiter = null;
    if (event.requestId !== undefined) extension.awaitingAck = event.requestId;
    if (event.body.eventType === 'SHUTDOWN') extension.shutdownDelivered = true;
    const body = Buffer.from(JSON.stringify(event.body));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      [Header.extensionEventId]: randomUUID(),
    });
    res.end(body);
  }
}
