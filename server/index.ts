import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkerPool } from '../sfu-workers/WorkerPool.js';
import { TokenVerifier } from './auth/TokenVerifier.js';
import { loadConfig } from './config.js';
import { loggedSettings } from './configSources.js';
import { createHttpApp } from './http/app.js';
import { createMetricsApp } from './http/metricsRoute.js';
import { type Logger, createLogger } from './observability/log.js';
import { privacyNotice } from './privacy/notice.js';
import { createMetrics } from './observability/metrics.js';
import { Drain } from './rooms/Drain.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { turnCredentials } from './auth/turnCredentials.js';
import { type GatewayDeps, attachSignalling, hostSession } from './signalling/gateway.js';
import { Relay } from './signalling/relay.js';
import { startClusterNode } from './cluster/clusterNode.js';
import { handOverRooms } from './cluster/handOverRooms.js';
import { registerClusterMetrics } from './cluster/clusterMetrics.js';
import { registerPipeMetrics } from './cluster/pipeMetrics.js';
import { TypedEmitter } from './shared/TypedEmitter.js';
import { SipBridge } from './sip/SipBridge.js';

/** `npm start -- --check-config`: validate the configuration, print it (no secrets), exit 0 or 1. */
const CHECK_CONFIG = process.argv.includes('--check-config');

