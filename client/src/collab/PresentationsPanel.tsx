import { useState } from 'preact/hooks';
import { errorMessage } from '../i18n/errorMessages.js';
import { t } from '../i18n/i18n.js';
import { client, errorText, rev } from '../state/store.js';
import { UploadRefused, uploadPdf } from './pdfFiles.js';
import './board.css';

/**
 * The room's presentations, for moderators and the presenter: upload a PDF (checked in this
 * browser first, then sent to the room's memory part by part), show one, remove one.
 */
export function PresentationsPanel() {
	rev.value;
	const c = client.value;
	const [progress, setProgress] = useState<number>();
	const [problem, setProblem] = useState<string>();
	if (!c) return null;
	const shown = c.stage.shown.kind === 'pdf' ? c.stage.shown.presentationId : undefined;
	const show = (presentationId: string) => void c.channel.request('setStage', { shown: { kind: 'pdf', presentationId, page: 1 } }).catch((err) => { errorText.value = errorMessage(err.code); });
	const pick = async (input: HTMLInputElement) => {
		const file = input.files?.[0];
		input.value = '';
		if (!file) return;
		setProblem(undefined);
		setProgress(0);
		try {
			show(await uploadPdf(c, file, setProgress));
		} catch (err) {
			const code = err instanceof UploadRefused ? err.code : ((err as { code?: string }).code ?? '');
			setProblem(code === 'office' ? t('pdf.office') : errorMessage(code));
		} finally {
			setProgress(undefined);
		}
	};
	return (
		<aside id="presentations" class="panel presentations-panel" aria-labelledby="presentations-title">
			<h2 id="presentations-title">{t('pdf.panel')}</h2>
			<input type="file" id="pdf-file" class="visually-hidden" accept=".pdf,application/pdf" disabled={progress !== undefined} onChange={(e) => void pick(e.currentTarget)} />
			<label class="button-like" for="pdf-file">{t('pdf.upload')}</label>
			<p class="hint">{t('pdf.hint')}</p>
			{progress !== undefined && <progress id="pdf-progress" max={1} value={progress} aria-label={t('pdf.uploading')} />}
			{problem && <p id="pdf-problem" class="problem" role="alert">{problem}</p>}
			<ul id="pdf-list">
				{c.presentations.map((p) => (
					<li key={p.id} data-presentation={p.id}>
						<span class="label">{p.name}</span> <small>{t('pdf.pages', { pages: p.pages })}</small>
						<button type="button" data-pdf="show" aria-pressed={shown === p.id} onClick={() => show(p.id)}>{t('pdf.show')}</button>
						<button type="button" data-pdf="remove" class="danger" onClick={() => void c.channel.request('presentationRemove', { presentationId: p.id }).catch((err) => { errorText.value = errorMessage(err.code); })}>{t('pdf.remove')}</button>
					</li>
				))}
			</ul>
			<p class="hint">{t('pdf.gone')}</p>
		</aside>
	);
}
