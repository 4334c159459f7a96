import { describe, expect, it } from 'vitest';
import { Sessions } from './http-sessions';

/** A transport that records being closed. */
const transport = () => {
  const made = { closed: false, close: async () => void (made.closed = true) };
  return made;
};

describe('Sessions', () => {
  it('closes a session once it has had no request for the idle time', async () => {
    let now = 0;
    const sessions = new Sessions(1_000, () => now);
    const a = transport();
    sessions.add('a', a);
    now = 999;
    expect(await sessions.sweep()).toBe(0);
    now = 1_000;
    expect(await sessions.sweep()).toBe(1);
    expect(a.closed).toBe(true);
    expect(sessions.get('a')).toBeUndefined();
  });

  it('keeps a session with a request open however long, and counts idle from its end', async () => {
    let now = 0;
    const sessions = new Sessions(1_000, () => now);
    const a = transport();
    sessions.add('a', a);
    const end = sessions.begin('a');
    now = 10_000;
    expect(await sessions.sweep()).toBe(0);
    end();
    end(); // a request ends once, however often its close is heard
    now = 10_999;
    expect(await sessions.sweep()).toBe(0);
    now = 11_000;
    expect(await sessions.sweep()).toBe(1);
    expect(a.closed).toBe(true);
  });

  it('closes them all when the server stops', async () => {
    const sessions = new Sessions(1_000);
    const [a, b] = [transport(), transport()];
    sessions.add('a', a);
    sessions.add('b', b);
    await sessions.closeAll();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(sessions.get('b')).toBeUndefined();
  });
});
