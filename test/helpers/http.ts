/**
 * A tiny HTTP client with one cookie, the way a browser tab talks to the API.
 * It sends the server's own Origin on writes, as a browser would.
 */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiClient {
  cookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly origin: string | null = baseUrl,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.origin && method !== 'GET' && !('origin' in h)) h.origin = this.origin;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (!pair) continue;
      const value = pair.slice(pair.indexOf('=') + 1);
      this.cookie = value === '' || /max-age=0/i.test(c) ? undefined : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = unknown>(path: string) { return this.request<T>('GET', path); }
  post<T = unknown>(path: string, body?: unknown) { return this.request<T>('POST', path, body ?? {}); }
  patch<T = unknown>(path: string, body?: unknown) { return this.request<T>('PATCH', path, body ?? {}); }
  delete<T = unknown>(path: string) { return this.request<T>('DELETE', path); }
}
