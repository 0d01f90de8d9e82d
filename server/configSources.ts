import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Where a setting's value came from: the environment, or the PLENUM_CONFIG file's path. */
export type SettingSources = Record<string, string>;

const ENVIRONMENT = 'environment';

/** Settings whose values are never printed: in errors, in the start-up log, anywhere (REDIS_URL may carry a password). */
export const isSecretSetting = (name: string): boolean => /SECRET|TOKEN|PASSWORD|CREDENTIAL|PRIVATE_KEY|REDIS_URL/.test(name);

/**
 * The raw settings: the PLENUM_CONFIG file (JSON object, same keys as the environment
 * variables) overlaid by the environment. An empty variable counts as unset. Unknown keys in
 * the file are refused, so a typo cannot silently fall back to a default.
 */
export function readSettings(env: NodeJS.ProcessEnv, names: readonly string[]): { values: Record<string, string>; sources: SettingSources } {
	const values: Record<string, string> = {};
	const sources: SettingSources = {};
	const file = env.PLENUM_CONFIG;
	if (file) {
		for (const [name, value] of Object.entries(readConfigFile(file))) {
			if (!names.includes(name)) throw new Error(`invalid configuration:\n  ${name} in ${file}: unknown setting (known: ${names.join(', ')})`);
			if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
				throw new Error(`invalid configuration:\n  ${name} in ${file}: must be a string, number or boolean`);
			}
			values[name] = String(value);
			sources[name] = file;
		}
	}
	for (const name of names) {
		const v = env[name];
		if (v === undefined || v === '') continue;
		values[name] = v;
		sources[name] = ENVIRONMENT;
	}
	return { values, sources };
}

function readConfigFile(file: string): Record<string, unknown> {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (err) {
		throw new Error(`invalid configuration:\n  PLENUM_CONFIG: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (err) {
		throw new Error(`invalid configuration:\n  PLENUM_CONFIG: ${file} is not valid JSON (${(err as Error).message})`);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new Error(`invalid configuration:\n  PLENUM_CONFIG: ${file} must hold a JSON object such as {"PORT": 3000}`);
	}
	return parsed as Record<string, unknown>;
}

const FORMATS: Record<string, string> = { ipv4: 'an IPv4 address', ipv6: 'an IPv6 address', url: 'a URL such as https://meet.example.org' };

/** What a setting's schema allows, in words: "must be a whole number from 0 to 65535". */
export function allowedValues(schema: z.ZodType): string | undefined {
	let s: unknown = schema;
	while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap();
	if (s instanceof z.ZodNumber) {
		const what = s.isInt ? 'a whole number' : 'a number';
		const max = s.maxValue !== null && s.maxValue < Number.MAX_SAFE_INTEGER ? s.maxValue : undefined;
		if (s.minValue !== null && max !== undefined) return `must be ${what} from ${s.minValue} to ${max}`;
		if (s.minValue !== null && s.minValue > Number.MIN_SAFE_INTEGER) return `must be ${what} of at least ${s.minValue}`;
		return `must be ${what}`;
	}
	if (s instanceof z.ZodEnum) return `must be one of: ${s.options.join(', ')}`;
	if (s instanceof z.ZodStringFormat) return `must be ${(s.format && FORMATS[s.format]) || s.format}`;
	if (s instanceof z.ZodUnion) {
		const kinds = s.options.map((o) => (o instanceof z.ZodStringFormat ? ((o.format && FORMATS[o.format]) || o.format) : 'another form'));
		return `must be ${kinds.join(' or ')}`;
	}
	if (s instanceof z.ZodString) return 'must not be empty';
	return undefined;
}

/** One Error listing every bad setting: name, source, what it allows, and (unless secret) what it got. */
export function settingsError(shape: Record<string, z.ZodType>, issues: readonly z.core.$ZodIssue[], values: Record<string, string>, sources: SettingSources): Error {
	const lines = issues.map((i) => {
		const name = String(i.path[0] ?? '');
		const schema = shape[name];
		// Messages written on the schema start with "must"; zod's own are replaced by the allowed values.
		const message = i.message.startsWith('must') ? i.message : ((schema && allowedValues(schema)) ?? i.message);
		const source = sources[name];
		const where = source && source !== ENVIRONMENT ? ` in ${source}` : '';
		const got = name in values && !isSecretSetting(name) ? ` (got ${JSON.stringify(values[name])})` : '';
		return `  ${name}${where}: ${message}${got}`;
	});
	return new Error(`invalid configuration:\n${lines.join('\n')}`);
}

/**
 * Settings that may name a person or their contact (the privacy notice's controller, often a
 * DPO's name, e-mail or phone number; the SIP account's user): never in the start-up log.
 */
export const isPersonalSetting = (name: string): boolean => /CONTROLLER|CONTACT|USERNAME|AOR/.test(name);

export const NOT_LOGGED = '[not logged]';

/** The effective settings as the start-up log line carries them: personal ones left out. */
export function loggedSettings(effective: Record<string, string | number>): Record<string, string | number> {
	const out: Record<string, string | number> = {};
	for (const [name, v] of Object.entries(effective)) out[name] = isPersonalSetting(name) ? NOT_LOGGED : v;
	return out;
}

/** The effective settings for --check-config: unset ones left out, secrets shown as "[set]". */
export function publicSettings(settings: Record<string, unknown>): Record<string, string | number> {
	const out: Record<string, string | number> = {};
	for (const [name, v] of Object.entries(settings)) {
		if (v === undefined) continue;
		out[name] = isSecretSetting(name) ? '[set]' : typeof v === 'number' ? v : String(v);
	}
	return out;
}
