import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../server/protocol/limits.js';
import { lang, t } from '../i18n/i18n.js';
import { audioConstraints, join, videoConstraints } from '../state/actions.js';
import { rememberName, rememberedName } from '../state/consent.js';
import { devices, displayName, errorCode, errorText, phase } from '../state/store.js';
import { DevicePicker } from './DevicePicker.js';
import { MicMeter } from './MicMeter.js';

type Problem = 'denied' | 'none' | { message: string } | undefined;

/** Name, preview, mic level, devices, "join muted / camera off", then join. */
export function PreJoin({ roomId }: { roomId: string }) {
	// After a failed join (wrong password, lobby denied) the form comes back with the same name.
	const [name, setName] = useState(() => displayName.value || rememberedName());
	const [remember, setRemember] = useState(rememberedName() !== '');
	const [muted, setMuted] = useState(false);
	const [camOff, setCamOff] = useState(false);
	const [preview, setPreview] = useState<MediaStream | undefined>();
	const [problem, setProblem] = useState<Problem>();
	const [copied, setCopied] = useState(false);
	const [password, setPassword] = useState('');
	const needsPassword = errorCode.value === 'PLN_PASSWORD_REQUIRED' || errorCode.value === 'PLN_WRONG_PASSWORD';
	const video = useRef<HTMLVideoElement>(null);
	const link = `${location.origin}/r/${roomId}`;

	const joining = phase.value === 'joining';
	useEffect(() => {
		// While joining the meeting opens its own tracks: no second capture for the preview.
		if (joining) return;
		let stream: MediaStream | undefined;
		let cancelled = false;
		navigator.mediaDevices.getUserMedia({ audio: audioConstraints(), video: camOff ? false : videoConstraints() }).then(
			(s) => {
				if (cancelled) return s.getTracks().forEach((x) => x.stop());
				stream = s;
				setPreview(s);
				setProblem(undefined);
			},
			(err: Error) => setProblem(err.name === 'NotAllowedError' ? 'denied' : err.name === 'NotFoundError' ? 'none' : { message: err.message }),
		);
		return () => {
			cancelled = true;
			stream?.getTracks().forEach((x) => x.stop());
		};
	}, [devices.value.cameraId, devices.value.micId, camOff, joining]);

	useEffect(() => {
		if (video.current) video.current.srcObject = preview ?? null;
	}, [preview]);

	const submit = (e: Event) => {
		e.preventDefault();
		const trimmed = name.trim();
		if (!trimmed) return;
		rememberName(trimmed, remember);
		preview?.getTracks().forEach((x) => x.stop()); // the meeting opens its own tracks
		void join({ roomId, name: trimmed, muted, cameraOff: camOff, ...(password ? { password } : {}) });
	};
	const copy = async () => {
		await navigator.clipboard.writeText(link).catch(() => undefined);
		setCopied(true);
	};

	return (
		<main class="prejoin">
			<h1>{t('prejoin.title')}</h1>
			<div class="prejoin-body">
				<div class="preview">
					{preview && !camOff ? <video ref={video} autoPlay muted playsInline aria-label={t('prejoin.camera')} /> : <div class="no-video">{t('prejoin.noPreview')}</div>}
					<MicMeter track={preview?.getAudioTracks()[0]} />
				</div>
				<form id="prejoin-form" onSubmit={submit}>
					<div class="field">
						<label for="prejoin-name">{t('prejoin.name')}</label>
						<input id="prejoin-name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={LIMITS.DISPLAY_NAME_MAX} required autoComplete="off" autoFocus />
					</div>
					{needsPassword && (
						<div class="field">
							<label for="prejoin-password">{t('prejoin.password')}</label>
							<input id="prejoin-password" type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} maxLength={LIMITS.PASSWORD_MAX} autoComplete="off" required />
						</div>
					)}
					<label class="check"><input type="checkbox" id="remember-name" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} /> {t('prejoin.rememberName')}</label>
					<DevicePicker kind="videoinput" value={devices.value.cameraId} onChange={(id) => { devices.value = { ...devices.value, cameraId: id || undefined }; }} />
					<DevicePicker kind="audioinput" value={devices.value.micId} onChange={(id) => { devices.value = { ...devices.value, micId: id || undefined }; }} />
					<DevicePicker kind="audiooutput" value={devices.value.speakerId} onChange={(id) => { devices.value = { ...devices.value, speakerId: id || undefined }; }} />
					<label class="check"><input type="checkbox" id="join-muted" checked={muted} onChange={(e) => setMuted(e.currentTarget.checked)} /> {t('prejoin.joinMuted')}</label>
					<label class="check"><input type="checkbox" id="join-cam-off" checked={camOff} onChange={(e) => setCamOff(e.currentTarget.checked)} /> {t('prejoin.joinCamOff')}</label>
					{problem && <p class="problem" role="alert">{problem === 'denied' ? t('prejoin.permissionDenied') : problem === 'none' ? t('prejoin.noDevice') : t('prejoin.deviceError', { message: problem.message })}</p>}
					{errorText.value && !joining && <p class="problem" role="alert">{t('meeting.joinFailed', { message: errorText.value })}</p>}
					{joining && <p role="status">{t('meeting.joining')}</p>}
					<button type="submit" class="primary" disabled={!name.trim() || phase.value === 'joining'}>{t('prejoin.join')}</button>
				</form>
			</div>
			<p class="link-row">
				<span>{t('prejoin.link')}: </span><output id="room-link">{link}</output>
				<button type="button" id="copy-link" onClick={copy}>{copied ? t('prejoin.copied') : t('prejoin.copy')}</button>
			</p>
			<p><a id="privacy-page" href={`/privacy?lang=${lang.value}`} target="_blank" rel="noopener">{t('privacy.full')}</a></p>
		</main>
	);
}
