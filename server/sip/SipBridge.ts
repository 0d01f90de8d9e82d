import { randomBytes } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { type Invitation, Registerer, SessionState, UserAgent } from 'sip.js';
import type { Logger } from '../observability/log.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { RoomIdSchema } from '../protocol/common.js';
import { type ErrorCode, PlenumError } from '../shared/errors.js';
import { asRoomId, type RoomId } from '../shared/ids.js';
import { CallRelay, type RelayCluster, type RelayedCall } from './CallRelay.js';
import { callerLabel, displayNameOf, WITHHELD_CALLER_KEY } from './callerId.js';
import { RoomAudioLink } from './media/RoomAudioLink.js';
import { type CallResult, PhoneCall, type ResumeRef } from './PhoneCall.js';
import { ipFamilyOf, PhoneSdh, type RtpSettings } from './PhoneSdh.js';
import { type PinBudget, PinGuard, type PinGuesser } from './PinGuard.js';
import { type PromptLanguage, PromptPlayer, Prompts } from './Prompts.js';
import { digitOfInfo } from './rtp/dtmfEvents.js';
import { PhoneLeg } from './rtp/PhoneLeg.js';
import { readOffer } from './sdpOffer.js';
import { createSipMetrics, type SipMetrics } from './sipMetrics.js';
import { SipJsTransport } from './transport/SipJsTransport.js';
import { type SipProtocol, SipListener } from './transport/SipListener.js';

export interface SipSettings {
	protocol: SipProtocol;
	listenIp: string;
	port: number;
	/** Host (and port) put in Via and Contact. */
	announcedHost: string;
	tls: { certFile: string; keyFile: string } | undefined;
	/** Addresses or CIDR ranges whose INVITEs are accepted (trunks, SBCs). */
	trunkAllow: string[];
	/** Register mode: the provider's registrar and credentials (digest). */
	register: { registrar: string; aor: string; username: string; password: string } | undefined;
	/** A header the operator's SBC sets to the room id, so callers skip the PIN. */
	roomHeader: string | undefined;
	rtp: RtpSettings;
	rtpTimeoutMs: number;
	language: PromptLanguage;
	maxCalls: number;
	/** Wrong PINs in any 60 s, per caller, per trunk address and for the bridge (docs/sip.md). */
	pinBudget: PinBudget;
}

/** SIP status for a refused INVITE, by the code we log and put in its Warning header. */
const REFUSAL_STATUS: Partial<Record<ErrorCode, number>> = {
	PLN_SIP_BAD_SDP: 488,
	PLN_SIP_NO_AUDIO: 488,
	PLN_SIP_NO_CODEC: 488,
	PLN_SIP_BAD_ROOM_HEADER: 400,
};

/** RFC 3261 §20.43: 399 is a miscellaneous warning; the text is our code, nothing of the call. */
const warningHeader = (code: ErrorCode) => `Warning: 399 plenum "${code}"`;

const TICK_MS = 20;
const MAX_CATCH_UP_TICKS = 3;

/**
 * The SIP dial-in: one sip.js UserAgent on our UDP/TCP/TLS listener, answering INVITEs from
 * allow-listed trunks; each call is a PhoneCall, ticked every 20 ms by one shared clock.
 */
export class SipBridge {
	readonly #listener: SipListener;
	readonly #ua: UserAgent;
	readonly #registerer: Registerer | undefined;
	readonly #calls = new Set<PhoneCall>();
	/** Calls hosted here for another node's caller (CallRelay); ticked, counted there. */
	readonly #hosted = new Set<PhoneCall>();
	readonly #relay: CallRelay | undefined;
	readonly #allow = new BlockList();
	readonly #guard: PinGuard;
	readonly #prompts: Prompts;
	readonly #metrics: SipMetrics;
	readonly #s: SipSettings;
	readonly #rooms: RoomRegistry;
	readonly #log: Logger;
	readonly #clock: NodeJS.Timeout;
	#ticks = 0;
	#closed = false;
	readonly #start = performance.now();

