import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';

/** A level bar for a microphone track (Web Audio analyser, local only). */
export function MicMeter({ track }: { track: MediaStreamTrack | undefined }) {
	const [level, setLevel] = useState(0);
	useEffect(() => {
		if (!track) return;
		const ctx = new AudioContext();
		const analyser = ctx.createAnalyser();
		analyser.fftSize = 512;
		ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
		const buf = new Uint8Array(analyser.fftSize);
		let frame = 0;
		const tick = () => {
			analyser.getByteTimeDomainData(buf);
			let peak = 0;
			for (const v of buf) peak = Math.max(peak, Math.abs(v - 128));
			setLevel(Math.min(100, Math.round((peak / 128) * 200)));
			frame = requestAnimationFrame(tick);
		};
		tick();
		return () => {
			cancelAnimationFrame(frame);
			void ctx.close();
		};
	}, [track]);
	return (
		<div class="meter" role="meter" aria-label={t('prejoin.micLevel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={level}>
			<div class="meter-fill" style={{ width: `${level}%` }} />
		</div>
	);
}
