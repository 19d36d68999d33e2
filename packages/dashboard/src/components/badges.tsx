import { useNavigate } from 'react-router-dom';
import { authBadgeClass, authTypeTitle } from '../lib/auth-labels.js';

export function MethodBadge({ method }: { method: string }) {
  const known = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(method);
  return <span className={`method method-${known ? method.toLowerCase() : 'other'}`}>{method}</span>;
}

export function SensitiveBadges({ classes }: { classes: readonly string[] }) {
  if (classes.length === 0) return <span className="muted">—</span>;
  return (
    <span className="badges">
      {classes.map((c) => (
        <span key={c} className="badge badge-sensitive" title="sensitive data class">
          {c}
        </span>
      ))}
    </span>
  );
}

export function AuthBadges({ types }: { types: readonly string[] }) {
  if (types.length === 0) return <span className="muted">—</span>;
  return (
    <span className="badges">
      {types.map((t) => (
        <span key={t} className={authBadgeClass(t)} title={authTypeTitle(t)}>
          {t}
        </span>
      ))}
    </span>
  );
}

/**
 * Shown when a cardinality cap kept part of a collection out of the inventory: what was counted, not
 * stored, so the numbers on the page are known to be incomplete.
 */
export function CapBadge({
  collection,
}: {
  collection: { callsOverEndpointCap: number; valuesOverParameterCap: number };
}) {
  const { callsOverEndpointCap: calls, valuesOverParameterCap: values } = collection;
  if (calls === 0 && values === 0) return null;
  const parts = [
    calls > 0 ? `${calls.toLocaleString('en-US')} calls to endpoints beyond the endpoint cap` : '',
    values > 0 ? `${values.toLocaleString('en-US')} parameter values beyond the parameter cap` : '',
  ].filter((part) => part !== '');
  return (
    <span
      className="badge badge-capped"
      title={`Counted, not stored: ${parts.join('; ')}`}
      data-testid="cap-badge"
    >
      capped
    </span>
  );
}

export function StatusCodes({ codes }: { codes: readonly number[] }) {
  return (
    <span className="badges">
      {codes.map((code) => (
        <span key={code} className={`status status-${Math.floor(code / 100)}xx`}>
          {code}
        </span>
      ))}
    </span>
  );
}

/**
 * A `key=value` tag; clicking it filters the collections list by that tag. A button, not a link: captured
 * text never goes into an href.
 */
export function TagChip({ name, value, active }: { name: string; value: string; active?: boolean }) {
  const navigate = useNavigate();
  const tag = `${name}=${value}`;
  return (
    <button
      type="button"
      className={active ? 'chip chip-active' : 'chip'}
      onClick={() => navigate({ pathname: '/', search: `?${new URLSearchParams({ tag })}` })}
      title={`Show collections tagged ${tag}`}
      data-testid="tag-chip"
    >
      {tag}
    </button>
  );
}
