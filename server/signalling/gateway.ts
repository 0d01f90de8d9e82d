import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { Metrics } from '../observability/metrics.js';
import type { ServerEvents } from '../protocol/events.js';
import { type RequestName, Requests, isRequestName } from '../protocol/requests.js';
import type { Ack } from '../protocol/responses.js';
import { ERRORS, type ErrorCode, PlenumError, toWireError } from '../shared/errors.js';
import type { Handlers } from './handlerTypes.js';
import { collabHandlers } from './handlers/collab.js';
import { conversationHandlers } from './handlers/conversation.js';
import { mediaHandlers } from './handlers/media.js';
import { moderationHandlers } from './handlers/moderation.js';
import { roomHandlers } from './handlers/room.js';
import { stageHandlers } from './handlers/stage.js';
import { breakoutHandlers } from './handlers/breakout.js';
import { loopbackOrigins, normalOrigin, originAllowed } from './originCheck.js';
import { payloadShapeProblem } from './payloadShape.js';
import type { RelayedSocket } from './relay.js';
import { Session, type SessionSocket, type SignallingDeps } from './Session.js';

/** The dispatch table: one entry per request, checked exhaustive by its type. */
const HANDLERS: Handlers = { ...roomHandlers, ...mediaHandlers, ...conversationHandlers, ...moderationHandlers, ...collabHandlers, ...stageHandlers, ...breakoutHandlers };

/** Largest socket.io message accepted; bigger ones drop the connection (socket.io's own check). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How much of a schema complaint goes back to the client (it quotes the client's own keys). */
const MAX_ISSUE_CHARS = 200;

type AckFn = (ack: Ack<unknown>) => void;
type ClientEvents = Record<RequestName, (payload: unknown, ack: AckFn) => void>;
type ServerEventFns = { [K in keyof ServerEvents]: (data: ServerEvents[K]) => void };

export interface GatewayDeps extends SignallingDeps {
	metrics: Pick<Metrics, 'signallingErrors' | 'signallingMessages' | 'joinLatency'>;
	/** Set while the server drains: connections opened during the drain are told at once. */
	draining?: () => ServerEvents['serverDraining'] | undefined;
	/**
	 * Origins (`scheme://host[:port]`) whose pages may connect (ALLOWED_ORIGINS, else
	 * PUBLIC_URL's); undefined: the server's own loopback origins on the port it listens on.
	 */
	allowedOrigins?: readonly string[];
	/** Cluster mode: the live nodes' PUBLIC_URL origins, allowed too (a client failing over from them). */
	clusterOrigins?: () => string[];
	/** Cluster mode: where a room lives, and the relay to its owner when that is another node. */
	cluster?: ClusterRouting;
}

/** What the gateway needs of the cluster (server/cluster/ClusterRooms.ts, relay.ts). */
export interface ClusterRouting {
	/** undefined: this node answers; else the owner's node id. */
	where(roomId: string, create: boolean): Promise<string | undefined>;
	relay(owner: string, socket: SessionSocket): RelayedSocket;
}

/** Requests that pick a room: in cluster mode they decide whether the socket is relayed. */
const ROUTED = new Set(['join', 'resume', 'knock']);

