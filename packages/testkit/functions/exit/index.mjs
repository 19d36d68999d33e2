// Kills the runtime process mid-invocation (exit code event.code, default 1), to test crash handling.
export const handler = async (event) => {
  process.exit(Number(event?.code ?? 1));
};
