import type { Evidence, Finding, SpecialistAnswer } from '@fanout/contracts';
import { byText, distinctNotDone, quotedLine } from '../shared/outcomes';
import { languageCounts, sortedHits, type Hit, type Knowledge } from './knowledge';
import { languageOf } from './languages';
import { centrality, hitScores, importEdges } from './ranking';
import type { Role } from './search-patterns';

const SPECIALIST = 'codebase';
/** Lines one finding cites at most. */
const MAX_EVIDENCE = 12;
/** Entries of each list of the knowledge graph at most. */
const MAX_GRAPH_ENTRIES = 500;

/** The answer: findings from what the rounds found, each citing the lines the tools returned. */
export function answerOf(knowledge: Knowledge): SpecialistAnswer {
  const findings = [
    ...languageFindings(knowledge),
    ...knowledge.words.symbols.flatMap((symbol) => symbolFindings(knowledge, symbol)),
    ...knowledge.words.terms.flatMap((term) => termFindings(knowledge, term)),
    ...centralFindings(knowledge),
  ];
  const summary =
    knowledge.files.length === 0
      ? `No source files under ${knowledge.root}.`
      : `Searched ${knowledge.files.length} source files for ${wordsOf(knowledge)}; ` +
        `${knowledge.relevant.size} file(s) mention them, ${knowledge.reads.size} read.`;
  return {
    specialist: SPECIALIST,
    planner: 'templates',
    summary,
    findings,
    notDone: distinctNotDone(knowledge.notDone),
    graph: graphOf(knowledge),
  };
}

function wordsOf(knowledge: Knowledge): string {
  const words = [...knowledge.words.symbols, ...knowledge.words.terms];
  return words.length > 0
    ? words.map((word) => `"${word}"`).join(', ')
    : 'nothing (the goal names no word to search for)';
}

function languageFindings(knowledge: Knowledge): Finding[] {
  const [main, ...others] = languageCounts(knowledge);
  if (!main) return [];
  const also = others.map(({ language, files }) => `${language} (${files})`).join(', ');
  const claim = `The project is mostly ${main.language} (${main.files} of ${knowledge.files.length} source files)${also ? `; also ${also}` : ''}.`;
  return [{ specialist: SPECIALIST, claim, evidence: [] }];
}

function symbolFindings(knowledge: Knowledge, symbol: string): Finding[] {
  const definitions = hitsAs(knowledge, symbol, 'definition');
  const calls = hitsAs(knowledge, symbol, 'call').filter((hit) => !definitions.includes(hit));
  const findings: Finding[] = [];
  if (definitions.length > 0) {
    findings.push({
      specialist: SPECIALIST,
      claim: `\`${symbol}\` is defined in ${places(definitions)}.`,
      evidence: evidenceOf(definitions),
    });
  } else {
    findings.push({
      specialist: SPECIALIST,
      claim: `No definition of \`${symbol}\` was found in the ${knowledge.files.length} source files searched.`,
      evidence: [],
    });
  }
  if (calls.length > 0) {
    const files = new Set(calls.map((hit) => hit.path));
    findings.push({
      specialist: SPECIALIST,
      claim: `\`${symbol}\` is called from ${files.size} file(s): ${[...files].join(', ')} (${calls.length} call line(s)).`,
      evidence: evidenceOf(calls),
    });
  }
  return findings;
}

function termFindings(knowledge: Knowledge, term: string): Finding[] {
  const hits = hitsAs(knowledge, term, 'term');
  if (hits.length === 0) return [];
  const perFile = new Map<string, number>();
  for (const hit of hits) perFile.set(hit.path, (perFile.get(hit.path) ?? 0) + 1);
  const [[top, most] = ['', 0]] = [...perFile].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
  return [
    {
      specialist: SPECIALIST,
      claim: `"${term}" occurs on ${hits.length} line(s) in ${perFile.size} file(s), most in ${top} (${most}).`,
      // The busiest file's lines first, then the others'.
      evidence: evidenceOf(
        hits.filter((hit) => hit.path === top).concat(hits.filter((hit) => hit.path !== top)),
      ),
    },
  ];
}

function centralFindings(knowledge: Knowledge): Finding[] {
  const ranking = knowledge.graph?.ranking ?? [];
  if (ranking.length === 0) return [];
  const top = ranking.slice(0, 5).map(({ path }) => path);
  return [
    {
      specialist: SPECIALIST,
      claim: `The most central files of the import graph (most depended on) are ${top.join(', ')}.`,
      evidence: [],
    },
  ];
}

/** The lines where `word` plays `role`, in file then line order. */
function hitsAs(knowledge: Knowledge, word: string, role: Role): Hit[] {
  return sortedHits(knowledge).filter((hit) =>
    hit.roles.some((r) => r.word === word && r.role === role),
  );
}

function places(hits: Hit[]): string {
  return hits.map((hit) => `${hit.path}:${hit.line}`).join(', ');
}

function evidenceOf(hits: Hit[]): Evidence[] {
  return hits
    .slice(0, MAX_EVIDENCE)
    .map((hit) => ({ path: hit.path, line: hit.line, text: quotedLine(hit.text) }));
}

/** The knowledge graph the answer carries: files, symbols, imports and where the goal's words occur. */
function graphOf(knowledge: Knowledge) {
  const hits = hitScores(knowledge);
  const central = centrality(knowledge);
  const files = [...new Set([...knowledge.relevant, ...knowledge.reads.keys()])]
    .sort(byText)
    .map((path) => ({
      path,
      language: languageOf(path) ?? null,
      hitScore: hits.get(path) ?? 0,
      centrality: central.get(path) ?? 0,
      read: knowledge.reads.has(path),
    }));
  const shown = new Set(files.map((file) => file.path));
  const symbols: { name: string; path: string; line: number | null }[] = [];
  for (const node of knowledge.graph?.nodes ?? []) {
    if (node.kind !== 'symbol' || node.path === undefined || !shown.has(node.path)) continue;
    symbols.push({ name: node.name ?? node.id, path: node.path, line: node.line ?? null });
  }
  for (const hit of sortedHits(knowledge)) {
    for (const { word, role } of hit.roles) {
      if (role !== 'definition') continue;
      if (symbols.some((s) => s.name === word && s.path === hit.path && s.line === hit.line))
        continue;
      symbols.push({ name: word, path: hit.path, line: hit.line });
    }
  }
  const imports = importEdges(knowledge).filter(
    (edge) => shown.has(edge.from) || shown.has(edge.to),
  );
  const occurrences = sortedHits(knowledge).flatMap((hit) =>
    hit.roles.map(({ word, role }) => ({ word, role, path: hit.path, line: hit.line })),
  );
  return {
    languages: languageCounts(knowledge),
    files: files.slice(0, MAX_GRAPH_ENTRIES),
    symbols: symbols.slice(0, MAX_GRAPH_ENTRIES),
    imports: imports.slice(0, MAX_GRAPH_ENTRIES),
    occurrences: occurrences.slice(0, MAX_GRAPH_ENTRIES),
  };
}
