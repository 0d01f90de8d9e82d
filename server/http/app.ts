import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { type Lang, type PrivacyNotice, noticeHtml } from '../privacy/notice.js';
import { RoomIdSchema } from '../protocol/common.js';
import type { Logger } from '../observability/log.js';
import { metricsHandler } from './metricsRoute.js';
import { PlenumError, httpStatusOf } from '../shared/errors.js';

export interface HttpDeps {
	clientDistDir: string;
	/** The privacy notice in a language, generated from the running configuration. */
	privacy: (lang: Lang) => PrivacyNotice;
	/** Serves /metrics when given; absent when metrics have their own port (METRICS_PORT). */
	registry?: Registry;
	/** Bearer token /metrics requires, if any. */
	metricsToken?: string;
	/** True when at least one media worker is alive. */
	healthy: () => boolean;
	/** Why this instance should get no new meetings ('draining', 'no capacity', …), or undefined when ready. */
	notReady?: () => string | undefined;
	/** Where a failed request of ours (not the client's) is reported. */
	log?: Logger;
	/** Cluster mode: the live nodes' PUBLIC_URL origins, which the client may connect to (failover). */
	clusterOrigins?: () => string[];
}

/** Same origin only, nothing from anywhere else (invariant 3); in a cluster also our own other nodes. */
const cspWith = (connect: string) => [
	"default-src 'self'",
	`connect-src 'self'${connect}`,
	"img-src 'self' data: blob:",
	"media-src 'self' blob:",
	"style-src 'self'",
	"script-src 'self'",
	"frame-ancestors 'self'",
	"base-uri 'none'",
	"form-action 'self'",
].join('; ');
const CSP = cspWith('');

/**
 * connect-src sources for other nodes: each origin and its WebSocket form (a host source with
 * https: does not cover wss:, only 'self' does). Only what parses as an http(s) origin, so
 * nothing else can get into the header.
 */
export function clusterConnectSources(origins: readonly string[]): string {
	const out = new Set<string>();
	for (const o of origins) {
		try {
			const u = new URL(o);
			if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
			out.add(u.origin);
			out.add(`${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`);
		} catch {
			// not a URL: left out
		}
	}
	return [...out].map((x) => ` ${x}`).join('');
}

/** The express app: built client, health, metrics. No fixed port, so tests can mount it anywhere. */
export function createHttpApp(deps: HttpDeps): Express {
	const app = express();
	app.disable('x-powered-by');
	app.set('trust proxy', false);
	app.use((_req, res, next) => {
		res.set({
			'Content-Security-Policy': deps.clusterOrigins ? cspWith(clusterConnectSources(deps.clusterOrigins())) : CSP,
			'Referrer-Policy': 'no-referrer',
			'X-Content-Type-Options': 'nosniff',
			'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self)',
		});
		next();
	});

	app.get('/healthz', (_req, res) => {
		const ok = deps.healthy();
		res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'no media worker' });
	});
	// For load balancers and orchestrators: 503 while draining, without workers or without room for a new meeting.
	app.get('/readyz', (_req, res) => {
		const reason = deps.healthy() ? deps.notReady?.() : 'no media worker';
		res.status(reason ? 503 : 200).set('Cache-Control', 'no-store').json(reason ? { status: 'not ready', reason } : { status: 'ready' });
	});
	if (deps.registry) app.get('/metrics', metricsHandler(deps.registry, deps.metricsToken));

	// ?lang= wins, then the browser's Accept-Language; German or English.
	const langOf = (req: express.Request): Lang => {
		const q = req.query.lang;
		if (q === 'de' || q === 'en') return q;
		return req.acceptsLanguages('de', 'en') === 'de' ? 'de' : 'en';
	};
	app.get('/privacy', (req, res) => {
		res.type('html').set('Cache-Control', 'no-cache').send(noticeHtml(deps.privacy(langOf(req))));
	});
	app.get('/privacy.json', (req, res) => {
		res.set('Cache-Control', 'no-cache').json(deps.privacy(langOf(req)));
	});

	const dist = resolve(deps.clientDistDir);
	const index = resolve(dist, 'index.html');
	// Hashed assets never change; the HTML must always be fresh.
	app.use('/assets', express.static(resolve(dist, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
	app.use(express.static(dist, { index: false, maxAge: 0 }));
	const sendIndex = (_req: express.Request, res: express.Response) => {
		if (!existsSync(index)) return res.status(503).type('text').send('client not built: run npm start');
		res.set('Cache-Control', 'no-cache').sendFile(index);
	};
	app.get('/', sendIndex);
	app.get('/r/:roomId', (req, res, next) => {
		if (!RoomIdSchema.safeParse(req.params.roomId).success) return next(); // → 404
		sendIndex(req, res);
	});
	app.use((_req, res) => {
		const err = new PlenumError('PLN_NOT_FOUND');
		res.status(httpStatusOf(err.category)).json({ error: { code: err.code, message: err.message } });
	});
	// Express's own handler would print the error to stderr, the request's path (a room name)
	// in it. A 4xx is the client's (a malformed path, a missing asset): its code, no log line.
	// Anything else is ours: PLN_INTERNAL, reported through the scrubbing logger.
	app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
		const status = typeof err === 'object' && err !== null && 'status' in err ? err.status : undefined;
		const byClient = typeof status === 'number' && status >= 400 && status < 500;
		if (!byClient) deps.log?.error({ err }, 'http request failed');
		if (res.headersSent) return void res.destroy();
		const answer = new PlenumError(!byClient ? 'PLN_INTERNAL' : status === 404 ? 'PLN_NOT_FOUND' : 'PLN_INVALID_MESSAGE');
		res.status(httpStatusOf(answer.category)).json({ error: { code: answer.code, message: answer.message } });
	});
	return app;
}
