/**
 * A plan's strings are read for references (`${{ <phase>.<task> }}`), and text the master
 * puts in a plan — the goal, a cited line, a quoted page — may well hold one (a CI file,
 * documentation about one). Such text has its openings broken before it goes in a plan.
 */
export const OPENING = '${{';

/** The text with every reference opening broken (`$ {{`), so that it is only text. */
export const defused = (text: string): string => text.replaceAll(OPENING, '$ {{');
