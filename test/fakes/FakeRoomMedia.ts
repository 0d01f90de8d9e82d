import type {
	ConsumerInfo, Json, MediaKind, MediaLoss, MediaSource, ProducerInfo, RoomMedia, RoomMediaEvents, TransportDirection, TransportInfo,
} from '../../sfu-workers/types.js';
import { PlenumError } from '../../server/shared/errors.js';
import { TypedEmitter } from '../../server/shared/TypedEmitter.js';

/** The whole RoomMedia interface in memory, for unit tests of rooms/ (no mediasoup). */
export class FakeRoomMedia extends TypedEmitter<RoomMediaEvents> implements RoomMedia {
	readonly workerIndex = 0;
	closed = false;
	readonly removed: string[] = [];
	#producers = new Map<string, ProducerInfo>();
	#next = 0;

	rtpCapabilities(): Json {
		return { codecs: [] };
	}
	addParticipant(): void {}
	setRtpCapabilities(): void {}
	async createTransport(_pid: string, _direction: TransportDirection): Promise<TransportInfo> {
		return { id: `t${this.#next++}`, iceParameters: {}, iceCandidates: [], dtlsParameters: {} };
	}
	async createPlainTransport(_pid: string, bridge: { ip: string; port: number }): Promise<{ id: string; ip: string; port: number }> {
		return { id: `t${this.#next++}`, ip: bridge.ip, port: 1 };
	}
	async connectTransport(): Promise<void> {}
	async restartIce(): Promise<Json> {
		return {};
	}
	async produce(participantId: string, req: { kind: MediaKind; source: MediaSource; paused: boolean }): Promise<ProducerInfo> {
		const info = { id: `p${this.#next++}`, participantId, kind: req.kind, source: req.source, paused: req.paused };
		this.#producers.set(info.id, info);
		return info;
	}
	async setProducerPaused(participantId: string, producerId: string, paused: boolean): Promise<ProducerInfo> {
		const p = this.#producers.get(producerId);
		if (!p || p.participantId !== participantId) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		p.paused = paused;
		return p;
	}
	closeProducer(participantId: string, producerId: string): void {
		const p = this.#producers.get(producerId);
		if (!p || p.participantId !== participantId) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		this.#producers.delete(producerId);
	}
	producers(): ProducerInfo[] {
		return [...this.#producers.values()];
	}
	async consume(_pid: string, producerId: string): Promise<ConsumerInfo> {
		const p = this.#producers.get(producerId);
		if (!p) throw new PlenumError('PLN_PRODUCER_NOT_FOUND');
		return { id: `c${this.#next++}`, producerId, kind: p.kind, rtpParameters: {}, type: 'simple', producerPaused: p.paused };
	}
	async setConsumerPaused(): Promise<void> {}
	async setPreferredLayers(): Promise<void> {}
	needsRebuild(): boolean {
		return false;
	}
	removeParticipant(participantId: string): void {
		this.removed.push(participantId);
		for (const [id, p] of this.#producers) if (p.participantId === participantId) this.#producers.delete(id);
	}
	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.#producers.clear();
		this.emit('closed', 'closed');
	}
	/** Test hook: a worker under the room died and took this much with it; the room goes on. */
	simulateWorkerLoss(loss: MediaLoss): void {
		this.emit('workerLost', loss);
	}
	/** Test hook: behave as if the worker process died and no other could take the room. */
	simulateWorkerDeath(): void {
		this.closed = true;
		this.emit('closed', 'workerDied');
	}
}
