import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import * as Y from 'yjs';
import { LIMITS } from '../../../server/protocol/limits.js';
import { errorMessage } from '../i18n/errorMessages.js';
import { type MessageKey, t } from '../i18n/i18n.js';
import type { RoomClient } from '../RoomClient.js';
import { client, errorText, rev } from '../state/store.js';
import { COLORS, LOCAL, type Tool, TOOLS, eraseAt, extendShape, shapesOf, shapesOn, startShape } from './boardShapes.js';
import { DocSync } from './DocSync.js';
import { drawPointers, drawShapes, type Pointer } from './drawShapes.js';
import { forgetRemoved } from './pdfFiles.js';
import { PresenterBar, ViewerBar } from './StageBar.js';
import { usePdfPage } from './usePdfPage.js';
import { type PageView, WHOLE_PAGE, clampView, toPage, viewTransform } from './view.js';
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

/** Page fraction the eraser reaches around the pointer. */
const ERASER_RADIUS = 0.015;

/**
 * The stage when it is not the video grid: a blank whiteboard, or a presentation page with
 * the annotations drawn on it. Everyone sees what the presenter shows; a viewer may browse
 * the presentation on its own and come back. Who may draw draws; strokes appear as drawn.
 */
export function BoardStage() {
	rev.value;
	const c = client.value;
	const shown = c?.stage.shown;
	const sync = c?.features.includes('whiteboard') ? boardOf(c) : undefined;
	const frame = useRef<HTMLDivElement>(null);
	const canvas = useRef<HTMLCanvasElement>(null);
	const pdfCanvas = useRef<HTMLCanvasElement>(null);
	const [tool, setTool] = useState<Tool>('pen');
	const [color, setColor] = useState<string>(COLORS[1]);
	const [, bump] = useReducer((n: number, _: undefined) => n + 1, 0);
	const undo = useRef<Y.UndoManager>();
	const drawing = useRef<Y.Map<unknown>>();
	const size = useBoxSize(frame);
	// A viewer browsing on its own: the page it looks at (undefined: the presenter's).
	const [ownPage, setOwnPage] = useState<number>();
	const pdf = shown?.kind === 'pdf' ? shown : undefined;
	useEffect(() => setOwnPage(undefined), [pdf?.presentationId]);
	useEffect(() => c && forgetRemoved(c), [c?.presentations]);

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
			sync.awareness.on('change', onChange);
			stopDoc = () => {
				shapes.unobserveDeep(onChange);
				sync.awareness.off('change', onChange);
			};
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

	const pageNo = pdf ? (ownPage ?? pdf.page) : 0;
	const view: PageView = pdf && ownPage === undefined ? clampView({ zoom: pdf.zoom ?? 1, x: pdf.x ?? 0.5, y: pdf.y ?? 0.5 }, LIMITS.ZOOM_MAX) : WHOLE_PAGE;
	const file = pdf ? c?.presentations.find((p) => p.id === pdf.presentationId) : undefined;
	const aspect = usePdfPage(pdfCanvas, c as RoomClient, file, pageNo, view, size);
	const page = pdf ? `pdf:${pdf.presentationId}:${pageNo}` : shown?.kind === 'board' ? `board:${shown.board}` : undefined;
	const shapes = sync && page ? shapesOn(sync.doc, page) : [];
	const pointers = sync && page ? pointersOn(sync, page) : [];
	useEffect(() => {
		const el = canvas.current;
		if (!el) return;
		const ratio = window.devicePixelRatio || 1;
		const { width, height } = el.getBoundingClientRect();
		el.width = Math.round(width * ratio);
		el.height = Math.round(height * ratio);
		const ctx = el.getContext('2d');
		if (!ctx) return;
		// A page of a presentation shows through; a blank board is white.
		ctx.fillStyle = '#ffffff';
		if (!pdf) ctx.fillRect(0, 0, el.width, el.height);
		ctx.setTransform(...viewTransform(view, el.width, el.height));
		drawShapes(ctx, shapes, el.width, el.height);
		drawPointers(ctx, pointers, el.width, el.height);
		ctx.setTransform(1, 0, 0, 1, 0, 0);
	});
	if (!c || !page) return null;

	const writable = !!sync?.writable;
	const at = (e: PointerEvent): [number, number] => {
		const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
		return toPage(view, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
	};
	const down = (e: PointerEvent) => {
		if (!sync || !writable) return;
		(e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
		const [x, y] = at(e);
		undo.current?.stopCapturing();
		if (tool === 'pointer') return sync.awareness.setLocalStateField('pointer', { page, x, y });
		if (tool === 'eraser') return eraseAt(sync.doc, page, x, y, ERASER_RADIUS);
		if (tool === 'text') {
			const text = prompt(t('board.textPrompt'))?.trim();
			if (text) startShape(sync.doc, page, 'text', color, x, y, text.slice(0, 500));
			return;
		}
		drawing.current = startShape(sync.doc, page, tool, color, x, y);
	};
	const move = (e: PointerEvent) => {
		if (!sync || !writable) return;
		const [x, y] = at(e);
		if (tool === 'pointer') return sync.awareness.setLocalStateField('pointer', { page, x, y });
		if (e.buttons === 0) return;
		if (tool === 'eraser') eraseAt(sync.doc, page, x, y, ERASER_RADIUS);
		else if (drawing.current) extendShape(sync.doc, drawing.current, x, y);
	};
	const up = () => {
		drawing.current = undefined;
		undo.current?.stopCapturing();
	};
	const leave = () => tool === 'pointer' && sync?.awareness.setLocalStateField('pointer', null);
	const presenting = c.role === 'moderator' || c.stage.presenter === c.participantId;
	const label = pdf ? t('pdf.canvas', { name: file?.name ?? '', page: pageNo, pages: file?.pages ?? 0, count: shapes.length }) : t('board.canvas', { count: shapes.length });
	return (
		<section id="board" class="board" aria-labelledby="board-title">
			<h2 id="board-title" class="visually-hidden">{pdf ? t('pdf.title') : t('board.title')}</h2>
			{writable && (
				<div class="board-tools" role="toolbar" aria-label={t('board.tools')}>
					{TOOLS.filter((x) => x !== 'pointer' || pdf).map((x) => (
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
				<div ref={frame} class="board-frame" style={pdf && aspect ? { '--aspect': String(aspect) } : undefined}>
					{pdf && <canvas ref={pdfCanvas} id="pdf-canvas" class="pdf-canvas" />}
					<canvas ref={canvas} id="board-canvas" class={`board-canvas tool-${tool}${pdf ? ' over-pdf' : ''}`} data-shapes={shapes.length} aria-label={label} role="img"
						onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} onPointerLeave={leave} />
				</div>
			</div>
			{presenting
				? <PresenterBar c={c} view={view} />
				: pdf && file && <ViewerBar page={pageNo} pages={file.pages} following={ownPage === undefined} presenterPage={pdf.page} go={setOwnPage} />}
		</section>
	);
}

/** Where others point on `page` (the presenter's pointer tool), from the board's cursors. */
function pointersOn(sync: DocSync, page: string): Pointer[] {
	const out: Pointer[] = [];
	for (const [id, state] of sync.awareness.getStates()) {
		const p = (state as { pointer?: { page?: unknown; x?: unknown; y?: unknown } | null }).pointer;
		const name = (state as { user?: { name?: unknown } }).user?.name;
		if (id === sync.doc.clientID || !p || p.page !== page || typeof p.x !== 'number' || typeof p.y !== 'number') continue;
		out.push({ x: p.x, y: p.y, name: typeof name === 'string' ? name : '' });
	}
	return out;
}

/** The element's size as "w×h", updated as it changes (canvases are redrawn at the new size). */
function useBoxSize(ref: { current: HTMLElement | null }): string {
	const [size, setSize] = useState('');
	useEffect(() => {
		const el = ref.current;
		if (!el) return;
		const watch = new ResizeObserver(([e]) => e && setSize(`${Math.round(e.contentRect.width)}x${Math.round(e.contentRect.height)}`));
		watch.observe(el);
		return () => watch.disconnect();
	}, [ref.current]);
	return size;
}