/** Attaches socket.io to the HTTP server: parse every request, dispatch, answer with one ack. */
export function attachSignalling(http: HttpServer, deps: GatewayDeps): Server {
	let origins: ReadonlySet<string> | undefined = deps.allowedOrigins ? new Set(deps.allowedOrigins) : undefined;
	const io = new Server<ClientEvents, ServerEventFns>(http, {
		serveClient: false,
		maxHttpBufferSize: MAX_MESSAGE_BYTES,
		// No CORS headers: no other origin's page may read a polling response.
		cors: undefined,
		// Runs on each handshake (not on later requests of a session, which carry its sid).
		allowRequest: (req, done) => {
			origins ??= new Set(loopbackOrigins((http.address() as AddressInfo).port));
			if (originAllowed(req, origins)) return done(null, true);
			if (deps.clusterOrigins && originAllowed(req, new Set(deps.clusterOrigins().flatMap((o) => normalOrigin(o) ?? [])))) return done(null, true);
			deps.metrics.signallingErrors.inc({ code: 'PLN_ORIGIN_NOT_ALLOWED' });
			// Debug only: any page can make a visitor's browser knock. The origin is not logged.
			deps.log.debug({ code: 'PLN_ORIGIN_NOT_ALLOWED' }, 'signalling handshake refused');
			done('PLN_ORIGIN_NOT_ALLOWED' satisfies ErrorCode, false);
		},
	});
	io.on('connection', (socket) => onConnection(socket as unknown as Socket, deps));
	return io;
}

function onConnection(socket: Socket, deps: GatewayDeps): void {
	const session = new Session(socket, deps);
	const drain = deps.draining?.();
	if (drain) socket.emit('serverDraining', drain);
	// Join latency: from this connect to the first consumer resumed after a join on it. Only
	// joins into a room that already has media count: the first one in would time its wait.
	const connectedAt = performance.now();
	let timing: 'beforeJoin' | 'joined' | 'done' = 'beforeJoin';
	let relayed: RelayedSocket | undefined;
	socket.onAny((event: unknown, ...args: unknown[]) => {
		const ack = args.at(-1);
		if (typeof ack !== 'function') return; // every request must carry an ack to answer
		const payload = args.length > 1 ? args[0] : undefined;
		if (relayed) return void forward(relayed, session, String(event), payload, ack as AckFn, deps);
		const roomId = deps.cluster && ROUTED.has(String(event)) && !session.participant && !session.knocking ? roomIdOf(payload) : undefined;
		if (roomId !== undefined && deps.cluster) {
			const cluster = deps.cluster;
			void cluster.where(roomId, event === 'join').then(
				(owner) => {
					if (owner === undefined || relayed) return void handle(session, String(event), payload, ack as AckFn, deps);
					relayed = cluster.relay(owner, socket);
					return void forward(relayed, session, String(event), payload, ack as AckFn, deps);
				},
				(err: unknown) => reply(ack as AckFn, { ok: false, error: toWireError(err) }, String(event), deps),
			);
			return;
		}
		void handle(session, String(event), payload, ack as AckFn, deps).then((answer) => {
			if (!answer.ok) return;
			if (event === 'join' && timing === 'beforeJoin') timing = hasProducers(answer.data) ? 'joined' : 'done';
			else if (event === 'resumeConsumer' && timing === 'joined') {
				timing = 'done';
				deps.metrics.joinLatency.observe((performance.now() - connectedAt) / 1000);
			}
		});
	});
	socket.on('disconnect', () => {
		relayed?.close(true);
		session.dropped();
	});
}

/** The room id of a join/resume/knock payload, before its schema (the owner checks it all). */
function roomIdOf(payload: unknown): string | undefined {
	if (typeof payload !== 'object' || payload === null || !('roomId' in payload)) return undefined;
	const parsed = Requests.join.shape.roomId.safeParse(payload.roomId);
	return parsed.success ? parsed.data : undefined;
}

/** Presentation parts: counted by the transfer bucket, not the request bucket. */
const TRANSFERS = new Set(['presentationPart', 'presentationRead']);

/** Whether `event` is within the connection's rate limits (the bucket taken from is its own). */
const withinLimits = (session: Session, event: string): boolean =>
	(TRANSFERS.has(event) ? session.transfer.take() : session.requests.take()) && (event !== 'sendChat' || session.chat.take());

