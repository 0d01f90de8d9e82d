import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../server/config.js';

const table = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('| `'));

describe('settings documentation', () => {
	it('every setting in server/config.ts has a row in the README table (SIP_* ones in docs/sip.md)', () => {
		const rows = [...table('README.md'), ...table('docs/sip.md')].join('\n');
		const missing = SETTING_NAMES.filter((name) => !rows.includes(`\`${name}\``));
		expect(missing).toEqual([]);
	});

	it('the README names no setting that server/config.ts does not know', () => {
		const known = new Set([...SETTING_NAMES, 'PLENUM_CONFIG', 'MEDIASOUP_WORKER_BIN', 'PLENUM_CACHE_DIR']);
		const named = table('README.md').flatMap((row) => [...(row.split(' | ')[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string));
		expect(named.length).toBeGreaterThan(20);
		expect(named.filter((n) => !known.has(n))).toEqual([]);
	});
});
