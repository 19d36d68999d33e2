/** Where Tapline's layer puts its exec wrapper; AWS_LAMBDA_EXEC_WRAPPER points here. */
export const WRAPPER_PATH = '/opt/wrapper-script.sh';
export const EXEC_WRAPPER_KEY = 'AWS_LAMBDA_EXEC_WRAPPER';
/** Tapline's wrapper execs this one after redirecting the runtime, so an existing wrapper keeps working. */
export const PREVIOUS_WRAPPER_KEY = 'TAPLINE_PREVIOUS_EXEC_WRAPPER';
export const INGEST_URL_KEY = 'TAPLINE_INGEST_URL';
/** Akto's name for the ingestion URL; the extension reads it first. */
export const AKTO_URL_KEY = 'AKTO_MIRRORING_URL';
export const TOKEN_KEY = 'TAPLINE_INGEST_TOKEN';
/** Every variable Tapline reads or writes starts with this (AKTO_MIRRORING_URL aside). */
export const TAPLINE_VAR_PREFIX = 'TAPLINE_';

/**
 * The ingestion settings. Values are strings for the CLI; the CDK construct passes tokens (deploy-time
 * references), hence the type parameter.
 */
export interface IngestSettings<V = string> {
  ingestUrl: V;
  token?: V;
}

/**
 * The variables that instrument a function, given its current environment: the wrapper (chaining an existing
 * one), the ingestion URL (updating AKTO_MIRRORING_URL when present rather than adding a shadowed twin) and
 * the token when there is one.
 */
export function taplineVariables<V>(
  existing: Readonly<Record<string, V | string | undefined>>,
  settings: IngestSettings<V | string>,
): Record<string, V | string> {
  const vars: Record<string, V | string> = { [EXEC_WRAPPER_KEY]: WRAPPER_PATH };
  const wrapper = existing[EXEC_WRAPPER_KEY];
  if (wrapper !== undefined && wrapper !== '' && wrapper !== WRAPPER_PATH)
    vars[PREVIOUS_WRAPPER_KEY] = wrapper;
  vars[existing[AKTO_URL_KEY] === undefined ? INGEST_URL_KEY : AKTO_URL_KEY] = settings.ingestUrl;
  if (settings.token !== undefined) vars[TOKEN_KEY] = settings.token;
  return vars;
}

/** The ingestion URL the extension will use (the same precedence as its own configuration). */
export function effectiveIngestUrl(env: Readonly<Record<string, string>>): string | undefined {
  const akto = env[AKTO_URL_KEY];
  if (akto !== undefined && akto.trim() !== '') return akto;
  const own = env[INGEST_URL_KEY];
  return own !== undefined && own.trim() !== '' ? own : undefined;
}
