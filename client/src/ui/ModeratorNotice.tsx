import { t } from '../i18n/i18n.js';
import { toggleMic } from '../state/actions.js';
import { moderatorNotice } from '../state/store.js';

/** What a moderator did to this participant; "asked to unmute" offers the unmute button. */
export function ModeratorNotice() {
	const n = moderatorNotice.value;
	if (!n) return null;
	const close = () => { moderatorNotice.value = undefined; };
	return (
		<div id="moderator-notice" class="mod-notice" role="alert">
			<span>{t(`moderation.notice.${n}`)}</span>
			{n === 'askedToUnmute' && <button type="button" class="primary" onClick={() => { close(); void toggleMic(); }}>{t('controls.unmute')}</button>}
			<button type="button" onClick={close}>{t('moderation.dismiss')}</button>
		</div>
	);
}
