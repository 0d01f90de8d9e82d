import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkerPool } from '../sfu-workers/WorkerPool.js';
import { TokenVerifier } from './auth/TokenVerifier.js';
import { loadConfig } from './config.js';
import { createHttpApp } from './http/app.js';
import { createLogger } from './observability/log.js';
import { privacyNotice } from './privacy/notice.js';
import { createMetrics } from './observability/metrics.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { attachSignalling } from './signalling/gateway.js';
import { TypedEmitter } from './shared/TypedEmitter.js';
import { SipBridge } from './sip/SipBridge.js';

/** Process entry: config → log → worker pool → rooms → http → signalling. */
async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	TypedEmitter.onListenerError = (err, event) => log.error({ err, event }, 'event listener threw');

	const pool = await WorkerPool.create({
		workerCount: config.workerCount,
		rtcPort: config.rtcPort,
		listenIp: config.rtcListenIp,
		announcedAddress: config.rtcAnnouncedAddress,
		roomSpillLoad: config.roomSpillLoad,
		log,
	});
	const registry = new RoomRegistry(
		pool,
		{ emptyGraceMs: config.roomEmptyGraceMs, maxParticipants: config.maxParticipantsPerRoom, reconnectGraceMs: config.reconnectGraceMs, maxDurationMs: config.roomMaxDurationMs },
		log,
		{ maxRooms: config.maxRooms, dialInPinDigits: config.dialInPinDigits },
	);
	const metrics = createMetrics({
		rooms: () => registry.size,
		participants: () => registry.participants(),
		routers: () => pool.routers(),
		producers: () => registry.mediaCounts().producers,
		consumers: () => registry.mediaCounts().consumers,
		workersAlive: () => pool.workersAlive(),
	});
	pool.on('workerDied', () => metrics.workerRestarts.inc({ reason: 'died' }));

	const app = createHttpApp({
		clientDistDir: config.clientDistDir,
		registry: metrics.registry,
		healthy: () => pool.workersAlive() > 0,
		privacy: (lang) => privacyNotice(config, lang),
	});
	const http = createServer(app);
	const { mode, ...keys } = config.auth;
	const verifier = keys.secret || keys.jwksFile || keys.jwksUrl ? new TokenVerifier(keys) : undefined;
	const io = attachSignalling(http, { registry, log, metrics, auth: { mode, verifier }, dialInNumber: config.dialInNumber });
	const sip = config.sip ? await SipBridge.start(config.sip, registry, metrics.registry, log) : undefined;
	await new Promise<void>((ok) => http.listen(config.port, config.host, ok));
	const { port } = http.address() as AddressInfo;
	const url = config.publicUrl ?? `http://localhost:${port}`;
	log.info({ port, workers: config.workerCount, authMode: mode }, 'plenum listening');
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
		pool.close();
		http.close(() => process.exit(0));
		setTimeout(() => process.exit(0), 3_000).unref();
	};
	// A bug in one request must not end every meeting on this server (invariant 4).
	process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
	process.stderr.write(`Plenum failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
	process.exit(1);
});
