// Throws an Error subclass; runtimes report its class name as the errorType ("ValidationError").
class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ValidationError';
  }
}

export const handler = async (event) => {
  throw new ValidationError(event?.message ?? 'invalid input');
};
