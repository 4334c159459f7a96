import { describe, expect, it } from 'vitest';
import { gatewayOptionsFromEnv } from './gateway.options';

describe('the gateway’s settings', () => {
  it('serves on loopback port 8480 without a token by default', () => {
    expect(gatewayOptionsFromEnv({})).toEqual({ port: 8480, host: '127.0.0.1' });
  });

  it('takes a port, a host with a token, and a Jaeger URL', () => {
    const env = {
      FANOUT_UI_PORT: '0',
      FANOUT_UI_HOST: '0.0.0.0',
      FANOUT_UI_TOKEN: 's3cret',
      FANOUT_JAEGER_URL: 'http://jaeger:16686/',
    };
    expect(gatewayOptionsFromEnv(env)).toEqual({
      port: 0,
      host: '0.0.0.0',
      token: 's3cret',
      jaegerUrl: 'http://jaeger:16686',
    });
  });

  it('refuses to listen beyond loopback without a token, and names a bad value', () => {
    expect(() => gatewayOptionsFromEnv({ FANOUT_UI_HOST: '0.0.0.0' })).toThrow(
      /FANOUT_UI_HOST "0.0.0.0" reaches beyond this machine: set FANOUT_UI_TOKEN/,
    );
    expect(() => gatewayOptionsFromEnv({ FANOUT_UI_PORT: 'web' })).toThrow(
      /FANOUT_UI_PORT "web" is not a port/,
    );
    expect(() =>
      gatewayOptionsFromEnv({ FANOUT_UI_HOST: 'example.com', FANOUT_UI_TOKEN: 't' }),
    ).toThrow(/FANOUT_UI_HOST "example.com" is not an IP address/);
  });
});
