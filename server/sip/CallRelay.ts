import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Cluster } from '../cluster/Cluster.js';
import type { Logger } from '../observability/log.js';
import { RoomIdSchema } from '../protocol/common.js';
import { PlenumError } from '../shared/errors.js';
import { asRoomId, type RoomId } from '../shared/ids.js';
import type { Room } from '../rooms/Room.js';
import type { ElsewhereTarget, PhoneCall, ResumeRef } from './PhoneCall.js';
import type { PhoneLeg } from './rtp/PhoneLeg.js';
import { newSealKey } from './rtp/RelaySeal.js';

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
	host(roomId: RoomId, leg: PhoneLeg, displayName: string, hangUp: () => void, resume?: ResumeRef): PhoneCall | undefined;
	/** The room open here, if this node owns it now (a relayed caller's room that came here). */
	localRoom(roomId: RoomId): Room | undefined;
	log: Logger;
}

/** The caller's node's side of one relayed call. */
interface OutCall {
	ref: string;
	/** The node hosting it; undefined while the call follows its room to a new owner. */
	node: string | undefined;
	roomId: RoomId;
	displayName: string;
	leg: PhoneLeg;
	resume: ResumeRef | undefined;
	ended(): void;
	/** The room came to this node: the caller joins it here, in its old place. */
	home(room: Room, resume: ResumeRef | undefined): void;
}

