import { createRequire } from 'node:module';
import { createAppSyncUtil } from './appsync-util.js';
import { appSyncInfo, type VtlFieldInfo } from './resolve-info.js';

export type { VtlFieldInfo } from './resolve-info.js';

// amplify-velocity-template is the Velocity engine AppSync's own simulator renders with; it is CommonJS
// without types.
const require = createRequire(import.meta.url);

interface ParseError extends Error {
  hash?: { loc?: { first_line?: number; first_column?: number } };
}

interface VelocityEngine {
  parse(content: string): unknown;
  Compile: new (
    ast: unknown,
    config: { escape: boolean },
  ) => { render(context: Record<string, unknown>): string; _state: { return: boolean } };
}

let engine: VelocityEngine | undefined;
function velocity(): VelocityEngine {
  engine ??= require('amplify-velocity-template') as VelocityEngine;
  return engine;
}

export interface VtlContext {
  arguments: Record<string, unknown>;
  source?: Record<string, unknown> | null;
  headers: Record<string, string>;
  info: VtlFieldInfo;
  result?: unknown;
  error?: { message: string; type?: string };
}

export class VtlRenderError extends Error {}

/** A parsed VTL mapping template, rendered the way AppSync does (JSON text → object). */
export class VtlTemplate {
  private readonly ast: unknown;

  constructor(
    content: string,
    private readonly path?: string,
  ) {
    try {
      this.ast = velocity().parse(content);
    } catch (error) {
      const hash = (error as ParseError).hash;
      const where = `${path === undefined ? '' : `${path}:`}${hash?.loc?.first_line ?? '?'}:${hash?.loc?.first_column ?? '?'}`;
      throw new VtlRenderError(`Parse error on ${where}: ${(error as Error).message}`, { cause: error });
    }
  }

  render(ctx: VtlContext): unknown {
    const util = createAppSyncUtil();
    const context = {
      arguments: ctx.arguments,
      args: ctx.arguments,
      source: ctx.source ?? null,
      identity: null,
      stash: {},
      request: { headers: ctx.headers },
      info: appSyncInfo(ctx.info),
      ...(ctx.result === undefined ? {} : { result: ctx.result }),
      ...(ctx.error === undefined
        ? {}
        : { error: { message: ctx.error.message, type: ctx.error.type ?? 'UnknownErrorType' } }),
    };
    // A fresh compiler per render: it keeps #return state between renders.
    const compiler = new (velocity().Compile)(this.ast, { escape: false });
    let text: string;
    try {
      text = compiler.render({ util, utils: util, ctx: context, context });
    } catch (error) {
      // $util.error's TemplateSentError carries the message AppSync returns as the GraphQL error.
      throw new VtlRenderError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      if (compiler._state.return) return text;
      throw new VtlRenderError(
        `the ${this.path ?? 'mapping template'} output is not JSON: ${text.slice(0, 200)}`,
        { cause: error },
      );
    }
  }
}
