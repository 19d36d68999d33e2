/** Stable error codes of the inventory package. The engine itself reports bad records as counts, not throws. */
export const InventoryErrorCode = {
  BadSnapshot: 'TAPLINE_INVENTORY_BAD_SNAPSHOT',
} as const;
export type InventoryErrorCode = (typeof InventoryErrorCode)[keyof typeof InventoryErrorCode];

export class InventoryError extends Error {
  constructor(
    readonly code: InventoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InventoryError';
  }
}