/** How long a relayed call waits for its room's new owner (a dead owner's lease expires in 5 s). */
const FOLLOW_MS = 15_000;
const FOLLOW_POLL_MS = 200;

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
const Resume = z.object({ participantId: z.string().max(64), token: z.string().max(64) }).strict();
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
	/** The caller's place in the room when it follows the room from a node that left. */
	resume: Resume.optional(),
}).strict();
/** A relay key (rtp/RelaySeal.ts): 32 bytes in base64, exactly. */
const SealKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/).transform((k) => Buffer.from(k, 'base64'));
const Hosted = z.object({ port: z.number().int().min(1).max(65535), key: SealKey, resume: Resume.optional() });
const CallEnd = z.object({ callRef: CallRef }).strict();
const CallDigit = z.object({ callRef: CallRef, digit: z.string().regex(/^[0-9*#A-D]$/) }).strict();

/**
 * Dial-in across nodes (issue 15, behaviour 3). A caller types the PIN on the node its trunk
 * reached (B); when the PIN's room is owned by another node (A), B asks A to host the call
 * (`phone.host`). A runs the PhoneCall (participant, prompts, audio link) on a leg of its
 * own whose far end is B's RTP port; B's leg forwards the caller's RTP to A and A's to the
 * caller, sealed between the nodes with a key A makes per call (rtp/RelaySeal.ts), and keeps
 * the SIP dialog. Either side ending tells the other (`phone.hangUp`
 * B → A, `phone.ended` A → B); a dead peer ends its calls. Only the masked name crosses nodes.
 * Owned by the SipBridge.
 */
export class CallRelay {
	readonly #d: CallRelayDeps;
	/** B side: calls another node hosts, by ref. */
	readonly #out = new Map<string, OutCall>();
	/** A side: calls hosted here for another node, by `node/ref`. */
	readonly #in = new Map<string, PhoneCall>();
	#closed = false;

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
			if (out?.node === from) this.#endOut(out);
		});
		c.onMessage('phone.moved', (data, from) => {
			const m = CallEnd.safeParse(data);
			const out = m.success ? this.#out.get(m.data.callRef) : undefined;
			if (out?.node === from) void this.#follow(out, from);
		});
		c.on('nodeDied', (id) => this.#nodeDied(id));
	}

	/**
	 * B side: if another node owns the room with the PIN (or the room named), has it host the call and turns `leg`
	 * into a forwarder to it. False when no open room has the PIN; rejects when the owner
	 * cannot be reached. When the host ends the call, `ended` runs; when the room moves (the
	 * host drains or dies), the call follows it, and `home` runs if the room comes here.
	 */
	async relayOut(target: ElsewhereTarget, leg: PhoneLeg, displayName: string, ended: () => void, home: OutCall['home']): Promise<RelayedCall | false> {
		const c = this.#d.cluster;
		const id = 'pin' in target ? await c.roomOf(target.pin) : target.roomId;
		if (!id) return false;
		const roomId = asRoomId(id);
		const owner = await c.owner(roomId);
		if (!owner || owner === c.nodeId) return false;
		const out: OutCall = { ref: '', node: undefined, roomId, displayName, leg, resume: undefined, ended, home };
		try {
			await this.#hostAt(out, owner);
		} catch (err) {
			if (err instanceof PlenumError && err.code === 'PLN_ROOM_NOT_FOUND') return false; // closed meanwhile
			throw err;
		}
		this.#d.log.info({ node: owner }, 'phone call relayed to the node of its room');
		return {
			end: () => {
				if (this.#out.get(out.ref) !== out) return;
				this.#out.delete(out.ref);
				if (out.node) c.send(out.node, 'phone.hangUp', { callRef: out.ref });
			},
			digit: (digit) => {
				if (out.node && this.#out.get(out.ref) === out) c.send(out.node, 'phone.digit', { callRef: out.ref, digit });
			},
		};
	}

	/** Asks `node` to host `out` (in its old place, if it had one) and points the leg there. */
	async #hostAt(out: OutCall, node: string): Promise<void> {
		const c = this.#d.cluster;
		const peer = c.live().find((n) => n.id === node);
		const p = out.leg.params;
		if (!peer || !p) throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
		const ref = randomBytes(9).toString('base64url');
		const ask = { callRef: ref, roomId: out.roomId, displayName: out.displayName, port: out.leg.port, codec: p.codec, dtmfPayloadType: p.dtmfPayloadType, send: p.send, receive: p.receive, resume: out.resume };
		const answer = Hosted.parse(await c.call(node, 'phone.host', ask));
		this.#out.delete(out.ref);
		out.ref = ref;
		out.node = node;
		out.resume = answer.resume;
		this.#out.set(ref, out);
		out.leg.relayTo({ address: peer.clusterAddress, port: answer.port, key: answer.key });
	}

	/**
	 * The room left node `from` (drained or died): wait for its new owner and host the call
	 * there, or join it here if the room came to this node. Ends the call if no owner shows up.
	 */
	async #follow(out: OutCall, from: string): Promise<void> {
		const c = this.#d.cluster;
		out.node = undefined;
		const deadline = Date.now() + FOLLOW_MS;
		while (Date.now() < deadline && !this.#closed && this.#out.get(out.ref) === out) {
			const owner = await c.owner(out.roomId).catch(() => undefined);
			const room = owner === c.nodeId ? this.#d.localRoom(out.roomId) : undefined;
			if (room) {
				this.#out.delete(out.ref);
				out.leg.relayTo(undefined);
				out.home(room, out.resume);
				this.#d.log.info('relayed phone call back on this node, where its room is now');
				return;
			}
			if (owner && owner !== from && owner !== c.nodeId) {
				try {
					await this.#hostAt(out, owner);
					this.#d.log.info({ node: owner }, 'relayed phone call followed its room to another node');
					return;
				} catch (err) {
					this.#d.log.debug({ err }, 'relayed phone call not yet hosted by the new owner');
				}
			}
			await new Promise((ok) => setTimeout(ok, FOLLOW_POLL_MS));
		}
		if (this.#out.get(out.ref) === out) this.#endOut(out);
	}

	/**
	 * A side: hosts a caller of node `from` in a room open here; answers with our leg's port and
	 * a new key for the RTP between the nodes (it crosses only the bus; a call that follows its
	 * room gets a new one from its new host).
	 */
	async #host(params: unknown, from: string): Promise<{ port: number; key: string; resume: ResumeRef | undefined }> {
		const m = HostCall.safeParse(params);
		if (!m.success) throw new PlenumError('PLN_INVALID_MESSAGE');
		const a = m.data;
		const peer = this.#d.cluster.live().find((n) => n.id === from);
		if (!peer) throw new PlenumError('PLN_CLUSTER_UNAVAILABLE');
		const key = `${from}/${a.callRef}`;
		if (this.#in.has(key)) throw new PlenumError('PLN_INVALID_MESSAGE');
		const leg = await this.#d.openLeg();
		const sealKey = newSealKey();
		leg.sealWith(sealKey);
		leg.configure({ remote: { address: peer.clusterAddress, port: a.port }, codec: a.codec, dtmfPayloadType: a.dtmfPayloadType, send: a.send, receive: a.receive });
		// Told once: 'ended' (hang up) or 'moved' (follow the room).
		let told = false;
		const tell = (what: 'phone.ended' | 'phone.moved') => {
			if (!told) this.#d.cluster.send(from, what, { callRef: a.callRef });
			told = true;
		};
		const hangUp = () => {
			tell('phone.ended');
			// No dialog here: the call's end is its termination (after the goodbye prompt, if any).
			queueMicrotask(() => call?.terminated());
		};
		const call = this.#d.host(asRoomId(a.roomId), leg, a.displayName, hangUp, a.resume);
		if (!call) {
			leg.close();
			throw new PlenumError('PLN_ROOM_NOT_FOUND');
		}
		this.#in.set(key, call);
		call.once('moved', () => {
			tell('phone.moved');
			call.detach();
		});
		call.once('ended', () => {
			this.#in.delete(key);
			leg.close();
			tell('phone.ended');
		});
		this.#d.log.info({ node: from }, 'hosting a phone call from another node');
		return { port: leg.port, key: sealKey.toString('base64'), resume: call.resumeRef };
	}

	#endOut(out: OutCall): void {
		this.#out.delete(out.ref);
		out.ended();
	}

	#nodeDied(id: string): void {
		for (const out of [...this.#out.values()]) if (out.node === id) void this.#follow(out, id);
		for (const [key, call] of [...this.#in]) if (key.startsWith(`${id}/`)) call.terminated();
	}

	/** Ends every call hosted here (the bridge closes). */
	close(): void {
		this.#closed = true;
		for (const call of [...this.#in.values()]) call.terminated();
		this.#out.clear();
	}
}
