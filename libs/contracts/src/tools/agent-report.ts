import { z } from 'zod';
import { named } from '../registry';

/**
 * What `fanout ask` reports, as the specialists and the master answer it: findings, each
 * with the evidence it stands on, and what was not done and why. Shared by the planners
 * that write it and the clients that render it.
 */

/** A cited line of a file (path relative to the tree asked about) or a quoted web page. */
export const Evidence = named(
  'Evidence',
  'What a finding stands on: a line of a file (path relative to the root, 1-based line, its text) or a URL with the passage quoted from it.',
  z.union([
    z.strictObject({
      path: z.string().min(1),
      line: z.number().int().positive(),
      text: z.string(),
    }),
    z.strictObject({ url: z.string().min(1), quote: z.string() }),
  ]),
);

/** One thing a specialist found out, with its evidence. */
export const Finding = named(
  'Finding',
  'One thing a specialist found, in a sentence, with the evidence for it.',
  z.object({
    specialist: z.string().min(1),
    claim: z.string().min(1),
    evidence: z.array(Evidence),
  }),
);

/** Work a specialist meant to do and did not: budget, no provider, a refused command… */
export const NotDone = named(
  'NotDone',
  'Something a specialist did not do, and why (budget spent, no search provider, a refused command, a model that failed).',
  z.object({ what: z.string().min(1), why: z.string().min(1) }),
);

/** The answer of one domain specialist (`codebase`, `web`, `ops`, `test`). */
export const SpecialistAnswer = named(
  'SpecialistAnswer',
  "A domain specialist's answer: a summary, its findings with evidence, what it did not do, and which planner made its plans.",
  z.object({
    specialist: z.string().min(1),
    planner: z.enum(['templates', 'model']),
    summary: z.string(),
    findings: z.array(Finding),
    notDone: z.array(NotDone).default([]),
    pages: z
      .array(z.object({ url: z.string(), text: z.string() }))
      .optional()
      .describe(
        'Pages fetched (their text, bounded): what the master checks URL evidence against.',
      ),
    graph: z
      .unknown()
      .optional()
      .describe("The codebase specialist's knowledge graph: files, symbols, imports, term hits."),
  }),
);

/** The master's answer: the report of `fanout ask`. */
export const AskAnswer = named(
  'AskAnswer',
  "The master's answer to a goal: the answer in a few lines, each specialist's answer, and how its evidence checked out.",
  z.object({
    goal: z.string(),
    answer: z.string().describe('The answer section of the report, in Markdown.'),
    specialists: z.array(SpecialistAnswer),
    validation: z.object({
      passed: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      failures: z
        .array(z.object({ specialist: z.string(), claim: z.string(), reason: z.string() }))
        .default([]),
    }),
    notDone: z.array(NotDone).default([]),
  }),
);

export type Evidence = z.infer<typeof Evidence>;
export type Finding = z.infer<typeof Finding>;
export type NotDone = z.infer<typeof NotDone>;
export type SpecialistAnswer = z.infer<typeof SpecialistAnswer>;
export type AskAnswer = z.infer<typeof AskAnswer>;
