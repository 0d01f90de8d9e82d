import type { RemoteTrack } from './RoomClient.js';

/**
 * The video grid: one tile per participant (camera), one per screen share, plus hidden audio
 * elements. DOM only; fed by RoomClient events through main.ts.
 */
export class Grid {
	readonly #root: HTMLElement;
	readonly #tiles = new Map<string, HTMLElement>();
	readonly #media = new Map<string, HTMLMediaElement>();

	constructor(root: HTMLElement) {
		this.#root = root;
	}

	/** The tile for a participant's source ("<participantId>:camera" or ":screen"). */
	tile(key: string, label: string): HTMLElement {
		let tile = this.#tiles.get(key);
		if (!tile) {
			tile = document.createElement('figure');
			tile.className = 'tile';
			tile.dataset.key = key;
			const video = document.createElement('video');
			video.autoplay = true;
			video.playsInline = true;
			video.muted = true; // audio plays through its own element
			const name = document.createElement('figcaption');
			name.className = 'name';
			tile.append(video, name);
			this.#root.append(tile);
			this.#tiles.set(key, tile);
		}
		// textContent, never innerHTML: names come from other participants.
		(tile.querySelector('.name') as HTMLElement).textContent = label;
		return tile;
	}

	showLocal(key: string, label: string, stream: MediaStream | null): void {
		const video = this.tile(key, label).querySelector('video') as HTMLVideoElement;
		video.srcObject = stream;
	}

	addRemote(t: RemoteTrack, label: string): void {
		if (t.kind === 'audio') {
			const audio = document.createElement('audio');
			audio.autoplay = true;
			audio.srcObject = new MediaStream([t.track]);
			audio.dataset.consumerId = t.consumerId;
			this.#root.append(audio);
			this.#media.set(t.consumerId, audio);
			return;
		}
		const key = `${t.participantId}:${t.source === 'screen' ? 'screen' : 'camera'}`;
		const video = this.tile(key, t.source === 'screen' ? `${label} (screen)` : label).querySelector('video') as HTMLVideoElement;
		video.srcObject = new MediaStream([t.track]);
		video.dataset.consumerId = t.consumerId;
		this.#media.set(t.consumerId, video);
	}

	removeRemote(consumerId: string): void {
		const el = this.#media.get(consumerId);
		this.#media.delete(consumerId);
		if (!el) return;
		el.srcObject = null;
		if (el instanceof HTMLAudioElement) el.remove();
		else el.closest('.tile')?.classList.contains('tile') && this.#dropTileIfEmpty(el);
	}

	#dropTileIfEmpty(video: HTMLMediaElement): void {
		const tile = video.closest('.tile') as HTMLElement;
		const key = tile.dataset.key ?? '';
		if (key.endsWith(':screen')) {
			tile.remove();
			this.#tiles.delete(key);
		}
	}

	removeParticipant(participantId: string): void {
		for (const [key, tile] of this.#tiles) {
			if (key.startsWith(`${participantId}:`)) {
				tile.remove();
				this.#tiles.delete(key);
			}
		}
	}

	setSpeaking(participantId: string): void {
		for (const [key, tile] of this.#tiles) tile.classList.toggle('speaking', key === `${participantId}:camera`);
	}

	clear(): void {
		this.#root.replaceChildren();
		this.#tiles.clear();
		this.#media.clear();
	}
}
