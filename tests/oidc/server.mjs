// A real OpenID Connect provider for the test suite, built on the `oidc-provider` package.
// Never used outside tests.
//
//   node tests/oidc/server.mjs CONFIG.json
//
// CONFIG.json: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//               "accounts": {"<account id>": {claims...}}}
// It listens on 127.0.0.1 on a free port and prints one line, `listening <issuer>`, when ready.
//
// The sign-in page (/interaction/<uid>) asks only for an account id (there are no passwords);
// consent is given automatically. ID tokens carry the account's claims, Entra ID style:
// `tid` (tenant), `oid` (object id), `roles` (app roles), `email`, `name`, `preferred_username`.
//
// Test-only endpoints (loopback only):
//   PUT /_test/accounts/<id>   body: the account's claims as JSON (replaces them)
//   GET /_test/health          200 when ready
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(Object.entries(config.accounts || {}));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

let provider;

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Wrong interaction', ''));
    return;
  }
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await readBody(req));
      const accountId = form.get('account') || '';
      if (!accounts.has(accountId)) {
        send(res, 200, page('Sign in to the test provider', '<p>Unknown account.</p>'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, {
        mergeWithLastSubmission: false,
      });
      return;
    }
    send(res, 200, page('Sign in to the test provider', `
      <form method="post" action="/interaction/${escape(uid)}/login">
        <label for="account">Account</label>
        <input id="account" name="account" autocomplete="off">
        <button type="submit">Continue</button>
      </form>`));
    return;
  }
  // Consent: granted automatically for whatever the client asked.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  const missing = prompt.details || {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, {
    mergeWithLastSubmission: true,
  });
}

async function testEndpoint(req, res, path) {
  if (path === '/_test/health') {
    send(res, 200, '{"ok": true}', 'application/json');
    return;
  }
  const match = path.match(/^\/_test\/accounts\/([^/]+)$/);
  if (match && req.method === 'PUT') {
    accounts.set(decodeURIComponent(match[1]), JSON.parse(await readBody(req)));
    send(res, 204, '');
    return;
  }
  send(res, 404, 'not found', 'text/plain');
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (url.pathname.startsWith('/_test/')) {
      await testEndpoint(req, res, url.pathname);
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    provider.callback()(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, page('Error', `<pre>${escape(error.message)}</pre>`));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  provider = new Provider(issuer, {
    clients: config.clients,
    cookies: { keys: ['test-provider-cookie-key-not-secret'] },
    claims: {
      openid: ['sub', 'tid', 'oid', 'roles'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    // Entra ID puts these claims in the ID token itself: do the same.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, details) => `/interaction/${details.uid}` },
    // PKCE for every client, so that a relying party that does not send it is refused.
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      if (!accounts.has(id)) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...accounts.get(id) };
        },
      };
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  console.log(`listening ${issuer}`);
});
