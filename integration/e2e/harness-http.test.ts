// The e2e harness's HTTP probe must settle on every outcome: a probe that hangs
// turns a restart caught mid-response into a test stuck until its timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './harness';

describe('httpGet (e2e harness)', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('version=v1\n', () => res.destroy()); // the app dies while it answers
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('rejects, rather than hanging, when the connection closes mid-body', { timeout: 5000 }, async () => {
    await expect(httpGet(port, 1000)).rejects.toThrow();
  });
});
