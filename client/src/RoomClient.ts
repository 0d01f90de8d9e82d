// Over 500 lines: signalling, room state and local and remote media still live in one class
// (the rebuild after a worker death needs all three). Its types, the request/transport steps
// and the stats reading are already apart; the next split is room state into a reducer.
import { Device, type types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type { ServerEvents } from '../../server/protocol/events.js';
import type { RequestInput, RequestName } from '../../server/protocol/requests.js';
import type { Feature, Reaction } from '../../server/protocol/limits.js';
import type { ChatMessage, ParticipantInfo, BreakoutsView, PollView, PresentationView, ProducerInfo, Responses, Role, RoomSettings, RoomSnapshot, StageView } from '../../server/protocol/responses.js';
import { Emitter } from './Emitter.js';
import type { EndReason, InboundStat, JoinExtras, MeetingChannel, RemoteTrack, RoomClientEvents, Source } from './RoomClientTypes.js';
import { Failover } from './failover.js';
import { receivedSoFar } from './inboundStats.js';
import { RequestError, createTransport, request, waitInLobby } from './signal.js';

export type { EndReason, InboundStat, JoinExtras, MeetingChannel, RemoteTrack, RoomClientEvents, Source } from './RoomClientTypes.js';
export type { ChatMessage, ParticipantInfo, ProducerInfo, Reaction };
export { RequestError, request } from './signal.js';

/** Give up resuming after this long; the server keeps us for RECONNECT_GRACE_MS (30 s). */
const RECONNECT_GIVE_UP_MS = 45_000;
/** Resume failures worth another try on a new socket (every other code is final). */
const RESUME_AGAIN = new Set<string>(['PLN_CLUSTER_UNAVAILABLE', 'PLN_TIMEOUT', 'PLN_RATE_LIMITED']);
/** ICE 'disconnected' often heals by itself; restart only if it lasts this long. */
const ICE_RESTART_AFTER_MS = 2_000;

// Camera simulcast: three layers; the SFU forwards the one each receiver can use.
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
	{ rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
	{ rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
	{ rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];
// Screen share: one high-resolution layer; text must stay readable.
const SCREEN_ENCODINGS: RTCRtpEncodingParameters[] = [{ maxBitrate: 2_500_000 }];

/**
 * Owns the socket.io connection and the mediasoup-client Device and transports for one
 * meeting. Emits typed events; holds no UI. Create with `RoomClient.join()`.
 */
export class RoomClient extends Emitter<RoomClientEvents> {
	/** Who this client is in its room; a move to another room of the meeting makes it a new participant there. */
	participantId: string;
	readonly #socket: Socket;
	readonly #device: Device;
	// Replaced when the media worker behind them dies (mediaLost with rebuild).
	#send: types.Transport;
	#recv: types.Transport;
	/** Resolves while transports are usable; pending during a rebuild, so new consumes wait. */
	#transportsReady: Promise<void> = Promise.resolve();
	/** Remote producers whose consumer is being made right now. */
	readonly #subscribing = new Set<string>();
	/** Rebuilds run one after another. */
	#rebuilding: Promise<void> = Promise.resolve();
	/** What this client asked of each remote producer (layers, paused), kept across consumer rebuilds. */
	readonly #wishes = new Map<string, { layers?: { spatialLayer: number; temporalLayer?: number }; paused?: boolean }>();
	readonly #producers = new Map<Source, types.Producer>();
	readonly #consumers = new Map<string, { consumer: types.Consumer; info: RemoteTrack }>();
	readonly #remoteProducers = new Map<string, ProducerInfo>();
	readonly participants = new Map<string, ParticipantInfo>();
	/** The participant the SFU last named loudest, if any. */
	activeSpeaker: string | undefined;
	/** Chat so far: the room's history at join, then every new line. */
	readonly chatLog: ChatMessage[] = [];
	/** When this client's own hand went up; null while down. */
	handRaisedAt: number | null = null;
	/** This client's role in the room; moderators may call `moderate()`. */
	role: Role = 'participant';
	/** Lock, lobby, password of the room. */
	settings: RoomSettings = { locked: false, lobby: false, hasPassword: false };
	/** Who waits in the lobby (filled for moderators only). */
	lobby: Array<{ id: string; displayName: string }> = [];
	/** How to join this room by phone (number and PIN), from the join and resume answers; null when dial-in is off. */
	dialIn: RoomSnapshot['dialIn'] = null;
	/** Polls of this meeting: open ones, then closed ones with their counts; `voted` is local. */
	readonly polls = new Map<string, PollView & { counts?: number[]; voted?: boolean }>();
	/** Set when the server drains for a restart: until when (epoch ms) this meeting may go on. */
	drainingUntil: number | undefined;
	/** What this server lets meetings use besides media, chat and polls (notes, whiteboard, presentation). */
	features: Feature[] = [];
	/** What the stage shows (grid, board, presentation page), who presents and who may draw. */
	stage: StageView = { shown: { kind: 'none' }, presenter: null, boards: 1, drawEveryone: false, drawers: [] };
	/** The PDFs the room holds (their bytes are fetched only to be shown). */
	presentations: PresentationView[] = [];
	/** The meeting's breakout rooms while they run (null otherwise), and when they end on this clock. */
	breakouts: BreakoutsView | null = null;
	breakoutsEndAt = 0;
	/** The breakout room this client is in (null: the main room). */
	breakoutName: string | null = null;
	/** This meeting's connection for the notes and whiteboard modules. */
	readonly channel: MeetingChannel = {
		request: (name, payload) => request(this.#socket, name, payload),
		on: (event, fn) => {
			const listener = fn as (d: unknown) => void;
			this.#socket.on(event as string, listener);
			return () => void this.#socket.off(event as string, listener);
		},
	};
	#closed = false;

	#roomId: string;
	#resumeToken: string;
	#giveUp: ReturnType<typeof setTimeout> | undefined;
	/** Where reconnects go in a cluster (the next node when ours is unreachable, or where a `reconnect` push says). */
	readonly #failover: Failover;

	private constructor(socket: Socket, device: Device, send: types.Transport, recv: types.Transport, joined: { roomId: string; participantId: string; resumeToken: string }) {
		super();
		this.#roomId = joined.roomId;
		this.#resumeToken = joined.resumeToken;
		this.#socket = socket;
		this.#failover = new Failover(socket);
		this.#device = device;
		this.#send = send;
		this.#recv = recv;
		this.participantId = joined.participantId;
	}

	/** Connects, joins the room and starts receiving everyone's media. */
	static async join(roomId: string, displayName: string, opts: JoinExtras = {}): Promise<RoomClient> {
		const { token, password } = opts;
		// socket.io reconnects by itself after a drop; we then resume the same participant.
		const socket = io({ transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 4_000 });
		await new Promise<void>((ok, fail) => {
			// Only the first connect: a later connect_error is a reconnect attempt, retried (and failed over).
			const refused = (e: Error) => {
				socket.disconnect();
				fail(e);
			};
			socket.once('connect_error', refused);
			socket.once('connect', () => {
				socket.off('connect_error', refused);
				ok();
			});
		});
		// Pushes can arrive while we set up transports (someone starts their camera): keep
		// them and replay them once the client listens, or that producer would be missed.
		const early: Array<[string, unknown]> = [];
		const keep = (event: string, data: unknown) => early.push([event, data]);
		socket.onAny(keep);
		const base = { roomId, displayName, ...(token ? { token } : {}), ...(password ? { password } : {}) };
		let joined: Responses['join'];
		try {
			joined = await request(socket, 'join', base);
		} catch (err) {
			if (!(err instanceof RequestError) || err.code !== 'PLN_LOBBY_REQUIRED') {
				socket.disconnect();
				throw err;
			}
			// Wait in the lobby until a moderator decides; the admission carries a one-time ticket.
			const ticket = await waitInLobby(socket, { roomId, displayName, ...(password ? { password } : {}) }, opts.onLobby);
			joined = await request(socket, 'join', { ...base, ticket });
		}
		const device = new Device();
		await device.load({ routerRtpCapabilities: joined.rtpCapabilities as types.RtpCapabilities });
		await request(socket, 'setRtpCapabilities', { rtpCapabilities: device.rtpCapabilities });
		const send = await createTransport(socket, device, 'send');
		const recv = await createTransport(socket, device, 'recv');
		const client = new RoomClient(socket, device, send, recv, { roomId, participantId: joined.participantId, resumeToken: joined.resumeToken });
		client.#watchIce(send);
		client.#watchIce(recv);
		client.#failover.urls = joined.failoverUrls;
		for (const p of joined.participants) client.participants.set(p.id, p);
		client.chatLog.push(...joined.chat);
		client.role = joined.role;
		client.settings = joined.settings;
		client.dialIn = joined.dialIn ?? null;
		client.stage = joined.stage;
		client.presentations = joined.presentations;
		client.#setBreakouts(joined.breakouts);
		client.breakoutName = joined.breakoutName;
		client.features = joined.features;
		client.activeSpeaker = joined.activeSpeaker ?? undefined;
		for (const p of joined.polls) client.polls.set(p.id, p);
		client.#listen();
		socket.offAny(keep);
		for (const p of joined.producers) void client.#consume(p);
		for (const [event, data] of early) client.#socket.listeners(event).forEach((fn) => fn(data));
		return client;
	}

	#listen(): void {
		const on = <K extends keyof ServerEvents>(e: K, fn: (d: ServerEvents[K]) => void) =>
			this.#socket.on(e as string, fn as (d: unknown) => void);
		on('participantJoined', (p) => {
			this.participants.set(p.id, p);
			this.emit('participantJoined', p);
		});
		on('participantLeft', ({ participantId }) => {
			this.participants.delete(participantId);
			this.emit('participantLeft', participantId);
		});
		on('producerAdded', (p) => void this.#consume(p));
		on('producerClosed', ({ producerId }) => {
			this.#remoteProducers.delete(producerId);
			for (const [id, c] of this.#consumers) if (c.info.producerId === producerId) this.#dropConsumer(id);
			this.emit('producersChanged');
		});
		on('consumerClosed', ({ consumerId }) => this.#dropConsumer(consumerId));
		const setPaused = (producerId: string, paused: boolean) => {
			const p = this.#remoteProducers.get(producerId);
			if (p) p.paused = paused;
			this.emit('producersChanged');
		};
		on('producerPaused', ({ producerId }) => setPaused(producerId, true));
		on('producerResumed', ({ producerId }) => setPaused(producerId, false));
		on('chatMessage', (m) => {
			this.chatLog.push(m);
			this.emit('chat', m);
		});
		on('handChanged', ({ participantId, raisedAt }) => {
			const p = this.participants.get(participantId);
			if (p) p.handRaisedAt = raisedAt;
			if (participantId === this.participantId) this.handRaisedAt = raisedAt;
			this.emit('handChanged', participantId, raisedAt);
		});
		on('reaction', ({ participantId, reaction }) => this.emit('reaction', participantId, reaction));
		on('participantUpdated', (p) => {
			if (p.id === this.participantId) this.role = p.role;
			else this.participants.set(p.id, p);
			this.emit('participantUpdated', p);
		});
		// The SFU already paused or closed our producer; bring the local side in line.
		on('mutedByModerator', () => {
			this.#producers.get('mic')?.pause();
			this.emit('moderated', 'muted');
		});
		on('askedToUnmute', () => this.emit('moderated', 'askedToUnmute'));
		on('roomSettings', (settings) => {
			this.settings = settings;
			this.emit('roomChanged');
		});
		on('pollOpened', (p) => {
			this.polls.set(p.id, p);
			this.emit('roomChanged');
		});
		on('pollClosed', (p) => {
			this.polls.set(p.id, { ...p, voted: this.polls.get(p.id)?.voted });
			this.emit('roomChanged');
		});
		on('stageChanged', (stage) => {
			this.stage = stage;
			this.emit('roomChanged');
		});
		on('breakoutsChanged', ({ breakouts }) => {
			this.#setBreakouts(breakouts);
			this.emit('roomChanged');
		});
		on('breakoutMessage', ({ text }) => this.emit('breakoutMessage', text));
		on('moved', (m) => this.#moved(m));
		on('presentationsChanged', ({ presentations }) => {
			this.presentations = presentations;
			this.emit('roomChanged');
		});
		on('lobbyChanged', ({ waiting }) => {
			this.lobby = waiting;
			this.emit('roomChanged');
		});
		on('videoStoppedByModerator', ({ source }) => {
			for (const s of source === 'screen' ? (['screen', 'screenAudio'] as const) : (['camera'] as const)) {
				closeProducer(this.#producers.get(s));
				this.#producers.delete(s);
			}
			this.emit('moderated', source === 'screen' ? 'screenStopped' : 'cameraStopped');
		});
		on('activeSpeaker', ({ participantId }) => {
			this.activeSpeaker = participantId;
			this.emit('activeSpeaker', participantId);
		});
		on('serverDraining', ({ deadlineAt }) => {
			this.drainingUntil = deadlineAt;
			this.emit('draining', deadlineAt);
		});
		on('mediaLost', (loss) => this.#mediaLost(loss));
		// The server moves the meeting; its resume answer says whether our media must be rebuilt (mediaLost).
		on('reconnect', ({ url }) => this.#failover.moveTo(url));
		on('roomClosed', ({ reason }) => this.#teardown(reason));
		this.#socket.on('disconnect', (reason) => this.#onDisconnect(reason));
		// Every connect after the first is a reconnect: by the Manager after a drop, or by us after the
		// server closed the socket (a relaying node whose room owner died). Either way: resume.
		this.#socket.on('connect', () => void this.#resume());
	}

	#onDisconnect(reason: Socket.DisconnectReason): void {
		if (this.#closed) return;
		if (reason === 'io client disconnect') return;
		this.emit('connection', 'reconnecting');
		if (reason === 'io server disconnect') this.#socket.connect(); // the server will not retry for us
		this.#giveUp ??= setTimeout(() => this.#teardown('disconnected'), RECONNECT_GIVE_UP_MS);
	}

	/** Back on a new socket: become the same participant again and catch up on what we missed. */
	async #resume(): Promise<void> {
		try {
			const snap = await request(this.#socket, 'resume', { roomId: this.#roomId, participantId: this.participantId, resumeToken: this.#resumeToken });
			clearTimeout(this.#giveUp);
			this.#giveUp = undefined;
			this.#resync(snap);
			this.#failover.urls = snap.failoverUrls;
			// Our media went with a dead worker, or stayed on the node we left: rebuild as the push would have said.
			if (snap.mediaLost) this.#mediaLost({ rebuild: true, producerIds: [] });
			this.emit('connection', 'connected');
		} catch (err) {
			// The cluster could not route us yet (a new owner still taking the room over): drop
			// this socket, the Manager reconnects and we resume again, routed anew; until give-up.
			if (err instanceof RequestError && RESUME_AGAIN.has(err.code) && this.#giveUp && !this.#closed) return void this.#socket.io.engine.close();
			this.#teardown('disconnected');
		}
	}

	#resync(snap: Responses['resume']): void {
		const now = new Map(snap.participants.map((p) => [p.id, p]));
		for (const id of [...this.participants.keys()]) {
			if (now.has(id)) continue;
			this.participants.delete(id);
			this.emit('participantLeft', id);
		}
		for (const p of snap.participants) {
			const known = this.participants.has(p.id);
			this.participants.set(p.id, p);
			if (!known) this.emit('participantJoined', p);
		}
		const live = new Set(snap.producers.map((p) => p.id));
		for (const id of [...this.#remoteProducers.keys()]) if (!live.has(id)) this.#remoteProducers.delete(id);
		for (const [id, c] of this.#consumers) if (!live.has(c.info.producerId)) this.#dropConsumer(id);
		for (const p of snap.producers) {
			const known = this.#remoteProducers.get(p.id);
			if (known) known.paused = p.paused;
			else void this.#consume(p);
		}
		this.chatLog.splice(0, this.chatLog.length, ...snap.chat);
		this.dialIn = snap.dialIn ?? null;
		this.stage = snap.stage;
		this.presentations = snap.presentations;
		this.#setBreakouts(snap.breakouts);
		this.breakoutName = snap.breakoutName;
		this.features = snap.features;
		this.activeSpeaker = snap.activeSpeaker ?? undefined;
		this.emit('producersChanged');
		this.emit('roomChanged');
	}

	/** The room this client is in now (a move to a breakout room changes it). */
	get roomId(): string {
		return this.#roomId;
	}

	#setBreakouts(b: BreakoutsView | null): void {
		this.breakouts = b;
		this.breakoutsEndAt = b ? Date.now() + b.remainingMs : 0;
	}

	/**
	 * The server moved us to another room of the meeting (a breakout room, or back) on this
	 * connection: we are a new participant there. Nothing of the old room carries over but our
	 * devices: its people, media, chat and polls go, the new room's come, the tracks we send
	 * are published again on new transports.
	 */
	#moved(m: ServerEvents['moved']): void {
		if (this.#closed) return;
		this.#roomId = m.roomId;
		this.#resumeToken = m.resumeToken;
		this.participantId = m.participantId;
		this.role = m.role;
		this.handRaisedAt = null;
		this.lobby = [];
		this.settings = m.settings;
		this.polls.clear();
		for (const p of m.polls) this.polls.set(p.id, p);
		for (const id of [...this.participants.keys()]) {
			this.participants.delete(id);
			this.emit('participantLeft', id);
		}
		this.#remoteProducers.clear();
		this.#wishes.clear();
		// New transports first, so the new room's producers are consumed on them.
		this.#mediaLost({ rebuild: true, producerIds: [] });
		this.#resync(m);
		this.emit('moved');
	}

	/** ICE restart when the media path breaks while signalling still works (e.g. a network change). */
	#watchIce(transport: types.Transport): void {
		let timer: ReturnType<typeof setTimeout> | undefined;
		transport.on('connectionstatechange', (state) => {
			clearTimeout(timer);
			if (state !== 'disconnected' && state !== 'failed') return;
			timer = setTimeout(async () => {
				if (this.#closed || !this.#socket.connected) return;
				try {
					const { iceParameters, iceServers } = await request(this.#socket, 'restartIce', { transportId: transport.id });
					if (iceServers.length > 0) await transport.updateIceServers({ iceServers });
					await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
				} catch (err) {
					console.warn('ICE restart failed', err);
				}
			}, state === 'failed' ? 0 : ICE_RESTART_AFTER_MS);
		});
	}

	/** Test and debugging aid: drops the signalling connection the way a network outage does. */
	simulateNetworkDrop(): void {
		this.#socket.io.engine.close();
	}

	async #consume(p: ProducerInfo): Promise<void> {
		// A producer can be announced twice (join answer and a replayed push): consume once.
		if (this.#closed || p.participantId === this.participantId || this.#remoteProducers.has(p.id)) return;
		this.#remoteProducers.set(p.id, { ...p });
		this.emit('producersChanged');
		await this.#subscribe(p.id);
	}

	/** Makes (or, after a rebuild, makes again) the consumer of a known remote producer; one attempt at a time. */
	async #subscribe(producerId: string): Promise<void> {
		if (this.#subscribing.has(producerId) || [...this.#consumers.values()].some((c) => c.info.producerId === producerId)) return;
		this.#subscribing.add(producerId);
		try {
			await this.#transportsReady;
			const p = this.#remoteProducers.get(producerId);
			if (!p || this.#closed) return;
			const c = await request(this.#socket, 'consume', { producerId });
			const consumer = await this.#recv.consume({
				id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as types.RtpParameters,
			});
			// The producer may have closed while we were setting up.
			if (!this.#remoteProducers.has(producerId)) return consumer.close();
			const info: RemoteTrack = { consumerId: c.id, producerId, participantId: p.participantId, source: p.source, kind: c.kind, track: consumer.track };
			this.#consumers.set(c.id, { consumer, info });
			const wish = this.#wishes.get(producerId);
			if (wish?.layers) await this.setPreferredLayers(c.id, wish.layers.spatialLayer, wish.layers.temporalLayer);
			if (wish?.paused) consumer.pause();
			else await request(this.#socket, 'resumeConsumer', { consumerId: c.id });
			this.emit('trackAdded', info);
		} catch (err) {
			console.warn('consume failed', err);
		} finally {
			this.#subscribing.delete(producerId);
		}
	}

	#wish(producerId: string): { layers?: { spatialLayer: number; temporalLayer?: number }; paused?: boolean } {
		let w = this.#wishes.get(producerId);
		if (!w) this.#wishes.set(producerId, (w = {}));
		return w;
	}

	/**
	 * A media worker died. Others' tracks that went with it are dropped (they come back as
	 * producerAdded); if our own transports were on it, everything is made again on a new pair:
	 * the same tracks published with the same mute state, every remote producer consumed again.
	 */
	#mediaLost({ rebuild, producerIds }: ServerEvents['mediaLost']): void {
		for (const id of producerIds) {
			this.#remoteProducers.delete(id);
			this.#wishes.delete(id);
			for (const [cid, c] of this.#consumers) if (c.info.producerId === id) this.#dropConsumer(cid);
		}
		this.emit('producersChanged');
		if (!rebuild) return;
		let ready = () => {};
		this.#transportsReady = new Promise<void>((ok) => { ready = ok; });
		this.#rebuilding = this.#rebuilding
			.then(() => this.#rebuild(ready))
			.catch((err) => console.warn('media rebuild failed', err))
			.finally(ready);
	}

	async #rebuild(transportsReady: () => void): Promise<void> {
		if (this.#closed) return;
		const local = [...this.#producers].map(([source, p]) => ({ source, track: p.track, paused: p.paused }));
		this.#producers.clear();
		for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id);
		// Closing the dead pair only cleans up here (tracks stay live); the server already forgot it.
		this.#send.close();
		this.#recv.close();
		// The media may be on another node now, which has not heard our capabilities yet.
		await request(this.#socket, 'setRtpCapabilities', { rtpCapabilities: this.#device.rtpCapabilities });
		this.#send = await createTransport(this.#socket, this.#device, 'send');
		this.#recv = await createTransport(this.#socket, this.#device, 'recv');
		this.#watchIce(this.#send);
		this.#watchIce(this.#recv);
		transportsReady();
		for (const id of [...this.#remoteProducers.keys()]) void this.#subscribe(id);
		for (const { source, track, paused } of local) {
			if (track && track.readyState === 'live') await this.publish(source, track, { paused });
		}
		this.emit('producersChanged');
	}

	#dropConsumer(consumerId: string): void {
		const c = this.#consumers.get(consumerId);
		if (!c) return;
		this.#consumers.delete(consumerId);
		c.consumer.close();
		this.emit('trackRemoved', consumerId);
	}

	/** Starts sending a track; `source` decides encodings (simulcast for the camera). */
	async publish(source: Source, track: MediaStreamTrack, opts: { paused?: boolean } = {}): Promise<void> {
		await this.unpublish(source);
		const video = track.kind === 'video';
		const producer = await this.#send.produce({
			track,
			encodings: source === 'camera' ? CAMERA_ENCODINGS : source === 'screen' ? SCREEN_ENCODINGS : undefined,
			codecOptions: video ? { videoGoogleStartBitrate: 1000 } : { opusStereo: false, opusDtx: true, opusFec: true },
			// The server creates it paused too, so nothing leaks before the first unmute.
			appData: { source, paused: opts.paused ?? false },
			// The track outlives a transport: after a worker death it is produced again on a new one.
			stopTracks: false,
		});
		if (opts.paused) producer.pause();
		producer.on('trackended', () => void this.unpublish(source));
		this.#producers.set(source, producer);
	}

	async unpublish(source: Source): Promise<void> {
		const p = this.#producers.get(source);
		if (!p) return;
		this.#producers.delete(source);
		closeProducer(p);
		if (!this.#closed) await request(this.#socket, 'closeProducer', { producerId: p.id }).catch(() => undefined);
	}

	isPublishing(source: Source): boolean {
		return this.#producers.has(source);
	}

	/** Mute keeps the producer (fast unmute) and tells the SFU to stop forwarding. */
	async setMuted(source: Source, muted: boolean): Promise<void> {
		const p = this.#producers.get(source);
		if (!p) return;
		if (muted) p.pause();
		else p.resume();
		await request(this.#socket, muted ? 'pauseProducer' : 'resumeProducer', { producerId: p.id });
	}

	/** Swaps the device behind a running producer (camera or microphone switch) without renegotiating. */
	async replaceTrack(source: Source, track: MediaStreamTrack): Promise<void> {
		const p = this.#producers.get(source);
		if (!p) return this.publish(source, track);
		p.track?.stop();
		await p.replaceTrack({ track });
	}

	async sendChat(text: string): Promise<void> {
		await request(this.#socket, 'sendChat', { text });
	}

	async setHand(raised: boolean): Promise<void> {
		const { raisedAt } = await request(this.#socket, 'setHand', { raised });
		this.handRaisedAt = raisedAt;
	}

	/** A moderator request; the server refuses it with PLN_NOT_MODERATOR for everyone else. */
	async moderate(action: 'muteParticipant' | 'askToUnmute' | 'removeParticipant' | 'makeModerator', participantId: string): Promise<void>;
	async moderate(action: 'stopVideo', participantId: string, source: 'camera' | 'screen'): Promise<void>;
	async moderate(action: 'ban', participantId: string): Promise<void>;
	async moderate(action: 'muteAll' | 'lowerAllHands' | 'endMeeting' | 'admitAll'): Promise<void>;
	async moderate(action: string, participantId?: string, source?: 'camera' | 'screen'): Promise<void> {
		// The overloads type each action's arguments; this body only forwards them.
		const payload = { ...(participantId ? { participantId } : {}), ...(source ? { source } : {}) } as RequestInput<RequestName>;
		if (action === 'ban') return void (await request(this.#socket, 'removeParticipant', { participantId: participantId ?? '', ban: true }));
		await request(this.#socket, action as RequestName, payload);
	}

	/** Moderators: lock, lobby, password, and lobby decisions. */
	async setRoom(change: { locked: boolean } | { lobby: boolean } | { password: string | null }): Promise<void> {
		if ('locked' in change) await request(this.#socket, 'setRoomLock', { locked: change.locked });
		else if ('lobby' in change) await request(this.#socket, 'setLobby', { enabled: change.lobby });
		else await request(this.#socket, 'setPassword', { password: change.password });
	}

	async createPoll(question: string, options: string[]): Promise<void> {
		await request(this.#socket, 'createPoll', { question, options });
	}

	async closePoll(pollId: string): Promise<void> {
		await request(this.#socket, 'closePoll', { pollId });
	}

	async vote(pollId: string, option: number): Promise<void> {
		await request(this.#socket, 'vote', { pollId, option });
		const p = this.polls.get(pollId);
		if (p) p.voted = true;
		this.emit('roomChanged');
	}

	async decide(entryId: string, admitted: boolean): Promise<void> {
		await request(this.#socket, admitted ? 'admit' : 'deny', { entryId });
	}

	async sendReaction(reaction: Reaction): Promise<void> {
		await request(this.#socket, 'sendReaction', { reaction });
	}

	/** Everything the others send, with its paused (muted) state. */
	remoteProducers(): ProducerInfo[] {
		return [...this.#remoteProducers.values()];
	}

	isMuted(source: Source): boolean {
		return this.#producers.get(source)?.paused ?? true;
	}

	/** Asks the SFU for a lower (or higher) simulcast layer of one received video, e.g. for a small tile. */
	async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
		const c = this.#consumers.get(consumerId);
		if (c) this.#wish(c.info.producerId).layers = { spatialLayer, temporalLayer };
		await request(this.#socket, 'setPreferredLayers', { consumerId, spatialLayer, temporalLayer });
	}

	/** Stops (or restarts) forwarding of one received track, e.g. for a tile that is not shown. */
	async setConsumerPaused(consumerId: string, paused: boolean): Promise<void> {
		const c = this.#consumers.get(consumerId);
		if (!c || c.consumer.paused === paused) return;
		this.#wish(c.info.producerId).paused = paused;
		if (paused) c.consumer.pause();
		else c.consumer.resume();
		await request(this.#socket, paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId });
	}

	remoteTracks(): RemoteTrack[] {
		return [...this.#consumers.values()].map((c) => c.info);
	}

	/** Per received track: what the browser decoded so far (tests and the quality indicator read this). */
	async inboundStats(): Promise<InboundStat[]> {
		const out: InboundStat[] = [];
		for (const { consumer, info } of this.#consumers.values()) {
			const paused = consumer.paused || (this.#remoteProducers.get(info.producerId)?.paused ?? false);
			out.push({ consumerId: info.consumerId, participantId: info.participantId, source: info.source, kind: info.kind, paused, ...(await receivedSoFar(consumer)) });
		}
		return out;
	}

	async leave(): Promise<void> {
		if (this.#closed) return;
		await request(this.#socket, 'leave', {}).catch(() => undefined);
		this.#teardown('left');
	}

	#teardown(reason: EndReason): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#giveUp);
		for (const p of this.#producers.values()) closeProducer(p);
		for (const c of this.#consumers.values()) c.consumer.close();
		this.#producers.clear();
		this.#consumers.clear();
		this.#send.close();
		this.#recv.close();
		this.#socket.disconnect();
		this.emit('closed', reason);
	}

}

/** Closes a producer and stops its track (producers are made with stopTracks: false). */
function closeProducer(p: types.Producer | undefined): void {
	if (!p) return;
	p.close();
	p.track?.stop();
}
