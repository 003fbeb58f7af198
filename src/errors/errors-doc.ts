/**
 * Renders docs/errors.md from the catalogue, so the documented list is the code's list.
 * `npm run docs` writes it; a test fails when the file and the catalogue differ.
 */
import { ERROR_CATALOGUE } from './error-catalogue.ts';
import type { ErrorDefinition } from './error-catalogue.ts';

/** The ICS2 rule or condition a code is, or that it is Vigil's own. */
function ics2Of(code: string, def: ErrorDefinition): string {
  if (def.ics2 !== undefined) {
    return def.ics2;
  }
  return /^[RC]\d{4}$/.test(code) ? code : 'Vigil’s own';
}

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, def]) => `| \`${code}\` | ${def.status} | ${ics2Of(code, def)} | ${def.title} |`,
  );
  return `# Error codes

Every error Vigil returns has a stable \`code\`. HTTP responses are RFC 9457
\`application/problem+json\`: \`{ type, title, status, code, detail, instance }\`, and for validation
failures an \`errors\` array of \`{ code, path, message }\` where \`path\` is a JSON path into the
request body (\`$.consignments[0].goods[1].hsCode\`). Codes named after ICS2 rules and conditions
(R3013 …, C3001) keep ICS2's numbering and check what the ICS2 rule or condition checks; the
"ICS2" column names the rule or condition (with Vigil's reading where it differs), and
[ics2-rules.md](ics2-rules.md) gives the evidence for each code and lists the ones Vigil does not check.
Every \`VIGIL_\` code is Vigil's own: an extra check ICS2 does not have under that name (a vague goods
description, a lodging deadline, an element outside the filing type's data set …) or an error of the
HTTP interface. The field-level codes are returned inside a 422 (or 400 for query parameters);
their status column is the status of the response that carries them.

This file is generated from \`src/errors/error-catalogue.ts\` by \`npm run docs\`; a test keeps
them in sync.

| code | HTTP status | ICS2 | meaning |
|---|---|---|---|
${rows.join('\n')}
`;
}
