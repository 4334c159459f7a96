import { describe, expect, it } from 'vitest';
import { llmConfigFromEnv } from './llm-config';

describe('the model settings', () => {
  it('are none without FANOUT_LLM_BASE_URL: the specialists plan by templates', () => {
    expect(llmConfigFromEnv({ FANOUT_LLM_MODEL: 'm' })).toBeUndefined();
  });

  it('fill in defaults around the endpoint', () => {
    expect(llmConfigFromEnv({ FANOUT_LLM_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'gpt-4o-mini',
      apiKey: 'unused',
      maxRounds: 8,
      timeoutMs: 120_000,
      retries: 2,
      resultChars: 8_000,
    });
  });

  it('name the setting that is wrong', () => {
    expect(() =>
      llmConfigFromEnv({ FANOUT_LLM_BASE_URL: 'http://x/v1', FANOUT_LLM_MAX_ROUNDS: 'many' }),
    ).toThrow(/FANOUT_LLM_MAX_ROUNDS/);
    expect(() => llmConfigFromEnv({ FANOUT_LLM_BASE_URL: 'ftp://x' })).toThrow(
      /FANOUT_LLM_BASE_URL/,
    );
  });
});
