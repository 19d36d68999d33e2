import { useEffect, useState } from 'react';

/** A search input that reports its value after typing pauses, so the URL and the API are not hit per key. */
export function SearchBox(props: { value: string; placeholder: string; onChange: (value: string) => void }) {
  const { value, placeholder, onChange } = props;
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => onChange(draft), 250);
    return () => clearTimeout(timer);
  }, [draft, value, onChange]);
  return (
    <input
      type="search"
      className="search"
      value={draft}
      placeholder={placeholder}
      aria-label={placeholder}
      onChange={(e) => setDraft(e.target.value)}
    />
  );
}
