/** Stable error codes of the contracts package. */
export const ContractsErrorCode = {
  BatchShape: 'TAPLINE_CONTRACTS_BATCH_SHAPE',
} as const;
export type ContractsErrorCode = (typeof ContractsErrorCode)[keyof typeof ContractsErrorCode];

export class ContractsError extends Error {
  constructor(
    readonly code: ContractsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ContractsError';
  }
}
