#!/usr/bin/env bash
# Builds mediasoup-worker from the C++ sources inside the installed `mediasoup` npm package,
# against Debian bookworm's libraries, without GitHub, PyPI or meson wrap downloads.
# Called by ensureWorker.mjs (npm postinstall); see README.md for the why.
#
#   build.sh <mediasoup package dir> <output binary path>
#
# Env: PLENUM_WORKER_BUILD_DIR  scratch dir (default: a fresh mktemp dir, removed on success)
#      LIBSRTP2_DSC             a local libsrtp2_2.5.0-3.dsc (default: apt-get source)
set -euo pipefail

MS_PKG_DIR="$(cd "$1" && pwd)"
OUT_BIN="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
SCRATCH="${PLENUM_WORKER_BUILD_DIR:-$(mktemp -d /tmp/plenum-worker-build.XXXXXX)}"
LIBSRTP2_VERSION="2.5.0-3"
LIBSRTP2_DSC_SHA256="3b77c17dc1cf3135fbdaaf4cb0c5f4ae69793dd4cea63b9e466286e7687c861e"
SRTP_PREFIX="$SCRATCH/libsrtp2/prefix"
WORK="$SCRATCH/mediasoup"
JOBS="$(nproc)"

step() { printf '\n[worker-build] %s\n' "$*"; }

# 1. libsrtp2 from Debian's *source* package, on OpenSSL, static, in a private prefix.
#    Debian's binary libsrtp2 is built on NSS: ~4x slower per packet (see README).
step "1/4 libsrtp2 $LIBSRTP2_VERSION with OpenSSL (static, private prefix)"
dsc="${LIBSRTP2_DSC:-}"
if [ -z "$dsc" ]; then
	mkdir -p "$SCRATCH/debsrc"
	# apt-get source needs a deb-src entry; without one, take the same files from the pool.
	# Either way the pinned .dsc hash and dpkg-source's checksums vouch for them.
	(cd "$SCRATCH/debsrc" && apt-get source --download-only "libsrtp2=$LIBSRTP2_VERSION" >/dev/null 2>&1) || {
		pool="${PLENUM_DEBIAN_MIRROR:-http://deb.debian.org/debian}/pool/main/libs/libsrtp2"
		for f in libsrtp2_2.5.0-3.dsc libsrtp2_2.5.0.orig.tar.gz libsrtp2_2.5.0-3.debian.tar.xz; do
			curl -fsSL -o "$SCRATCH/debsrc/$f" "$pool/$f" || { echo "[worker-build] cannot fetch $pool/$f"; exit 1; }
		done
	}
	dsc="$SCRATCH/debsrc/libsrtp2_$LIBSRTP2_VERSION.dsc"
fi
echo "$LIBSRTP2_DSC_SHA256  $dsc" | sha256sum -c --quiet - || { echo "[worker-build] unexpected $dsc"; exit 1; }
rm -rf "$SCRATCH/libsrtp2"
mkdir -p "$SCRATCH/libsrtp2"
dpkg-source -x "$dsc" "$SCRATCH/libsrtp2/src" >/dev/null # verifies checksums, applies Debian's patches
(
	cd "$SCRATCH/libsrtp2/src"
	unset CFLAGS # libsrtp's configure then picks -fPIC -O3
	./configure --prefix="$SRTP_PREFIX" --enable-openssl --disable-debug --disable-pcap >../configure.log 2>&1 ||
		{ tail -30 ../configure.log; exit 1; }
	grep -q '^#define OPENSSL 1' crypto/include/config.h || { echo "[worker-build] libsrtp2: OpenSSL not enabled"; exit 1; }
	make -j "$JOBS" libsrtp2.a >../make.log 2>&1 || { tail -30 ../make.log; exit 1; }
	make install >>../make.log 2>&1
)
[ ! -e "$SRTP_PREFIX/lib/libsrtp2.so" ] || { echo "[worker-build] unexpected shared libsrtp2"; exit 1; }
export PKG_CONFIG_PATH="$SRTP_PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# 2. A scratch copy of the package (node_modules stays untouched), patched.
step "2/4 copy mediasoup $(node -p "require('$MS_PKG_DIR/package.json').version") and apply patches"
rm -rf "$WORK"
mkdir -p "$WORK"
cp -a "$MS_PKG_DIR/worker" "$WORK/worker"
for p in "$HERE"/patches/*.patch; do
	patch -d "$WORK" -p1 --forward --quiet <"$p" || { echo "[worker-build] patch $(basename "$p") did not apply"; exit 1; }
	echo "  applied $(basename "$p")"
done

# 3. Our overlays stand where each .wrap would download to, so meson never downloads.
step "3/4 overlay subprojects onto Debian libraries"
overlay() { # <wrap name> <overlay dir>
	local dir
	dir="$(sed -n -E 's/^directory *= *(.*)$/\1/p' "$WORK/worker/subprojects/$1.wrap" | head -1)"
	[ -n "$dir" ] || { echo "[worker-build] no directory= in $1.wrap"; exit 1; }
	rm -rf "$WORK/worker/subprojects/$dir"
	cp -a "$HERE/overlays/$2" "$WORK/worker/subprojects/$dir"
}
overlay libuv libuv
overlay openssl openssl
overlay libsrtp3 libsrtp3
overlay flatbuffers flatbuffers
overlay unordered-dense unordered_dense
overlay abseil-cpp abseil-cpp

# 4. Configure and compile (the options of mediasoup's tasks.py Release build).
step "4/4 meson + ninja ($JOBS jobs; about 5 minutes on 2 cores)"
cd "$WORK/worker"
meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true -Dms_use_builtin_bwe=false build >../meson.log 2>&1 ||
	{ tail -40 ../meson.log; exit 1; }
# ninja prints one "[n/N] ..." line per step: that is the progress the user sees.
NINJA_STATUS="[worker-build %f/%t] " ninja -C build -j "$JOBS" mediasoup-worker 2>&1 | tee ../ninja.log | grep --line-buffered -E '^\[worker-build|error|FAILED' || true
[ -x build/mediasoup-worker ] || { tail -40 ../ninja.log; echo "[worker-build] compile failed"; exit 1; }

if ldd build/mediasoup-worker | grep -E 'libsrtp2|libnss3|libnspr4'; then
	echo "[worker-build] worker links a shared libsrtp2/NSS"
	exit 1
fi
mkdir -p "$(dirname "$OUT_BIN")"
strip -o "$OUT_BIN.tmp" build/mediasoup-worker
mv "$OUT_BIN.tmp" "$OUT_BIN"
[ -n "${PLENUM_WORKER_BUILD_DIR:-}" ] || rm -rf "$SCRATCH"
step "done: $OUT_BIN"
