import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@nestjs/common';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootService } from '../boot-service';
import { Gateway } from './gateway.module';

/** One line a service logged, at its level and with the class that logged it. */
interface Line {
  level: string;
  message: string;
  context: unknown;
}

/** A logger that keeps what it is given, as a service's own logger would receive it. */
function keptLogger(lines: Line[]): LoggerService {
  const keep =
    (level: string) =>
    (message: unknown, ...params: unknown[]) =>
      void lines.push({ level, message: String(message), context: params.at(-1) });
  return { log: keep('log'), warn: keep('warn'), error: keep('error') };
}

describe('the gateway', () => {
  let nats: NatsServer;
  let taken: Server;
  beforeAll(async () => {
    nats = await startNats();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await nats?.stop();
    await new Promise((resolve) => taken?.close(resolve));
  });

  it("says through the service's logger that its port is taken and where it serves instead", async () => {
    const port = (taken.address() as AddressInfo).port;
    const lines: Line[] = [];
    const stderr = vi.spyOn(console, 'error');
    const app = await bootService('gateway', {
      env: {
        NATS_URL: nats.url,
        FANOUT_SUBJECT_PREFIX: `glog${process.pid}`,
        FANOUT_UI_PORT: `${port}`,
      },
      logger: keptLogger(lines),
    });
    try {
      const url = app.get(Gateway).url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toBe(`http://127.0.0.1:${port}`);
      expect(lines).toContainEqual({
        level: 'warn',
        message: `port ${port} is taken; the dashboard takes a free one`,
        context: 'Gateway',
      });
      expect(lines).toContainEqual({
        level: 'log',
        message: `dashboard on ${url}`,
        context: 'Gateway',
      });
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      await app.close();
    }
  });
});
