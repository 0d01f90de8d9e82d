import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { newRoomId } from '../roomLink.js';
import { isRoomId } from '../../../server/protocol/limits.js';

/** "Start a meeting" (random link) or "join by link or name". */
export function Landing() {
	const [room, setRoom] = useState('');
	const candidate = room.trim().replace(/^.*\/r\//, '').replace(/[?#].*$/, '');
	const valid = isRoomId(candidate);
	return (
		<main class="landing">
			<h1>{t('landing.title')}</h1>
			<p>{t('landing.lead')}</p>
			<button type="button" id="start-meeting" class="primary" onClick={() => location.assign(`/r/${newRoomId()}`)}>
				{t('landing.start')}
			</button>
			<form id="join-form" onSubmit={(e) => { e.preventDefault(); if (valid) location.assign(`/r/${encodeURIComponent(candidate)}`); }}>
				<h2>{t('landing.joinTitle')}</h2>
				<label for="join-room">{t('landing.roomLabel')}</label>
				<input id="join-room" value={room} onInput={(e) => setRoom(e.currentTarget.value)} maxLength={300} autoComplete="off"
					aria-invalid={room !== '' && !valid} aria-describedby="join-room-hint" />
				{room !== '' && !valid && <p id="join-room-hint" class="hint">{t('landing.roomInvalid')}</p>}
				<button type="submit" disabled={!valid}>{t('landing.join')}</button>
			</form>
		</main>
	);
}
