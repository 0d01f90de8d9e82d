import { readFileSync } from 'node:fs';
import { type JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { type ErrorCode, PlenumError } from '../shared/errors.js';
import { MAX_TOKEN_BYTES, type TokenClaims, TokenClaimsSchema } from './tokenClaims.js';

export interface TokenKeys {
	/** HS256 shared secret (at least 32 bytes). */
	secret?: string;
	/** A JWKS file with public keys (RS256, ES256, EdDSA). */
	jwksFile?: string;
	/** A JWKS URL, fetched and cached by jose (re-fetched on an unknown kid: key rotation). */
	jwksUrl?: string;
	issuer: string;
	audience: string;
	/** Minimum time between two JWKS fetches (jose's cooldown); default 30 s. */
	jwksCooldownMs?: number;
}

const SYMMETRIC = ['HS256'];
const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];
const CLOCK_TOLERANCE_S = 30;
const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

/**
 * Verifies room tokens with jose. Each key type accepts only its own algorithms, so a token
 * signed with HS256 is never checked against a public key (algorithm confusion) and 'none'
 * is never accepted. Every failure is a PlenumError with a PLN_TOKEN_* code.
 */
export class TokenVerifier {
	readonly #secret: Uint8Array | undefined;
	readonly #jwks: JWTVerifyGetKey | undefined;
	readonly #keys: TokenKeys;

	constructor(keys: TokenKeys) {
		this.#keys = keys;
		this.#secret = keys.secret ? new TextEncoder().encode(keys.secret) : undefined;
		if (keys.jwksFile) this.#jwks = createLocalJWKSet(JSON.parse(readFileSync(keys.jwksFile, 'utf8')));
		else if (keys.jwksUrl) this.#jwks = createRemoteJWKSet(new URL(keys.jwksUrl), {
				cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
				cooldownDuration: keys.jwksCooldownMs ?? 30_000,
			});
		if (!this.#secret && !this.#jwks) throw new Error('token verification needs JWT_SECRET, JWT_JWKS_FILE or JWT_JWKS_URL');
	}

	async verify(token: string): Promise<TokenClaims> {
		if (token.length > MAX_TOKEN_BYTES) throw new PlenumError('PLN_TOKEN_TOO_LARGE');
		let alg: string | undefined;
		try {
			alg = decodeProtectedHeader(token).alg;
		} catch (err) {
			throw new PlenumError('PLN_TOKEN_INVALID', { cause: err });
		}
		const options = { issuer: this.#keys.issuer, audience: this.#keys.audience, clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['exp'] };
		try {
			const { payload } = alg && SYMMETRIC.includes(alg)
				? await jwtVerify(token, this.#secretOrRefuse(), { ...options, algorithms: SYMMETRIC })
				: await jwtVerify(token, this.#jwksOrRefuse(), { ...options, algorithms: ASYMMETRIC });
			const claims = TokenClaimsSchema.safeParse(payload);
			if (!claims.success) throw new PlenumError('PLN_TOKEN_INVALID');
			return claims.data;
		} catch (err) {
			if (err instanceof PlenumError) throw err;
			throw new PlenumError(codeFor(err), { cause: err });
		}
	}

	#secretOrRefuse(): Uint8Array {
		if (!this.#secret) throw new PlenumError('PLN_TOKEN_ALG_NOT_ALLOWED');
		return this.#secret;
	}

	#jwksOrRefuse(): JWTVerifyGetKey {
		if (!this.#jwks) throw new PlenumError('PLN_TOKEN_ALG_NOT_ALLOWED');
		return this.#jwks;
	}
}

function codeFor(err: unknown): ErrorCode {
	if (err instanceof errors.JWTExpired) return 'PLN_TOKEN_EXPIRED';
	if (err instanceof errors.JWTClaimValidationFailed) {
		if (err.claim === 'nbf') return 'PLN_TOKEN_NOT_YET_VALID';
		if (err.claim === 'aud') return 'PLN_TOKEN_WRONG_AUDIENCE';
		if (err.claim === 'iss') return 'PLN_TOKEN_WRONG_ISSUER';
		return 'PLN_TOKEN_INVALID';
	}
	if (err instanceof errors.JWSSignatureVerificationFailed) return 'PLN_TOKEN_BAD_SIGNATURE';
	if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'PLN_TOKEN_ALG_NOT_ALLOWED';
	if (err instanceof errors.JWKSNoMatchingKey) return 'PLN_TOKEN_UNKNOWN_KEY';
	if (err instanceof errors.JWKSTimeout) return 'PLN_TOKEN_KEYS_UNAVAILABLE';
	return 'PLN_TOKEN_INVALID';
}
