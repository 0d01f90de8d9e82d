import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import directions of STYLE.md §1, read from the sources: signalling → rooms → sfu-workers
// → mediasoup; sip → rooms; http → rooms; the client and sfu-workers reach the server only
// through the protocol (a leaf, zod only) and shared (a kernel). One violation is one line.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIRS = ['server', 'sfu-workers', 'client/src', 'test', 'bench'];
/** The only production files that may import server/signalling. */
const ENTRY_POINTS = new Set(['server/index.ts']);

type Edge = { from: string; spec: string; file?: string; pkg?: string; builtin?: boolean; typeOnly: boolean };

function sourceFiles(): string[] {
	return DIRS.flatMap((d) =>
		readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
			.filter((f) => /\.(ts|tsx|mts|mjs)$/.test(f) && !f.endsWith('.d.ts') && !/(^|\/)(node_modules|dist)\//.test(f))
			.map((f) => `${d}/${f}`),
	);
}

const pkgImports = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, string> }).imports ?? {};
const builtins = new Set(builtinModules);

function resolveSpec(from: string, spec: string): Pick<Edge, 'file' | 'pkg' | 'builtin'> {
	if (spec.startsWith('node:') || builtins.has(spec)) return { builtin: true };
	const alias = pkgImports[spec];
	const target = alias ? join(ROOT, alias) : spec.startsWith('.') ? resolve(ROOT, dirname(from), spec) : undefined;
	if (!target) return { pkg: spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec) };
	const rel = relative(ROOT, target);
	return { file: rel.replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx') };
}

function importsOf(file: string): Edge[] {
	const text = readFileSync(join(ROOT, file), 'utf8');
	const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
	const edges: Edge[] = [];
	const add = (spec: string, typeOnly: boolean) => {
		const r = resolveSpec(file, spec);
		// A ".js" specifier may name a .tsx file.
		if (r.file && !r.file.endsWith('.mjs') && !exists(r.file) && exists(r.file.replace(/\.ts$/, '.tsx'))) r.file = r.file.replace(/\.ts$/, '.tsx');
		edges.push({ from: file, spec, typeOnly, ...r });
	};
	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
			const c = node.importClause;
			const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
			const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
			add(node.moduleSpecifier.text, typeOnly);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
			add(node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
		} else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
			const [arg] = node.arguments;
			if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
		} else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
			add(node.argument.literal.text, true);
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return edges;
}

const existing = new Set<string>();
// Files outside DIRS (e.g. scripts/) are not read, but may be imported.
const exists = (f: string) => existing.has(f) || existsSync(join(ROOT, f));

const files = sourceFiles();
for (const f of files) existing.add(f);
const edges = files.flatMap(importsOf);

const under = (dir: string) => (f: string | undefined) => !!f && f.startsWith(`${dir}/`);
const isTest = (f: string) => f.startsWith('test/') || /\.test\.tsx?$/.test(f);
const isProduction = (f: string) => !isTest(f) && !f.startsWith('bench/');

/** Protocol modules that load zod at run time, directly or through another protocol module. */
function zodModules(): Set<string> {
	const protocol = edges.filter((e) => under('server/protocol')(e.from) && !e.typeOnly);
	const out = new Set(protocol.filter((e) => e.pkg === 'zod').map((e) => e.from));
	for (let grew = true; grew; ) {
		grew = false;
		for (const e of protocol) {
			if (e.file && out.has(e.file) && !out.has(e.from)) {
				out.add(e.from);
				grew = true;
			}
		}
	}
	return out;
}

type Rule = { name: string; from: (f: string) => boolean; broken: (e: Edge) => boolean };

