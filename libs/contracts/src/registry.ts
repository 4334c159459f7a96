import { z } from 'zod';

/**
 * Registers a wire schema under a stable name and returns it. Every schema that crosses
 * the wire goes through here, so that the JSON Schemas and the AsyncAPI document are
 * generated from the very objects the services validate with — the documents cannot drift
 * from the code without a test failing. Names live in zod's global registry, together with
 * the field descriptions given by `.describe()`.
 */
export function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  return schema.meta({ id, description }) as T;
}