/** Process entry: config → log → worker pool → rooms → http → signalling. */
async function main(): Promise<void> {
	const config = loadConfig();
	if (CHECK_CONFIG) {
		process.stdout.write(`${JSON.stringify(config.effective, null, 2)}\nconfiguration is valid\n`);
		return;
	}
	const log = createLogger(config.logLevel);
	// Once, at start; secrets show as "[set]", the controller's name and contact as "[not logged]",
	// and the logger masks addresses.
	log.info({ config: loggedSettings(config.effective) }, 'effective configuration');
	TypedEmitter.onListenerError = (err, event) => log.error({ err, event }, 'event listener threw');

	const pool = await WorkerPool.create({
		workerCount: config.workerCount,
		rtcPort: config.rtcPort,
		listenIp: config.rtcListenIp,
		announcedAddress: config.rtcAnnouncedAddress,
		roomSpillLoad: config.roomSpillLoad,
		statsIntervalMs: config.metrics.statsIntervalMs,
		clusterAddress: config.cluster?.clusterAddress,
		log,
	});
	const roomOpts = { emptyGraceMs: config.roomEmptyGraceMs, maxParticipants: config.maxParticipantsPerRoom, reconnectGraceMs: config.reconnectGraceMs, maxDurationMs: config.roomMaxDurationMs, presentationMaxBytes: config.presentationMaxBytes };
	const limits = { maxRooms: config.maxRooms, dialInPinDigits: config.dialInPinDigits };
	// REDIS_URL set: this node joins the cluster (server/cluster/, docs/cluster.md); else nothing of it loads.
	const node = config.cluster
		? await startClusterNode(config.cluster, config.publicUrl ?? `http://localhost:${config.port}`, pool, config.roomSpillLoad, roomOpts, limits, log)
		: undefined;
	const registry = node?.registry ?? new RoomRegistry(pool, roomOpts, log, limits);
	const metrics = createMetrics({
		rooms: () => registry.size,
		participants: () => registry.participants(),
		routers: () => pool.routers(),
		producers: () => pool.stats.counts('in'),
		consumers: () => pool.stats.counts('out'),
		workersAlive: () => pool.workersAlive(),
		workerLoads: () => pool.loads(),
		workerUsage: () => pool.resourceUsage(),
	}, { maxRooms: config.maxRooms, workers: config.workerCount });
	pool.stats.on('rtp', (direction, kind, delta) => metrics.rtp(direction, kind, delta));
	pool.stats.on('rtt', (seconds) => metrics.rtt(seconds));
	pool.stats.on('polled', (seconds) => metrics.statsPolled(seconds));
	registry.observer.on('roomOpened', () => metrics.roomOpened());
	registry.observer.on('roomClosed', (summary) => metrics.roomClosed(summary));
	pool.on('workerDied', () => metrics.workerRestarts.inc({ reason: 'died' }));
	if (node) {
		registerClusterMetrics(metrics.registry, node.cluster);
		registerPipeMetrics(metrics.registry, node.agent);
	}

	// Created before HTTP so /readyz can read it; started by a signal below.
	let drain: Drain | undefined;
	const app = createHttpApp({
		clientDistDir: config.clientDistDir,
		clusterOrigins: node?.clusterOrigins,
		registry: config.metrics.port === undefined ? metrics.registry : undefined,
		metricsToken: config.metrics.token,
		healthy: () => pool.workersAlive() > 0,
		notReady: () => (drain?.info ? 'draining' : registry.hasCapacity ? undefined : 'no capacity'),
		privacy: (lang) => privacyNotice(config, lang),
		log,
	});
	const http = createServer(app);
	const { mode, ...keys } = config.auth;
	const verifier = keys.secret || keys.jwksFile || keys.jwksUrl ? new TokenVerifier(keys) : undefined;
	const { turn } = config;
	const signalling: GatewayDeps = {
		registry, log, metrics, auth: { mode, verifier },
		iceServers: turn ? () => [turnCredentials(turn)] : undefined,
		draining: () => drain?.info,
		dialInNumber: config.dialInNumber,
		features: config.features,
		allowedOrigins: config.allowedOrigins,
	};
	if (node) {
		const relay = new Relay({ bus: node.cluster, log, open: (socket, home) => hostSession(socket, home, signalling) });
		// A dead owner's relayed clients resume (routed anew); a dead home node's sessions here drop.
		node.cluster.on('nodeDied', (id) => {
			relay.ownerGone(id);
			relay.homeGone(id);
		});
		signalling.cluster = { where: (roomId, create) => node.rooms.where(roomId, create), relay: (owner, socket) => relay.relay(owner, socket) };
		signalling.failoverUrls = node.failoverUrls;
		signalling.clusterOrigins = node.clusterOrigins;
	}
	const io = attachSignalling(http, signalling);
	// Cluster mode: a caller whose PIN is another node's room is relayed there (server/sip/CallRelay.ts).
	const sip = config.sip ? await SipBridge.start(config.sip, registry, metrics.registry, log, node?.cluster) : undefined;
	await new Promise<void>((ok) => http.listen(config.port, config.host, ok));
	const { port } = http.address() as AddressInfo;
	const url = config.publicUrl ?? `http://localhost:${port}`;
	log.info({ port, workers: config.workerCount, authMode: mode }, 'plenum listening');
	if (config.metrics.port !== undefined) await listenMetrics(createMetricsApp(metrics.registry, config.metrics.token), config.metrics, log);
	// Humans read this line; tests parse it.
	if (sip) process.stderr.write(`Plenum SIP dial-in on ${config.sip?.protocol} port ${sip.port}\n`);
	process.stderr.write(`Plenum is running: open ${url}\n`);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info({ signal }, 'shutting down');
		registry.closeAll('shutdown');
		void sip?.close();
		io.close();
		void node?.close();
		pool.close();
		http.close(() => process.exit(0));
		setTimeout(() => process.exit(0), 3_000).unref();
	};
	drain = new Drain({
		// Cluster mode: the rooms move to other nodes first; what none can take ends as on a single node.
		drainRooms: async () => {
			if (node) await handOverRooms(registry.openRooms(), node.cluster, node.rooms, log);
			await registry.drain();
		},
		timeoutMs: config.drainTimeoutMs,
		notify: (info) => {
			if (!node) io.emit('serverDraining', info);
		},
		finish: () => stop('drained'),
		log,
	});
	// SIGTERM (systemd stop, docker stop, Kubernetes) and SIGUSR2 (an operator's "drain now")
	// drain; repeating them changes nothing (Kubernetes sends SIGTERM after a preStop drain).
	// SIGINT stops at once.
	// A bug in one request must not end every meeting on this server (invariant 4).
	process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
	// A throw nobody caught leaves state unknown: log it scrubbed (Node's own report would print
	// the raw message) and exit, so the supervisor restarts a clean process.
	process.on('uncaughtException', (err) => {
		log.fatal({ err }, 'uncaught exception');
		process.exit(1);
	});
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => drain?.start('SIGTERM'));
	process.on('SIGUSR2', () => drain?.start('SIGUSR2'));
}

/** /metrics on its own port and interface, so it stays off the public one. */
async function listenMetrics(app: ReturnType<typeof createMetricsApp>, at: { port?: number; host: string }, log: Logger): Promise<void> {
	const server = createServer(app);
	await new Promise<void>((ok, fail) => {
		server.once('error', fail);
		server.listen(at.port, at.host, ok);
	});
	log.info({ metricsPort: (server.address() as AddressInfo).port }, 'metrics listening');
}

main().catch((err: unknown) => {
	const what = CHECK_CONFIG ? '' : 'Plenum failed to start: ';
	process.stderr.write(`${what}${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
