import {
  type Arch,
  compatibleRuntimes,
  DEFAULT_LAYER_NAME,
  InstrumentationError,
  InstrumentationErrorCode,
  runtimeHasNode,
  taplineVariables,
  wrapperRefusal,
} from '@tapline/instrumentation';
import { Aspects, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { ingestTokenValue, type TaplineTokenProps } from './ingest-token.js';
import { resolveLayerZip } from './layer-zips.js';
import { type InstrumentAllOptions, InstrumentWithTapline } from './tapline-aspect.js';

export interface TaplineProps extends TaplineTokenProps {
  /** Where the extension mirrors traffic, e.g. https://tapline.example.com/api/ingestData. */
  ingestUrl: string;
  /** Layer name prefix; each architecture's layer is `<layerName>-<arch>`. Default `tapline-extension`. */
  layerName?: string;
  /**
   * Layer zips per architecture (from `tapline layer build`). Default: the zips this package ships, built
   * without Node (Node runtimes only).
   */
  layerZips?: Partial<Record<Arch, string>>;
  /** Use these published layer versions (from `tapline layer publish --json`) instead of publishing the zips. */
  layerVersionArns?: Partial<Record<Arch, string>>;
  /** The layers ship a Node binary (`tapline layer build --with-node`), so Python, Java, .NET and Ruby can be served. */
  withNode?: boolean;
}

const ARCHITECTURES: Record<Arch, lambda.Architecture> = {
  x86_64: lambda.Architecture.X86_64,
  arm64: lambda.Architecture.ARM_64,
};

/**
 * Publishes Tapline's Lambda layer (one version per architecture, only for the architectures used) and
 * instruments functions with it: the layer, AWS_LAMBDA_EXEC_WRAPPER (chaining an existing wrapper) and the
 * ingestion settings, exactly as `tapline function attach` does, but in the template.
 */
export class Tapline extends Construct {
  /** Creates a Tapline in `scope` and instruments the given functions. */
  static instrument(
    scope: Construct,
    functions: readonly lambda.Function[],
    props: TaplineProps,
    id = 'Tapline',
  ): Tapline {
    return new Tapline(scope, id, props).instrument(...functions);
  }

  readonly ingestUrl: string;
  readonly layerName: string;
  readonly withNode: boolean;
  private readonly props: TaplineProps;
  private readonly token: string | undefined;
  private readonly layers = new Map<Arch, lambda.ILayerVersion>();
  private readonly instrumented = new WeakSet<lambda.Function>();

  constructor(scope: Construct, id: string, props: TaplineProps) {
    super(scope, id);
    validateIngestUrl(props.ingestUrl);
    this.props = props;
    this.ingestUrl = props.ingestUrl;
    this.layerName = props.layerName ?? DEFAULT_LAYER_NAME;
    this.withNode = props.withNode === true;
    this.token = ingestTokenValue(Stack.of(this), props);
  }

  /** Tapline's layer for one architecture, published from the zip on first use. */
  layerFor(arch: Arch): lambda.ILayerVersion {
    let layer = this.layers.get(arch);
    if (layer !== undefined) return layer;
    const id = arch === 'arm64' ? 'LayerArm64' : 'LayerX8664';
    const published = this.props.layerVersionArns?.[arch];
    layer =
      published === undefined
        ? new lambda.LayerVersion(this, id, {
            code: lambda.Code.fromAsset(resolveLayerZip(arch, this.props.layerZips?.[arch])),
            compatibleArchitectures: [ARCHITECTURES[arch]],
            compatibleRuntimes: cdkRuntimes(compatibleRuntimes(this.withNode)),
            layerVersionName: `${this.layerName}-${arch}`,
            description: `Tapline API discovery extension (${arch}${this.withNode ? ', with Node' : ''})`,
            license: 'Apache-2.0',
          })
        : lambda.LayerVersion.fromLayerVersionArn(this, id, published);
    this.layers.set(arch, layer);
    return layer;
  }

  /** Why this function cannot be instrumented (same reasons and words as `tapline function attach`), or undefined. */
  refusal(fn: lambda.Function): string | undefined {
    return this.check(fn)?.message;
  }

  /** Instruments the functions; throws on one that cannot be (container image, provided.*, unsupported runtime). */
  instrument(...functions: lambda.Function[]): this {
    for (const fn of functions) {
      const refused = this.check(fn);
      if (refused !== undefined) {
        throw new InstrumentationError(refused.code, `Tapline: ${refused.message}`, { cause: refused });
      }
      this.apply(fn);
    }
    return this;
  }

  /**
   * Instruments every function under `scope` (default: this stack) at synthesis, including ones added later;
   * functions that cannot be instrumented get a warning instead of failing the synthesis.
   */
  instrumentAll(scope: IConstruct = Stack.of(this), options: InstrumentAllOptions = {}): this {
    Aspects.of(scope).add(new InstrumentWithTapline(this, options));
    return this;
  }

  private check(fn: lambda.Function): InstrumentationError | undefined {
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const image = fn.runtime === lambda.Runtime.FROM_IMAGE || cfn.packageType === 'Image';
    const runtime = image ? undefined : fn.runtime.name;
    const refused = wrapperRefusal({ name: fn.node.path, runtime, packageType: image ? 'Image' : 'Zip' });
    if (refused !== undefined)
      return new InstrumentationError(InstrumentationErrorCode.WrapperIgnored, refused);
    if (runtime === undefined) return undefined;
    const runtimes = compatibleRuntimes(this.withNode);
    if (runtimes.includes(runtime)) return undefined;
    const hint = runtimeHasNode(runtime)
      ? ''
      : '; runtimes without Node need the layer that ships one: build it with `tapline layer build --with-node`, ' +
        'pass it as layerZips and set withNode: true';
    return new InstrumentationError(
      InstrumentationErrorCode.LayerMismatch,
      `function ${fn.node.path}: Tapline's layer is not published for runtime ${runtime} (it lists ${runtimes.join(', ')})${hint}`,
    );
  }

  private apply(fn: lambda.Function): void {
    if (this.instrumented.has(fn)) return;
    this.instrumented.add(fn);
    fn.addLayers(this.layerFor(fn.architecture.name === 'arm64' ? 'arm64' : 'x86_64'));
    // The function's own variables are only known at synthesis (and may be added after this call), so the
    // Tapline variables are merged in then, reading an existing wrapper to chain it.
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const own: unknown = cfn.environment;
    const settings = {
      ingestUrl: this.ingestUrl,
      ...(this.token === undefined ? {} : { token: this.token }),
    };
    cfn.environment = Lazy.any({
      produce: () => {
        const resolved = Stack.of(fn).resolve(own) as { variables?: Record<string, unknown> } | undefined;
        const variables = resolved?.variables ?? {};
        return { variables: { ...variables, ...taplineVariables<unknown>(variables, settings) } };
      },
    });
  }
}

/** aws-cdk-lib's own Runtime objects, so that a function's runtime compares equal to the layer's. */
function cdkRuntimes(names: readonly string[]): lambda.Runtime[] {
  const known = Object.values(lambda.Runtime).filter((r): r is lambda.Runtime => r instanceof lambda.Runtime);
  return names.map(
    (name) =>
      known.find((r) => r.name === name) ??
      new lambda.Runtime(name, name.startsWith('nodejs') ? lambda.RuntimeFamily.NODEJS : undefined),
  );
}

function validateIngestUrl(raw: string): void {
  if (Token.isUnresolved(raw)) return;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Tapline: ingestUrl ${raw} is not a URL; give e.g. https://host/api/ingestData`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Tapline: ingestUrl must be http(s), got ${url.protocol}`);
  }
}
