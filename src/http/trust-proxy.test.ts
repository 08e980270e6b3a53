import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestDatabase } from '../../test/engines.js';
import { libraryWorld, type World } from '../../test/factories.js';
import { startServer, type TestServer } from '../../test/http.js';
import { trustProxyFrom } from '../config.js';

/**
 * CARREL_TRUST_PROXY (issue 22, defect 10): a hop count or the proxies' addresses decide which address
 * of X-Forwarded-For is the client's, so a client cannot choose the address the log-in throttle counts
 * by writing the header's leftmost entries; `true` still means every hop, as documented.
 */
describe('CARREL_TRUST_PROXY', () => {
  it('reads false, a hop count, an address list or true, and refuses anything else with a message', () => {
    for (const off of [undefined, '', 'false', '0', 'off', 'no']) expect(trustProxyFrom(off)).toBe(false);
    for (const on of ['true', 'TRUE', 'yes', 'on']) expect(trustProxyFrom(on)).toBe(true);
    expect(trustProxyFrom('1')).toBe(1);
    expect(trustProxyFrom(' 2 ')).toBe(2);
    expect(trustProxyFrom('10.0.0.1, 10.1.0.0/16, ::1, fd00::/8, loopback')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['maybe', '33', '1.5', '-1', '10.0.0.0/33', '10.0.0.300', 'proxy.example', '10.0.0.1,,nope'])
      expect(() => trustProxyFrom(bad), bad).toThrow(/CARREL_TRUST_PROXY is false, a number of proxies/);
  });
});

describe.each(ENGINES)('the client address behind a proxy on %s', (engine) => {
  let database: TestDatabase;
  let w: World;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    ({ database, w } = await libraryWorld(engine));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await database.drop();
  });

  /** Failed staff log-ins, each with its own forged leftmost X-Forwarded-For, as the proxy (127.0.0.1) passed them on. */
  async function forgedFailures(trustProxy: boolean | number | string[], proxySaw: string, after: string[] = []): Promise<string[]> {
    const server = await startServer(w, { loginThrottle: { limit: 3, windowMinutes: 15 }, trustProxy });
    servers.push(server);
    const codes: string[] = [];
    for (const [i, saw] of [...Array<string>(6).fill(proxySaw), ...after].entries()) {
      const answer = await server.call('POST', '/auth/login', {
        body: { username: 'nobody.here', password: `guess ${i}` },
        // The client wrote the first address; the proxy appended the address it saw.
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, ${saw}` },
      });
      codes.push(`${answer.status} ${answer.body.error?.code as string}`);
    }
    return codes;
  }

  it('with a hop count of 1, a forged leftmost X-Forwarded-For does not choose the address the throttle counts', async () => {
    const codes = await forgedFailures(1, '198.51.100.7', ['198.51.100.70']);
    expect(codes.slice(0, 3)).toEqual(Array(3).fill('401 INVALID_CREDENTIALS'));
    expect(codes.slice(3, 6)).toEqual(Array(3).fill('429 TOO_MANY_ATTEMPTS'));
    // The address the proxy saw is the client's: another client behind the same proxy is not shut out.
    expect(codes[6]).toBe('401 INVALID_CREDENTIALS');
  });

  it('with the proxy’s address listed, the same', async () => {
    const codes = await forgedFailures(['127.0.0.1'], '198.51.100.8', ['198.51.100.80']);
    expect(codes.slice(3, 6)).toEqual(Array(3).fill('429 TOO_MANY_ATTEMPTS'));
    expect(codes[6]).toBe('401 INVALID_CREDENTIALS');
  });

  it('`true` trusts every hop: each forged address is counted on its own (why the README says to avoid it)', async () => {
    const codes = await forgedFailures(true, '198.51.100.9');
    expect(codes).toEqual(Array(6).fill('401 INVALID_CREDENTIALS'));
  });
});
