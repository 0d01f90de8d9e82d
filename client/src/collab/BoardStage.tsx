import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import * as Y from 'yjs';
import { errorMessage } from '../i18n/errorMessages.js';
import { type MessageKey, t } from '../i18n/i18n.js';
import type { RoomClient } from '../RoomClient.js';
import { peerName } from '../state/peerName.js';
import { client, errorText, peers, rev } from '../state/store.js';
import { COLORS, LOCAL, type Tool, TOOLS, eraseAt, extendShape, shapesOf, shapesOn, startShape } from './boardShapes.js';
import { DocSync } from './DocSync.js';
import { drawShapes } from './drawShapes.js';
import './board.css';

/** The board in this browser: made when first shown, kept in step until the meeting ends. */
let current: { client: RoomClient; sync: DocSync } | undefined;

function boardOf(c: RoomClient): DocSync {
	if (current?.client !== c) {
		current?.sync.close();
		const sync = new DocSync(c, 'board');
		sync.on('refused', (code) => { errorText.value = errorMessage(code); });
		current = { client: c, sync };
	}
	return current.sync;
}

/** The page of the board that is shown: a blank board now, a presentation page later. */
function pageKey(c: RoomClient): string | undefined {
	const shown = c.stage.shown;
	if (shown.kind === 'board') return `board:${shown.board}`;
	if (shown.kind === 'pdf') return `pdf:${shown.presentationId}:${shown.page}`;
	return undefined;
}

/** Page fraction the eraser reaches around the pointer. */
const ERASER_RADIUS = 0.015;

/** The whiteboard on the stage: everyone sees it, who may draw draws; strokes appear as they are drawn. */
export function BoardStage() {
	rev.value;
	const c = client.value;
	const sync = c ? boardOf(c) : undefined;
	const canvas = useRef<HTMLCanvasElement>(null);
	const [tool, setTool] = useState<Tool>('pen');
	const [color, setColor] = useState<string>(COLORS[1]);
	const [, bump] = useReducer((n: number, _: undefined) => n + 1, 0);
	const undo = useRef<Y.UndoManager>();
	const drawing = useRef<Y.Map<unknown>>();
	const page = c ? pageKey(c) : undefined;

	// Bind to the document (again after a reset): redraw on every change, undo only our own edits.
	useEffect(() => {
		if (!sync) return;
		let stopDoc = () => {};
		const bind = () => {
			stopDoc();
			const shapes = shapesOf(sync.doc);
			undo.current?.destroy();
			// One stroke is one undo step however long it takes: capturing ends only at pointer down/up.
			undo.current = new Y.UndoManager(shapes, { trackedOrigins: new Set([LOCAL]), captureTimeout: Number.POSITIVE_INFINITY });
			const onChange = () => bump(undefined);
			shapes.observeDeep(onChange);
			stopDoc = () => shapes.unobserveDeep(onChange);
			bump(undefined);
		};
		bind();
		const stops = [sync.on('reset', bind), sync.on('access', () => bump(undefined))];
		return () => {
			stopDoc();
			for (const stop of stops) stop();
			undo.current?.destroy();
		};
	}, [sync]);

	const shapes = sync && page ? shapesOn(sync.doc, page) : [];
	useEffect(() => {
		const el = canvas.current;
		if (!el) return;
		const ratio = window.devicePixelRatio || 1;
		const { width, height } = el.getBoundingClientRect();
		el.width = Math.round(width * ratio);
		el.height = Math.round(height * ratio);
		const ctx = el.getContext('2d');
		if (!ctx) return;
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, el.width, el.height);
		drawShapes(ctx, shapes, el.width, el.height);
	});
	if (!c || !sync || !page) return null;

	const at = (e: PointerEvent): [number, number] => {
		const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
		return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
	};
	const down = (e: PointerEvent) => {
		if (!sync.writable) return;
		(e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
		const [x, y] = at(e);
		undo.current?.stopCapturing();
		if (tool === 'eraser') return eraseAt(sync.doc, page, x, y, ERASER_RADIUS);
		if (tool === 'text') {
			const text = prompt(t('board.textPrompt'))?.trim();
			if (text) startShape(sync.doc, page, 'text', color, x, y, text.slice(0, 500));
			return;
		}
		drawing.current = startShape(sync.doc, page, tool, color, x, y);
	};
	const move = (e: PointerEvent) => {
		if (!sync.writable || e.buttons === 0) return;
		const [x, y] = at(e);
		if (tool === 'eraser') eraseAt(sync.doc, page, x, y, ERASER_RADIUS);
		else if (drawing.current) extendShape(sync.doc, drawing.current, x, y);
	};
	const up = () => {
		drawing.current = undefined;
		undo.current?.stopCapturing();
	};
	const presenting = c.role === 'moderator' || c.stage.presenter === c.participantId;
	return (
		<section id="board" class="board" aria-labelledby="board-title">
			<h2 id="board-title" class="visually-hidden">{t('board.title')}</h2>
			{sync.writable && (
				<div class="board-tools" role="toolbar" aria-label={t('board.tools')}>
					{TOOLS.map((x) => (
						<button type="button" key={x} data-tool={x} aria-pressed={tool === x} onClick={() => setTool(x)}>{t(`board.tool.${x}` as MessageKey)}</button>
					))}
					{COLORS.map((x) => (
						<button type="button" key={x} class={`swatch swatch-${x.slice(1)}`} data-color={x} aria-pressed={color === x} onClick={() => setColor(x)}><span class="visually-hidden">{t('board.color', { color: x })}</span></button>
					))}
					<button type="button" id="board-undo" onClick={() => undo.current?.undo()}>{t('board.undo')}</button>
					<button type="button" id="board-redo" onClick={() => undo.current?.redo()}>{t('board.redo')}</button>
				</div>
			)}
			<div class="board-page">
				<canvas ref={canvas} id="board-canvas" class={`board-canvas tool-${tool}`} data-shapes={shapes.length} aria-label={t('board.canvas', { count: shapes.length })} role="img"
					onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} />
			</div>
			{presenting && <PresenterBar c={c} />}
		</section>
	);
}

