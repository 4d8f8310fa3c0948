// A real OpenID Provider for the user-authentication tests: panva's oidc-provider (npm), on
// loopback, with RS256 and ES256 signing keys published at /jwks. Prints {"port": N} once it
// listens. What the tests ask of it:
//   POST /token (client_credentials; resource urn:audible-connect:rs256 or :es256): a JWT access
//     token for the audience "audible-connect", its sub the client id and its subscription_tier
//     from the user records below; resource urn:platform:opaque: an opaque token.
//   GET /me: a user-info endpoint in the platform's manner: the user whose opaque token this is
//     (looked up in the provider's own store), 401 otherwise.
//   POST /_test/rotate: a new RSA signing key replaces the old one (the ES256 key stays).
//   GET /_test/stats: how often /jwks was fetched.
// /jwks answers with Cache-Control: max-age=JWKS_MAX_AGE (2 s), so a rotation shows quickly.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const JWKS_MAX_AGE = Number(process.env.JWKS_MAX_AGE ?? 2);
const USERS = {
  'listener-premium': { subscription_tier: 'premium', is_active: true },
  'listener-basic': { subscription_tier: 'basic', is_active: true },
  'listener-inactive': { subscription_tier: 'premium', is_active: false },
};

const privateJwk = (type, options, kid) => ({
  ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  kid,
  use: 'sig',
});
const ecKey = privateJwk('ec', { namedCurve: 'P-256' }, 'es-1');
let rsaGeneration = 1;
let rsaKey = privateJwk('rsa', { modulusLength: 2048 }, `rs-${rsaGeneration}`);
let jwksFetches = 0;

function makeProvider(issuer) {
  const resource = (alg) => ({
    scope: 'api',
    audience: 'audible-connect',
    accessTokenFormat: 'jwt',
    accessTokenTTL: 600,
    jwt: { sign: { alg } },
  });
  const provider = new Provider(issuer, {
    clients: Object.keys(USERS).map((id) => ({
      client_id: id,
      client_secret: 'interop-secret',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [rsaKey, ecKey] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:audible-connect:rs256',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator === 'urn:audible-connect:rs256') return resource('RS256');
          if (indicator === 'urn:audible-connect:es256') return resource('ES256');
          if (indicator === 'urn:platform:opaque') {
            return { scope: 'api', audience: 'platform', accessTokenFormat: 'opaque', accessTokenTTL: 600 };
          }
          throw new Provider.errors.InvalidTarget();
        },
      },
    },
    extraTokenClaims: (ctx, token) => ({ subscription_tier: USERS[token.clientId]?.subscription_tier }),
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider;
}

let provider;

async function me(req, res) {
  const match = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '');
  const token = match && (await provider.ClientCredentials.find(match[1]));
  res.setHeader('Content-Type', 'application/json');
  if (!token || token.isExpired) {
    res.writeHead(401).end(JSON.stringify({ detail: 'Could not validate credentials' }));
    return;
  }
  res.end(JSON.stringify({ id: token.clientId, email: `${token.clientId}@platform.example`, ...USERS[token.clientId] }));
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/me') return void me(req, res).catch(() => res.writeHead(500).end());
  if (path === '/_test/rotate' && req.method === 'POST') {
    rsaGeneration += 1;
    rsaKey = privateJwk('rsa', { modulusLength: 2048 }, `rs-${rsaGeneration}`);
    provider = makeProvider(provider.issuer);
    return void res.end(JSON.stringify({ rsa_kid: rsaKey.kid }));
  }
  if (path === '/_test/stats') return void res.end(JSON.stringify({ jwks_fetches: jwksFetches }));
  if (path === '/jwks') {
    jwksFetches += 1;
    res.setHeader('Cache-Control', `public, max-age=${JWKS_MAX_AGE}`);
  }
  return provider.callback()(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = makeProvider(`http://127.0.0.1:${port}`);
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
