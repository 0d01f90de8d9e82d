import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The server serves client/dist; everything the page needs is bundled (no third-party origin).
export default defineConfig({
	root: fileURLToPath(new URL('.', import.meta.url)),
	base: '/',
	plugins: [preact()],
	build: {
		outDir: 'dist',
		emptyOutDir: true,
		sourcemap: true,
		target: 'es2022',
		// No inline assets: the CSP is default-src 'self' without data: for scripts/styles.
		assetsInlineLimit: 0,
	},
});
