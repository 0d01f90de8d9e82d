import type { ShapeView } from './boardShapes.js';

/** Line width as a fraction of the page's width (the pen; the highlighter is wider). */
const PEN_WIDTH = 0.004;
const HIGHLIGHTER_WIDTH = 0.02;
const TEXT_SIZE = 0.03;

/** Draws `shapes` on `ctx`, whose canvas shows the whole page at `w` × `h` pixels. */
export function drawShapes(ctx: CanvasRenderingContext2D, shapes: ShapeView[], w: number, h: number): void {
	ctx.lineCap = 'round';
	ctx.lineJoin = 'round';
	for (const s of shapes) {
		const p = s.points;
		const at = (i: number): [number, number] => [(p[i] ?? 0) * w, (p[i + 1] ?? 0) * h];
		ctx.globalAlpha = s.tool === 'highlighter' ? 0.35 : 1;
		ctx.strokeStyle = s.color;
		ctx.fillStyle = s.color;
		ctx.lineWidth = (s.tool === 'highlighter' ? HIGHLIGHTER_WIDTH : PEN_WIDTH) * w;
		const [x0, y0] = at(0);
		const [x1, y1] = p.length >= 4 ? at(p.length - 2) : [x0, y0];
		ctx.beginPath();
		if (s.tool === 'pen' || s.tool === 'highlighter') {
			ctx.moveTo(x0, y0);
			for (let i = 2; i + 1 < p.length; i += 2) ctx.lineTo(...at(i));
			if (p.length === 2) ctx.lineTo(x0 + 0.1, y0);
		} else if (s.tool === 'line' || s.tool === 'arrow') {
			ctx.moveTo(x0, y0);
			ctx.lineTo(x1, y1);
			if (s.tool === 'arrow') arrowHead(ctx, x0, y0, x1, y1, ctx.lineWidth * 4);
		} else if (s.tool === 'rect') {
			ctx.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
		} else if (s.tool === 'ellipse') {
			ctx.ellipse((x0 + x1) / 2, (y0 + y1) / 2, Math.abs(x1 - x0) / 2, Math.abs(y1 - y0) / 2, 0, 0, Math.PI * 2);
		} else if (s.tool === 'text') {
			ctx.font = `${Math.round(TEXT_SIZE * w)}px sans-serif`;
			ctx.textBaseline = 'top';
			ctx.fillText(s.text, x0, y0);
			continue;
		}
		ctx.stroke();
	}
	ctx.globalAlpha = 1;
}

function arrowHead(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, size: number): void {
	const a = Math.atan2(y1 - y0, x1 - x0);
	for (const d of [-0.5, 0.5]) {
		ctx.moveTo(x1, y1);
		ctx.lineTo(x1 - size * Math.cos(a + d), y1 - size * Math.sin(a + d));
	}
}

/** Where someone points: a page point and the name shown beside it. */
export interface Pointer {
	x: number;
	y: number;
	name: string;
}

/** Draws each pointer as a red dot with its name, like a laser pointer. */
export function drawPointers(ctx: CanvasRenderingContext2D, pointers: Pointer[], w: number, h: number): void {
	for (const p of pointers) {
		ctx.beginPath();
		ctx.fillStyle = 'rgba(217, 48, 37, 0.85)';
		ctx.arc(p.x * w, p.y * h, Math.max(6, w * 0.007), 0, Math.PI * 2);
		ctx.fill();
		ctx.font = `${Math.round(Math.max(12, w * 0.012))}px sans-serif`;
		ctx.textBaseline = 'middle';
		ctx.fillText(p.name, p.x * w + Math.max(10, w * 0.011), p.y * h);
	}
}
