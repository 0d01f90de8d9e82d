import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isLoggedKey } from './redact.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child', 'setBindings']);

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
		.map((e) => join(e.parentPath, e.name))
		.filter((p) => !p.includes('node_modules') && !p.includes(`${join('sfu-workers', 'worker-build')}`));
}

/** Every key an object literal passed to a logger call names, at any depth, as `file:line key`. */
function droppedKeys(file: string, text = readFileSync(file, 'utf8')): string[] {
	const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
	const where = (n: ts.Node) => `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
	const out: string[] = [];
	const checkObject = (obj: ts.ObjectLiteralExpression, path: string) => {
		for (const p of obj.properties) {
			if (ts.isSpreadAssignment(p)) {
				out.push(`${where(p)} ${path}...spread (name the keys)`);
				continue;
			}
			const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isPrivateIdentifier(p.name)) ? p.name.text : undefined;
			if (name === undefined) {
				out.push(`${where(p)} ${path}[computed key]`);
				continue;
			}
			// config's keys are setting names, err's an error: the scrubber handles both whole.
			if (!isLoggedKey(name)) out.push(`${where(p)} ${path}${name}`);
			else if (name !== 'config' && ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.initializer)) checkObject(p.initializer, `${path}${name}.`);
		}
	};
	const visit = (n: ts.Node) => {
		if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && LEVELS.has(n.expression.name.text)) {
			const receiver = n.expression.expression.getText(src);
			const first = n.arguments[0];
			if (/\blog(?:ger)?\b|#log\b/i.test(receiver) && first && ts.isObjectLiteralExpression(first)) checkObject(first, '');
		}
		ts.forEachChild(n, visit);
	};
	visit(src);
	return out;
}

// The allowlist drops unknown keys silently; this keeps operators' fields from vanishing
// without anyone noticing: every key a log call in server/ or sfu-workers/ names must pass.
describe('log call sites', () => {
	const files = [...sources(join(ROOT, 'server')), ...sources(join(ROOT, 'sfu-workers'))];

	it('finds the log calls it checks', () => {
		const calls = files.map((f) => readFileSync(f, 'utf8').match(/\blog\??\.(?:info|warn|error)\(/g)?.length ?? 0).reduce((a, b) => a + b, 0);
		expect(calls).toBeGreaterThan(20);
	});

	it('reports keys the logger would drop, nested ones and spreads too', () => {
		const text = "log.info({ displayName, worker: 1 }, 'x');\nthis.#log.child({ ip: a });\ns.log.warn({ reason: { name: 'x' }, ...rest }, 'y');\nthis.#d.log?.error({ err, callId }, 'z');";
		expect(droppedKeys(join(ROOT, 'x.ts'), text)).toEqual(['x.ts:1 displayName', 'x.ts:2 ip', 'x.ts:3 reason.name', 'x.ts:3 ...spread (name the keys)']);
	});

	it('every key a log call names is on the allowlist (else the logger would drop it)', () => {
		expect(files.flatMap((f) => droppedKeys(f))).toEqual([]);
	});
});
