import { InstrumentationError, InstrumentationErrorCode } from './errors.js';

/** What decides whether Lambda honours AWS_LAMBDA_EXEC_WRAPPER for a function. */
export interface FunctionKind {
  name: string;
  /** Lambda's runtime identifier (nodejs22.x, python3.13, provided.al2023); undefined for images. */
  runtime: string | undefined;
  /** `Zip` or `Image`. */
  packageType: string;
}

const OS_ONLY = /^provided(\.|$)/;

/** Why Tapline cannot instrument this function, or undefined when it can. */
export function wrapperRefusal(fn: FunctionKind): string | undefined {
  if (fn.packageType === 'Image') {
    return (
      `function ${fn.name} is a container image: Lambda ignores layers and AWS_LAMBDA_EXEC_WRAPPER for images, ` +
      'so Tapline cannot be attached; copy the layer into the image (/opt) and set the wrapper in its entrypoint instead'
    );
  }
  if (fn.runtime !== undefined && OS_ONLY.test(fn.runtime)) {
    return (
      `function ${fn.name} uses the OS-only runtime ${fn.runtime}: Lambda does not honour AWS_LAMBDA_EXEC_WRAPPER there, ` +
      "so the runtime would bypass Tapline's proxy; point the function's bootstrap at 127.0.0.1:$LRAP_LISTENER_PORT instead"
    );
  }
  return undefined;
}

/** Throws the refusal of {@link wrapperRefusal}, if any. */
export function assertWrapperHonoured(fn: FunctionKind): void {
  const refusal = wrapperRefusal(fn);
  if (refusal !== undefined) throw new InstrumentationError(InstrumentationErrorCode.WrapperIgnored, refusal);
}
