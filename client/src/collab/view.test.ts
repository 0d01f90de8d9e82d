import { describe, expect, it } from 'vitest';
import { WHOLE_PAGE, clampView, toPage, viewTransform } from './view.js';

describe('page view', () => {
	it('is the identity at zoom 1; a zoomed view maps its corners back onto the page part it shows', () => {
		expect(viewTransform(WHOLE_PAGE, 800, 600)).toEqual([1, 0, 0, 1, 0, 0]);
		expect(toPage(WHOLE_PAGE, 0.25, 0.75)).toEqual([0.25, 0.75]);
		const v = clampView({ zoom: 2, x: 0.25, y: 0.25 }, 4);
		expect(toPage(v, 0, 0)).toEqual([0, 0]);
		expect(toPage(v, 1, 1)).toEqual([0.5, 0.5]);
		// The page point (0.5, 0.5) is drawn at the canvas's far corner.
		const [a, , , d, e, f] = viewTransform(v, 800, 600);
		expect([a * 0.5 * 800 + e, d * 0.5 * 600 + f]).toEqual([800, 600]);
	});

	it('keeps the view inside the page and the zoom within its bounds', () => {
		expect(clampView({ zoom: 2, x: 0, y: 1 }, 4)).toEqual({ zoom: 2, x: 0.25, y: 0.75 });
		expect(clampView({ zoom: 9, x: 0.5, y: 0.5 }, 4).zoom).toBe(4);
		expect(clampView({ zoom: 0.5, x: 0.1, y: 0.9 }, 4)).toEqual(WHOLE_PAGE);
	});
});
