// A local OpenID Connect provider shaped like ProConnect, for Pilote's end-to-end tests:
// the certified `oidc-provider` with ProConnect's scopes and claims (given_name, usual_name,
// email, siret, uid), userinfo as a signed JWT, RS256 and ES256 keys, PKCE and RP-initiated
// logout. Not a ProConnect look-alike for people: no login page, the tests say who signs in.
//
// Started once per test binary (`tests/e2e/proconnect.rs`); prints `listening <port>` when
// ready, and exits when its standard input closes (its parent, the test binary, is gone).
//
// Test-only endpoints, outside the protocol:
//   POST /test/scenario {client_id, sub, email, given_name, usual_name, siret, uid, tamper}
//     who signs in next for this client (each test registers its own client, through dynamic
//     registration, so that tests running in parallel do not see each other's scenarios);
//     `tamper: true` alters the ID token's payload in the token response (its signature no
//     longer matches).
// Standard output carries the one `listening` line the harness reads, then nobody reads it:
// everything oidc-provider logs goes to standard error instead.
const out = process.stdout;
console.log = console.info = (...args) => console.error(...args);

import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const SCOPES = ['openid', 'email', 'given_name', 'usual_name', 'siret', 'uid'];

async function signingKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

// client_id -> { account: {...claims}, tamper }
const scenarios = new Map();
// sub -> claims
const accounts = new Map();

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function tamper(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = `${claims.sub}-forged`;
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

const keys = [await signingKey('RS256', 'rsa-1'), await signingKey('ES256', 'ec-1')];
const port = Number(process.env.PORT || 0);

// The issuer needs the port, known once listening: listen first, build the provider after.
const http = await import('node:http');
let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const { port: actualPort } = server.address();
const issuer = `http://127.0.0.1:${actualPort}`;

const provider = new Provider(issuer, {
  jwks: { keys },
  scopes: SCOPES,
  claims: {
    openid: ['sub'],
    email: ['email'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
    uid: ['uid'],
  },
  cookies: { keys: ['pilote-tests-only'] },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(_ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { ...claims, sub }; } };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
});

// Plain http on the loopback: oidc-provider otherwise insists on https for some cookies.
provider.proxy = false;

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/test/scenario') {
    const body = await readJson(ctx.req);
    const { client_id: clientId, tamper: tampered = false, ...account } = body;
    accounts.set(account.sub, account);
    scenarios.set(clientId, { sub: account.sub, tamper: tampered });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const scenario = scenarios.get(details.params.client_id);
    let result;
    if (!scenario) {
      result = { error: 'access_denied', error_description: 'no scenario for this client' };
    } else if (details.prompt.name === 'login') {
      result = { login: { accountId: scenario.sub } };
    } else {
      // Consent is the real ProConnect's business: grant the scopes asked for.
      const grant = new provider.Grant({
        accountId: details.session.accountId,
        clientId: details.params.client_id,
      });
      grant.addOIDCScope(SCOPES.join(' '));
      result = { consent: { grantId: await grant.save() } };
    }
    const location = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.redirect(location);
    return;
  }
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token && ctx.oidc?.client) {
    const scenario = scenarios.get(ctx.oidc.client.clientId);
    if (scenario?.tamper) ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
  }
});

handler = provider.callback();
out.write(`listening ${actualPort}\n`);
// The parent closing our standard input means the tests are over.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
