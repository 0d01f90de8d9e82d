// Start-up time: from spawn until the server prints "Plenum is running", for each command
// given, interleaved (so a busy machine weighs on all of them alike), RUNS times each, medians.
// Each server is stopped with SIGINT right after. Writes nothing.
//   node scripts/startupTime.mjs '{"npm start":"npm start --silent","node dist":"node --enable-source-maps dist/server/index.js"}'
import { spawn } from 'node:child_process';

const RUNS = Number(process.env.RUNS ?? 11);
const PAUSE_MS = 500;
const commands = JSON.parse(process.argv[2] ?? '{"npm start":"npm start --silent"}');

function once(cmd) {
	return new Promise((ok, fail) => {
		const t0 = process.hrtime.bigint();
		const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', RTC_PORT: String(43000 + Math.floor(Math.random() * 4000)), RTC_LISTEN_IP: '127.0.0.1', RTC_ANNOUNCED_ADDRESS: '127.0.0.1', LOG_LEVEL: 'warn' };
		// Its own process group, so SIGINT reaches the server under npm and sh as well.
		const child = spawn('sh', ['-c', cmd], { detached: true, env, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		let ready = false;
		child.stderr.on('data', (d) => {
			stderr += d;
			if (ready || !stderr.includes('Plenum is running')) return;
			ready = true;
			const ms = Number(process.hrtime.bigint() - t0) / 1e6;
			child.once('exit', () => ok(ms));
			process.kill(-child.pid, 'SIGINT');
		});
		child.once('exit', (code) => ready || fail(new Error(`${cmd} exited with ${code}:\n${stderr}`)));
	});
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) {
	for (const [label, cmd] of Object.entries(commands)) {
		times[label].push(await once(cmd));
		await new Promise((r) => setTimeout(r, PAUSE_MS));
	}
}
for (const [label, xs] of Object.entries(times)) console.log(`${label}: median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`);
