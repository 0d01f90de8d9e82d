import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoKey, type JWK, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from './TokenVerifier.js';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ISS = 'portal.example';
const AUD = 'plenum';
const claims = { room: 'board-meeting', name: 'Erika', role: 'moderator' };

const hs256 = (payload: object = claims, o: { exp?: string | number; nbf?: string | number; iss?: string; aud?: string; secret?: string } = {}) => {
	let jwt = new SignJWT({ ...payload }).setProtectedHeader({ alg: 'HS256' }).setIssuer(o.iss ?? ISS).setAudience(o.aud ?? AUD).setExpirationTime(o.exp ?? '10m');
	if (o.nbf !== undefined) jwt = jwt.setNotBefore(o.nbf);
	return jwt.sign(new TextEncoder().encode(o.secret ?? SECRET));
};
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('TokenVerifier with an HS256 secret', () => {
	const v = new TokenVerifier({ secret: SECRET, issuer: ISS, audience: AUD });

	it('accepts a valid token and returns its claims', async () => {
		expect(await v.verify(await hs256())).toEqual(claims);
	});
	it('defaults role to participant', async () => {
		expect((await v.verify(await hs256({ room: '*' }))).role).toBe('participant');
	});

	const attacks: Array<[string, () => Promise<string> | string, string]> = [
		['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 })}.`, 'PLN_TOKEN_ALG_NOT_ALLOWED'],
		['expired', () => hs256(claims, { exp: Math.floor(Date.now() / 1000) - 3600 }), 'PLN_TOKEN_EXPIRED'],
		['not yet valid', () => hs256(claims, { nbf: Math.floor(Date.now() / 1000) + 3600 }), 'PLN_TOKEN_NOT_YET_VALID'],
		['wrong audience', () => hs256(claims, { aud: 'another-service' }), 'PLN_TOKEN_WRONG_AUDIENCE'],
		['wrong issuer', () => hs256(claims, { iss: 'evil.example' }), 'PLN_TOKEN_WRONG_ISSUER'],
		['wrong secret', () => hs256(claims, { secret: 'another-secret-that-is-also-32-bytes-long' }), 'PLN_TOKEN_BAD_SIGNATURE'],
		['tampered payload', async () => {
			const [h, , s] = (await hs256()).split('.');
			return `${h}.${b64({ ...claims, role: 'moderator', room: '*', iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 })}.${s}`;
		}, 'PLN_TOKEN_BAD_SIGNATURE'],
		['oversized', () => `${'a'.repeat(5000)}.b.c`, 'PLN_TOKEN_TOO_LARGE'],
		['not a JWT', () => 'hello', 'PLN_TOKEN_INVALID'],
		['bad role claim', () => hs256({ room: 'x', role: 'admin' }), 'PLN_TOKEN_INVALID'],
		['bad room claim', () => hs256({ room: '../etc' }), 'PLN_TOKEN_INVALID'],
		['RS256 where only a secret is configured', async () => {
			const { privateKey } = await generateKeyPair('RS256');
			return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('10m').sign(privateKey);
		}, 'PLN_TOKEN_ALG_NOT_ALLOWED'],
	];
	for (const [name, make, code] of attacks) {
		it(`refuses: ${name} → ${code}`, async () => {
			await expect(v.verify(await make())).rejects.toMatchObject({ code });
		});
	}
});

describe('TokenVerifier with public keys (JWKS)', () => {
	let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
	let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
	let ed: { privateKey: CryptoKey; publicKey: CryptoKey };
	let jwks: { keys: JWK[] };
	let server: Server;
	let served: { keys: JWK[] };
	const sign = (key: CryptoKey, alg: string, kid: string) => new SignJWT({ ...claims }).setProtectedHeader({ alg, kid }).setIssuer(ISS).setAudience(AUD).setExpirationTime('10m').sign(key);

	beforeAll(async () => {
		rsa = await generateKeyPair('RS256');
		ec = await generateKeyPair('ES256');
		ed = await generateKeyPair('EdDSA');
		jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' }, { ...(await exportJWK(ed.publicKey)), kid: 'ed', alg: 'EdDSA' }] };
		served = { keys: [jwks.keys[0] as JWK] };
		server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(served)));
		await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	});
	afterAll(() => server?.close());

	it('accepts RS256, ES256 and EdDSA tokens from a JWKS file', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'plenum-jwks-')), 'jwks.json');
		writeFileSync(file, JSON.stringify(jwks));
		const v = new TokenVerifier({ jwksFile: file, issuer: ISS, audience: AUD });
		expect(await v.verify(await sign(rsa.privateKey, 'RS256', 'rsa'))).toEqual(claims);
		expect(await v.verify(await sign(ec.privateKey, 'ES256', 'ec'))).toEqual(claims);
		expect(await v.verify(await sign(ed.privateKey, 'EdDSA', 'ed'))).toEqual(claims);
	});

	it('refuses algorithm confusion: HS256 signed with the public key as secret', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'plenum-jwks-')), 'jwks.json');
		writeFileSync(file, JSON.stringify(jwks));
		const v = new TokenVerifier({ jwksFile: file, issuer: ISS, audience: AUD });
		const pem = await exportSPKI(rsa.publicKey);
		const forged = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid: 'rsa' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('10m').sign(new TextEncoder().encode(pem));
		await expect(v.verify(forged)).rejects.toMatchObject({ code: 'PLN_TOKEN_ALG_NOT_ALLOWED' });
	});

	it('fetches a JWKS URL and follows key rotation (a new kid triggers a re-fetch)', async () => {
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
		const v = new TokenVerifier({ jwksUrl: url, issuer: ISS, audience: AUD, jwksCooldownMs: 0 });
		expect(await v.verify(await sign(rsa.privateKey, 'RS256', 'rsa'))).toEqual(claims);
		await expect(v.verify(await sign(ec.privateKey, 'ES256', 'ec'))).rejects.toMatchObject({ code: 'PLN_TOKEN_UNKNOWN_KEY' });
		served = { keys: [jwks.keys[1] as JWK] }; // the portal rotated to the EC key
		expect(await v.verify(await sign(ec.privateKey, 'ES256', 'ec'))).toEqual(claims);
	});

	it('refuses to be built without any key', () => {
		expect(() => new TokenVerifier({ issuer: ISS, audience: AUD })).toThrow(/JWT_SECRET/);
	});
});
