import { z } from 'zod';

/** A JSON Schema object, as the generator emits it. */
export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas (draft-07, which AsyncAPI 3 embeds) of every registered wire schema, keyed
 * by name. `refTo` decides how one schema points at another: `#/components/schemas/X`
 * inside the AsyncAPI document, `./X.json` between standalone files.
 */
export function wireJsonSchemas(refTo: (id: string) => string): Record<string, JsonSchema> {
  // The caller imports the barrel first, so every wire schema is registered by now.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-07',
    io: 'input',
    uri: refTo,
    unrepresentable: 'any',
  });
  const sorted: Record<string, JsonSchema> = {};
  for (const id of Object.keys(schemas).sort()) {
    const { $schema: _schema, $id: _id, id: _name, ...schema } = schemas[id] as JsonSchema;
    sorted[id] = schema;
  }
  return sorted;
}
