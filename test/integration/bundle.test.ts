import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ASSETS = 'client/dist/assets';
const BUDGET_GZIP_BYTES = 300 * 1024;
/** What the notes, whiteboard and presentation bring when first opened (their own chunks). */
const LAZY_BUDGET_GZIP_BYTES = 700 * 1024;

// The built client (npm test builds it first): size budget, and nothing that points elsewhere.
describe('the built client', () => {
	const files = readdirSync(ASSETS).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
	const js = files.filter((f) => f.endsWith('.js'));

	// The page loads what index.html names; the rest (notes, whiteboard, presentation) comes when first used.
	const html = readFileSync('client/dist/index.html', 'utf8');
	const initial = js.filter((f) => html.includes(`/assets/${f}`));
	const lazy = js.filter((f) => !initial.includes(f));
	const gzipOf = (fs: string[]) => fs.reduce((n, f) => n + gzipSync(readFileSync(join(ASSETS, f))).length, 0);
	// pdf.js parses in its own worker, fetched from our origin when a presentation is first shown.
	const workers = readdirSync(ASSETS).filter((f) => f.startsWith('pdf.worker') && f.endsWith('.mjs'));

	it(`keeps the JavaScript a page first loads within ${BUDGET_GZIP_BYTES / 1024} kB gzip`, () => {
		const gzip = gzipOf(initial);
		console.log(`client JavaScript: ${(gzip / 1024).toFixed(1)} kB gzip at first load in ${initial.length} file(s); loaded when used: ${(gzipOf(lazy) / 1024).toFixed(1)} kB gzip in ${lazy.length} file(s) (${lazy.map((f) => f.replace(/-[\w-]{8}\.js$/, '')).join(', ')}); the pdf.js worker: ${(gzipOf(workers) / 1024).toFixed(1)} kB gzip`);
		expect(gzip).toBeGreaterThan(0);
		expect(gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
	});

	it('loads the collaboration code only when used, within its own budget', () => {
		expect(lazy.some((f) => f.startsWith('NotesPanel-'))).toBe(true);
		expect(initial.some((f) => readFileSync(join(ASSETS, f), 'utf8').includes('prosemirror'))).toBe(false);
		expect(gzipOf(lazy)).toBeLessThanOrEqual(LAZY_BUDGET_GZIP_BYTES);
		expect(workers).toHaveLength(1);
	});

	it('references no font, stylesheet or script on another origin', () => {
		for (const f of [...files, ...workers, '../index.html']) {
			const text = readFileSync(join(ASSETS, f), 'utf8');
			expect(text, f).not.toMatch(/@import\s+url\(\s*["']?https?:|fonts\.googleapis|<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/);
		}
	});
});
