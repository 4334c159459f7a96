import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { formatPath, type ValidationError } from './validation-error';

/** Limits that keep a hostile document from costing more than a refusal. */
export const DOCUMENT_LIMITS = {
  /** Bytes of text; a workflow is a plan, not a data set. */
  maxBytes: 1_048_576,
  /** Nesting of maps and lists. */
  maxDepth: 64,
  /** YAML aliases, each of which could multiply the document (a "billion laughs"). */
  maxAliases: 100,
} as const;

/** Keys that would reach an object's prototype if some later code assigned them naively. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed document and the means to place a path back in its text. */
export interface ParsedText {
  value: unknown;
  locate(path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined;
}

/**
 * Parses YAML (and so JSON, which YAML contains) with every guard on: size, depth, alias
 * count, duplicate keys and prototype keys. Returns the plain value, or errors that say
 * where in the text they are.
 */
export function parseText(
  text: string,
): { ok: true; parsed: ParsedText } | { ok: false; errors: ValidationError[] } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > DOCUMENT_LIMITS.maxBytes) {
    return fail('', `the document is ${bytes} bytes; the limit is ${DOCUMENT_LIMITS.maxBytes}`);
  }
  const flow = flowDepth(text);
  if (flow > DOCUMENT_LIMITS.maxDepth) {
    return fail('', `nested deeper than ${DOCUMENT_LIMITS.maxDepth} levels of [ ] and { }`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const at: Locator = (offset) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => ({
        path: '',
        message: `${error.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error'}: ${error.message.split('\n')[0]}`,
        ...at(error.pos[0]),
      })),
    };
  }
  const structural = checkStructure(doc.contents, [], 0, at);
  if (structural) return { ok: false, errors: [structural] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: DOCUMENT_LIMITS.maxAliases });
  } catch (error) {
    return fail('', `refused: ${(error as Error).message}`);
  }
  const locate = (path: ReadonlyArray<PropertyKey>) => {
    const position = at(locateNode(doc, path)?.range?.[0]);
    return position.line === undefined
      ? undefined
      : { line: position.line, column: position.column ?? 1 };
  };
  return { ok: true, parsed: { value, locate } };
}

/**
 * The deepest nesting of flow brackets outside quoted strings. Measured on the raw text
 * because the YAML parser itself recurses per level and would overflow on a few thousand;
 * block nesting needs ever longer indentation and is bounded by the size limit.
 */
function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quote) {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

type Locator = (offset: number | undefined) => { line?: number; column?: number };

function fail(path: string, message: string) {
  return { ok: false as const, errors: [{ path, message }] };
}

/** Finds the first node too deep or keyed by a prototype key, before any value is built. */
function checkStructure(
  node: unknown,
  path: PropertyKey[],
  depth: number,
  at: Locator,
): ValidationError | undefined {
  if (depth > DOCUMENT_LIMITS.maxDepth) {
    return {
      path: formatPath(path),
      message: `nested deeper than ${DOCUMENT_LIMITS.maxDepth} levels`,
      ...at(rangeStart(node)),
    };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (FORBIDDEN_KEYS.has(key)) {
        return {
          path: formatPath([...path, key]),
          message: `the key "${key}" is not allowed`,
          ...at(rangeStart(pair.key)),
        };
      }
      const found = checkStructure(pair.value, [...path, key], depth + 1, at);
      if (found) return found;
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const found = checkStructure(item, [...path, index], depth + 1, at);
      if (found) return found;
    }
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

function locateNode(doc: Document, path: ReadonlyArray<PropertyKey>): Node | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = doc.getIn(path.slice(0, length) as unknown[], true) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node) return node;
  }
  return undefined;
}
