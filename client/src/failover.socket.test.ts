import { type Server as HttpServer, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { type Socket, io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Failover } from './failover.js';

/** Two real socket.io servers on loopback, each answering 'who' with its name. */
async function node(name: string): Promise<{ url: string; http: HttpServer; io: Server; kill: () => void }> {
	const http = createServer();
	const raw = new Set<import('node:net').Socket>();
	http.on('connection', (c) => raw.add(c));
	const srv = new Server(http);
	srv.on('connection', (s) => s.on('who', (ack: (n: string) => void) => ack(name)));
	await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
	// As a killed process: the port stops listening and every TCP connection just ends.
	const kill = () => {
		http.close();
		for (const c of raw) c.destroy();
	};
	return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, http, io: srv, kill };
}

const until = async (cond: () => boolean, ms = 10_000) => {
	for (const end = Date.now() + ms; !cond(); ) {
		if (Date.now() > end) throw new Error('condition not met');
		await new Promise((r) => setTimeout(r, 20));
	}
};
const who = (s: Socket) => new Promise<string>((ok) => s.emit('who', ok));

describe('Failover on real sockets', () => {
	const cleanup: Array<() => void> = [];
	afterEach(() => {
		for (const f of cleanup.splice(0)) f();
	});

	it('a reconnect push moves the socket to the named node, and reconnects are counted there', async () => {
		const a = await node('a');
		const b = await node('b');
		cleanup.push(() => a.io.close(), () => b.io.close());
		const socket = io(a.url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 });
		cleanup.push(() => socket.disconnect());
		const f = new Failover(socket);
		let reconnects = 0;
		socket.io.on('reconnect', () => reconnects++);
		await until(() => socket.connected);
		expect(await who(socket)).toBe('a');
		f.moveTo(b.url);
		await until(() => reconnects === 1 && socket.connected);
		expect(await who(socket)).toBe('b');
	});

	it('when its node is gone, the socket tries the failover URLs and lands on a live one', async () => {
		const a = await node('a');
		const b = await node('b');
		cleanup.push(() => b.io.close(), () => a.io.close());
		const socket = io(a.url, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 100 });
		cleanup.push(() => socket.disconnect());
		const f = new Failover(socket);
		await until(() => socket.connected);
		f.urls = ['http://127.0.0.1:9', b.url]; // the first is dead too
		a.kill();
		await until(() => !socket.connected);
		await until(() => socket.connected);
		expect(await who(socket)).toBe('b');
	});
});
