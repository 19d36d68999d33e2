import type { Parameter, ParameterIn } from '../api/types.js';
import { displayParamName } from '../lib/format.js';
import { SensitiveBadges } from './badges.js';
import { MaskedText } from './masked-text.js';

const SECTIONS: readonly { in: ParameterIn; label: string }[] = [
  { in: 'header', label: 'Headers' },
  { in: 'cookie', label: 'Cookies' },
  { in: 'query', label: 'Query' },
  { in: 'path', label: 'Path' },
  { in: 'body', label: 'Body' },
];

/** Sensitive parameters first (they are what a reviewer looks for), then by name. */
function bySensitivityThenName(a: Parameter, b: Parameter): number {
  const s = Number(b.sensitive.length > 0) - Number(a.sensitive.length > 0);
  return s !== 0 ? s : a.name.localeCompare(b.name);
}

/** One side of a request/response schema, split by where the parameters live. */
export function SchemaView({
  title,
  parameters,
  testId,
}: {
  title: string;
  parameters: Parameter[];
  testId: string;
}) {
  return (
    <div className="schema" data-testid={testId}>
      <h3>{title}</h3>
      {parameters.length === 0 && <p className="muted">No parameters seen.</p>}
      {SECTIONS.map((section) => {
        const params = parameters.filter((p) => p.in === section.in).sort(bySensitivityThenName);
        if (params.length === 0) return null;
        return (
          <div key={section.in} className="schema-section">
            <h4>
              {section.label} <span className="muted">({params.length})</span>
            </h4>
            <table className="table table-compact">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Sensitive</th>
                  <th>Example</th>
                </tr>
              </thead>
              <tbody>
                {params.map((p) => (
                  <tr
                    key={p.id}
                    className={p.sensitive.length > 0 ? 'row-sensitive' : undefined}
                    data-testid="param-row"
                  >
                    <td className="mono">{displayParamName(p.name)}</td>
                    <td className="mono small">{p.types.join(' | ')}</td>
                    <td>
                      <SensitiveBadges classes={p.sensitive} />
                    </td>
                    <td className="mono small example">
                      <MaskedText text={p.examples?.[0] ?? ''} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
