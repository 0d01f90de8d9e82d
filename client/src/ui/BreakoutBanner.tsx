import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { breakoutMessage, client, rev } from '../state/store.js';

/** Warn this long before breakout rooms end (their chat, notes and board are deleted then). */
const WARN_MS = 60_000;

/** Which breakout room this is, the last minute's warning, and a moderator's message to all rooms. */
export function BreakoutBanner() {
	rev.value;
	const c = client.value;
	const [, tick] = useState(0);
	const running = !!c?.breakouts;
	useEffect(() => {
		if (!running) return;
		const timer = setInterval(() => tick((n) => n + 1), 1000);
		return () => clearInterval(timer);
	}, [running]);
	if (!c) return null;
	const left = c.breakouts ? c.breakoutsEndAt - Date.now() : Number.POSITIVE_INFINITY;
	return (
		<>
			{c.breakoutName && <p id="breakout-here" class="breakout-here" role="status">{t('breakout.here', { name: c.breakoutName })}</p>}
			{left <= WARN_MS && <p id="breakout-ending" class="draining" role="alert">{t('breakout.ending', { seconds: Math.max(0, Math.round(left / 1000)) })}</p>}
			{breakoutMessage.value && (
				<p id="breakout-broadcast" class="draining" role="status">
					{t('breakout.fromModerator', { text: breakoutMessage.value })}{' '}
					<button type="button" class="link" onClick={() => { breakoutMessage.value = undefined; }}>{t('breakout.dismiss')}</button>
				</p>
			)}
		</>
	);
}
