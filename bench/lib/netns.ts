import { execFileSync, spawnSync } from 'node:child_process';
import { JANUS_ADDRESS } from '../systems/sdp.js';

const ENV_FLAG = 'PLENUM_BENCH_NETNS';

/**
 * Runs the bench inside a network namespace of its own (needs root): a private loopback, so
 * its ports cannot collide with other programs on the machine, plus one address for Janus
 * (libnice never uses a loopback interface) on a veth pair that leads nowhere else.
 * Returns true when the caller is the outer process (the bench already ran inside).
 */
export function runInsideNamespace(): boolean {
	if (process.env[ENV_FLAG]) return false;
	if (process.getuid?.() !== 0) throw new Error('the bench needs root (network namespace, raw socket for ICE checks)');
	const ns = `plenum-bench-${process.pid}`;
	const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'inherit' });
	ip('netns', 'add', ns);
	try {
		ip('-n', ns, 'link', 'set', 'lo', 'up');
		ip('-n', ns, 'link', 'add', 'bench0', 'type', 'veth', 'peer', 'name', 'bench1');
		ip('-n', ns, 'addr', 'add', `${JANUS_ADDRESS}/32`, 'dev', 'bench0');
		ip('-n', ns, 'link', 'set', 'bench0', 'up');
		ip('-n', ns, 'link', 'set', 'bench1', 'up');
		const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
			stdio: 'inherit',
			env: { ...process.env, [ENV_FLAG]: ns },
		});
		process.exitCode = r.status ?? 1;
	} finally {
		spawnSync('ip', ['netns', 'del', ns], { stdio: 'inherit' });
	}
	return true;
}
