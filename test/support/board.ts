import type { Page } from 'playwright-core';

/** How many shapes the page's board canvas draws (its `data-shapes`). */
export const shapeCount = async (page: Page): Promise<number> => Number(await page.getAttribute('#board-canvas', 'data-shapes'));

/** Drags the mouse across the board canvas in `steps` moves, from and to fractions of its size. */
export async function drag(page: Page, from: [number, number], to: [number, number], steps = 10): Promise<void> {
	const box = await page.locator('#board-canvas').boundingBox();
	if (!box) throw new Error('no board canvas');
	const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
	await page.mouse.move(...at(from));
	await page.mouse.down();
	for (let i = 1; i <= steps; i++) await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps]));
	await page.mouse.up();
}
