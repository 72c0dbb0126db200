import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const trustProxy = (value?: string) => loadConfig({ ...(value === undefined ? {} : { TRUST_PROXY: value }) }).TRUST_PROXY;

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default: the socket’s peer is the client', () => {
    expect(trustProxy()).toBe(false);
    expect(trustProxy('false')).toBe(false);
  });

  it('takes a hop count or a list of addresses and CIDR ranges', () => {
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
  });

  it('refuses anything else at start, naming the variable', () => {
    expect(() => trustProxy('true')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxy('proxy.example')).toThrow(/TRUST_PROXY/);
  });
});
