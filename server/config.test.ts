import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
	it('runs on localhost with no variables set: port 3000, one worker per core, no secrets', () => {
		const c = loadConfig({});
		expect(c.port).toBe(3000);
		expect(c.workerCount).toBeGreaterThanOrEqual(1);
		expect(c.rtcPort).toBe(40000);
		expect(c.rtcAnnouncedAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
	});

	it('takes explicit values', () => {
		const c = loadConfig({ PORT: '0', MEDIASOUP_WORKERS: '3', RTC_ANNOUNCED_ADDRESS: 'meet.example.org', ROOM_EMPTY_GRACE_MS: '500' });
		expect(c).toMatchObject({ port: 0, workerCount: 3, rtcAnnouncedAddress: 'meet.example.org', roomEmptyGraceMs: 500 });
	});

	it('refuses bad values with a message naming every bad variable', () => {
		expect(() => loadConfig({ PORT: 'eighty', RTC_LISTEN_IP: 'not-an-ip', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL[\s\S]*RTC_LISTEN_IP|PORT[\s\S]*RTC_LISTEN_IP[\s\S]*LOG_LEVEL/);
	});

	it('token mode refuses to start without keys, and there is no default secret', () => {
		expect(() => loadConfig({ AUTH_MODE: 'token' })).toThrow(/AUTH_MODE=token needs JWT_SECRET/);
		expect(() => loadConfig({ AUTH_MODE: 'token', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
		expect(loadConfig({}).auth).toMatchObject({ mode: 'open', secret: undefined });
		expect(loadConfig({ AUTH_MODE: 'token', JWT_SECRET: 's'.repeat(32) }).auth.mode).toBe('token');
	});

	it('TURN needs a secret, only turn:/turns: URLs; the drain deadline defaults to one hour', () => {
		expect(loadConfig({}).turn).toBeUndefined();
		expect(loadConfig({}).drainTimeoutMs).toBe(3_600_000);
		expect(() => loadConfig({ TURN_URLS: 'turn:t.example.org:3478' })).toThrow(/TURN_URLS needs TURN_SECRET/);
		expect(() => loadConfig({ TURN_URLS: 'stun:stun.example.org', TURN_SECRET: 's'.repeat(32) })).toThrow(/TURN_URLS/);
		expect(() => loadConfig({ TURN_URLS: 'turn:t.example.org', TURN_SECRET: 'short' })).toThrow(/TURN_SECRET/);
		const c = loadConfig({ TURN_URLS: 'turn:t.example.org:3478?transport=udp, turns:t.example.org:443?transport=tcp', TURN_SECRET: 's'.repeat(32), TURN_TTL_S: '600' });
		expect(c.turn).toEqual({ urls: ['turn:t.example.org:3478?transport=udp', 'turns:t.example.org:443?transport=tcp'], secret: 's'.repeat(32), ttlS: 600 });
		expect(c.privacy.turn).toBe(true);
	});

	it('cluster mode only with REDIS_URL; NODE_ID random by default, CLUSTER_ADDRESS defaults to RTC_ANNOUNCED_ADDRESS; the URL is never shown', () => {
		expect(loadConfig({}).cluster).toBeUndefined();
		const a = loadConfig({ REDIS_URL: 'redis://:hunter2hunter2@10.0.0.5:6379', RTC_ANNOUNCED_ADDRESS: '192.0.2.7' });
		expect(a.cluster).toMatchObject({ redisUrl: 'redis://:hunter2hunter2@10.0.0.5:6379', clusterAddress: '192.0.2.7' });
		expect(a.cluster?.nodeId).toMatch(/^[A-Za-z0-9_-]{11}$/);
		expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).cluster?.nodeId).not.toBe(a.cluster?.nodeId);
		expect(a.effective.REDIS_URL).toBe('[set]');
		expect(JSON.stringify(a.effective)).not.toContain('hunter2');
		expect(a.effective.NODE_ID).toBe(a.cluster?.nodeId);
		const b = loadConfig({ REDIS_URL: 'rediss://r.example.org:6380', NODE_ID: 'node-b', CLUSTER_ADDRESS: '10.1.0.2' });
		expect(b.cluster).toEqual({ redisUrl: 'rediss://r.example.org:6380', nodeId: 'node-b', clusterAddress: '10.1.0.2' });
		expect(() => loadConfig({ REDIS_URL: 'http://:secretpw@r:6379' })).toThrow(/REDIS_URL: must be a redis/);
		expect(() => loadConfig({ REDIS_URL: 'http://:secretpw@r:6379' })).not.toThrow(/secretpw/);
		expect(() => loadConfig({ REDIS_URL: 'redis://r', NODE_ID: 'a b' })).toThrow(/NODE_ID/);
	});
});
