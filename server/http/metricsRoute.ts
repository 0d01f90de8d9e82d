import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { PlenumError } from '../shared/errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics: the Prometheus exposition. With a token, only `Authorization: Bearer <token>`
 * gets it (compared in constant time); others get 401 PLN_METRICS_TOKEN_REQUIRED.
 */
export function metricsHandler(registry: Registry, token: string | undefined): RequestHandler {
	const expected = token === undefined ? undefined : digest(token);
	return async (req, res) => {
		if (expected) {
			const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
			if (!m?.[1] || !timingSafeEqual(digest(m[1]), expected)) {
				const err = new PlenumError('PLN_METRICS_TOKEN_REQUIRED');
				res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: { code: err.code, message: err.message } });
				return;
			}
		}
		res.type(registry.contentType).send(await registry.metrics());
	};
}

/** An app serving only /metrics, for METRICS_PORT (kept off the public interface). */
export function createMetricsApp(registry: Registry, token: string | undefined): Express {
	const app = express();
	app.disable('x-powered-by');
	app.get('/metrics', metricsHandler(registry, token));
	app.use((_req, res) => {
		const err = new PlenumError('PLN_NOT_FOUND');
		res.status(404).json({ error: { code: err.code, message: err.message } });
	});
	return app;
}
