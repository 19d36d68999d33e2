/** Stable error codes of the extension package. */
export const ExtensionErrorCode = {
  Listen: 'TAPLINE_EXTENSION_LISTEN',
  Register: 'TAPLINE_EXTENSION_REGISTER',
  EventLoop: 'TAPLINE_EXTENSION_EVENT_LOOP',
  Build: 'TAPLINE_EXTENSION_BUILD',
} as const;
export type ExtensionErrorCode = (typeof ExtensionErrorCode)[keyof typeof ExtensionErrorCode];

export class ExtensionError extends Error {
  constructor(
    readonly code: ExtensionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExtensionError';
  }
}
