import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Counts read at scrape time; no room, participant or address ever becomes a label. */
export interface StatsSource {
	rooms(): number;
	participants(): number;
	routers(): number;
	producers(): Record<'audio' | 'video', number>;
	consumers(): Record<'audio' | 'video', number>;
	workersAlive(): number;
}

export interface Metrics {
	registry: Registry;
	workerRestarts: Counter<'reason'>;
	signallingErrors: Counter<'code'>;
}

/** The Prometheus registry for GET /metrics. Names follow plenum_<subsystem>_<thing>. */
export function createMetrics(stats: StatsSource): Metrics {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry, prefix: 'plenum_' });

	const gauge = (name: string, help: string, read: () => number) =>
		new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
	gauge('plenum_rooms', 'Open rooms.', () => stats.rooms());
	gauge('plenum_participants', 'Participants in open rooms.', () => stats.participants());
	gauge('plenum_media_routers', 'mediasoup routers alive.', () => stats.routers());
	gauge('plenum_media_workers_alive', 'mediasoup workers alive.', () => stats.workersAlive());

	const byKind = (name: string, help: string, read: () => Record<'audio' | 'video', number>) =>
		new Gauge({
			name, help, labelNames: ['kind'], registers: [registry],
			collect() {
				for (const [kind, n] of Object.entries(read())) this.set({ kind }, n);
			},
		});
	byKind('plenum_media_producers', 'Producers (media sent into the SFU) by kind.', () => stats.producers());
	byKind('plenum_media_consumers', 'Consumers (media forwarded to a participant) by kind.', () => stats.consumers());

	const workerRestarts = new Counter({
		name: 'plenum_media_worker_restarts_total',
		help: 'mediasoup workers that died and were replaced.',
		labelNames: ['reason'], registers: [registry],
	});
	const signallingErrors = new Counter({
		name: 'plenum_signalling_errors_total',
		help: 'Signalling requests answered with an error, by error code.',
		labelNames: ['code'], registers: [registry],
	});
	return { registry, workerRestarts, signallingErrors };
}
