import { baseKeymap, setBlockType, toggleMark } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { defaultMarkdownSerializer } from 'prosemirror-markdown';
import { type MarkSpec, type Node, Schema } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { addListNodes, liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { redo, undo, yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror';
import type { DocSync } from './DocSync.js';

/** Only links a click may follow: never javascript: or data: from another participant's edit. */
const SAFE_HREF = /^(https?:|mailto:)/i;

const link: MarkSpec = {
	attrs: { href: {} },
	inclusive: false,
	parseDOM: [{ tag: 'a[href]', getAttrs: (dom) => ({ href: (dom as HTMLElement).getAttribute('href') }) }],
	toDOM: (mark) => ['a', SAFE_HREF.test(String(mark.attrs.href)) ? { href: mark.attrs.href, target: '_blank', rel: 'noopener noreferrer nofollow' } : {}, 0],
};

/**
 * The notes' schema: prosemirror-schema-basic's text (headings, paragraphs, quotes, code) with
 * lists, bold, italic, code and safe links, and no images (an image would load from wherever
 * its URL points: invariant 3).
 */
export const notesSchema = new Schema({
	nodes: addListNodes(basic.spec.nodes.remove('image'), 'paragraph block*', 'block'),
	marks: basic.spec.marks.update('link', link),
});

const n = notesSchema.nodes;
const m = notesSchema.marks;

/** Toolbar commands, by name (the panel's buttons and their shortcuts). */
export const COMMANDS = {
	heading1: setBlockType(n.heading as never, { level: 1 }),
	heading2: setBlockType(n.heading as never, { level: 2 }),
	paragraph: setBlockType(n.paragraph as never),
	bold: toggleMark(m.strong as never),
	italic: toggleMark(m.em as never),
	bulletList: wrapInList(n.bullet_list as never),
	orderedList: wrapInList(n.ordered_list as never),
	undo: undo as Command,
	redo: redo as Command,
} satisfies Record<string, Command>;
export type NotesCommand = keyof typeof COMMANDS;

/** A cursor caret in the other participant's colour; CSSOM, not a style attribute (the CSP forbids inline styles). */
function caret(user: { name?: string; color?: string }): HTMLElement {
	const cursor = document.createElement('span');
	cursor.className = 'ProseMirror-yjs-cursor';
	cursor.style.borderColor = user.color ?? '#888';
	const label = document.createElement('div');
	label.style.backgroundColor = user.color ?? '#888';
	label.textContent = user.name ?? '';
	cursor.append(label);
	return cursor;
}

/**
 * Mounts the notes editor in `place`, bound to the shared document `sync` (its 'notes'
 * fragment): everyone's edits and cursors, undo of one's own edits only.
 */
export function mountNotes(place: HTMLElement, sync: DocSync, onChange: () => void): EditorView {
	const fragment = sync.doc.getXmlFragment('notes');
	const state = EditorState.create({
		schema: notesSchema,
		plugins: [
			ySyncPlugin(fragment),
			yCursorPlugin(sync.awareness, { cursorBuilder: caret, selectionBuilder: () => ({ class: 'ProseMirror-yjs-selection' }) }),
			yUndoPlugin(),
			keymap({
				'Mod-z': undo,
				'Mod-y': redo,
				'Mod-Shift-z': redo,
				'Mod-b': COMMANDS.bold,
				'Mod-i': COMMANDS.italic,
				Enter: splitListItem(n.list_item as never),
				'Mod-[': liftListItem(n.list_item as never),
				'Mod-]': sinkListItem(n.list_item as never),
			}),
			keymap(baseKeymap),
		],
	});
	return new EditorView(place, {
		state,
		editable: () => sync.writable,
		attributes: { id: 'notes-editor', role: 'textbox', 'aria-multiline': 'true', 'aria-labelledby': 'notes-title' },
		// `this`, not a captured const: the sync plugin dispatches while the view is being made.
		dispatchTransaction(this: EditorView, tr) {
			this.updateState(this.state.apply(tr));
			onChange();
		},
	});
}

/** Runs a toolbar command on the editor; a link asks for its address first. */
export function run(view: EditorView, name: NotesCommand | 'link', href?: string): void {
	if (name === 'link') {
		if (!href || !SAFE_HREF.test(href)) return;
		toggleMark(m.link as never, { href })(view.state, view.dispatch);
	} else COMMANDS[name](view.state, view.dispatch, view);
	view.focus();
}

/** The notes as Markdown (made here in the browser; the server never reads them). */
export function toMarkdown(doc: Node): string {
	return defaultMarkdownSerializer.serialize(doc);
}

/** The notes as plain text, one paragraph per block. */
export function toPlainText(doc: Node): string {
	return doc.textBetween(0, doc.content.size, '\n\n', '\n');
}
