import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { startServer, stopServer } from '../support/serverProcess.js';
import { SIP_TEST_ENV } from '../support/sipServer.js';

// Register mode: the bridge registers to a provider's registrar (sipp playing it) with digest auth.
it('registers to the provider with digest authentication', async () => {
	const registrarPort = 36000 + Math.floor(Math.random() * 2000);
	const dir = mkdtempSync(join(tmpdir(), 'plenum-registrar-'));
	const sipp = spawn('sipp', ['-sf', resolve('test/support/registrar.xml'), '-i', '127.0.0.1', '-p', String(registrarPort), '-m', '1', '-nostdin', '-timeout', '40s', '-timeout_error'], { cwd: dir, stdio: 'ignore' });
	const registrar = new Promise<number | null>((ok) => sipp.once('exit', ok));
	const server = await startServer(join(dir, 'server.log'), {
		...SIP_TEST_ENV, MEDIASOUP_WORKERS: '1',
		SIP_REGISTRAR: `sip:127.0.0.1:${registrarPort}`, SIP_AOR: 'sip:trunkuser@127.0.0.1', SIP_USERNAME: 'trunkuser', SIP_PASSWORD: 'trunkpass',
	});
	try {
		// sipp exits 0 only if the second REGISTER answered the challenge (same nonce, right digest).
		expect(await registrar).toBe(0);
	} finally {
		sipp.kill();
		await stopServer(server.child);
	}
}, 90_000);
