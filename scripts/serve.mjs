// A tiny static file server for the repository root (no dependencies).
//
//   import { startServer } from './scripts/serve.mjs';
//   const { url, port, close } = await startServer({ root, port: 0 });
//   await startServer({ headers: { 'Content-Security-Policy': "script-src 'self' 'wasm-unsafe-eval'" } });
//
// Run directly (`npm run serve`), it serves the repository root on PORT or
// 8080 (or the next free port) at 127.0.0.1, cross-origin isolated (COOP and
// COEP headers) so that the playground trains on every core.
//
// GET and HEAD only; no directory listings; paths that leave the root or
// touch a dot-file (.git, .cargo, ...) get 404.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { createGzip } from 'node:zlib';
import { ROOT, isMain, main } from './lib.mjs';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.safetensors': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...res.extraHeaders, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(root, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'Bad Request\n');
  }
  const segments = pathname.split(/[/\\]/);
  if (pathname.includes('\0') || segments.some((s) => s === '..' || s.startsWith('.'))) {
    return send(res, 404, 'Not Found\n');
  }
  let file = resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'Not Found\n');

  let st;
  try {
    st = await stat(file);
    if (st.isDirectory()) {
      if (!pathname.endsWith('/')) {
        // /www -> /www/ so that relative URLs in its index.html resolve.
        const u = new URL(req.url, 'http://localhost');
        return send(res, 301, 'Moved Permanently\n', { Location: `${u.pathname}/${u.search}` });
      }
      file = join(file, 'index.html');
      st = await stat(file);
    }
    if (!st.isFile()) return send(res, 404, 'Not Found\n');
    // Symlinks must not lead outside the root either.
    const real = await realpath(file);
    if (real !== root && !real.startsWith(root + sep)) return send(res, 404, 'Not Found\n');
  } catch {
    return send(res, 404, 'Not Found\n');
  }

  const type = MIME_TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
  const gzip = res.compress && COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  res.writeHead(200, {
    ...res.extraHeaders,
    'Content-Type': type,
    ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : { 'Content-Length': st.size }),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  if (gzip) stream.pipe(createGzip()).pipe(res);
  else stream.pipe(res);
}

/**
 * Cross-origin isolation: with these the page gets SharedArrayBuffer, which the
 * threaded engine needs (docs/wasm-api.md, "Threads"). CORP cross-origin lets
 * an isolated page elsewhere embed the playground's files too.
 */
export const ISOLATION_HEADERS = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
});

/** What `compress` gzips: text, as static hosts (GitHub Pages, Netlify, nginx's gzip) do. */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg\+xml)/;

/**
 * Start serving `root` (default: the repository root).
 * Resolves to { url, port, close } once listening; `url` ends with '/'.
 * port 0 picks a free port. Rejects (e.g. EADDRINUSE) when it cannot listen.
 * `headers` are added to every response (e.g. a Content-Security-Policy to test the page under).
 * `compress`: text goes out gzipped to a client that accepts it, as a web host sends it (npm run audit).
 * `isolated` (default): the page is cross-origin isolated (ISOLATION_HEADERS), so the worker may train
 * on threads; false serves it as a host that cannot set headers would.
 */
export async function startServer({
  root = ROOT,
  port = 0,
  host = '127.0.0.1',
  headers = {},
  compress = false,
  isolated = true,
} = {}) {
  const realRoot = await realpath(resolve(root));
  const extraHeaders = { ...(isolated ? ISOLATION_HEADERS : {}), ...headers };
  const server = createServer((req, res) => {
    res.extraHeaders = extraHeaders;
    res.compress = compress;
    handle(realRoot, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
    });
  });
  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    server,
    close() {
      return new Promise((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections(); // keep-alive connections would hold close() open
      });
    },
  };
}

/** startServer, trying the next port (up to `tries` ports) while the port is taken. */
export async function startServerWithFallback({ root = ROOT, port = 8080, host = '127.0.0.1', tries = 20 } = {}) {
  for (let i = 0; ; i++) {
    try {
      return await startServer({ root, port: port + i, host });
    } catch (err) {
      if (err.code !== 'EADDRINUSE' || i + 1 >= tries || port === 0) throw err;
    }
  }
}

/** Serve until Ctrl-C / SIGTERM, printing the address. Used by `npm run serve` and `npm start`. */
export async function serveForever({ root = ROOT } = {}) {
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT=${process.env.PORT} is not a port`);
  const server = await startServerWithFallback({ root, port });
  console.log(`\nAutoencoder Playground: ${server.url}\n(Ctrl-C to stop)`);
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}

if (isMain(import.meta.url)) {
  main(() => serveForever());
}
