import { TypedEmitter } from '../../server/shared/TypedEmitter.js';
import type { CallLeg } from '../../server/sip/PhoneCallTypes.js';
import { JitterBuffer } from '../../server/sip/rtp/JitterBuffer.js';
import type { PhoneLegEvents, PhoneLegParams } from '../../server/sip/rtp/PhoneLeg.js';

/** The whole CallLeg in memory (and PhoneLeg's configure/close): no socket; frames in and out are arrays. */
export class FakePhoneLeg extends TypedEmitter<PhoneLegEvents> implements CallLeg {
	readonly port = 4000;
	readonly jitter = new JitterBuffer(2);
	lastPacketAt = performance.now();
	sent = 0;
	closed = false;
	/** What the call sent to the phone, one 20 ms frame each. */
	readonly frames: Int16Array[] = [];
	/** What the phone "says" next: nextFrame() hands these out in order. */
	readonly voice: Int16Array[] = [];
	#params: PhoneLegParams | undefined = {
		remote: { address: '192.0.2.5', port: 4000 }, codec: { name: 'PCMU', payloadType: 0 }, dtmfPayloadType: 101, send: true, receive: true,
	};

	configure(params: PhoneLegParams): void {
		this.#params = params;
	}

	get params(): PhoneLegParams | undefined {
		return this.#params;
	}

	nextFrame(): Int16Array | undefined {
		return this.voice.shift();
	}

	send(pcm: Int16Array): void {
		if (this.closed) return;
		this.sent++;
		this.frames.push(pcm);
	}

	close(): void {
		this.closed = true;
		this.#params = undefined;
	}

	/** Test hook: the phone pressed a key (RFC 4733). */
	press(digits: string): void {
		for (const d of digits) this.safeEmit('dtmf', d);
	}
}
