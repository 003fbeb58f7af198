/**
 * Validates values against schemas of the OpenAPI document (JSON Schema 2020-12, ajv 8 with its
 * formats), resolving `#/components/…` references against the document's components; each schema
 * is compiled once.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

const BASE = 'https://vigil.dev/openapi.json';

/** Returns a check: undefined when `value` fits `schema`, else what is wrong. */
export function openApiValidator(
  components: unknown,
): (schema: unknown, value: unknown) => string | undefined {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is CommonJS: its plugin is the module's default export's `default`.
  formats.default(ajv);
  ajv.addSchema({ $id: BASE, components });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (schema, value) => {
    const key = JSON.stringify(schema);
    const validate =
      compiled.get(key) ??
      ajv.compile(JSON.parse(key.replaceAll('"#/components/', `"${BASE}#/components/`)) as object);
    compiled.set(key, validate);
    return validate(value) ? undefined : ajv.errorsText(validate.errors);
  };
}
