/** Vite's `?url` imports: the URL of a file the build emits beside the bundle (same origin). */
declare module '*?url' {
	const url: string;
	export default url;
}
