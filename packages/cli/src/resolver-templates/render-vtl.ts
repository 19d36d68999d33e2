import { createRequire } from 'node:module';
import type { FieldNode, FragmentDefinitionNode } from 'graphql';

// amplify-appsync-simulator's VTL engine (amplify-velocity-template + AppSync's $util) is CommonJS; load only
// its velocity module, not the whole simulator (express, aws-sdk v2).
const require = createRequire(import.meta.url);

interface VelocityModule {
  VelocityTemplate: new (
    template: { content: string; path?: string },
    simulator: unknown,
  ) => {
    render(
      ctx: { arguments: object; source: object | null; stash?: object; result?: unknown; error?: unknown },
      request: { headers: Record<string, string>; requestAuthorizationMode: string; sourceIp?: string },
      info: unknown,
    ): { result: unknown; errors: unknown[]; hadException: boolean; isReturn: boolean };
  };
}

let velocity: VelocityModule | undefined;
function velocityModule(): VelocityModule {
  // Its $util.dynamodb helpers load aws-sdk v2, which prints an end-of-support notice on load.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  velocity ??= require('amplify-appsync-simulator/lib/velocity/index.js') as VelocityModule;
  return velocity;
}

/** The parts of graphql-js's resolve info the template reads (`$ctx.info`). */
export interface VtlFieldInfo {
  fieldName: string;
  parentTypeName: string;
  fieldNodes: readonly FieldNode[];
  variableValues: Record<string, unknown>;
  fragments?: Record<string, FragmentDefinitionNode>;
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
  private readonly template: InstanceType<VelocityModule['VelocityTemplate']>;

  constructor(content: string, path?: string) {
    const { VelocityTemplate } = velocityModule();
    // The simulator argument is only read for Cognito/OIDC identities, which these renders do not use.
    this.template = new VelocityTemplate({ content, ...(path === undefined ? {} : { path }) }, {});
  }

  render(ctx: VtlContext): unknown {
    const out = this.template.render(
      {
        arguments: ctx.arguments,
        source: ctx.source ?? null,
        ...(ctx.result === undefined ? {} : { result: ctx.result }),
        ...(ctx.error === undefined ? {} : { error: ctx.error }),
      },
      { headers: ctx.headers, requestAuthorizationMode: 'API_KEY' },
      {
        fieldName: ctx.info.fieldName,
        fieldNodes: ctx.info.fieldNodes,
        // The simulator prints parentType; a string renders the same as graphql-js's type object.
        parentType: ctx.info.parentTypeName,
        variableValues: ctx.info.variableValues,
        fragments: ctx.info.fragments ?? {},
      },
    );
    if (out.hadException) {
      const first = out.errors[0];
      throw new VtlRenderError(first instanceof Error ? first.message : 'the VTL template failed to render', {
        cause: first,
      });
    }
    return out.result;
  }
}
