/** A result as sent: whole, or cut to fit with how long it was. */
export interface Fitted {
  value: unknown;
  /** Characters of the whole result as JSON, when it was cut; undefined when whole. */
  cutFrom?: number;
}

type Holder = Record<string | number, unknown>;

/** Where a value sits: the object or array holding it, and its key there. */
interface Place {
  holder: Holder;
  key: string | number;
  size: number;
}

/** The longest array or string under `container.root` that can still be cut, by JSON length. */
function longest(container: { root: unknown }): Place | undefined {
  let best: Place | undefined;
  const visit = (holder: Holder, key: string | number) => {
    const item = holder[key];
    if (typeof item === 'string' || Array.isArray(item)) {
      const size = JSON.stringify(item).length;
      if (
        size > (best?.size ?? 0) &&
        (typeof item === 'string' ? item.length > 1 : item.length > 0)
      )
        best = { holder, key, size };
    }
    if (item !== null && typeof item === 'object') {
      for (const child of Object.keys(item)) {
        visit(item as Holder, Array.isArray(item) ? Number(child) : child);
      }
    }
  };
  visit(container, 'root');
  return best;
}

/**
 * Cuts a result until its JSON fits `maxChars`: the longest array or string inside it is
 * halved (arrays keep their head, strings their start) until it fits, so what is left keeps
 * the result's shape and the most of everything else. An object that says `truncated`
 * is marked so. Pure: the original is left alone.
 */
export function fitResult(value: unknown, maxChars: number): Fitted {
  const size = JSON.stringify(value ?? null).length;
  if (size <= maxChars) return { value };
  const copy = { root: structuredClone(value) };
  for (let length = size; length > maxChars; length = JSON.stringify(copy.root).length) {
    const target = longest(copy);
    if (!target) break;
    const item = target.holder[target.key] as string | unknown[];
    target.holder[target.key] = item.slice(0, Math.floor(item.length / 2));
    if (typeof target.holder['truncated'] === 'boolean') target.holder['truncated'] = true;
  }
  return { value: copy.root, cutFrom: size };
}
