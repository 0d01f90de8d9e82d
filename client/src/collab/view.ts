/**
 * What part of a page is in view: the whole page at zoom 1, or a zoomed part centred on
 * (x, y) (page fractions). Everyone following the presenter sees the same part, so strokes
 * and the pointer land on the same spot of the page on every screen.
 */
export interface PageView {
	zoom: number;
	x: number;
	y: number;
}

export const WHOLE_PAGE: PageView = { zoom: 1, x: 0.5, y: 0.5 };

/** The view kept inside the page: at zoom z the centre can move no closer than 1/(2z) to an edge. */
export function clampView(v: PageView, zoomMax: number): PageView {
	const zoom = Math.min(zoomMax, Math.max(1, v.zoom));
	const half = 0.5 / zoom;
	const keep = (c: number) => Math.min(1 - half, Math.max(half, c));
	return { zoom, x: keep(v.x), y: keep(v.y) };
}

/** The canvas transform (a, b, c, d, e, f) that shows `v` of a page drawn at `w` × `h` pixels. */
export function viewTransform(v: PageView, w: number, h: number): [number, number, number, number, number, number] {
	return [v.zoom, 0, 0, v.zoom, w * (0.5 - v.x * v.zoom), h * (0.5 - v.y * v.zoom)];
}

/** The page point under a point of the view (fractions of the canvas). */
export function toPage(v: PageView, sx: number, sy: number): [number, number] {
	return [v.x + (sx - 0.5) / v.zoom, v.y + (sy - 0.5) / v.zoom];
}