/** For moderators and the presenter: which board, a new one, who may draw, back to the video grid. */
function PresenterBar({ c }: { c: RoomClient }) {
	const shown = c.stage.shown;
	const board = shown.kind === 'board' ? shown.board : 0;
	const go = (n: number) => void c.channel.request('setStage', { shown: { kind: 'board', board: n } }).catch((err) => { errorText.value = errorMessage(err.code); });
	const drawers = new Set(c.stage.drawers);
	const setDrawers = (everyone: boolean, ids: string[]) => void c.channel.request('setDrawing', { everyone, participantIds: ids }).catch(() => undefined);
	return (
		<div class="board-bar">
			<button type="button" disabled={board === 0} onClick={() => go(board - 1)}>{t('board.previous')}</button>
			<span>{t('board.which', { board: board + 1, boards: c.stage.boards })}</span>
			<button type="button" disabled={board + 1 >= c.stage.boards} onClick={() => go(board + 1)}>{t('board.next')}</button>
			<button type="button" id="board-new" onClick={() => go(c.stage.boards)}>{t('board.new')}</button>
			<label><input type="checkbox" id="board-everyone" checked={c.stage.drawEveryone} onChange={(e) => setDrawers(e.currentTarget.checked, [...drawers])} /> {t('board.everyone')}</label>
			<details class="board-drawers">
				<summary>{t('board.chooseDrawers')}</summary>
				{peers.value.filter((p) => !p.isSelf && p.kind === 'browser').map((p) => (
					<label key={p.id}><input type="checkbox" data-drawer={p.id} checked={drawers.has(p.id)} onChange={(e) => setDrawers(c.stage.drawEveryone, e.currentTarget.checked ? [...drawers, p.id] : [...drawers].filter((x) => x !== p.id))} /> {peerName(p)}</label>
				))}
			</details>
			<button type="button" id="board-close" onClick={() => void c.channel.request('setStage', { shown: { kind: 'none' } }).catch(() => undefined)}>{t('board.close')}</button>
		</div>
	);
}
