// Returns the event unchanged (the runtime re-serialises it, so bytes may differ from the request).
export const handler = async (event) => event;
