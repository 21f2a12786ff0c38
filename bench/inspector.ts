import WebSocket from 'ws';

/**
 * A minimal Chrome DevTools Protocol client for a server process started with
 * `--inspect=127.0.0.1:0`. The bench uses it to collect garbage before a memory
 * reading (the same for Twinpad and the reference, neither of which has code
 * for it) and to read a server's event-loop delay from inside the process.
 * Attach only around measurements: an attached session costs a little.
 */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, (params: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) {
        if (msg.method) this.listeners.get(msg.method)?.(msg.params);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    // A process that dies never answers: fail what waits instead of hanging the bench.
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('the inspected process went away'));
      this.pending.clear();
    });
  }

  static async attach(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the inspected process went away'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Calls `handler` with the params of every `method` event (one handler per method). */
  on(method: string, handler: (params: unknown) => void): void {
    this.listeners.set(method, handler);
  }

  /** A full garbage collection in the inspected process. */
  async collectGarbage(): Promise<void> {
    await this.send('HeapProfiler.enable');
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.disable');
  }

  /** Evaluates `expression` in the process's global scope and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
    return result.result.value as T;
  }

  /**
   * Starts a loop-delay histogram inside the process (perf_hooks, 10 ms resolution)
   * under `name`; `stopLoopDelay` returns its percentiles in ms.
   */
  async startLoopDelay(name: string): Promise<void> {
    await this.evaluate(
      `(() => { const h = process.getBuiltinModule('node:perf_hooks').monitorEventLoopDelay({ resolution: 10 }); h.enable(); globalThis[${JSON.stringify(`__bench_${name}`)}] = h; return true; })()`,
    );
  }

  async stopLoopDelay(name: string): Promise<{ p50: number; p99: number; max: number }> {
    return this.evaluate(
      `(() => { const k = ${JSON.stringify(`__bench_${name}`)}; const h = globalThis[k]; h.disable(); delete globalThis[k]; return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 }; })()`,
    );
  }

  close(): void {
    this.ws.close();
  }
}

/** Runs `fn` with an attached inspector, then detaches. */
export async function withInspector<T>(url: string, fn: (inspector: Inspector) => Promise<T>): Promise<T> {
  const inspector = await Inspector.attach(url);
  try {
    return await fn(inspector);
  } finally {
    inspector.close();
  }
}
