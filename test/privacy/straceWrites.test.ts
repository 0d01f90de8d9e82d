import { describe, expect, it } from 'vitest';
import { fileWrites } from './straceWrites.js';

describe('fileWrites (strace parser)', () => {
	it('finds opens for writing, creations, renames and removals that succeeded', () => {
		const trace = [
			'101   openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
			'101   openat(AT_FDCWD, "/tmp/names.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 5',
			'102   openat(AT_FDCWD, "/var/log/x", O_WRONLY|O_APPEND) = -1 EACCES (Permission denied)',
			'101   openat(AT_FDCWD, "/dev/null", O_RDWR|O_CLOEXEC) = 4',
			'101   openat(AT_FDCWD, "/proc/self/oom_score_adj", O_WRONLY) = 6',
			'[pid   103] rename("/tmp/a", "/tmp/b") = 0',
			'103   unlinkat(AT_FDCWD, "/tmp/c", 0) = 0',
			'103   mkdir("/tmp/tsx-0", 0700) = -1 EEXIST (File exists)',
		].join('\n');
		expect(fileWrites(trace)).toEqual([
			'openat(AT_FDCWD, "/tmp/names.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 5',
			'rename("/tmp/a", "/tmp/b") = 0',
			'unlinkat(AT_FDCWD, "/tmp/c", 0) = 0',
		]);
	});
});
