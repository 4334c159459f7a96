/**
 * What a goal asks about, as words a search can look for: `symbols` are the identifiers
 * it names (`parseConfig`, `load_rows`, `HttpClient`, anything in backticks or called
 * with `()`), `terms` its other significant words, lower-cased. Both sorted by their
 * first appearance and bounded, so the same goal always searches for the same words.
 */
export interface GoalWords {
  symbols: string[];
  terms: string[];
}

const MAX_SYMBOLS = 4;
const MAX_TERMS = 6;
const MIN_TERM_LENGTH = 4;

/** Words of a question that say nothing about a codebase. */
const STOPWORDS = new Set(
  (
    'about above after again against also because been before being below between both ' +
    'called calls code codebase could does doing done down during each explain file files ' +
    'find from have having here how into is it its itself just more most other over ' +
    'project repo repository same show should some such than that their them then there ' +
    'these they this those through under until used uses using very what when where which ' +
    'while whom whose will with work works would your defined define defines implemented ' +
    'implement implements function functions method methods class classes call caller ' +
    'callers happens handled handle handles list look tell please want need needs'
  ).split(' '),
);

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

export function goalWords(goal: string): GoalWords {
  const symbols: string[] = [];
  const terms: string[] = [];
  const add = (list: string[], word: string, max: number) => {
    if (list.length < max && !list.includes(word)) list.push(word);
  };
  for (const [, quoted = ''] of goal.matchAll(/`([^`]+)`/g)) {
    for (const [word] of quoted.matchAll(IDENTIFIER)) add(symbols, word, MAX_SYMBOLS);
  }
  for (const match of goal.matchAll(IDENTIFIER)) {
    const word = match[0];
    const calledAfter = goal.slice(match.index + word.length).startsWith('(');
    if (looksLikeIdentifier(word) || calledAfter) add(symbols, word, MAX_SYMBOLS);
  }
  // Whole tokens, so the parts of an identifier (`load` of `load_rows`) are not terms.
  for (const [word] of goal.matchAll(/[\w$-]+/g)) {
    if (symbols.includes(word) || !/^[A-Za-z][A-Za-z-]*$/.test(word)) continue;
    const term = word.toLowerCase();
    if (term.length < MIN_TERM_LENGTH || STOPWORDS.has(term)) continue;
    if (symbols.some((symbol) => symbol.toLowerCase() === term)) continue;
    add(terms, term, MAX_TERMS);
  }
  return { symbols, terms };
}

/**
 * camelCase, PascalCase with a second capital, snake_case, names with digits or `$`: the
 * shapes code has and prose has not (a capitalised first word of a sentence is not one).
 */
function looksLikeIdentifier(word: string): boolean {
  if (/[_$]/.test(word) && /[A-Za-z]/.test(word) && word.length > 1) return true;
  if (/^[a-z]+[A-Z]/.test(word)) return true;
  if (/^[A-Z][a-z0-9]+[A-Z]/.test(word)) return true;
  return /^[A-Za-z]+\d+\w*$/.test(word) && /[a-z]/.test(word);
}
