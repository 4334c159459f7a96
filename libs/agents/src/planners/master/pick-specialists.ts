/** The domain specialists the master knows how to call, in the order it lists them. */
export const DOMAIN_SPECIALISTS = ['codebase', 'web', 'ops', 'test'] as const;

/**
 * Words in a goal that call for a specialist besides the codebase one. Matched as whole
 * words, case aside: "latest docs" wants the web, "disk usage" the machine, "lint" the
 * test runner.
 */
const WANTS: ReadonlyArray<[specialist: string, words: RegExp]> = [
  [
    'web',
    /\b(web|websites?|urls?|https?:\/\/\S+|docs|documentation|latest|online|internet|search)\b/i,
  ],
  [
    'ops',
    /\b(system|os|disks?|memory|ram|cpu|processes|process|uptime|git|commits?|branch(es)?)\b/i,
  ],
  ['test', /\b(tests?|testing|specs?|builds?|lint|linter|typecheck|ci|coverage|failing)\b/i],
];

/**
 * The specialists a goal needs: those `override` names when given; otherwise the codebase
 * specialist whenever there is a tree to read (`root`), and each other one whose words the
 * goal uses. A goal that matches nothing and has no tree goes to the web, the only
 * specialist that needs neither.
 */
export function pickSpecialists(
  goal: string,
  root: string | undefined,
  override?: readonly string[],
): string[] {
  if (override) return [...new Set(override)];
  const picked: string[] = root === undefined ? [] : ['codebase'];
  for (const [specialist, words] of WANTS) if (words.test(goal)) picked.push(specialist);
  if (picked.length === 0) picked.push('web');
  return DOMAIN_SPECIALISTS.filter((name) => picked.includes(name));
}
