/** What the engine puts in place of secrets and sensitive values. */
const MASK = '****';

/** Captured text, rendered as text, with the masked parts marked so they read as masked. */
export function MaskedText({ text }: { text: string }) {
  if (!text.includes(MASK)) return <>{text}</>;
  const parts = text.split(MASK);
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts are positional and never reordered.
        <span key={i}>
          {part}
          {i < parts.length - 1 && (
            <mark className="masked" title="masked by Tapline">
              {MASK}
            </mark>
          )}
        </span>
      ))}
    </>
  );
}
