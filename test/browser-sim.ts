/**
 * A browser for protocol tests that need no rendering (OpenID Connect, EZproxy): keeps cookies per host and
 * path as a browser would, follows redirects one at a time, posts forms, and remembers every address it
 * visited (to prove none carries a card number or PIN).
 */
interface Cookie {
  host: string;
  name: string;
  value: string;
  path: string;
}

export interface Visit {
  status: number;
  url: string;
  location: string | null;
  text: string;
  headers: Headers;
}

export class BrowserSim {
  readonly cookies: Cookie[] = [];
  /** Every address requested or redirected to, in order. */
  readonly visited: string[] = [];

  #cookieHeader(url: URL): string {
    return this.cookies
      .filter((c) => c.host === url.host && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  #keep(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^expires=thu, 01 jan 1970/i.test(a)) || attributes.some((a) => /^max-age=0$/i.test(a));
      const at = this.cookies.findIndex((c) => c.host === url.host && c.name === name && c.path === path);
      if (at >= 0) this.cookies.splice(at, 1);
      if (!expired) this.cookies.push({ host: url.host, name, value, path });
    }
  }

  /** One request, no redirect followed. */
  async request(address: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Visit> {
    const url = new URL(address);
    this.visited.push(url.href);
    const headers: Record<string, string> = {};
    const cookie = this.#cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, ...(init.form ? { body } : {}), redirect: 'manual' });
    this.#keep(url, response.headers);
    const location = response.headers.get('location');
    const resolved = location === null ? null : new URL(location, url).href;
    if (resolved) this.visited.push(resolved);
    return { status: response.status, url: url.href, location: resolved, text: await response.text(), headers: response.headers };
  }

  /**
   * Follows redirects from `address` until an answer that is not a redirect, or until the next address
   * starts with `stopAt` (a relying party's callback, not fetched): that answer is returned.
   */
  async follow(address: string, init: { method?: string; form?: Record<string, string | string[]> } = {}, stopAt?: string): Promise<Visit> {
    let visit = await this.request(address, init);
    for (let hops = 0; hops < 20; hops++) {
      if (visit.location && visit.status >= 300 && visit.status < 400) {
        if (stopAt && visit.location.startsWith(stopAt)) return visit;
        visit = await this.request(visit.location);
        continue;
      }
      // A page that posts its form by itself on load (the provider's form_post pages), as a browser would.
      const posted = autoPosted(visit);
      if (!posted) return visit;
      visit = await this.request(posted.action, { form: posted.form });
    }
    return visit;
  }
}

/** The form a page submits by itself on load (`document.forms[0].submit()`), with its hidden fields. */
function autoPosted(page: Visit): { action: string; form: Record<string, string> } | undefined {
  if (page.status !== 200 || !page.text.includes('document.forms[0].submit()')) return undefined;
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1];
  if (!action) return undefined;
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const form = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1] as string, unescape(m[2] as string)]));
  return { action: new URL(unescape(action), page.url).href, form };
}

/** The `action` of the form on a page whose action ends with `suffix` (`/login`, `/consent`). */
export function formAction(page: Visit, suffix: string): string {
  const actions = [...page.text.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));
  const action = actions.find((a) => a.endsWith(suffix));
  if (!action) throw new Error(`no form posting to …${suffix} on ${page.url} (status ${page.status})`);
  return new URL(action, page.url).href;
}
