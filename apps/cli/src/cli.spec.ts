import { describe, expect, it } from 'vitest';
import { helpText, overview } from './cli';

const COMMANDS = [
  'run',
  'ask',
  'call',
  'mcp',
  'dev',
  'validate',
  'up',
  'submit',
  'watch',
  'status',
  'cancel',
  'resources',
  'dlq',
  'auth',
];

describe('fanout help', () => {
  it('lists every command on one line each', () => {
    const lines = overview().split('\n');
    for (const name of COMMANDS) {
      expect(lines.filter((line) => line.startsWith(`  ${name} `))).toHaveLength(1);
    }
  });

  it.each(COMMANDS)('fanout help %s: its usage, then each flag with -h last', async (name) => {
    const text = await helpText(name);
    expect(text).toMatch(new RegExp(`^Usage: fanout ${name}\\b.*\\[options\\]\\n`));
    expect(text).toMatch(/\n {2}-h, --help {14}this help\n$/);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(92);
  });

  it('shows what a flag takes and its default', async () => {
    const run = await helpText('run');
    expect(run).toMatch(/\n {2}--out <file> +also write that document to a file\n/);
    expect(run).toMatch(/\n {2}--strict +a degraded workflow counts as failed/);
    expect(run).toMatch(/\n {2}--nats <url> +NATS server/);
    expect(await helpText('mcp')).toMatch(/--max-result-chars <n> +cut .*\(default 100000\)/);
    expect(await helpText('validate')).not.toMatch(/--nats|--json/);
  });

  it('lists the actions of a command that has them', async () => {
    expect(await helpText('dlq')).toMatch(/Actions:\n {2}list +show them\n {2}retry <seq>…/);
  });

  it('an unknown command is a usage error', async () => {
    await expect(helpText('nope')).rejects.toThrow('unknown command "nope"; see fanout --help');
  });
});
