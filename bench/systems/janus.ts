import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Generator } from '../gen/Generator.js';
import { IceRelay } from '../gen/IceRelay.js';
import { killOnExit, pinned } from '../lib/proc.js';
import { Publication, Subscription, type SubscriptionOptions } from '../gen/Publication.js';
import { JANUS_ADDRESS, type LocalSide, parseSdp, publishOffer, receiveParameters, subscribeAnswer } from './sdp.js';
import { writeJanusConfig } from './janusConfig.js';
import type { BenchParticipant, BenchRoom, SystemUnderTest } from './types.js';

const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 20_000;
let seq = 0;

type JanusMsg = {
	janus: string;
	transaction?: string;
	data?: { id: number };
	plugindata?: { data: Record<string, unknown> & { error?: string } };
	jsep?: { type: string; sdp: string };
	error?: { reason: string };
};

type Handle = ((body: object, jsep?: object) => Promise<JanusMsg>) & { candidatesDone?: () => void };

/** One connection to Janus's WebSocket API: requests matched to answers by transaction. */
class JanusApi {
	readonly #ws: WebSocket;
	readonly #pending = new Map<string, (m: JanusMsg) => void>();

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('message', (raw) => {
			const m = JSON.parse(raw.toString()) as JanusMsg;
			if (m.janus === 'ack' || !m.transaction) return;
			this.#pending.get(m.transaction)?.(m);
			this.#pending.delete(m.transaction);
		});
	}

	static async open(url: string): Promise<JanusApi> {
		const ws = new WebSocket(url, 'janus-protocol');
		await new Promise<void>((ok, fail) => { ws.once('open', () => ok()); ws.once('error', fail); });
		return new JanusApi(ws);
	}

	request(msg: Record<string, unknown>): Promise<JanusMsg> {
		const transaction = `t${++seq}`;
		return new Promise((ok, fail) => {
			const timer = setTimeout(() => fail(new Error(`janus ${String(msg.janus)} timed out`)), REQUEST_TIMEOUT_MS);
			this.#pending.set(transaction, (m) => {
				clearTimeout(timer);
				if (m.janus === 'error' || m.plugindata?.data.error) fail(new Error(`janus: ${m.error?.reason ?? m.plugindata?.data.error}`));
				else ok(m);
			});
			this.#ws.send(JSON.stringify({ ...msg, transaction }));
		});
	}

	/** A session; attach() adds a VideoRoom handle, whose messages carry an optional JSEP. */
	async session(): Promise<{ sessionId: number; attach: () => Promise<Handle> }> {
		const sessionId = (await this.request({ janus: 'create' })).data!.id;
		const attach = async (): Promise<Handle> => {
			const handleId = (await this.request({ janus: 'attach', session_id: sessionId, plugin: 'janus.plugin.videoroom' })).data!.id;
			const handle = (body: object, jsep?: object) => this.request({ janus: 'message', session_id: sessionId, handle_id: handleId, body, ...(jsep ? { jsep } : {}) });
			// Our SDP carries all our candidates; Janus waits for this before it checks.
			handle.candidatesDone = () => this.#ws.send(JSON.stringify({ janus: 'trickle', session_id: sessionId, handle_id: handleId, candidate: { completed: true }, transaction: `t${++seq}` }));
			return handle;
		};
		return { sessionId, attach };
	}

	close(): void {
		this.#ws.close();
	}
}

/** Janus VideoRoom (Debian's `janus`), started with a throwaway config, driven over its WebSocket API. */
export class Janus implements SystemUnderTest {
	readonly name = 'janus' as const;
	readonly #gen: Generator;
	readonly #cpus: string;
	readonly #wsPort: number;
	readonly #rtpPorts: [number, number];
	readonly #logPath: string;
	#child: ChildProcess | undefined;

	constructor(gen: Generator, cpus: string, wsPort: number, rtpPorts: [number, number], logPath: string) {
		this.#gen = gen;
		this.#cpus = cpus;
		this.#wsPort = wsPort;
		this.#rtpPorts = rtpPorts;
		this.#logPath = logPath;
	}

