import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return null;
  };

  it('reads CORDON_TRUST_PROXY as addresses and CIDR ranges, none by default', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ CORDON_TRUST_PROXY: ' 10.0.0.0/8, 192.0.2.1 ,::1,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.1', '::1', 'fd00::/8']);
  });

  it('refuses a proxy that is not an address or a range, naming the variable and the entry', () => {
    for (const entry of ['proxy.example', '10.0.0.0/33', '10.0.0.0/8/1', '::1/129', '10.0.0.0/', '*']) {
      expect(refusal({ CORDON_TRUST_PROXY: `192.0.2.1,${entry}` })).toBe(`CORDON_TRUST_PROXY must be a comma-separated list of IP addresses or CIDR ranges, got "${entry}"`);
    }
  });
});
