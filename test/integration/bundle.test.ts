import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ASSETS = 'client/dist/assets';
const BUDGET_GZIP_BYTES = 300 * 1024;

// The built client (npm test builds it first): size budget, and nothing that points elsewhere.
describe('the built client', () => {
	const files = readdirSync(ASSETS).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
	const js = files.filter((f) => f.endsWith('.js'));

	it(`keeps its JavaScript within ${BUDGET_GZIP_BYTES / 1024} kB gzip`, () => {
		const gzip = js.reduce((n, f) => n + gzipSync(readFileSync(join(ASSETS, f))).length, 0);
		console.log(`client JavaScript: ${(gzip / 1024).toFixed(1)} kB gzip in ${js.length} file(s)`);
		expect(gzip).toBeGreaterThan(0);
		expect(gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
	});

	it('references no font, stylesheet or script on another origin', () => {
		for (const f of [...files, '../index.html']) {
			const text = readFileSync(join(ASSETS, f), 'utf8');
			expect(text, f).not.toMatch(/@import\s+url\(\s*["']?https?:|fonts\.googleapis|<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/);
		}
	});
});