	get #url(): string {
		return `ws://127.0.0.1:${this.#wsPort}`;
	}

	async start(): Promise<void> {
		const dir = writeJanusConfig(this.#wsPort, this.#rtpPorts);
		const log = createWriteStream(this.#logPath);
		const child = killOnExit(spawn(...pinned(this.#cpus, ['janus', '-C', join(dir, 'janus.jcfg'), '-F', dir]), { stdio: ['ignore', 'pipe', 'pipe'] }));
		this.#child = child;
		child.stdout?.pipe(log);
		child.stderr?.pipe(log);
		const deadline = Date.now() + START_TIMEOUT_MS;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`janus exited with ${child.exitCode}; see ${this.#logPath}`);
			try {
				(await JanusApi.open(this.#url)).close();
				return;
			} catch {
				if (Date.now() > deadline) throw new Error('janus did not start');
				await new Promise((r) => setTimeout(r, 200));
			}
		}
	}

	pids(): number[] {
		return this.#child?.pid ? [this.#child.pid] : [];
	}

	controllerPid(): undefined {
		return undefined; // one process: signalling and media threads are not told apart
	}

	async openRoom(): Promise<BenchRoom> {
		const api = await JanusApi.open(this.#url);
		const s = await api.session();
		const handle = await s.attach();
		const room = 100_000 + ++seq;
		await handle({ request: 'create', room, publishers: 1000, bitrate: 0, audiocodec: 'opus', videocodec: 'vp8', notify_joining: false });
		const members: JanusParticipant[] = [];
		return {
			join: async (publish) => {
				const p = await JanusParticipant.join(this.#gen, this.#url, room, publish);
				members.push(p);
				return p;
			},
			close: async () => {
				await Promise.all(members.map((p) => p.close()));
				await handle({ request: 'destroy', room }).catch(() => {});
				api.close();
			},
		};
	}

	async stop(): Promise<void> {
		const child = this.#child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((ok) => child.once('exit', ok));
		child.kill('SIGTERM');
		await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
		if (child.exitCode === null) child.kill('SIGKILL');
	}
}

function localSide(t: import('mediasoup').types.WebRtcTransport): LocalSide {
	const fp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!;
	return { ufrag: t.iceParameters.usernameFragment, pwd: t.iceParameters.password, fingerprint: fp, address: t.iceCandidates[0]!.address, port: t.iceCandidates[0]!.port };
}

/** A participant in a Janus VideoRoom: a publisher handle, and a multistream subscriber handle. */
class JanusParticipant implements BenchParticipant {
	readonly publications: Publication[] = [];
	readonly #gen: Generator;
	readonly #api: JanusApi;
	readonly #session: Awaited<ReturnType<JanusApi['session']>>;
	readonly #room: number;
	readonly #transports: import('mediasoup').types.WebRtcTransport[] = [];

	private constructor(gen: Generator, api: JanusApi, session: Awaited<ReturnType<JanusApi['session']>>, room: number) {
		this.#gen = gen;
		this.#api = api;
		this.#session = session;
		this.#room = room;
	}

	static async join(gen: Generator, url: string, room: number, publish: Array<'audio' | 'video'>): Promise<JanusParticipant> {
		const api = await JanusApi.open(url);
		const p = new JanusParticipant(gen, api, await api.session(), room);
		if (publish.length > 0) await p.#publish(publish);
		return p;
	}

	async #publish(kinds: Array<'audio' | 'video'>): Promise<void> {
		const handle = await this.#session.attach();
		const joined = await handle({ request: 'join', ptype: 'publisher', room: this.#room });
		const feedId = joined.plugindata!.data.id as number;
		const t = await this.#gen.transport(JANUS_ADDRESS);
		this.#transports.push(t);
		const local = localSide(t);
		const relay = await IceRelay.create(JANUS_ADDRESS, { address: local.address, port: local.port }, local.pwd);
		this.#gen.ports.add(relay.port);
		t.observer.once('close', () => {
			this.#gen.ports.delete(relay.port);
			relay.close();
		});
		const params = [];
		for (const kind of kinds) {
			const pub = await Publication.create(this.#gen, kind);
			const rtp = await pub.attach(t, this.#gen.router.rtpCapabilities);
			pub.remoteId = `${feedId}:${rtp.mid}`;
			this.publications.push(pub);
			params.push(rtp);
		}
		const answer = await handle({ request: 'publish' }, { type: 'offer', sdp: publishOffer({ ...local, port: relay.port }, params, kinds) });
		if (!answer.jsep) throw new Error('janus: publish got no answer');
		handle.candidatesDone?.();
		const remote = parseSdp(answer.jsep.sdp);
		relay.setRemote(remote.address, remote.port);
		await this.#gen.connect(t, { iceParameters: { usernameFragment: remote.ufrag, password: remote.pwd }, address: JANUS_ADDRESS, port: relay.port, fingerprints: [remote.fingerprint] });
	}

	async subscribe(pubs: Publication[], opts: SubscriptionOptions = {}): Promise<Subscription[]> {
		const handle = await this.#session.attach();
		const streams = pubs.map((p) => {
			const [feed, mid] = p.remoteId.split(':');
			return { feed: Number(feed), mid };
		});
		const attached = await handle({ request: 'join', ptype: 'subscriber', room: this.#room, streams });
		if (!attached.jsep) throw new Error('janus: subscribe got no offer');
		const offer = parseSdp(attached.jsep.sdp);
		const info = attached.plugindata!.data.streams as Array<{ mid: string; feed_id: number; feed_mid: string }>;
		const t = await this.#gen.transport(JANUS_ADDRESS);
		this.#transports.push(t);
		const subs: Subscription[] = [];
		for (const m of offer.media) {
			const s = info.find((x) => x.mid === m.mid);
			const pub = pubs.find((p) => p.remoteId === `${s?.feed_id}:${s?.feed_mid}`);
			if (!pub || m.ssrcs.length === 0) continue;
			subs.push(await Subscription.create(this.#gen, t, pub, receiveParameters(m), opts));
		}
		await handle({ request: 'start' }, { type: 'answer', sdp: subscribeAnswer(localSide(t), offer) });
		handle.candidatesDone?.();
		await this.#gen.connect(t, { iceParameters: { usernameFragment: offer.ufrag, password: offer.pwd }, address: offer.address, port: offer.port, fingerprints: [offer.fingerprint] }, { remoteChecks: true });
		return subs;
	}

	async close(): Promise<void> {
		for (const t of this.#transports) t.close();
		await this.#api.request({ janus: 'destroy', session_id: this.#session.sessionId }).catch(() => {});
		this.#api.close();
	}
}
