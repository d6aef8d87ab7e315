// A loopback HTTP(S) server that misbehaves on purpose, and a forward proxy that
// records what goes through it: for download reliability tests of the built
// binary. Each path has a script of faults for successive requests; the last
// one repeats.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type Fault = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** 200 with the whole body and its content-length. */
export const ok =
  (body: Buffer): Fault =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  };

export const status =
  (code: number, headers: Record<string, string> = {}): Fault =>
  (_req, res) => {
    res.writeHead(code, headers).end(`status ${code}\n`);
  };

export const redirect = (location: string, code = 302): Fault => status(code, { location });

/** Declares the full length, sends `keep` bytes, then drops the connection. */
export const cutOff =
  (body: Buffer, keep: number): Fault =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, keep), () => res.destroy());
  };

/** Chunked (no length declared): sends `keep` bytes, then drops the connection without the last chunk. */
export const cutOffChunked =
  (body: Buffer, keep: number): Fault =>
  (_req, res) => {
    res.writeHead(200, { 'transfer-encoding': 'chunked' });
    res.write(body.subarray(0, keep), () => res.destroy());
  };

/** Accepts the request and never answers: no status line, no headers. */
export const silent: Fault = () => {};

/** Sends the headers and `keep` bytes of the body, then nothing more (the connection stays open). */
export const stall =
  (body: Buffer, keep: number): Fault =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, keep));
  };

/** 200 with no length, streaming zeros until the client goes away. */
export const endless: Fault = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(1 << 20);
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
};

export interface FaultServer {
  /** http://127.0.0.1:PORT or https://127.0.0.1:PORT */
  url: string;
  /** Scripts per path: successive requests get successive faults, the last repeats; unknown paths get 404. */
  script: Record<string, Fault[]>;
  /** Requests per path. */
  hits: Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startFaultServer(tls?: { key: string; cert: string }): Promise<FaultServer> {
  const sockets = new Set<net.Socket>();
  const state: Pick<FaultServer, 'script' | 'hits'> = { script: {}, hits: {} };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const key = (req.url ?? '/').split('?')[0]!;
    const n = (state.hits[key] = (state.hits[key] ?? 0) + 1);
    const faults = state.script[key];
    if (!faults || faults.length === 0) {
      res.writeHead(404).end('not found\n');
      return;
    }
    faults[Math.min(n, faults.length) - 1]!(req, res);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get script() {
      return state.script;
    },
    get hits() {
      return state.hits;
    },
    reset() {
      state.script = {};
      state.hits = {};
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ForwardProxy {
  url: string;
  /** What went through: `CONNECT host:port` for tunnels, `GET http://...` for absolute-form requests. */
  requests: string[];
  close(): Promise<void>;
}

/** A plain forward proxy: CONNECT tunnels (what undici uses, also for http:// targets) and absolute-form requests. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected\n');
      return;
    }
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on loopback where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
