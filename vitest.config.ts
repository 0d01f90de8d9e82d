import { defineConfig } from 'vitest/config';

// Two projects: unit tests (pure logic, beside the code) and integration tests that share one
// real server (real mediasoup workers) and one real Chromium, started once in globalSetup.
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['server/**/*.test.ts', 'sfu-workers/**/*.test.ts', 'client/src/**/*.test.ts', 'bench/lib/*.test.ts', 'test/architecture/*.test.ts', 'test/privacy/*.test.ts'],
					environment: 'node',
				},
			},
			{
				test: {
					name: 'integration',
					include: ['test/integration/**/*.test.ts'],
					globalSetup: ['test/integration/globalSetup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000,
				},
			},
		],
	},
});
