import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Cluster } from '../cluster/Cluster.js';
import type { Logger } from '../observability/log.js';
import { RoomIdSchema } from '../protocol/common.js';
import { PlenumError } from '../shared/errors.js';
import { asRoomId, type RoomId } from '../shared/ids.js';
import type { PhoneCall } from './PhoneCall.js';
import type { PhoneLeg } from './rtp/PhoneLeg.js';

/** What the relay needs of the cluster (server/cluster/Cluster.ts). */
export type RelayCluster = Pick<Cluster, 'nodeId' | 'call' | 'serve' | 'send' | 'onMessage' | 'owner' | 'roomOf' | 'live' | 'on'>;

export interface CallRelayDeps {
	cluster: RelayCluster;
	/** A new RTP leg on this node (SIP_RTP_LISTEN_IP): the hosted call's, fed by the caller's node. */
	openLeg(): Promise<PhoneLeg>;
	/**
	 * Hosts a relayed caller in `roomId` here: a PhoneCall of the bridge's, ticked with the
	 * others, joined to the room; undefined when the room is not open here.
	 */
	host(roomId: RoomId, leg: PhoneLeg, displayName: string, hangUp: () => void): PhoneCall | undefined;
	log: Logger;
}

/** The caller's node's handle on a call another node hosts. */
export interface RelayedCall {
	/** The caller hung up (or the dialog ended): the host drops the call. */
	end(): void;
	/** A digit the caller sent by SIP INFO (RFC 4733 digits travel inside the relayed RTP). */
	digit(d: string): void;
}

