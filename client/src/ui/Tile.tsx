import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { peerLabel, peerName } from '../state/peerName.js';
import { quality } from '../state/quality.js';
import { activeSpeaker, client, pinned, type PeerView } from '../state/store.js';
import { Icon } from './icons.js';

/** Picks the simulcast layer a tile of this width needs (camera layers: ¼, ½, full). */
export function layerForWidth(px: number): 0 | 1 | 2 {
	if (px >= 640) return 2;
	if (px >= 320) return 1;
	return 0;
}

/** One video tile: camera or screen of one participant, with name and state badges. */
export function Tile({ peer, source, large }: { peer: PeerView; source: 'camera' | 'screen'; large?: boolean }) {
	const media = source === 'screen' ? peer.screen : peer.camera;
	const video = useRef<HTMLVideoElement>(null);
	const box = useRef<HTMLElement>(null);
	const key = `${peer.id}:${source}`;
	const label = peerLabel(peer);

	useEffect(() => {
		if (video.current) video.current.srcObject = media ? new MediaStream([media.track]) : null;
	}, [media?.track]);

	// Ask the SFU for the layer this tile's size needs: small tiles cost less to receive.
	useEffect(() => {
		const consumerId = media?.consumerId;
		const el = box.current;
		if (!consumerId || !el || source !== 'camera') return;
		let current = -1;
		const observer = new ResizeObserver(([entry]) => {
			const layer = layerForWidth((entry?.contentRect.width ?? 0) * devicePixelRatio);
			if (layer === current) return;
			current = layer;
			void client.value?.setPreferredLayers(consumerId, layer).catch(() => undefined);
		});
		observer.observe(el);
		return () => observer.disconnect();
	}, [media?.consumerId]);

	const speaking = activeSpeaker.value === peer.id && source === 'camera';
	return (
		<figure ref={box} class={`tile${speaking ? ' speaking' : ''}${large ? ' large' : ''}`} data-key={key} data-consumer-id={media?.consumerId}>
			{media ? <video ref={video} autoPlay playsInline muted aria-label={label} /> : <Avatar peer={peer} />}
			<figcaption class="name">
				{peer.kind === 'phone' && <span class="badge" title={t('meeting.phone')}><Icon name="phone" /></span> /* the name says "Phone …" for screen readers */}
				<span class="label">{source === 'screen' ? t('meeting.screenOf', { name: peerName(peer) }) : label}</span>
				{source === 'camera' && peer.micMuted && <span class="badge muted" title={t('meeting.muted')}><Icon name="micOff" /><span class="visually-hidden">{t('meeting.muted')}</span></span>}
				{source === 'camera' && peer.handRaisedAt !== null && <span class="badge hand" title={t('meeting.handRaised')}><Icon name="hand" /><span class="visually-hidden">{t('meeting.handRaised')}</span></span>}
				{speaking && <span class="visually-hidden">{t('meeting.speaking')}</span>}
				{media?.consumerId && quality.value[media.consumerId] && <QualityBars level={quality.value[media.consumerId] ?? 'good'} />}
			</figcaption>
			<div class="tile-actions">
				<button type="button" class="icon-button" aria-pressed={pinned.value === key} aria-label={`${pinned.value === key ? t('meeting.unpin') : t('meeting.pin')}: ${label}`}
					onClick={() => { pinned.value = pinned.value === key ? undefined : key; }}><Icon name="pin" /></button>
				<button type="button" class="icon-button" aria-label={`${t('meeting.fullscreen')}: ${label}`} onClick={() => void box.current?.requestFullscreen?.()}><Icon name="full" /></button>
			</div>
		</figure>
	);
}

/** Shown instead of video: the first letter of the name, or a phone for dial-in callers (who send no video). */
function Avatar({ peer }: { peer: PeerView }) {
	if (peer.kind === 'phone') return <div class="avatar phone" aria-hidden="true"><Icon name="phone" /></div>;
	return <div class="avatar" aria-hidden="true">{peer.displayName.slice(0, 1).toUpperCase()}</div>;
}

const BARS = { good: 3, fair: 2, poor: 1 } as const;

/** Three bars, like a phone's signal: how well this tile's video arrives. */
function QualityBars({ level }: { level: 'good' | 'fair' | 'poor' }) {
	const label = t(`quality.${level}`);
	return (
		<span class={`quality ${level}`} role="img" aria-label={label} title={label} data-quality={level}>
			{[1, 2, 3].map((n) => <i key={n} class={n <= BARS[level] ? 'on' : ''} style={{ height: `${n * 4}px` }} />)}
		</span>
	);
}
