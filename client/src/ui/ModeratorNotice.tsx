import { t } from '../i18n/i18n.js';
import { toggleMic } from '../state/actions.js';
import { client, moderatorNotice, peopleOpen, rev } from '../state/store.js';

/** What a moderator did to this participant; "asked to unmute" offers the unmute button. */
export function ModeratorNotice() {
	rev.value;
	const n = moderatorNotice.value;
	const waiting = client.value?.role === 'moderator' ? client.value.lobby.length : 0;
	if (!n) {
		if (!waiting) return null;
		// Someone knocks: moderators get a notice that opens the list with the admit buttons.
		return (
			<div id="lobby-notice" class="mod-notice" role="status">
				<span>{t('lobby.someoneWaiting', { count: waiting })}</span>
				<button type="button" class="primary" onClick={() => { peopleOpen.value = true; }}>{t('controls.participants')}</button>
			</div>
		);
	}
	const close = () => { moderatorNotice.value = undefined; };
	return (
		<div id="moderator-notice" class="mod-notice" role="alert">
			<span>{t(`moderation.notice.${n}`)}</span>
			{n === 'askedToUnmute' && <button type="button" class="primary" onClick={() => { close(); void toggleMic(); }}>{t('controls.unmute')}</button>}
			<button type="button" onClick={close}>{t('moderation.dismiss')}</button>
		</div>
	);
}
