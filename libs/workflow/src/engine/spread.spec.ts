import type { WorkflowDocument } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { evolve } from './evolve';
import { DEFAULT_ENGINE_OPTIONS } from './policies';
import { initialState } from './state';
import { dispatched, only, Scenario } from './testing/given-when-then';

/** A search that yields URLs, then one web.fetch per URL: the usual research batch. */
const research = (maxConcurrency: number): WorkflowDocument => ({
  budget: { maxConcurrency },
  phases: [
    { id: 'find', tasks: [{ id: 'urls', tool: 'noop' }] },
    {
      id: 'read',
      dependsOn: ['find'],
      barrier: { policy: 'degrade' },
      tasks: [
        {
          id: 'page',
          tool: 'web.fetch',
          forEach: '${{ find.urls.echo }}',
          input: { url: '${{ item }}' },
        },
      ],
    },
  ],
});

/** The task ids of the pages at these places in the list. */
const pages = (...places: number[]) => places.map((place) => `read/page/${place}`);

const busyHost = Array.from({ length: 10 }, (_, i) => `https://big.example/${i}`);
const others = ['https://one.example/', 'https://two.example/', 'http://THREE.example:8080/x'];

describe('spreading a batch over hosts', () => {
  it('sends at most web.fetch’s limit to one host and gives the other slots to other hosts', () => {
    const scenario = new Scenario();
    scenario.submit(research(16));
    const events = scenario.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    // The copies become ready one host at a time in turn, so the others come early.
    expect(only(events, 'TasksExpanded')[0]!.order).toEqual([
      0, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(dispatched(events)).toEqual(pages(0, 10, 11, 12, 1, 2, 3));
  });

  it('reaches the other hosts at once behind thousands of pages of one', () => {
    const scenario = new Scenario();
    scenario.submit(research(16));
    const crawl = Array.from({ length: 5_000 }, (_, i) => `https://big.example/${i}`);
    const events = scenario.succeed('find/urls', 10, { echo: [...crawl, ...others] });
    expect(dispatched(events)).toEqual(
      expect.arrayContaining(['read/page/5000', 'read/page/5001', 'read/page/5002']),
    );
    expect(dispatched(events)).toHaveLength(7);
  });

  it('takes the limit the deployment sets for a tool over its contract’s', () => {
    const scenario = new Scenario({ ...DEFAULT_ENGINE_OPTIONS, spreadLimits: { 'web.fetch': 2 } });
    scenario.submit(research(16));
    const events = scenario.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    expect(dispatched(events)).toEqual(pages(0, 10, 11, 12, 1));
  });

  it('sends the next of a busy host as soon as one of its tasks ends, in order', () => {
    const scenario = new Scenario();
    scenario.submit(research(16));
    scenario.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    expect(dispatched(scenario.succeed('read/page/11', 20))).toEqual([]);
    expect(dispatched(scenario.succeed('read/page/2', 30))).toEqual(pages(4));
    expect(dispatched(scenario.fail('read/page/0', 40, false))).toEqual(pages(5));
  });

  it('counts a retry waiting for its turn against its host only once it is sent again', () => {
    const scenario = new Scenario();
    scenario.submit({
      ...research(16),
      defaults: {
        retry: { attempts: 2, initialDelayMs: 100, jitter: 0 },
      },
    });
    scenario.succeed('find/urls', 10, { echo: busyHost.slice(0, 6) });
    // The failed attempt frees its slot for the next page; its retry then waits its turn.
    expect(dispatched(scenario.fail('read/page/0', 20, true))).toEqual(pages(4));
    expect(dispatched(scenario.tick(200))).toEqual([]);
    expect(dispatched(scenario.succeed('read/page/1', 210))).toEqual(pages(0));
  });

  it('still keeps to maxConcurrency, and tasks of tools without a spread are not held', () => {
    const scenario = new Scenario();
    scenario.submit(research(5));
    const events = scenario.succeed('find/urls', 10, { echo: [...others, ...busyHost] });
    expect(dispatched(events)).toEqual(pages(0, 1, 2, 3, 4));
  });

  it('fails a page whose URL is not one without holding up the others', () => {
    const scenario = new Scenario();
    scenario.submit(research(16));
    const events = scenario.succeed('find/urls', 10, { echo: ['not a url', ...others] });
    expect(only(events, 'TaskFailed').map((event) => event.taskId)).toEqual(pages(0));
    expect(dispatched(events)).toEqual(pages(1, 2, 3));
  });

  it('decides the same after a replay of the log', () => {
    const live = new Scenario();
    live.submit(research(16));
    live.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    live.succeed('read/page/1', 20);
    const replayed = new Scenario();
    replayed.submit(research(16));
    replayed.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    replayed.succeed('read/page/1', 20);
    expect(dispatched(replayed.log)).toEqual(dispatched(live.log));
    expect(dispatched(live.succeed('read/page/3', 30))).toEqual(pages(5));
  });

  it('sends equal searches of a workflow one at a time, so the repeats can reuse the first', () => {
    const scenario = new Scenario();
    const search = (id: string, query: string, more: Record<string, unknown> = {}) => ({
      id,
      tool: 'web.search',
      input: { query, ...more },
    });
    const events = scenario.submit({
      phases: [
        {
          id: 'ask',
          tasks: [
            search('first', 'Rust async'),
            search('again', '  rust   ASYNC', { count: 10, category: 'code-examples' }),
            search('other', 'rust sync'),
            search('fewer', 'rust async', { count: 3 }),
          ],
        },
      ],
    });
    expect(dispatched(events)).toEqual(['ask/first', 'ask/other', 'ask/fewer']);
    expect(dispatched(scenario.succeed('ask/other', 10))).toEqual([]);
    expect(dispatched(scenario.succeed('ask/first', 20))).toEqual(['ask/again']);
  });

  it('replays a batch in list order when the recorded order does not name each copy once', () => {
    const live = new Scenario();
    live.submit(research(16));
    live.succeed('find/urls', 10, { echo: [...busyHost, ...others] });
    const expanded = live.log.findIndex((event) => event.type === 'TasksExpanded');
    const upToExpansion = (order: number[]) =>
      live.log
        .slice(0, expanded + 1)
        .map((event) => (event.type === 'TasksExpanded' ? { ...event, order } : event));
    const readyOrder = (order: number[]) =>
      upToExpansion(order)
        .reduce(evolve, initialState('wf'))
        .readyQueues.flat()
        .filter((id) => id.startsWith('read/page/'));
    const listOrder = Array.from({ length: 13 }, (_, i) => `read/page/${i}`);
    expect(readyOrder([12, ...busyHost.keys(), 10, 11])).toEqual([
      'read/page/12',
      ...listOrder.slice(0, 12),
    ]);
    for (const bad of [
      [0, 1],
      [...busyHost.keys(), 10, 11, 11],
      [...busyHost.keys(), 10, 11, 99],
    ]) {
      expect(readyOrder(bad)).toEqual(listOrder);
    }
  });
});
