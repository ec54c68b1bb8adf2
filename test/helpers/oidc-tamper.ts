// Tampering with the single sign-on: a small HTTP proxy in front of the test identity provider
// that can swap the ID token in the token endpoint's answer once, and JWT forgeries made with jose.
//
// The provider runs with its issuer set to the PROXY's URL (startTamperedIdp below), and the proxy
// forwards everything with the Host header kept, so discovery, endpoints, `iss` and `jwks_uri` all
// name the proxy: point the app's OIDC_ISSUER at `idp.issuer` (= `proxy.url`) and every request of
// the app and of the browser passes through the proxy. Then, in one test:
//
//   proxy.nextTokenResponse = async (body) => ({
//     ...body,
//     id_token: await forgeJwt(String(body.id_token), idp, 'other-issuer'),
//   });
//
// and the app's next code exchange gets the forged ID token (with the real nonce, sub, and so on).
//
// NOTE for the app: openid-client v6 checks the *signature* of an ID token from the token endpoint
// only with `client.enableNonRepudiationChecks(config)` (the spec lets a client rely on TLS there).
// Without it, 'foreign-key' and 'unknown-kid' forgeries are ACCEPTED; the self-test
// test/oidc-provider-harness.e2e-spec.ts proves both. Claims (iss, aud, exp, nonce) and the
// algorithm ('alg-none') are checked either way.

import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { startTestIdp, type TestIdp, type TestIdpOptions } from './oidc-provider.js';

export type TokenResponseBody = Record<string, unknown>;

export interface TamperProxy {
  /** The proxy's own URL (http://127.0.0.1:<port>); the provider's issuer in startTamperedIdp. */
  readonly url: string;
  /** Where requests go: the provider's own URL. */
  target: string | undefined;
  /**
   * Applied once, to the next successful token-endpoint answer that carries an `id_token`: the
   * proxy answers with what it returns instead. Cleared when used.
   */
  nextTokenResponse:
    ((body: TokenResponseBody) => TokenResponseBody | Promise<TokenResponseBody>) | undefined;
  /** While true the proxy drops every connection at once, as an unreachable provider would. */
  offline: boolean;
  /** `METHOD /path` of every request forwarded, in order (query strings left out). */
  readonly requests: string[];
  stop(): Promise<void>;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => done(Buffer.concat(chunks)));
    stream.on('error', fail);
  });
}

/** Starts the proxy on a free port of 127.0.0.1; set `target` before the first request. */
export async function startTamperProxy(): Promise<TamperProxy> {
  const sockets = new Set<Socket>();
  const proxy: TamperProxy = {
    url: '',
    target: undefined,
    nextTokenResponse: undefined,
    offline: false,
    requests: [],
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };

  const server: Server = createServer((incoming, outgoing) => {
    if (proxy.offline || !proxy.target) {
      incoming.socket.destroy();
      return;
    }
    const path = incoming.url ?? '/';
    proxy.requests.push(`${incoming.method} ${path.split('?')[0]}`);
    const target = new URL(proxy.target);
    const upstream = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path,
        headers: incoming.headers,
      },
      (answer) => {
        const isToken = incoming.method === 'POST' && path.split('?')[0] === '/token';
        const rewrite = proxy.nextTokenResponse;
        if (!isToken || !rewrite || answer.statusCode !== 200) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        void (async () => {
          const original = await readBody(answer);
          const body = JSON.parse(original.toString('utf8')) as TokenResponseBody;
          let sent = original;
          if (typeof body.id_token === 'string') {
            proxy.nextTokenResponse = undefined;
            sent = Buffer.from(JSON.stringify(await rewrite(body)));
          }
          const headers = { ...answer.headers, 'content-length': String(sent.length) };
          delete headers['transfer-encoding'];
          outgoing.writeHead(answer.statusCode ?? 200, headers);
          outgoing.end(sent);
        })().catch((error: unknown) => {
          outgoing.statusCode = 502;
          outgoing.end(`tamper proxy: ${String(error)}`);
        });
      },
    );
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  Object.assign(proxy, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return proxy;
}

/**
 * A test provider behind a tamper proxy: `idp.issuer === proxy.url`, `idp.url` is the provider
 * itself. Stop both with `stop()`.
 */
export async function startTamperedIdp(
  options: Omit<TestIdpOptions, 'issuer'>,
): Promise<{ idp: TestIdp; proxy: TamperProxy; stop(): Promise<void> }> {
  const proxy = await startTamperProxy();
  const idp = await startTestIdp({ ...options, issuer: proxy.url });
  proxy.target = idp.url;
  return {
    idp,
    proxy,
    stop: async () => {
      await proxy.stop();
      await idp.stop();
    },
  };
}

/**
 * How a genuine token is forged:
 * - 'other-issuer': `iss` another provider's URL, signed with the provider's genuine key;
 * - 'other-audience': `aud` another client / API (`audience` option), genuine key;
 * - 'expired': `exp` an hour ago (`iat` two hours ago), genuine key;
 * - 'alg-none': unsigned, header `{"alg":"none"}`, claims unchanged;
 * - 'foreign-key': claims and `kid` unchanged, signed with an RSA key not in the JWKS;
 * - 'unknown-kid': claims unchanged, signed with a key not in the JWKS under a new `kid`.
 */
export type Forgery =
  'other-issuer' | 'other-audience' | 'expired' | 'alg-none' | 'foreign-key' | 'unknown-kid';

export const FORGERIES: readonly Forgery[] = [
  'other-issuer',
  'other-audience',
  'expired',
  'alg-none',
  'foreign-key',
  'unknown-kid',
];

/** The `iss` of 'other-issuer' forgeries. */
export const OTHER_ISSUER = 'http://127.0.0.1:9/other-idp';
/** The `aud` of 'other-audience' forgeries unless told otherwise. */
export const OTHER_AUDIENCE = 'some-other-client';

function foreignKey() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/**
 * Forges `genuine` (an ID token or JWT access token the provider issued) as `forgery` says; the
 * other claims (sub, nonce, roles …) stay as they were.
 */
export async function forgeJwt(
  genuine: string,
  idp: TestIdp,
  forgery: Forgery,
  options: { audience?: string } = {},
): Promise<string> {
  const header = decodeProtectedHeader(genuine);
  const claims: JWTPayload = { ...decodeJwt(genuine) };
  const now = Math.floor(Date.now() / 1000);
  const genuineKey = () => createPrivateKey({ key: idp.signingKey(), format: 'jwk' });
  const sign = (payload: JWTPayload, key: ReturnType<typeof foreignKey>, kid = header.kid) =>
    new SignJWT(payload).setProtectedHeader({ ...header, alg: 'RS256', kid }).sign(key);
  switch (forgery) {
    case 'other-issuer':
      return sign({ ...claims, iss: OTHER_ISSUER }, genuineKey());
    case 'other-audience':
      return sign({ ...claims, aud: options.audience ?? OTHER_AUDIENCE }, genuineKey());
    case 'expired':
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 }, genuineKey());
    case 'alg-none':
      return new UnsecuredJWT(claims).encode();
    case 'foreign-key':
      return sign(claims, foreignKey());
    case 'unknown-kid':
      return sign(claims, foreignKey(), randomBytes(8).toString('hex'));
  }
}