const zod = zodModules();
const RULES: Rule[] = [
	{
		name: 'server/protocol is a leaf: it imports zod and itself only',
		from: (f) => under('server/protocol')(f) && !isTest(f),
		broken: (e) => !!e.builtin || (!!e.pkg && e.pkg !== 'zod') || (!!e.file && !under('server/protocol')(e.file)),
	},
	{
		name: 'server/shared is a kernel: it imports the protocol, itself and Node only',
		from: (f) => under('server/shared')(f) && !isTest(f),
		broken: (e) => !!e.pkg || (!!e.file && !under('server/shared')(e.file) && !under('server/protocol')(e.file)),
	},
	{
		name: 'sfu-workers reach the server only through server/protocol and server/shared',
		from: (f) => under('sfu-workers')(f) && !isTest(f),
		broken: (e) => !!e.file && !under('sfu-workers')(e.file) && !under('server/protocol')(e.file) && !under('server/shared')(e.file),
	},
	{
		name: 'rooms know media only through sfu-workers/types.ts, and nothing of signalling, sip or http',
		from: (f) => under('server/rooms')(f) && !isTest(f),
		broken: (e) =>
			e.pkg === 'mediasoup' ||
			(under('sfu-workers')(e.file) && e.file !== 'sfu-workers/types.ts') ||
			['server/signalling', 'server/sip', 'server/http'].some((d) => under(d)(e.file)),
	},
	{
		name: 'sip goes through rooms, never signalling or http',
		from: (f) => under('server/sip')(f) && !isTest(f),
		broken: (e) => under('server/signalling')(e.file) || under('server/http')(e.file),
	},
	{
		name: 'http reads rooms, never signalling or sip',
		from: (f) => under('server/http')(f) && !isTest(f),
		broken: (e) => under('server/signalling')(e.file) || under('server/sip')(e.file),
	},
	{
		name: 'signalling, sip and http reach media only through rooms (never sfu-workers or mediasoup)',
		from: (f) => ['server/signalling', 'server/sip', 'server/http'].some((d) => under(d)(f)) && !isTest(f),
		broken: (e) => under('sfu-workers')(e.file) || e.pkg === 'mediasoup',
	},
	{
		name: `nothing imports server/signalling but ${[...ENTRY_POINTS].join(', ')}`,
		from: (f) => isProduction(f) && !under('server/signalling')(f) && !ENTRY_POINTS.has(f),
		broken: (e) => under('server/signalling')(e.file),
	},
	{
		name: 'only sfu-workers import mediasoup',
		from: (f) => isProduction(f) && !under('sfu-workers')(f),
		broken: (e) => e.pkg === 'mediasoup',
	},
	{
		name: 'the client imports server/protocol only, and at run time only its zod-free modules',
		from: under('client/src'),
		broken: (e) =>
			(!!e.builtin && !isTest(e.from)) ||
			(!!e.file && !under('client/src')(e.file) && !under('server/protocol')(e.file)) ||
			(!e.typeOnly && !!e.file && zod.has(e.file)),
	},
	{
		name: 'production code never imports test/ or bench/',
		from: isProduction,
		broken: (e) => under('test')(e.file) || under('bench')(e.file),
	},
];

describe('import directions (STYLE.md §1)', () => {
	it('reads the import graph of every source file', () => {
		expect(files.length).toBeGreaterThan(100);
		const unresolved = edges.filter((e) => e.file && /\.(ts|tsx|mjs)$/.test(e.file) && !exists(e.file));
		expect(unresolved.map((e) => `${e.from} → ${e.spec}`)).toEqual([]);
	});

	for (const rule of RULES) {
		it(rule.name, () => {
			expect(files.some(rule.from), 'the rule matches no file: update its paths').toBe(true);
			const broken = edges.filter((e) => rule.from(e.from) && rule.broken(e)).map((e) => `${e.from} → ${e.spec}${e.typeOnly ? ' (type)' : ''}`);
			expect(broken).toEqual([]);
		});
	}

	it('catches a wrong edge (the rules are not vacuous)', () => {
		const wrong: Array<[string, string, boolean]> = [
			['server/protocol/events.ts', 'server/rooms/Room.ts', true],
			['sfu-workers/WorkerPool.ts', 'server/observability/log.ts', true],
			['server/rooms/Room.ts', 'server/signalling/Session.ts', false],
			['server/rooms/Room.ts', 'sfu-workers/WorkerPool.ts', false],
			['server/http/app.ts', 'server/signalling/gateway.ts', false],
			['server/signalling/handlers/media.ts', 'sfu-workers/types.ts', true],
			['client/src/main.tsx', 'server/rooms/Room.ts', true],
			['client/src/main.tsx', 'server/protocol/requests.ts', false],
			['server/sip/PhoneCall.ts', 'test/support/sipp.ts', false],
		];
		for (const [from, file, typeOnly] of wrong) {
			const edge: Edge = { from, spec: file, file, typeOnly };
			expect(RULES.some((r) => r.from(from) && r.broken(edge)), `${from} → ${file}`).toBe(true);
		}
		expect(RULES.some((r) => r.from('client/src/main.tsx') && r.broken({ from: 'client/src/main.tsx', spec: 'x', file: 'server/protocol/requests.ts', typeOnly: true }))).toBe(false);
	});

	it('knows which protocol modules load zod (limits, closeReasons and errorCodes do not)', () => {
		expect(zod.has('server/protocol/requests.ts')).toBe(true);
		for (const f of ['server/protocol/limits.ts', 'server/protocol/closeReasons.ts', 'server/protocol/errorCodes.ts']) expect(zod.has(f), f).toBe(false);
	});
});
