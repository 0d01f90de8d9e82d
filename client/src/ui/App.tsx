import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { phase, roomId } from '../state/store.js';
import { Ended } from './Ended.js';
import { Landing } from './Landing.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { Meeting } from './Meeting.js';
import { PreJoin } from './PreJoin.js';
import { PrivacyNotice } from './PrivacyNotice.js';

export function App() {
	const [showNotice, setShowNotice] = useState(false);
	const room = roomId.value;
	const inMeeting = phase.value === 'meeting';
	return (
		<>
			{!inMeeting && (
				<header class="top">
					<a href="/" class="brand">{t('app.name')}</a>
					<button type="button" class="link" id="privacy-link" onClick={() => setShowNotice(true)}>{t('privacy.link')}</button>
					<LanguageSwitch />
				</header>
			)}
			<PrivacyNotice key={String(showNotice)} forceOpen={showNotice} onClose={() => setShowNotice(false)} />
			{phase.value === 'landing' && <Landing />}
			{(phase.value === 'prejoin' || phase.value === 'joining') && room && <PreJoin roomId={room} />}
			{phase.value === 'lobby' && <main class="joining"><p role="status" id="lobby-wait">{t('lobby.waiting')}</p></main>}
			{inMeeting && <Meeting />}
			{phase.value === 'ended' && <Ended />}
		</>
	);
}
