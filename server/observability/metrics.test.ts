import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerUsage } from '../../sfu-workers/WorkerPool.js';
import { type StatsSource, createMetrics } from './metrics.js';

function fakeSource(usage: () => WorkerUsage[]): StatsSource {
	return {
		rooms: () => 2,
		participants: () => ({ browser: 3, phone: 1 }),
		routers: () => 2,
		producers: () => ({ audio: 3, video: 2, screen: 1 }),
		consumers: () => ({ audio: 6, video: 4, screen: 2 }),
		workersAlive: () => 2,
		workerLoads: () => [{ index: 0, load: 10 }, { index: 1, load: 8 }],
		workerUsage: async () => usage(),
	};
}

/** Sample lines as name{labels} → value. */
function samples(text: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const i = line.lastIndexOf(' ');
		m.set(line.slice(0, i), Number(line.slice(i + 1)));
	}
	return m;
}

/** Every series name the exposition can hold (histograms add _bucket, _sum, _count). */
function exposedNames(text: string): Set<string> {
	const names = new Set<string>();
	for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
		if (!name) continue;
		names.add(name);
		if (type === 'histogram' || type === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
	}
	return names;
}

describe('metrics', () => {
	afterEach(() => vi.useRealTimers());

	it('exposes counts by bounded kinds, configured limits and per-worker load', async () => {
		const m = createMetrics(fakeSource(() => []), { maxRooms: 50, workers: 2 });
		const s = samples(await m.registry.metrics());
		expect(s.get('plenum_participants{kind="browser"}')).toBe(3);
		expect(s.get('plenum_participants{kind="phone"}')).toBe(1);
		expect(s.get('plenum_media_producers{kind="screen"}')).toBe(1);
		expect(s.get('plenum_media_consumers{kind="video"}')).toBe(4);
		expect(s.get('plenum_rooms_limit')).toBe(50);
		expect(s.get('plenum_media_workers_configured')).toBe(2);
		expect(s.get('plenum_media_worker_load{worker="1"}')).toBe(8);
		// Every RTP series exists before any media, so rate() and alerts see zeros, not gaps.
		expect(s.get('plenum_media_bytes_total{direction="out",kind="screen"}')).toBe(0);
		expect(s.get('plenum_media_plis_total{direction="in",kind="video"}')).toBe(0);
	});

	it('adds RTP deltas, RTT samples, join latency and room summaries', async () => {
		const m = createMetrics(fakeSource(() => []), { maxRooms: 50, workers: 2 });
		m.rtp('out', 'video', { bytes: 1200, packets: 1, packetsLost: 0, nacks: 2, plis: 1 });
		m.rtp('out', 'video', { bytes: 800, packets: 1, packetsLost: 1, nacks: 0, plis: 0 });
		m.rtt(0.03);
		m.joinLatency.observe(1.2);
		m.signallingMessages.inc({ type: 'join', result: 'ok' });
		m.roomClosed({ reason: 'roomEmpty', openSeconds: 600, peakParticipants: 4 });
		const s = samples(await m.registry.metrics());
		expect(s.get('plenum_media_bytes_total{direction="out",kind="video"}')).toBe(2000);
		expect(s.get('plenum_media_packets_lost_total{direction="out",kind="video"}')).toBe(1);
		expect(s.get('plenum_media_nacks_total{direction="out",kind="video"}')).toBe(2);
		expect(s.get('plenum_media_rtt_seconds_bucket{le="0.05"}')).toBe(1);
		expect(s.get('plenum_media_rtt_seconds_bucket{le="0.025"}')).toBe(0);
		expect(s.get('plenum_signalling_join_latency_seconds_count')).toBe(1);
		expect(s.get('plenum_signalling_messages_total{type="join",result="ok"}')).toBe(1);
		expect(s.get('plenum_rooms_closed_total{reason="roomEmpty"}')).toBe(1);
		expect(s.get('plenum_room_size_participants_bucket{le="5"}')).toBe(1);
		expect(s.get('plenum_room_duration_seconds_sum')).toBe(600);
	});

	it('worker CPU is a counter that keeps growing when a worker is replaced (new pid)', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		let usage: WorkerUsage[] = [{ index: 0, pid: 10, cpuSeconds: 2, rssBytes: 50e6 }];
		const m = createMetrics(fakeSource(() => usage), { maxRooms: 50, workers: 1 });
		const cpu = async () => samples(await m.registry.metrics()).get('plenum_media_worker_cpu_seconds_total{worker="0"}');
		expect(await cpu()).toBe(2);
		usage = [{ index: 0, pid: 10, cpuSeconds: 3.5, rssBytes: 60e6 }];
		vi.advanceTimersByTime(5_000);
		expect(await cpu()).toBe(3.5);
		usage = [{ index: 0, pid: 11, cpuSeconds: 0.5, rssBytes: 40e6 }];
		vi.advanceTimersByTime(5_000);
		expect(await cpu()).toBe(4);
		expect(samples(await m.registry.metrics()).get('plenum_media_worker_memory_bytes{worker="0"}')).toBe(40e6);
	});

	it('labels are few and bounded: never a room, participant, address or number', async () => {
		const m = createMetrics(fakeSource(() => [{ index: 0, pid: 10, cpuSeconds: 1, rssBytes: 1 }]), { maxRooms: 50, workers: 1 });
		const allowed = new Set(['kind', 'direction', 'worker', 'reason', 'code', 'type', 'result', 'le', 'quantile', 'space', 'version', 'major', 'minor', 'patch']);
		for (const metric of await m.registry.getMetricsAsJSON()) {
			for (const v of metric.values) for (const label of Object.keys(v.labels)) expect(allowed, `${metric.name}{${label}}`).toContain(label);
		}
	});

	it('every metric the alert rules and the Grafana dashboard use is exported', async () => {
		const m = createMetrics(fakeSource(() => []), { maxRooms: 50, workers: 1 });
		const names = exposedNames(await m.registry.metrics());
		for (const file of ['plenum-alerts.yml', 'grafana-dashboard.json']) {
			const text = readFileSync(new URL(`../../deploy/prometheus/${file}`, import.meta.url), 'utf8');
			const used = new Set(text.match(/\bplenum_[a-z0-9_]+/g));
			expect(used.size, file).toBeGreaterThan(5);
			// plenum_cluster_* come from clusterMetrics.ts on a cluster node: test/integration/clusterDeploy.test.ts checks them there.
			for (const name of used) if (!name.startsWith('plenum_cluster_')) expect(names, `${file} uses ${name}`).toContain(name);
		}
		expect(() => JSON.parse(readFileSync(new URL('../../deploy/prometheus/grafana-dashboard.json', import.meta.url), 'utf8'))).not.toThrow();
	});
});
