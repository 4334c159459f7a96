import { z } from 'zod';

/** What the validator may say of a command: run it, refuse it, or ask a person first. */
export const Verdict = z.enum(['allow', 'deny', 'needs-approval']);
export type Verdict = z.infer<typeof Verdict>;

/** A regular expression written in the policy, checked to compile when the policy loads. */
const Pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

/** A program (by base-name glob) with argument patterns: each must match some argument. */
const ProgramMatch = z.strictObject({
  programs: z.array(z.string().min(1)).min(1),
  args: z.array(Pattern).default([]),
  /** Matched against the arguments joined by single spaces, for order-dependent cases. */
  argsText: Pattern.optional(),
});

const Rule = ProgramMatch.extend({
  id: z.string().min(1),
  verdict: Verdict,
  reason: z.string().min(1),
});

const Wrapper = z.strictObject({
  valueOptions: z.array(z.string()).default([]),
  scriptOptions: z.array(z.string()).default([]),
  positionals: z.number().int().nonnegative().default(0),
  skipAssignments: z.boolean().default(false),
});

const Writer = z.union([
  z.enum(['all', 'last', 'allButFirst']),
  z.strictObject({ prefix: z.string().min(1) }),
]);

/**
 * The policy file's shape. Strict objects: a misspelt key is an error naming it rather
 * than a rule silently not applied — a policy that quietly checks less is the worst kind.
 */
export const PolicySchema = z.strictObject({
  version: z.literal(1),
  defaultVerdict: Verdict.default('allow'),
  programs: z
    .strictObject({
      deny: z.record(z.string(), z.string()).default({}),
      needsApproval: z.record(z.string(), z.string()).default({}),
      allow: z.array(z.string()).default([]),
    })
    .prefault({}),
  rules: z.array(Rule).default([]),
  wrappers: z.record(z.string(), Wrapper).default({}),
  writes: z
    .strictObject({
      deny: z.array(z.string()).default([]),
      allow: z.array(z.string()).default([]),
      otherwise: Verdict.default('needs-approval'),
      computed: Verdict.default('needs-approval'),
    })
    .prefault({}),
  writers: z.record(z.string(), Writer).default({}),
  secrets: z
    .strictObject({ verdict: Verdict.default('deny'), paths: z.array(z.string()).default([]) })
    .prefault({}),
  network: z
    .strictObject({
      whenOff: Verdict.default('deny'),
      programs: z.array(z.string()).default([]),
      rules: z.array(ProgramMatch).default([]),
    })
    .prefault({}),
  structure: z
    .strictObject({
      forkBomb: Verdict.default('deny'),
      downloadToShell: Verdict.default('deny'),
      computedEval: Verdict.default('deny'),
      computedProgram: Verdict.default('needs-approval'),
      pipeToShell: Verdict.default('needs-approval'),
      downloaders: z.array(z.string()).default([]),
      shells: z.array(z.string()).default([]),
      interpreters: z.array(z.string()).default([]),
    })
    .prefault({}),
  env: z.strictObject({ deny: z.array(Pattern).default([]) }).prefault({}),
});

/** A loaded, checked policy. */
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyRule = z.infer<typeof Rule>;
export type ProgramMatchSpec = z.infer<typeof ProgramMatch>;
export type WrapperSpec = z.infer<typeof Wrapper>;
export type WriterSpec = z.infer<typeof Writer>;
