import { Counter, Gauge, type Registry } from 'prom-client';
import type { MediaAgent } from './MediaAgent.js';

type Pipes = Awaited<ReturnType<MediaAgent['pipes']>>;
const DIRECTIONS = ['in', 'out'] as const;
/** One read of the pipes' stats serves every metric of one scrape. */
const READ_REUSE_MS = 500;

/**
 * The node-to-node pipes on this node's /metrics, read from the media agent at scrape time:
 * pipe transports and piped producers now, and bytes and packets through them. No room or
 * node label. NOTE: bytes and packets are summed over the pipes open at each scrape and
 * counted by their growth, so what a pipe carried after the last scrape before it closed
 * is not counted (a small undercount, never a decrease).
 */
export function registerPipeMetrics(registry: Registry, agent: MediaAgent): void {
	const registers = [registry];
	let last: { at: number; read: Promise<Pipes> } | undefined;
	const read = () => {
		if (!last || Date.now() - last.at > READ_REUSE_MS) last = { at: Date.now(), read: agent.pipes() };
		return last.read;
	};
	new Gauge({
		name: 'plenum_cluster_pipe_transports', help: 'Pipe transports between this node and others, open now.', registers,
		async collect() { this.set((await read()).links); },
	});
	new Gauge({
		name: 'plenum_cluster_piped_producers', help: 'Producers piped now: out = sent from this node to others, in = received from others.', labelNames: ['direction'], registers,
		async collect() {
			const p = await read();
			this.set({ direction: 'out' }, p.outs);
			this.set({ direction: 'in' }, p.ins);
		},
	});
	growth('plenum_cluster_pipe_bytes_total', 'Bytes through pipes to (out) and from (in) other nodes.', (p) => ({ out: p.bytesSent, in: p.bytesReceived }));
	growth('plenum_cluster_pipe_packets_total', 'RTP packets through pipes to (out) and from (in) other nodes.', (p) => ({ out: p.packetsSent, in: p.packetsReceived }));

	function growth(name: string, help: string, pick: (p: Pipes) => Record<(typeof DIRECTIONS)[number], number>): void {
		const seen = { in: 0, out: 0 };
		const counter = new Counter({
			name, help, labelNames: ['direction'], registers,
			async collect() {
				const now = pick(await read());
				for (const d of DIRECTIONS) {
					if (now[d] > seen[d]) counter.inc({ direction: d }, now[d] - seen[d]);
					seen[d] = now[d];
				}
			},
		});
		for (const d of DIRECTIONS) counter.inc({ direction: d }, 0);
	}
}
