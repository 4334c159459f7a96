import type {
  ToolContext,
  ToolImplementation,
  ToolOutputOf,
  ToolParamsOf,
} from '@fanout/contracts';
import { checkExits } from './validate/check-exits';
import { checkLines } from './validate/check-lines';
import { checkUrls } from './validate/check-urls';
import type { Claim, Verdict } from './validate/verdict';

/** The claims of one kind, and where each sits in the input. */
function ofKind<K extends Claim['kind']>(claims: readonly Claim[], kind: K) {
  const places: number[] = [];
  const picked: Array<Extract<Claim, { kind: K }>> = [];
  claims.forEach((claim, place) => {
    if (claim.kind !== kind) return;
    places.push(place);
    picked.push(claim as Extract<Claim, { kind: K }>);
  });
  return { places, picked };
}

/**
 * `agent.validate`: checks each claim against its evidence — a `line` claim against the
 * file under `root`, a `url` claim against the pages `fetched`, an `exit` claim against
 * its exit code — and answers, claim by claim in input order, whether it holds and why
 * not. A claim that cannot be checked (a path outside the root, a missing file) is a
 * failed claim with its reason, never a failed call; only cancellation ends the call.
 */
export async function validate(
  input: ToolParamsOf<'agent.validate'>,
  ctx: ToolContext,
): Promise<ToolOutputOf<'agent.validate'>> {
  const verdicts: Verdict[] = new Array(input.claims.length);
  const place = (places: number[], found: Verdict[]) =>
    places.forEach((at, i) => (verdicts[at] = found[i]));

  const lines = ofKind(input.claims, 'line');
  place(lines.places, await checkLines(input.root, lines.picked, ctx));
  const urls = ofKind(input.claims, 'url');
  place(urls.places, checkUrls(input.fetched, urls.picked));
  const exits = ofKind(input.claims, 'exit');
  place(exits.places, checkExits(exits.picked));

  const results = input.claims.map((claim, i) => ({ claim, ...verdicts[i] }));
  const passed = results.filter((result) => result.ok).length;
  return { results, passed, failed: results.length - passed };
}

/** The `agent.validate` tool. */
export const agentValidate: ToolImplementation<'agent.validate'> = validate;
