import { endMessage } from '../i18n/errorMessages.js';
import { t } from '../i18n/i18n.js';
import { endReason, phase } from '../state/store.js';

export function Ended() {
	const reason = endReason.value ?? 'closed';
	const text = endMessage(reason);
	return (
		<main class="ended">
			<h1 id="ended-reason" data-reason={reason}>{text}</h1>
			<p>
				{reason !== 'kicked' && <><button type="button" class="primary" id="rejoin" onClick={() => { phase.value = 'prejoin'; }}>{t('ended.rejoin')}</button>{' '}</>}
				<a href="/">{t('ended.home')}</a>
			</p>
		</main>
	);
}
