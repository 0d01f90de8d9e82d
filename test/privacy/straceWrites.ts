/**
 * Reads an `strace -f` trace and lists every successful call that wrote, created, renamed or
 * removed a file. Pseudo-files (/dev/null, /dev/pts, /proc, /sys) are not storage and are skipped.
 */
const PSEUDO = /^"(\/dev\/(null|tty|pts\/|urandom|random)|\/proc\/|\/sys\/)/;
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;
const CHANGE_CALLS = /^(creat|rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|truncate|link|linkat|symlink|symlinkat)\(/;

export function fileWrites(trace: string): string[] {
	const found: string[] = [];
	for (const raw of trace.split('\n')) {
		const line = raw.replace(/^(\[pid\s+\d+\]|\d+)\s+/, '').trim(); // drop the pid column
		const result = /\)\s+=\s+(-?\d+)/.exec(line)?.[1];
		if (result === undefined || Number(result) < 0) continue; // failed or unfinished calls changed nothing
		const path = /"[^"]*"/.exec(line)?.[0] ?? '';
		if (PSEUDO.test(path)) continue;
		const isOpen = /^open(at2?)?\(/.test(line);
		if ((isOpen && WRITE_FLAGS.test(line)) || CHANGE_CALLS.test(line)) found.push(line);
	}
	return found;
}
