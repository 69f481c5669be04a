// A real OpenID Connect provider (panva's certified oidc-provider) on loopback, for tests
// that sign in to the portal the way the council's people will: through an identity
// provider that sends their groups. Test-only: plain http, keys made at start, everything
// kept in memory, and a sign-in page that asks only for a username.
//
//   node tests/oidc/provider.mjs --accounts FILE [--port 0] [--client-id ID]
//        [--client-secret SECRET] [--redirect-uri URI ...] [--auth-method METHOD]
//
// Each option can also come from the environment (OIDC_PORT, OIDC_ACCOUNTS,
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS separated by spaces,
// OIDC_TOKEN_AUTH_METHOD). Port 0 lets the system choose a free port, with no race
// between choosing and binding. When ready it prints `listening <issuer>` on stdout.
//
// The accounts file is a JSON object keyed by the account's username, which is its
// `sub`: {"sub": {"email", "email_verified", "name", "given_name", "family_name",
// "groups": [...], "amr": [...]}}. It is read again on every look-up, so a test changes
// someone's groups by rewriting it.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_PORT ?? '0' },
    accounts: { type: 'string', default: process.env.OIDC_ACCOUNTS },
    'client-id': { type: 'string', default: process.env.OIDC_CLIENT_ID ?? 'ict-strategy-portal' },
    'client-secret': { type: 'string', default: process.env.OIDC_CLIENT_SECRET },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      default: (process.env.OIDC_REDIRECT_URIS ?? [
        'http://127.0.0.1/accounts/oidc/council/login/callback/',
        'http://localhost/accounts/oidc/council/login/callback/',
      ].join(' ')).split(/\s+/).filter(Boolean),
    },
    'auth-method': {
      type: 'string',
      default: process.env.OIDC_TOKEN_AUTH_METHOD ?? 'client_secret_post',
    },
  },
});

if (!options.accounts || !options['client-secret']) {
  console.error('provider.mjs needs --accounts FILE and --client-secret SECRET');
  process.exit(2);
}

function readAccounts() {
  return JSON.parse(readFileSync(options.accounts, 'utf8'));
}

function findPerson(username) {
  const accounts = readAccounts();
  return Object.hasOwn(accounts, username) ? accounts[username] : undefined;
}

// The default adapter would warn that it is for development only; so is this provider,
// and a Map is all it needs. Expiry is left to oidc-provider, which checks each
// artefact's `exp` when it finds it.
const store = new Map();

class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload) {
    store.set(this.key(id), payload);
    if (payload.uid && this.model === 'Session') {
      store.set(`sessionUid:${payload.uid}`, id);
    }
  }

  async find(id) {
    return store.get(this.key(id));
  }

  async findByUid(uid) {
    return this.find(store.get(`sessionUid:${uid}`));
  }

  async findByUserCode() {
    return undefined;
  }

  async consume(id) {
    const payload = store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const [key, payload] of store) {
      if (payload?.grantId === grantId) store.delete(key);
    }
  }
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };
}

const minutes = (count) => () => count * 60;

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main>${body}</main></body>
</html>`;
}

function signInPage({ action, abort, username = '', error }) {
  const problem = error ? `<p role="alert" id="username-error">${escape(error)}</p>` : '';
  const invalid = error ? ' aria-describedby="username-error" aria-invalid="true"' : '';
  return page('Sign in to the test identity provider', `
<h1>Sign in to the test identity provider</h1>
${problem}
<form method="post" action="${escape(action)}">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" value="${escape(username)}"${invalid}>
  <button type="submit">Sign in</button>
</form>
<p><a href="${escape(abort)}">Cancel</a></p>`);
}

function failure(message) {
  return page('Sign-in failed', `<h1>Sign-in failed</h1><p>${escape(message)}</p>`);
}

const server = createServer();
await new Promise((resolve) => { server.listen(Number(options.port), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  jwks: { keys: [signingKey()] },
  clients: [{
    client_id: options['client-id'],
    client_secret: options['client-secret'],
    // "native" is what makes a loopback redirect URI match on any port (RFC 8252, 7.3):
    // the Django live server's port is chosen when it starts, after this provider.
    // For a web client oidc-provider would accept http://127.0.0.1 too, but only with the
    // exact port. A native client is always asked for consent, which the interaction
    // below grants without a click.
    application_type: 'native',
    redirect_uris: options['redirect-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: options['auth-method'],
  }],
  scopes: ['openid', 'email', 'profile'],
  // Entra ID sends `groups` whatever the scopes asked for; so does this provider. `amr`
  // comes from the sign-in (see interactionFinished below), and oidc-provider only puts
  // it in the ID token when a scope lists it.
  claims: {
    openid: ['sub', 'groups', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // Serve every claim in the ID token as well as from userinfo, so a relying party may
  // read either; by default oidc-provider keeps the scopes' claims for userinfo only.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
  },
  async findAccount(ctx, sub) {
    if (!findPerson(sub)) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { amr, ...claims } = findPerson(sub) ?? {};
        return { ...claims, sub };
      },
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: minutes(60),
    AuthorizationCode: minutes(1),
    IdToken: minutes(60),
    Interaction: minutes(60),
    Session: minutes(24 * 60),
    Grant: minutes(24 * 60),
  },
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = failure(`${out.error}: ${out.error_description}`);
  },
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

// Gives the client every scope and claim it asked for, as the council's tenant does for
// its own applications once an administrator has consented on the users' behalf.
async function grantConsent(details, accountId, clientId, grantId) {
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, failure('This sign-in has expired. Start again from the portal.'));
    return;
  }
  const { prompt, params, session, grantId } = details;
  const where = { action: `/interaction/${uid}`, abort: `/interaction/${uid}/abort` };

  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The person cancelled the sign-in',
    }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'consent') {
    const consent = {
      grantId: await grantConsent(prompt.details, session.accountId, params.client_id, grantId),
    };
    await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method !== 'POST') {
    send(res, 200, signInPage(where));
    return;
  }
  const username = ((await readForm(req)).get('username') ?? '').trim();
  const person = findPerson(username);
  if (!person) {
    const error = username ? `No account has the username ${username}` : 'Enter your username';
    send(res, 200, signInPage({ ...where, username, error }));
    return;
  }
  await provider.interactionFinished(req, res, {
    login: { accountId: username, amr: person.amr ?? ['pwd'] },
  }, { mergeWithLastSubmission: false });
}

const oidc = provider.callback();
server.on('request', (req, res) => {
  const match = /^\/interaction\/([\w-]+)(\/abort)?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) {
    oidc(req, res);
    return;
  }
  interaction(req, res, match[1], match[2] ? 'abort' : 'show').catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 400, failure(error.message));
  });
});

console.log(`listening ${issuer}`);

// Nothing is kept, so there is nothing to finish; waiting for a browser's kept-alive
// connections to close would only hold up the tests' teardown.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
