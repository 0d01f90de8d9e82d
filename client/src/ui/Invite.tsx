import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { dialIn, roomId } from '../state/store.js';

/** The room's dial-in line, "Dial in: <number>, PIN <pin>#", or undefined when dial-in is off. */
export function dialInText(): string | undefined {
	const d = dialIn.value;
	return d ? t('invite.dialIn', { number: d.number, pin: d.pin }) : undefined;
}

/** How to bring others in, at the top of the people panel: the meeting link and, when on, dial-in by phone. */
export function Invite() {
	const [copied, setCopied] = useState<'link' | 'dialIn' | undefined>();
	const link = `${location.origin}/r/${roomId.value ?? ''}`;
	const phone = dialInText();
	const copy = async (what: 'link' | 'dialIn', text: string) => {
		await navigator.clipboard.writeText(text).catch(() => undefined);
		setCopied(what);
	};
	return (
		<section class="invite" aria-labelledby="invite-title">
			<h3 id="invite-title">{t('invite.title')}</h3>
			<p class="invite-row">
				<output id="meeting-link">{link}</output>
				<button type="button" id="copy-meeting-link" onClick={() => void copy('link', link)}>{copied === 'link' ? t('prejoin.copied') : t('prejoin.copy')}</button>
			</p>
			{phone && (
				<p class="invite-row">
					<span id="dial-in">{phone}</span>
					<button type="button" id="copy-dial-in" onClick={() => void copy('dialIn', phone)}>{copied === 'dialIn' ? t('invite.dialInCopied') : t('invite.copyDialIn')}</button>
				</p>
			)}
		</section>
	);
}