const CallRef = z.string().regex(/^[A-Za-z0-9_-]{12}$/);
/** Only what a room may show of a caller (callerId.ts displayNameOf): `…1234`, or '' when withheld. */
const MaskedName = z.union([z.literal(''), z.string().regex(/^…\d{4}$/)]);
const Byte = z.number().int().min(0).max(127);
const HostCall = z.object({
	callRef: CallRef,
	roomId: RoomIdSchema,
	displayName: MaskedName,
	/** The caller's node's RTP port; its address is that node's CLUSTER_ADDRESS from the node table. */
	port: z.number().int().min(1).max(65535),
	codec: z.object({ name: z.enum(['PCMU', 'PCMA']), payloadType: Byte }),
	dtmfPayloadType: Byte.optional(),
	send: z.boolean(),
	receive: z.boolean(),
}).strict();
const Hosted = z.object({ port: z.number().int().min(1).max(65535) });
const CallEnd = z.object({ callRef: CallRef }).strict();
const CallDigit = z.object({ callRef: CallRef, digit: z.string().regex(/^[0-9*#A-D]$/) }).strict();

/**
 * Dial-in across nodes (issue 15, behaviour 3). A caller types the PIN on the node its trunk
 * reached (B); when the PIN's room is owned by another node (A), B asks A to host the call
 * (`phone.host`). A runs the PhoneCall (participant, prompts, audio link) on a leg of its
 * own whose far end is B's RTP port; B's leg forwards the caller's RTP to A and A's to the
 * caller unchanged, and keeps the SIP dialog. Either side ending tells the other (`phone.hangUp`
 * B → A, `phone.ended` A → B); a dead peer ends its calls. Only the masked name crosses nodes.
 * Owned by the SipBridge.
 */
export class CallRelay {
	readonly #d: CallRelayDeps;
	/** B side: calls another node hosts, by ref. */
	readonly #out = new Map<string, { node: string; ended: () => void }>();
	/** A side: calls hosted here for another node, by `node/ref`. */
	readonly #in = new Map<string, PhoneCall>();

	constructor(d: CallRelayDeps) {
		this.#d = d;
		const c = d.cluster;
		c.serve('phone.host', (params, from) => this.#host(params, from));
		c.onMessage('phone.hangUp', (data, from) => {
			const m = CallEnd.safeParse(data);
			if (m.success) this.#in.get(`${from}/${m.data.callRef}`)?.terminated();
		});
		c.onMessage('phone.digit', (data, from) => {
			const m = CallDigit.safeParse(data);
			const call = m.success ? this.#in.get(`${from}/${m.data.callRef}`) : undefined;
			if (m.success && call && !call.closed) call.digit(m.data.digit);
		});
		c.onMessage('phone.ended', (data, from) => {
			const m = CallEnd.safeParse(data);
			const out = m.success ? this.#out.get(m.data.callRef) : undefined;
			if (m.success && out?.node === from) this.#endOut(m.data.callRef);
		});
		c.on('nodeDied', (id) => this.#nodeDied(id));
	}

	/**
	 * B side: if another node owns the room with `pin`, has it host the call and turns `leg`
	 * into a forwarder to it. False when no open room has the PIN; rejects when the owner
	 * cannot be reached. `ended` runs once if the host ends the call (or dies).
	 */
	async relayOut(pin: string, leg: PhoneLeg, displayName: string, ended: () => void): Promise<RelayedCall | false> {
		const c = this.#d.cluster;
		const roomId = await c.roomOf(pin);
		if (!roomId) return false;
		const owner = await c.owner(roomId);
		if (!owner || owner === c.nodeId) return false;
		const peer = c.live().find((n) => n.id === owner);
		const p = leg.params;
		if (!peer || !p) throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
		const callRef = randomBytes(9).toString('base64url');
		const ask = { callRef, roomId, displayName, port: leg.port, codec: p.codec, dtmfPayloadType: p.dtmfPayloadType, send: p.send, receive: p.receive };
		let answer: unknown;
		try {
			answer = await c.call(owner, 'phone.host', ask);
		} catch (err) {
			if (err instanceof PlenumError && err.code === 'PLN_ROOM_NOT_FOUND') return false; // closed meanwhile
			throw err;
		}
		const { port } = Hosted.parse(answer);
		leg.relayTo({ address: peer.clusterAddress, port });
		this.#out.set(callRef, { node: owner, ended });
		this.#d.log.info({ node: owner }, 'phone call relayed to the node of its room');
		return {
			end: () => {
				if (this.#out.delete(callRef)) c.send(owner, 'phone.hangUp', { callRef });
			},
			digit: (digit) => {
				if (this.#out.has(callRef)) c.send(owner, 'phone.digit', { callRef, digit });
			},
		};
	}

	/** A side: hosts a caller of node `from` in a room open here; answers with our leg's port. */
	async #host(params: unknown, from: string): Promise<{ port: number }> {
		const m = HostCall.safeParse(params);
		if (!m.success) throw new PlenumError('PLN_INVALID_MESSAGE');
		const a = m.data;
		const peer = this.#d.cluster.live().find((n) => n.id === from);
		if (!peer) throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
		const key = `${from}/${a.callRef}`;
		if (this.#in.has(key)) throw new PlenumError('PLN_INVALID_MESSAGE');
		const leg = await this.#d.openLeg();
		leg.configure({ remote: { address: peer.clusterAddress, port: a.port }, codec: a.codec, dtmfPayloadType: a.dtmfPayloadType, send: a.send, receive: a.receive });
		let told = false;
		const hangUp = () => {
			if (!told) this.#d.cluster.send(from, 'phone.ended', { callRef: a.callRef });
			told = true;
			// No dialog here: the call's end is its termination (after the goodbye prompt, if any).
			queueMicrotask(() => call?.terminated());
		};
		const call = this.#d.host(asRoomId(a.roomId), leg, a.displayName, hangUp);
		if (!call) {
			leg.close();
			throw new PlenumError('PLN_ROOM_NOT_FOUND');
		}
		this.#in.set(key, call);
		call.once('ended', () => {
			this.#in.delete(key);
			leg.close();
			if (!told) this.#d.cluster.send(from, 'phone.ended', { callRef: a.callRef });
			told = true;
		});
		this.#d.log.info({ node: from }, 'hosting a phone call from another node');
		return { port: leg.port };
	}

	#endOut(callRef: string): void {
		const out = this.#out.get(callRef);
		this.#out.delete(callRef);
		out?.ended();
	}

	#nodeDied(id: string): void {
		for (const [ref, out] of [...this.#out]) if (out.node === id) this.#endOut(ref);
		for (const [key, call] of [...this.#in]) if (key.startsWith(`${id}/`)) call.terminated();
	}

	/** Ends every call hosted here (the bridge closes). */
	close(): void {
		for (const call of [...this.#in.values()]) call.terminated();
		this.#out.clear();
	}
}
