import { describe, expect, it } from 'vitest';
import { decodeTurn, encodeTurn, type ModelTurn } from './model-turn';

describe('a recorded model reply', () => {
  const turn: ModelTurn = {
    content: 'Costs ${{ 5 }} and $HOME',
    calls: [
      { id: 'a', name: 'bash_exec', arguments: '{"command":"echo ${{ x }}"}', refused: 'no' },
    ],
    tokens: 7,
  };

  it('holds no "$" the engine could read as a reference, and reads back as it was', () => {
    const recorded = encodeTurn(turn);
    expect(recorded).not.toContain('$');
    expect(decodeTurn(recorded)).toEqual(turn);
  });

  it('is not read from anything else', () => {
    expect(decodeTurn('{"content":1}')).toBeUndefined();
    expect(decodeTurn('not json')).toBeUndefined();
    expect(decodeTurn({ content: null })).toBeUndefined();
  });
});
