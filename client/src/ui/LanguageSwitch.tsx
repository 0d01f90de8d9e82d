import { type Lang, lang, t } from '../i18n/i18n.js';

export function LanguageSwitch() {
	return (
		<label class="lang">
			<span class="visually-hidden">{t('lang.label')}</span>
			<select value={lang.value} onChange={(e) => { lang.value = (e.currentTarget.value as Lang); document.documentElement.lang = lang.value; }} aria-label={t('lang.label')}>
				<option value="en">English</option>
				<option value="de">Deutsch</option>
			</select>
		</label>
	);
}
