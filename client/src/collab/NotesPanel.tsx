import type { EditorView } from 'prosemirror-view';
import { useEffect, useReducer, useRef } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';
import { errorMessage } from '../i18n/errorMessages.js';
import type { RoomClient } from '../RoomClient.js';
import { client, errorText } from '../state/store.js';
import { DocSync } from './DocSync.js';
import { mountNotes, type NotesCommand, run, toMarkdown, toPlainText } from './notesEditor.js';
import './notes.css';

/** The meeting's notes in this browser, made when the panel first opens and kept (in step) until the meeting ends. */
let current: { client: RoomClient; sync: DocSync } | undefined;

function notesOf(c: RoomClient): DocSync {
	if (current?.client !== c) {
		current?.sync.close();
		const sync = new DocSync(c, 'notes');
		sync.setUser(colorOf(c.participantId));
		sync.on('refused', (code) => { errorText.value = errorMessage(code); });
		current = { client: c, sync };
	}
	return current.sync;
}

/** A participant's cursor colour, from its id (the same in every browser). */
function colorOf(id: string): string {
	let h = 0;
	for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
	return `hsl(${h} 70% 45%)`;
}

const TOOLS: Array<{ name: NotesCommand | 'link'; label: MessageKey; text: string }> = [
	{ name: 'heading1', label: 'notes.heading1', text: 'H1' },
	{ name: 'heading2', label: 'notes.heading2', text: 'H2' },
	{ name: 'paragraph', label: 'notes.paragraph', text: '¶' },
	{ name: 'bold', label: 'notes.bold', text: 'B' },
	{ name: 'italic', label: 'notes.italic', text: 'I' },
	{ name: 'bulletList', label: 'notes.bulletList', text: '•' },
	{ name: 'orderedList', label: 'notes.orderedList', text: '1.' },
	{ name: 'link', label: 'notes.link', text: 'URL' },
	{ name: 'undo', label: 'notes.undo', text: '↶' },
	{ name: 'redo', label: 'notes.redo', text: '↷' },
];

/** Shared notes: one rich text the whole meeting edits at once, with everyone's cursors. */
export function NotesPanel() {
	const c = client.value;
	const host = useRef<HTMLDivElement>(null);
	const view = useRef<EditorView>();
	const [, bump] = useReducer((n: number, _: undefined) => n + 1, 0);
	const redraw = () => bump(undefined);
	const sync = c ? notesOf(c) : undefined;
	useEffect(() => {
		if (!sync || !host.current) return;
		const place = host.current;
		const mount = () => {
			view.current?.destroy();
			view.current = mountNotes(place, sync, redraw);
			redraw();
		};
		mount();
		const stops = [sync.on('reset', mount), sync.on('access', () => { view.current?.setProps({}); redraw(); })];
		return () => {
			for (const stop of stops) stop();
			view.current?.destroy();
			view.current = undefined;
		};
	}, [sync]);
	if (!c || !sync) return null;
	const tool = (name: NotesCommand | 'link') => {
		if (!view.current) return;
		run(view.current, name, name === 'link' ? (prompt(t('notes.linkPrompt'), 'https://') ?? undefined) : undefined);
	};
	return (
		<aside id="notes" class="panel notes-panel" aria-labelledby="notes-title">
			<h2 id="notes-title">{t('notes.title')}</h2>
			{sync.locked && <p id="notes-locked" role="status">{sync.writable ? t('notes.lockedForOthers') : t('notes.locked')}</p>}
			<div class="notes-toolbar" role="toolbar" aria-label={t('notes.toolbar')} aria-controls="notes-editor">
				{TOOLS.map((x) => (
					<button type="button" key={x.name} data-tool={x.name} title={t(x.label)} disabled={!sync.writable} onMouseDown={(e) => e.preventDefault()} onClick={() => tool(x.name)}>
						<span aria-hidden="true">{x.text}</span><span class="visually-hidden">{t(x.label)}</span>
					</button>
				))}
			</div>
			<div ref={host} class="notes-host" />
			<p class="hint">{t('notes.gone')}</p>
			<div class="notes-actions">
				{c.role === 'moderator' && (
					<label><input type="checkbox" id="notes-lock" checked={sync.locked} onChange={(e) => void c.channel.request('setNotesLocked', { locked: e.currentTarget.checked }).catch(() => redraw())} /> {t('notes.lock')}</label>
				)}
				<button type="button" id="notes-download-md" onClick={() => view.current && download(toMarkdown(view.current.state.doc), 'md', 'text/markdown')}>{t('notes.downloadMarkdown')}</button>
				<button type="button" id="notes-download-txt" onClick={() => view.current && download(toPlainText(view.current.state.doc), 'txt', 'text/plain')}>{t('notes.downloadText')}</button>
			</div>
		</aside>
	);
}

/** Saves `text` as a file from this page's memory (nothing goes to the server). */
function download(text: string, ext: string, type: string): void {
	const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
	const a = document.createElement('a');
	a.href = url;
	a.download = `${t('notes.fileName')}.${ext}`;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 0);
}
