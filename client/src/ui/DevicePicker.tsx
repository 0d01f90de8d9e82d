import { useEffect, useState } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';

type Kind = 'videoinput' | 'audioinput' | 'audiooutput';
const LABELS: Record<Kind, MessageKey> = { videoinput: 'prejoin.camera', audioinput: 'prejoin.microphone', audiooutput: 'prejoin.speaker' };

/** A select of the devices of one kind; re-reads the list when devices come and go. */
export function DevicePicker({ kind, value, onChange }: { kind: Kind; value: string | undefined; onChange: (id: string) => void }) {
	const [list, setList] = useState<MediaDeviceInfo[]>([]);
	useEffect(() => {
		const read = () => navigator.mediaDevices.enumerateDevices().then((d) => setList(d.filter((x) => x.kind === kind)));
		void read();
		navigator.mediaDevices.addEventListener('devicechange', read);
		return () => navigator.mediaDevices.removeEventListener('devicechange', read);
	}, [kind]);
	if (kind === 'audiooutput' && !('setSinkId' in HTMLMediaElement.prototype)) return null;
	const id = `device-${kind}`;
	return (
		<div class="field">
			<label for={id}>{t(LABELS[kind])}</label>
			<select id={id} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
				<option value="">{t('prejoin.default')}</option>
				{list.filter((d) => d.deviceId && d.deviceId !== 'default').map((d, i) => (
					<option key={d.deviceId} value={d.deviceId}>{d.label || `${t(LABELS[kind])} ${i + 1}`}</option>
				))}
			</select>
		</div>
	);
}