/** A relayed socket's request: the home node keeps its rate limits, the owner does the rest. */
async function forward(r: RelayedSocket, session: Session, event: string, payload: unknown, ack: AckFn, deps: GatewayDeps): Promise<void> {
	const type = isRequestName(event) ? event : 'unknown';
	if (!withinLimits(session, event)) return void reply(ack, { ok: false, error: toWireError(new PlenumError('PLN_RATE_LIMITED')) }, type, deps);
	const shape = payloadShapeProblem(payload);
	if (shape) return void reply(ack, invalid(`payload: ${shape}`), type, deps);
	ack(await r.forward(event, payload));
}

/** The owner's side of a relayed socket: a Session whose socket is on another node, and the same checks as here. */
export function hostSession(socket: SessionSocket, home: string, deps: GatewayDeps): { handle(event: string, payload: unknown): Promise<Ack<unknown>>; dropped(): void } {
	const session = new Session(socket, deps, home);
	return {
		handle: async (event, payload) => {
			// The home node read the lease a moment ago: if it is ours, open the room (a take-over
			// may not have begun to); if it moved on, the client tries again, routed anew.
			const roomId = deps.cluster && (event === 'resume' || event === 'knock') && !session.participant && !session.knocking ? roomIdOf(payload) : undefined;
			if (roomId !== undefined && deps.cluster) {
				const owner = await deps.cluster.where(roomId, false).catch((err: unknown) => err);
				if (owner !== undefined) return { ok: false, error: toWireError(owner instanceof Error ? owner : new PlenumError('PLN_CLUSTER_UNAVAILABLE')) };
			}
			return new Promise((done) => void handle(session, event, payload, done, deps));
		},
		dropped: () => session.dropped(),
	};
}

const hasProducers = (data: unknown): boolean =>
	typeof data === 'object' && data !== null && 'producers' in data && Array.isArray(data.producers) && data.producers.length > 0;

/** Answers one request; resolves with the answer sent. */
async function handle(session: Session, event: string, payload: unknown, ack: AckFn, deps: GatewayDeps): Promise<Ack<unknown>> {
	const type = isRequestName(event) ? event : 'unknown';
	try {
		if (!withinLimits(session, event)) throw new PlenumError('PLN_RATE_LIMITED');
		if (!isRequestName(event)) throw new PlenumError('PLN_UNKNOWN_REQUEST');
		// Before the schema: its checks (and mediasoup's) recurse, and a deep payload would
		// overflow the stack.
		const shape = payloadShapeProblem(payload);
		if (shape) return reply(ack, invalid(`payload: ${shape}`), type, deps);
		const parsed = Requests[event].safeParse(payload ?? {});
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			return reply(ack, invalid(issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : ''), type, deps);
		}
		const handler = HANDLERS[event] as (s: Session, req: unknown) => Promise<unknown>;
		const data = await session.run(() => handler(session, parsed.data));
		return reply(ack, { ok: true, data }, type, deps);
	} catch (err) {
		// The participant by its random id (never a name); `type` is a request name or 'unknown'.
		const participantId = session.participant?.id;
		if (!(err instanceof PlenumError)) session.log.error({ err, request: type, participantId }, 'request failed');
		else if (err.cause) session.log.info({ code: err.code, request: type, participantId, err: err.cause }, 'request rejected');
		return reply(ack, { ok: false, error: toWireError(err) }, type, deps);
	}
}

function invalid(where: string): Ack<unknown> {
	const message = `${ERRORS.PLN_INVALID_MESSAGE.message} ${where.slice(0, MAX_ISSUE_CHARS)}`.trim();
	return { ok: false, error: { code: 'PLN_INVALID_MESSAGE', message } };
}

// `type` is a known request name or 'unknown', so the label stays bounded.
function reply(ack: AckFn, answer: Ack<unknown>, type: string, deps: GatewayDeps): Ack<unknown> {
	deps.metrics.signallingMessages.inc({ type, result: answer.ok ? 'ok' : 'error' });
	if (!answer.ok) deps.metrics.signallingErrors.inc({ code: answer.error.code });
	ack(answer);
	return answer;
}
