import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/**
 * Runs axe-core in `page` and lists its serious and critical findings. The page's context
 * must be made with `bypassCSP: true` (axe is injected as a script; the app keeps its CSP
 * in every other context).
 */
export async function axeViolations(page: Page): Promise<string[]> {
	await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
	const result = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
		return axe.run(document, { resultTypes: ['violations'] });
	});
	return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}
