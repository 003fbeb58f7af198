/**
 * Renders docs/errors.md from the catalogue, so the documented list is the code's list.
 * `npm run docs` writes it; a test fails when the file and the catalogue differ.
 */
import { ERROR_CATALOGUE } from './error-catalogue.ts';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, def]) => `| \`${code}\` | ${def.status} | ${def.title} |`,
  );
  return `# Error codes

Every error Vigil returns has a stable \`code\`. HTTP responses are RFC 9457
\`application/problem+json\`: \`{ type, title, status, code, detail, instance }\`, and for validation
failures an \`errors\` array of \`{ code, path, message }\` where \`path\` is a JSON path into the
request body (\`$.consignments[0].goods[1].hsCode\`). Codes named after ICS2 rules (R3013 …) keep
ICS2's numbering. The field-level codes are returned inside a 422 (or 400 for query parameters);
their status column is the status of the response that carries them.

This file is generated from \`src/errors/error-catalogue.ts\` by \`npm run docs\`; a test keeps
them in sync.

| code | HTTP status | meaning |
|---|---|---|
${rows.join('\n')}
`;
}
