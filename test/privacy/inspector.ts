import WebSocket from 'ws';

/**
 * A minimal Chrome DevTools Protocol client for a Node process started with --inspect:
 * enough to force a GC and take a heap snapshot, in memory (nothing written to disk).
 */
export class Inspector {
	readonly #ws: WebSocket;
	#nextId = 1;
	readonly #pending = new Map<number, (result: unknown) => void>();
	readonly #chunks: string[] = [];

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('message', (raw) => {
			const msg = JSON.parse(String(raw)) as { id?: number; result?: unknown; method?: string; params?: { chunk?: string } };
			if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') this.#chunks.push(msg.params?.chunk ?? '');
			else if (msg.id !== undefined) this.#pending.get(msg.id)?.(msg.result);
		});
	}

	static async connect(url: string): Promise<Inspector> {
		const ws = new WebSocket(url);
		await new Promise<void>((ok, fail) => {
			ws.once('open', () => ok());
			ws.once('error', fail);
		});
		return new Inspector(ws);
	}

	send(method: string, params: object = {}): Promise<unknown> {
		const id = this.#nextId++;
		return new Promise((ok) => {
			this.#pending.set(id, ok);
			this.#ws.send(JSON.stringify({ id, method, params }));
		});
	}

	/** Full GC twice (weak references and finalizers get a round), then the snapshot as JSON text. */
	async heapSnapshot(): Promise<string> {
		await this.send('HeapProfiler.enable');
		await this.send('HeapProfiler.collectGarbage');
		await this.send('HeapProfiler.collectGarbage');
		this.#chunks.length = 0;
		await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
		return this.#chunks.join('');
	}

	close(): void {
		this.#ws.close();
	}
}
