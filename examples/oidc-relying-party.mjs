#!/usr/bin/env node
/**
 * A small relying party: a vendor's site signing a library patron in through Carrel's OpenID Connect
 * provider, with `openid-client` (the certified relying-party library). What it learns is what Carrel
 * lets a vendor learn: its own pseudonym for the patron (`sub`), the library, and any claim the vendor's
 * contract names that the library's policy allows and the patron agreed to.
 *
 *   CARREL_ISSUER=http://127.0.0.1:3000/oidc CLIENT_ID=… CLIENT_SECRET=… node examples/oidc-relying-party.mjs
 *
 * Register it first (README, "E-content vendors and single sign-on"):
 *   carrel vendor add --library demo --name "Example e-books" --redirect-uri http://127.0.0.1:8765/callback
 * then open http://127.0.0.1:8765/ and sign in with a demo card and PIN. `--once` stops after one sign-in.
 * Environment: PORT (8765), SCOPE ("openid library"; add "category", "age_band", "profile", "email" for
 * the claims a contract names).
 */
import { createServer } from 'node:http';
import * as client from 'openid-client';

const issuer = process.env.CARREL_ISSUER;
const clientId = process.env.CLIENT_ID;
const clientSecret = process.env.CLIENT_SECRET;
if (!issuer || !clientId || !clientSecret) {
  console.error('Set CARREL_ISSUER, CLIENT_ID and CLIENT_SECRET (see the comment at the top of this file).');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8765);
const scope = process.env.SCOPE ?? 'openid library';
const once = process.argv.includes('--once');
const redirectUri = `http://127.0.0.1:${port}/callback`;

// Plain http is for trying it on one machine; a real issuer is https.
const insecure = new URL(issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, insecure);

/** Sign-ins under way: state → PKCE verifier and nonce (a real site keeps them in its own session). */
const pending = new Map();

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', redirectUri);
  try {
    if (url.pathname === '/') {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      pending.set(state, { verifier, nonce });
      const to = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      res.writeHead(302, { location: to.href }).end();
      return;
    }
    if (url.pathname === '/callback') {
      const state = url.searchParams.get('state') ?? '';
      const started = pending.get(state);
      pending.delete(state);
      if (!started) throw new Error('no sign-in under way with that state');
      const tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: started.verifier, expectedState: state, expectedNonce: started.nonce });
      const claims = tokens.claims();
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      console.log(`signed in: ${JSON.stringify({ idToken: claims, userinfo })}`);
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Signed in. What this site learned:\n${JSON.stringify(claims, null, 2)}\n`);
      if (once) server.close();
      return;
    }
    res.writeHead(404).end();
  } catch (error) {
    console.error(`sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Sign-in failed.\n');
    if (once) server.close();
  }
});
server.listen(port, '127.0.0.1', () => console.log(`Open http://127.0.0.1:${port}/ in a browser (redirect address to register: ${redirectUri})`));
