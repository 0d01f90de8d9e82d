import { useEffect, useRef } from 'preact/hooks';
import { client, devices, rev } from '../state/store.js';

/** One hidden <audio> per received audio track, routed to the chosen speaker. */
export function AudioSinks() {
	rev.value;
	const tracks = client.value?.remoteTracks().filter((x) => x.kind === 'audio') ?? [];
	return <div hidden>{tracks.map((x) => <Sink key={x.consumerId} track={x.track} consumerId={x.consumerId} />)}</div>;
}

function Sink({ track, consumerId }: { track: MediaStreamTrack; consumerId: string }) {
	const el = useRef<HTMLAudioElement>(null);
	const speakerId = devices.value.speakerId;
	useEffect(() => {
		if (el.current) el.current.srcObject = new MediaStream([track]);
	}, [track]);
	useEffect(() => {
		const audio = el.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
		if (audio?.setSinkId && speakerId) void audio.setSinkId(speakerId).catch(() => undefined);
	}, [speakerId]);
	return <audio ref={el} autoPlay data-consumer-id={consumerId} />;
}
