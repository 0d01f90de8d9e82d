import { useState } from 'preact/hooks';
import { LIMITS } from '../../../server/protocol/limits.js';
import { t } from '../i18n/i18n.js';
import { moderate } from '../state/actions.js';
import { client, rev } from '../state/store.js';
import { NewPollForm } from './Polls.js';

/**
 * A room switch shows what the moderator asked until the server answers (its settings event comes
 * before the answer): any room event re-renders meanwhile and would flip it back to the old value.
 */
function RoomSwitch({ id, on, label, set }: { id: string; on: boolean; label: string; set: (v: boolean) => Promise<void> }) {
	const [asked, setAsked] = useState<boolean | undefined>(undefined);
	return (
		<label class="check">
			<input type="checkbox" id={id} checked={asked ?? on} onChange={(e) => { const v = e.currentTarget.checked; setAsked(v); void set(v).finally(() => setAsked(undefined)); }} /> {label}
		</label>
	);
}

/** Moderators: lobby (who waits, admit / deny), lock, lobby switch, password. */
export function RoomControls() {
	rev.value;
	const [password, setPassword] = useState('');
	const c = client.value;
	if (!c) return null;
	const { locked, lobby, hasPassword } = c.settings;
	return (
		<section class="room-controls" aria-labelledby="room-settings-title">
			{c.lobby.length > 0 && (
				<div id="lobby-list">
					<h3>{t('lobby.title')}</h3>
					<ul>
						{c.lobby.map((e) => (
							<li key={e.id} data-entry-id={e.id}>
								<span class="label">{e.displayName}</span>
								<button type="button" data-lobby="admit" onClick={() => void moderate((x) => x.decide(e.id, true))}>{t('lobby.admit')}</button>
								<button type="button" data-lobby="deny" onClick={() => void moderate((x) => x.decide(e.id, false))}>{t('lobby.deny')}</button>
							</li>
						))}
					</ul>
					{c.lobby.length > 1 && <button type="button" id="lobby-admit-all" onClick={() => void moderate((x) => x.moderate('admitAll'))}>{t('lobby.admitAll')}</button>}
				</div>
			)}
			<h3 id="room-settings-title">{t('room.settings')}</h3>
			<RoomSwitch id="room-lock" on={locked} label={t('room.lock')} set={(v) => moderate((x) => x.setRoom({ locked: v }))} />
			<RoomSwitch id="room-lobby" on={lobby} label={t('room.lobby')} set={(v) => moderate((x) => x.setRoom({ lobby: v }))} />
			<form class="password-row" onSubmit={(e) => { e.preventDefault(); if (password) void moderate((x) => x.setRoom({ password })).then(() => setPassword('')); }}>
				<label for="room-password" class="visually-hidden">{t('room.password')}</label>
				<input id="room-password" type="password" value={password} placeholder={t('room.password')} onInput={(e) => setPassword(e.currentTarget.value)} maxLength={LIMITS.PASSWORD_MAX} autoComplete="new-password" />
				<button type="submit" id="room-password-set">{t('room.setPassword')}</button>
				{hasPassword && <button type="button" id="room-password-clear" onClick={() => void moderate((x) => x.setRoom({ password: null }))}>{t('room.removePassword')}</button>}
			</form>
			<NewPollForm />
		</section>
	);
}
