import { fails, HOLDS, quoted, type ExitClaim, type Verdict } from './verdict';

/** Checks `exit` claims: the command exited 0; killed or timed out (no code) is a failure. */
export function checkExits(claims: readonly ExitClaim[]): Verdict[] {
  return claims.map((claim) => {
    const command = claim.command === undefined ? 'the command' : quoted(claim.command);
    if (claim.exitCode === 0) return HOLDS;
    if (claim.exitCode === null) {
      return fails(`${command} did not exit by itself (it was killed or timed out)`);
    }
    return fails(`${command} exited with ${claim.exitCode}, not 0`);
  });
}
