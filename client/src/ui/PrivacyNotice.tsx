import { useState } from 'preact/hooks';
import { lang, t } from '../i18n/i18n.js';
import { giveConsent, hasConsent } from '../state/consent.js';

/** Shown on the first visit (and on demand); confirming is the only thing that writes storage. */
export function PrivacyNotice({ forceOpen, onClose }: { forceOpen?: boolean; onClose?: () => void }) {
	const [open, setOpen] = useState(() => forceOpen || !hasConsent());
	if (!open) return null;
	const accept = () => {
		giveConsent();
		setOpen(false);
		onClose?.();
	};
	return (
		// A banner in the page flow, not a modal: it must not block joining or the controls.
		<div class="notice-wrap">
			<section id="privacy-notice" class="notice" aria-labelledby="privacy-title">
				<h2 id="privacy-title">{t('privacy.title')}</h2>
				<p>{t('privacy.body1')}</p>
				<p>{t('privacy.body2')}</p>
				<p>{t('privacy.body3')}</p>
				<p><a href={`/privacy?lang=${lang.value}`} target="_blank" rel="noopener">{t('privacy.full')}</a></p>
				<button type="button" id="privacy-accept" class="primary" onClick={accept}>{t('privacy.accept')}</button>
			</section>
		</div>
	);
}
