import * as Y from 'yjs';

/**
 * The whiteboard's shapes in its shared document: one top-level array 'shapes' of Y.Maps
 * (the server counts its length against BOARD_OBJECTS_MAX). Coordinates are fractions of the
 * page (0…1 across, 0…1 down), so every screen size draws the same picture.
 */
export const TOOLS = ['pen', 'highlighter', 'line', 'arrow', 'rect', 'ellipse', 'text', 'eraser', 'pointer'] as const;
export type Tool = (typeof TOOLS)[number];
/** The eraser deletes and the pointer only shows where the presenter points: neither is a shape. */
export type ShapeTool = Exclude<Tool, 'eraser' | 'pointer'>;
export const COLORS = ['#111111', '#d93025', '#1a73e8', '#188038', '#f9ab00', '#ffffff'] as const;

/** Marks this browser's own edits (the undo manager tracks only these). */
export const LOCAL = Symbol('local');

/** A shape as drawn: its page, tool, colour, and either points (pen) or a start and end. */
export interface ShapeView {
	id: string;
	page: string;
	tool: ShapeTool;
	color: string;
	points: number[];
	text: string;
}

export function shapesOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
	return doc.getArray<Y.Map<unknown>>('shapes');
}

/** The shapes of `page` in drawing order; anything malformed (another client's bug) is skipped. */
export function shapesOn(doc: Y.Doc, page: string): ShapeView[] {
	const out: ShapeView[] = [];
	for (const m of shapesOf(doc)) {
		if (!(m instanceof Y.Map) || m.get('page') !== page) continue;
		const tool = m.get('tool');
		const points = m.get('points');
		if (typeof tool !== 'string' || !(TOOLS as readonly string[]).includes(tool) || tool === 'eraser' || tool === 'pointer' || !(points instanceof Y.Array)) continue;
		const color = m.get('color');
		const text = m.get('text');
		out.push({ id: String(m.get('id')), page, tool: tool as ShapeTool, color: typeof color === 'string' ? color : '#111111', points: points.toArray().filter((n): n is number => typeof n === 'number'), text: typeof text === 'string' ? text : '' });
	}
	return out;
}

/** Starts a shape at (x, y); answers its map, to which the stroke's next points go. */
export function startShape(doc: Y.Doc, page: string, tool: ShapeTool, color: string, x: number, y: number, text = ''): Y.Map<unknown> {
	const m = new Y.Map<unknown>();
	doc.transact(() => {
		m.set('id', `${doc.clientID}-${shapesOf(doc).length}-${Math.random().toString(36).slice(2, 8)}`);
		m.set('page', page);
		m.set('tool', tool);
		m.set('color', color);
		if (text) m.set('text', text);
		const points = new Y.Array<number>();
		points.push([round(x), round(y)]);
		m.set('points', points);
		shapesOf(doc).push([m]);
	}, LOCAL);
	return m;
}

/** The pen moved on (adds a point) or a line/shape's end moved (replaces the end). */
export function extendShape(doc: Y.Doc, m: Y.Map<unknown>, x: number, y: number): void {
	const points = m.get('points');
	if (!(points instanceof Y.Array)) return;
	doc.transact(() => {
		const freehand = m.get('tool') === 'pen' || m.get('tool') === 'highlighter';
		if (!freehand && points.length >= 4) points.delete(2, points.length - 2);
		points.push([round(x), round(y)]);
	}, LOCAL);
}

/** Deletes the shapes of `page` that pass within `radius` of (x, y) (the eraser). */
export function eraseAt(doc: Y.Doc, page: string, x: number, y: number, radius: number): void {
	const all = shapesOf(doc);
	const hits: number[] = [];
	all.forEach((m, i) => {
		if (m.get('page') !== page) return;
		const pts = m.get('points');
		if (!(pts instanceof Y.Array)) return;
		const p = pts.toArray() as number[];
		for (let j = 0; j + 1 < p.length; j += 2) if (Math.hypot((p[j] ?? 0) - x, (p[j + 1] ?? 0) - y) < radius) return void hits.push(i);
	});
	if (hits.length === 0) return;
	doc.transact(() => {
		for (const i of hits.reverse()) all.delete(i, 1);
	}, LOCAL);
}

/** Four decimals of a page fraction: well below a pixel, and fewer bytes. */
const round = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;
