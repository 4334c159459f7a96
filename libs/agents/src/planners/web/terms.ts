/**
 * Words as the web specialist weighs them: lower case, at least three characters, not
 * one of the words every English sentence has. What goal terms, refinements and quotes
 * are made of.
 */
const STOPWORDS = new Set(
  (
    'the and for are but not you all any can had her was one our out has him his how its may new now ' +
    'see two who did get got let put say she too use what when where which while with would about ' +
    'above after again also because been before being below between both does doing down during each ' +
    'few from further have having here into just more most much must only other over own same should ' +
    'some such than that their them then there these they this those through under until very were ' +
    'will your yours could might shall upon via per why whom whose within without yet able like ' +
    'make makes made many way ways used using uses one two three first well even still work works'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}+#-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu;

/** The terms of a text, in order, repeats kept. */
export function termsOf(text: string): string[] {
  const words = text.toLowerCase().match(WORD) ?? [];
  return words.filter((word) => word.length >= 3 && !STOPWORDS.has(word) && !/^\d+$/.test(word));
}

/** The distinct terms of the goal, in the order it says them. */
export function goalTermsOf(goal: string): string[] {
  return [...new Set(termsOf(goal))];
}