	private constructor(listener: SipListener, s: SipSettings, rooms: RoomRegistry, registry: Registry, log: Logger, cluster: RelayCluster | undefined) {
		this.#listener = listener;
		this.#s = s;
		this.#rooms = rooms;
		this.#log = log;
		this.#prompts = new Prompts(s.language);
		this.#guard = new PinGuard(s.pinBudget);
		this.#metrics = createSipMetrics(registry, () => this.#calls.size);
		for (const entry of s.trunkAllow) {
			const [addr, bits] = entry.split('/');
			const type = isIPv6(addr ?? '') ? 'ipv6' : 'ipv4';
			if (bits) this.#allow.addSubnet(addr ?? '', Number(bits), type);
			else this.#allow.addAddress(addr ?? '', type);
		}
		const host = `${s.announcedHost}:${listener.port}`;
		this.#ua = new UserAgent({
			// Register mode: we are the provider's address of record; else a name of our own.
			uri: UserAgent.makeURI(s.register?.aor ?? `sip:plenum@${host}`),
			transportConstructor: SipJsTransport,
			transportOptions: { listener },
			// sip.js drops responses whose Via has a port, so Via carries the host only (with rport,
			// peers answer to the port we sent from); Contact gets our port below.
			viaHost: s.announcedHost,
			contactName: 'plenum',
			contactParams: { transport: s.protocol },
			forceRport: true,
			userAgentString: 'Plenum',
			authorizationUsername: s.register?.username,
			authorizationPassword: s.register?.password,
			sessionDescriptionHandlerFactory: () => new PhoneSdh(s.rtp),
			logBuiltinEnabled: false,
			logLevel: 'warn',
			// sip.js logs whole messages; they are scrubbed at the socket, and masked again here.
			logConnector: (level, category, _label, content) => {
				if (level === 'error' || level === 'warn') log.warn({ category, detail: content }, 'sip.js reported a problem'); // the logger scrubs and cuts it
			},
			delegate: { onInvite: (inv) => this.#onInvite(inv) },
		});
		this.#ua.contact.uri.port = listener.port;
		if (s.register) {
			const target = UserAgent.makeURI(s.register.aor);
			this.#registerer = target ? new Registerer(this.#ua, { registrar: UserAgent.makeURI(s.register.registrar), expires: 600 }) : undefined;
		}
		this.#clock = setInterval(() => this.#tick(), TICK_MS);
		this.#relay = cluster && new CallRelay({
			cluster, log,
			openLeg: () => PhoneLeg.open(s.rtp.listenIp, s.rtp.portMin, s.rtp.portMax),
			host: (roomId, leg, displayName, hangUp, resume) => this.#host(roomId, leg, displayName, hangUp, resume),
			localRoom: (roomId) => this.#rooms.get(roomId),
		});
	}

	/** `cluster` in cluster mode: callers whose PIN is another node's room are relayed there (CallRelay). */
	static async start(s: SipSettings, rooms: RoomRegistry, registry: Registry, log: Logger, cluster?: RelayCluster): Promise<SipBridge> {
		const tls = s.tls ? { cert: readFileSync(s.tls.certFile), key: readFileSync(s.tls.keyFile) } : undefined;
		const listener = await SipListener.listen({ protocol: s.protocol, host: s.listenIp, port: s.port, tls });
		const bridge = new SipBridge(listener, s, rooms, registry, log, cluster);
		await bridge.#ua.start();
		await bridge.#registerer?.register();
		log.info({ protocol: s.protocol, port: listener.port, mode: s.register ? 'register' : 'trunk' }, 'SIP dial-in listening');
		return bridge;
	}

	get port(): number {
		return this.#listener.port;
	}

	get activeCalls(): number {
		return this.#calls.size;
	}

	#onInvite(inv: Invitation): void {
		const callId = inv.request.callId;
		const source = this.#listener.sourceOf(callId);
		const family = source && isIPv6(source.address) ? 'ipv6' : 'ipv4';
		if (!source || !this.#allow.check(source.address, family)) {
			this.#log.info('SIP INVITE from an address not allowed: rejected');
			this.#metrics.callEnded('rejected');
			this.#listener.forget(callId);
			void inv.reject({ statusCode: 403 }).catch(() => {});
			return;
		}
		if (this.#calls.size >= this.#s.maxCalls) {
			this.#metrics.callEnded('rejected');
			this.#listener.forget(callId);
			void inv.reject({ statusCode: 503 }).catch(() => {});
			return;
		}
		const checked = this.#checkInvite(inv);
		if (checked instanceof PlenumError) {
			this.#refuse(inv, checked.code);
			return;
		}
		this.#listener.pin(callId);
		const guesser: PinGuesser = { caller: this.#listener.takeCallerKey(callId) ?? WITHHELD_CALLER_KEY, trunk: source.address };
		const pai = inv.request.getHeader('P-Asserted-Identity');
		const user = (pai ? /sips?:([^@;>]+)|tel:([^;>]+)/i.exec(pai)?.slice(1).find(Boolean) : undefined) ?? inv.request.from.uri.user;
		const privacy = /\bid\b/i.test(inv.request.getHeader('Privacy') ?? '');
		const label = privacy ? ({ withheld: true } as const) : callerLabel(user);
		void this.#answer(inv, displayNameOf(label), guesser, checked.roomId);
	}

	/**
	 * What an INVITE must pass before we answer: the operator's room header through the room-id
	 * schema, and the SDP offer (if any) through the offer schema, so bad input is refused with
	 * its code instead of failing later. The room header is trusted from allow-listed trunks only.
	 */
	#checkInvite(inv: Invitation): { roomId: RoomId | undefined } | PlenumError {
		const header = this.#s.roomHeader ? inv.request.getHeader(this.#s.roomHeader) : undefined;
		let roomId: RoomId | undefined;
		if (header !== undefined) {
			const parsed = RoomIdSchema.safeParse(header.trim());
			if (!parsed.success) return new PlenumError('PLN_SIP_BAD_ROOM_HEADER');
			roomId = asRoomId(parsed.data);
		}
		const body = inv.request.body;
		if (body && /^application\/sdp\b/i.test(inv.request.getHeader('Content-Type') ?? '')) {
			try {
				readOffer(body, ipFamilyOf(this.#s.rtp.listenIp));
			} catch (err) {
				return err instanceof PlenumError ? err : new PlenumError('PLN_SIP_BAD_SDP', { cause: err });
			}
		}
		return { roomId };
	}

	#refuse(inv: Invitation, code: ErrorCode): void {
		this.#log.info({ code }, 'SIP INVITE refused');
		this.#metrics.callEnded('rejected');
		this.#listener.forget(inv.request.callId);
		void inv.reject({ statusCode: REFUSAL_STATUS[code] ?? 488, extraHeaders: [warningHeader(code)] }).catch(() => {});
	}

	async #answer(inv: Invitation, displayName: string, guesser: PinGuesser, roomId: RoomId | undefined): Promise<void> {
		const callId = inv.request.callId;
		// The call's lines carry a random id of ours: the SIP Call-ID is the caller's and may hold its address.
		const log = this.#log.child({ callId: randomBytes(9).toString('base64url') });
		try {
			await inv.accept();
		} catch (err) {
			log.info({ err }, 'SIP call could not be answered');
			this.#metrics.callEnded('failed');
			this.#listener.forget(callId);
			return;
		}
		const sdh = inv.sessionDescriptionHandler;
		if (!(sdh instanceof PhoneSdh)) return;
		const leg = await sdh.leg();
		const relay = this.#relay;
		let relayed: RelayedCall | undefined;
		const call: PhoneCall = new PhoneCall({
			leg,
			openLink: (room, participant) => RoomAudioLink.open(room, participant),
			prompts: this.#prompts,
			player: new PromptPlayer(),
			roomByPin: (pin) => this.#rooms.byPin(pin),
			elsewhere: relay && (async (target) => {
				const home = (room: Room, resume: ResumeRef | undefined) => {
					relayed = undefined; // the room came here: digits go to the call itself again
					if (!call.closed) call.joinDirect(room, resume);
				};
				const r = await relay.relayOut(target, leg, displayName, () => call.remoteEnded(), home);
				if (!r) return false;
				if (call.closed) r.end(); // the caller hung up while the other node answered
				else relayed = r;
				return true;
			}),
			mayTryPin: () => {
				const spent = this.#guard.refusal(guesser);
				if (spent) {
					this.#metrics.pinRejected('rate_limited');
					log.info({ budget: spent }, 'phone caller may not try a PIN now');
				}
				return spent === undefined;
			},
			pinFailed: () => {
				this.#guard.failed(guesser);
				this.#metrics.pinRejected('wrong');
			},
			hangUp: () => {
				if (inv.state === SessionState.Established) void inv.bye().catch(() => {});
			},
			displayName,
			rtpTimeoutMs: this.#s.rtpTimeoutMs,
			log,
		});
		this.#calls.add(call);
		call.once('ended', (result: CallResult) => {
			this.#calls.delete(call);
			relayed?.end();
			this.#listener.forget(callId);
			const j = leg.jitter;
			this.#metrics.callEnded(result, { received: j.received, lost: j.lost, jitterSeconds: j.jitter / 8000 });
			log.info({ result, participantId: call.participantId }, 'phone call ended');
		});
		inv.delegate = {
			onInfo: (info) => {
				const digit = digitOfInfo(info.request.getHeader('Content-Type'), info.request.body);
				void info.accept().catch(() => {});
				if (digit && relayed) relayed.digit(digit);
				else if (digit && !call.closed) call.digit(digit);
			},
		};
		inv.stateChange.addListener((state) => {
			if (state === SessionState.Terminated) call.terminated();
		});
		if (inv.state === SessionState.Terminated) call.terminated();
		const direct = roomId ? this.#rooms.get(roomId) : undefined;
		if (direct) call.joinDirect(direct);
		else if (roomId) call.joinElsewhere(roomId);
		log.info('phone call answered');
	}

	/** A caller of another node, in `roomId` here (CallRelay); its leg is fed by that node. */
	#host(roomId: RoomId, leg: PhoneLeg, displayName: string, hangUp: () => void, resume?: ResumeRef): PhoneCall | undefined {
		const room = this.#rooms.get(roomId);
		if (!room || this.#closed) return undefined;
		const player = new PromptPlayer();
		const log = this.#log.child({ callId: randomBytes(9).toString('base64url') });
		const call = new PhoneCall({
			leg, player, displayName, hangUp, log,
			openLink: (r, participant) => RoomAudioLink.open(r, participant),
			prompts: this.#prompts,
			roomByPin: () => undefined,
			mayTryPin: () => false,
			pinFailed: () => {},
			rtpTimeoutMs: this.#s.rtpTimeoutMs,
		});
		player.play([]); // the caller heard the welcome on its own node
		this.#hosted.add(call);
		call.once('ended', (result: CallResult) => {
			this.#hosted.delete(call);
			log.info({ result, participantId: call.participantId }, 'hosted phone call ended');
		});
		call.joinDirect(room, resume);
		return call;
	}

	#tick(): void {
		const due = Math.floor((performance.now() - this.#start) / TICK_MS) - this.#ticks;
		const n = Math.min(due, MAX_CATCH_UP_TICKS);
		this.#ticks += due; // drop what we cannot catch up rather than play it late
		for (let i = 0; i < n; i++) {
			for (const c of [...this.#calls, ...this.#hosted]) {
				if (c.closed) continue;
				try {
					c.tick();
				} catch (err) {
					this.#log.error({ err, participantId: c.participantId }, 'phone call tick failed');
				}
			}
		}
	}

	/** Ends every call and stops listening; idempotent. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#clock);
		for (const c of [...this.#calls]) c.terminated();
		this.#relay?.close();
		await this.#registerer?.unregister().catch(() => {});
		await this.#ua.stop().catch(() => {});
		this.#listener.close();
	}
}

