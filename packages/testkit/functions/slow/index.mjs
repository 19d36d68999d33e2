// Waits event.delayMs (default 100) before answering.
export const handler = async (event) => {
  const delayMs = Number(event?.delayMs ?? 100);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { sleptMs: delayMs };
};
