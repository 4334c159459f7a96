import { Broadcast } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../errors';
import { decode, encode } from './codec';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the codec at the edge', () => {
  it('encodes a valid value as JSON of what the contract parsed', () => {
    const { value, data } = encode(Broadcast, { kind: 'pause' }, 'x.ctl.broadcast');
    expect(value).toEqual({ kind: 'pause' });
    expect(new TextDecoder().decode(data)).toBe('{"kind":"pause"}');
  });

  it('refuses an invalid value, naming the subject and the path of each problem', () => {
    const encoding = () =>
      encode(Broadcast, { kind: 'limits', pools: { grep: -1 } }, 'x.ctl.broadcast');
    expect(encoding).toThrow(InvalidMessageError);
    expect(encoding).toThrow(/^invalid message on x\.ctl\.broadcast: pools\.grep: /);
  });

  it('decodes a valid payload and names what is wrong with an invalid one', () => {
    expect(decode(Broadcast, bytes('{"kind":"resume"}'), 's')).toEqual({ kind: 'resume' });
    expect(() => decode(Broadcast, bytes('{"kind":"nap"}'), 's')).toThrow(
      /invalid message on s: kind: /,
    );
  });

  it('says when a payload is not JSON at all', () => {
    expect(() => decode(Broadcast, bytes('{nope'), 'subj')).toThrow(
      /invalid message on subj: the payload is not JSON/,
    );
  });
});
