// Fetches a dependency archive to a file, hashing while it streams, and
// verifies the sha256 before anyone may use the file. http(s) goes through
// undici (proxies from HTTP(S)_PROXY/NO_PROXY, redirects, timeouts, retries);
// file:// is read directly.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { BuildpackError, describe } from '../errors';
import { formatDuration } from '../settings/parse';

export interface DownloadOptions {
  attempts: number;
  /** First retry waits this long; each later one waits twice as long. */
  backoffMs: number;
  connectTimeoutMs: number;
  /** Time allowed until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed while the body streams. */
  bodyTimeoutMs: number;
  maxRedirects: number;
  /** Largest body accepted (default MAX_DOWNLOAD_BYTES): an endless or huge body must not fill the disk. */
  maxBytes?: number;
  /** The setting that sets the timeouts, named in timeout messages. */
  timeoutSetting?: string;
  /** Called before each retry, for the build log. */
  onRetry?: (attempt: number, reason: string, waitMs: number) => void;
}

export const DEFAULT_DOWNLOAD_OPTIONS: DownloadOptions = {
  attempts: 4,
  backoffMs: 500,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  maxRedirects: 5,
};

/** As much as the extractor accepts decompressed: a larger archive cannot be a valid one. */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

/** A failure worth another try (network trouble, 5xx), or not (4xx, checksum). */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface DownloadResult {
  bytes: number;
}

export async function downloadVerified(
  uri: string,
  destination: string,
  expectedSha256: string,
  options: DownloadOptions = DEFAULT_DOWNLOAD_OPTIONS,
): Promise<DownloadResult> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new BuildpackError('download', `cannot download ${JSON.stringify(uri)}: it is not a URI`);
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new BuildpackError('download', `cannot download ${uri}: only https://, http:// and file:// URIs are supported`);
  }

  // undici is loaded on demand: a warm build, which downloads nothing, never needs it.
  const { EnvHttpProxyAgent, interceptors, request } = await import('undici');
  const dispatcher =
    url.protocol === 'file:'
      ? undefined
      : new EnvHttpProxyAgent({ connect: { timeout: options.connectTimeoutMs } }).compose(
          interceptors.redirect({ maxRedirections: options.maxRedirects }),
        );
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const { bytes, sha256 } = dispatcher
          ? await fetchOnce(url, destination, dispatcher, request, options)
          : await copyOnce(url, destination, options.maxBytes ?? MAX_DOWNLOAD_BYTES);
        if (sha256 !== expectedSha256) {
          throw new BuildpackError(
            'checksum',
            `checksum mismatch for ${uri}: expected sha256:${expectedSha256}, got sha256:${sha256} (${bytes} bytes)`,
          );
        }
        return { bytes };
      } catch (error) {
        await fs.rm(destination, { force: true });
        if (error instanceof BuildpackError) throw error;
        const retryable = error instanceof AttemptError ? error.retryable : isTransient(error);
        const reason = describeFailure(error, options);
        if (!retryable || attempt >= options.attempts) {
          const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
          throw new BuildpackError('download', `cannot download ${uri}${tries}: ${reason}`, { cause: error });
        }
        const waitMs = options.backoffMs * 2 ** (attempt - 1);
        options.onRetry?.(attempt, reason, waitMs);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  } finally {
    await dispatcher?.close();
  }
}

/** Network trouble is worth another try; a redirect loop, a bad request or a certificate that does not verify is not. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /CERT|_SIGNATURE|^ERR_TLS_/.test(code)) return false;
  return code !== 'UND_ERR_INVALID_ARG' && !(error instanceof Error && error.message === 'max redirects');
}

/** undici's timeout errors say which wait ran out, and how long it was. */
function describeFailure(error: unknown, options: DownloadOptions): string {
  const code = (error as { code?: unknown }).code;
  const setting = options.timeoutSetting ? ` (${options.timeoutSetting})` : '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return `no response within ${formatDuration(options.headersTimeoutMs)}${setting}`;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `the body stalled for more than ${formatDuration(options.bodyTimeoutMs)}${setting}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect within ${formatDuration(options.connectTimeoutMs)}${setting}`;
  return describe(error);
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

async function fetchOnce(
  url: URL,
  destination: string,
  dispatcher: Dispatcher,
  request: typeof import('undici').request,
  options: DownloadOptions,
): Promise<{ bytes: number; sha256: string }> {
  // undici ignores credentials in the URL: send them as basic auth (a mirror may need them).
  const target = new URL(url);
  const auth = target.username || target.password ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : undefined;
  target.username = '';
  target.password = '';
  const response = await request(target, {
    method: 'GET',
    dispatcher,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    headers: { 'user-agent': 'livereload-watchexec-buildpack', ...(auth ? { authorization: auth } : {}) },
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    const status = `HTTP ${response.statusCode}`;
    if (response.statusCode >= 300 && response.statusCode < 400) {
      throw new AttemptError(`${status}: too many redirects or a redirect without a location`, false);
    }
    throw new AttemptError(status, response.statusCode >= 500 || response.statusCode === 429);
  }
  const limit = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    throw new AttemptError(`the server announces ${declared} bytes, more than ${mebibytes(limit)}`, false);
  }
  const result = await hashInto(response.body, destination, limit);
  if (Number.isFinite(declared) && declared !== result.bytes) {
    throw new AttemptError(`the body ended after ${result.bytes} of ${declared} bytes`, true);
  }
  return result;
}

async function copyOnce(url: URL, destination: string, limit: number): Promise<{ bytes: number; sha256: string }> {
  try {
    return await hashInto(createReadStream(fileURLToPath(url)), destination, limit);
  } catch (error) {
    if (error instanceof AttemptError) throw error;
    throw new AttemptError(describe(error), false);
  }
}

async function hashInto(body: NodeJS.ReadableStream, destination: string, limit: number): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) {
        callback(new AttemptError(`the body is larger than ${mebibytes(limit)}`, false));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(destination, { flags: 'w', mode: 0o644 }));
  return { bytes, sha256: hash.digest('hex') };
}
