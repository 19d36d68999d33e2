/** Stable error codes of the CLI; each maps to a process exit code. */
export const CliErrorCode = {
  Usage: 'TAPLINE_CLI_USAGE',
  Config: 'TAPLINE_CLI_CONFIG',
  Aws: 'TAPLINE_CLI_AWS',
  NotFound: 'TAPLINE_CLI_NOT_FOUND',
  Conflict: 'TAPLINE_CLI_CONFLICT',
  Build: 'TAPLINE_CLI_BUILD',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

const EXIT_CODES: Record<CliErrorCode, number> = {
  TAPLINE_CLI_USAGE: 2,
  TAPLINE_CLI_CONFIG: 3,
  TAPLINE_CLI_AWS: 4,
  TAPLINE_CLI_NOT_FOUND: 5,
  TAPLINE_CLI_CONFLICT: 6,
  TAPLINE_CLI_BUILD: 7,
};

/** An error the CLI reports as one clear line (what is wrong and what to do) and an exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = EXIT_CODES[code];
  }
}
