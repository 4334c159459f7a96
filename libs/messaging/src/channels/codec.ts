import type { z } from 'zod';
import { InvalidMessageError } from '../errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
}

/** Checks a value against its contract; a bad one throws `InvalidMessageError` naming `subject`. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  subject: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidMessageError(subject, problemsOf(parsed.error));
  return parsed.data;
}

/**
 * Validates an outgoing value against its contract and encodes it as JSON. A bad value is
 * the sender's bug, so it fails here, at the sender, naming the subject and every problem,
 * rather than as a puzzle at some consumer later.
 */
export function encode<S extends z.ZodType>(
  schema: S,
  value: z.input<S>,
  subject: string,
): { value: z.output<S>; data: Uint8Array } {
  const valid = validate(schema, value, subject);
  return { value: valid, data: encodeJson(valid) };
}

/** A value as the wire carries it, JSON in UTF-8, for a value that is already valid. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/**
 * Reads an incoming payload: JSON, valid against its contract. Whatever is wrong is named
 * with its path, and the error is typed so a consumer can tell "never valid" from "failed".
 */
export function decode<S extends z.ZodType>(
  schema: S,
  data: Uint8Array,
  subject: string,
): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidMessageError(subject, [`the payload is not JSON (${reason})`], {
      cause: error,
    });
  }
  return validate(schema, raw, subject);
}
