import type { Device, types } from 'mediasoup-client';
import type { Socket } from 'socket.io-client';
import type { ClientErrorCode, ErrorCode } from '../../server/protocol/errorCodes.js';
import type { RequestInput, RequestName } from '../../server/protocol/requests.js';
import type { Ack, Responses } from '../../server/protocol/responses.js';
import type { Source } from './RoomClientTypes.js';

/** The signalling steps RoomClient is built from: one request and its ack, a transport, the lobby wait. */
const REQUEST_TIMEOUT_MS = 10_000;

/** An error the server answered with, or PLN_TIMEOUT / PLN_LOBBY_DENIED; `code` is from docs/errors.md. */
export class RequestError extends Error {
	constructor(readonly code: ErrorCode | ClientErrorCode, message: string) {
		super(message);
	}
}

export async function waitInLobby(socket: Socket, knock: { roomId: string; displayName: string; password?: string }, onLobby?: () => void): Promise<string> {
	const decision = new Promise<{ admitted: boolean; ticket?: string }>((ok) => socket.once('lobbyDecision', ok));
	await request(socket, 'knock', knock);
	onLobby?.();
	const { admitted, ticket } = await decision;
	if (!admitted || !ticket) {
		socket.disconnect();
		throw new RequestError('PLN_LOBBY_DENIED', 'A moderator did not let you in.');
	}
	return ticket;
}

export async function createTransport(socket: Socket, device: Device, direction: 'send' | 'recv'): Promise<types.Transport> {
	const t = await request(socket, 'createTransport', { direction });
	const opts = {
		id: t.id,
		iceParameters: t.iceParameters as types.IceParameters,
		iceCandidates: t.iceCandidates as types.IceCandidate[],
		dtlsParameters: t.dtlsParameters as types.DtlsParameters,
		// Only the operator's TURN server, if configured, with credentials minted for this
		// transport; never a public STUN server (invariant 3).
		iceServers: t.iceServers,
	};
	const transport = direction === 'send' ? device.createSendTransport(opts) : device.createRecvTransport(opts);
	transport.on('connect', ({ dtlsParameters }, ok, fail) => {
		request(socket, 'connectTransport', { transportId: transport.id, dtlsParameters }).then(() => ok(), fail);
	});
	transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
		const { source, paused } = appData as { source: Source; paused: boolean };
		request(socket, 'produce', { transportId: transport.id, kind, source, rtpParameters, paused })
			.then(({ producerId }) => ok({ id: producerId }), fail);
	});
	return transport;
}

/** One request, one ack; rejects with RequestError carrying the server's code. */
export function request<N extends RequestName>(socket: Socket, name: N, payload: RequestInput<N>): Promise<Responses[N]> {
	return new Promise((ok, fail) => {
		socket.timeout(REQUEST_TIMEOUT_MS).emit(name, payload, (err: Error | null, ack: Ack<Responses[N]>) => {
			if (err) return fail(new RequestError('PLN_TIMEOUT', `${name} timed out`));
			if (ack.ok) ok(ack.data);
			else fail(new RequestError(ack.error.code, ack.error.message));
		});
	});
}
