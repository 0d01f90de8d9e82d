import type { Publication, Subscription, SubscriptionOptions } from '../gen/Publication.js';

export type SystemName = 'plenum' | 'mediasoup' | 'janus';

/** A synthetic participant as a system adapter joined it. Owner: the scenario. */
export interface BenchParticipant {
	/** What it sends (one per kind asked for); the scenario feeds them RTP. */
	readonly publications: Publication[];
	/** Receives each of `pubs` (tracks of other participants) through one recv transport. */
	subscribe(pubs: Publication[], opts?: SubscriptionOptions): Promise<Subscription[]>;
	close(): Promise<void>;
}

export interface BenchRoom {
	/** Signalling connect, join, and (if `publish` is not empty) a connected send transport. */
	join(publish: Array<'audio' | 'video'>): Promise<BenchParticipant>;
	close(): Promise<void>;
}

/** One SFU under test, started and stopped by the bench, pinned to the SFU's CPU. */
export interface SystemUnderTest {
	readonly name: SystemName;
	start(): Promise<void>;
	/** Processes whose CPU and memory count as the SFU's (server + media workers). */
	pids(): number[];
	/** The Node process that controls the media workers (its CPU is reported on its own), if any. */
	controllerPid(): number | undefined;
	openRoom(): Promise<BenchRoom>;
	stop(): Promise<void>;
}
