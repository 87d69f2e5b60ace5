#!/bin/bash
# make test: the unit tests, the checkpoint/restore suite (also with compressed
# images, and without snapshots), and a short fuzz of the image readers.  Each part
# prints its own "N passed, N failed" line; the last line here adds them up.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp -d /tmp/ckpt-make-test.XXXXXX)
passed=0 failed=0 skipped=0

part() {
	local name=$1 out rc line
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$log/$name.log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: no result line (exit status $rc)"
		failed=$((failed + 1))
		return
	fi
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
	f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
	s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "$name: exit status $rc"
		failed=$((failed + 1))
	fi
}

part unit make -s -C test/unit run
part zdtm make -s -C test run CKPT="$PWD/criu-lite/ckpt"
part compressed make -s -C test compressed CKPT="$PWD/criu-lite/ckpt"
part frozen make -s -C test frozen CKPT="$PWD/criu-lite/ckpt"
# a short fuzz of the image readers (make -C test/fuzz run SECONDS=N for longer)
if echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	clang -fsanitize=fuzzer -x c - -o "$log/fuzz-probe" >/dev/null 2>&1; then
	part fuzz make -s -C test/fuzz run SECONDS=20
else
	echo "== fuzz: skipped (no clang with libFuzzer: apt-get install clang libclang-rt-14-dev)"
	skipped=$((skipped + 1))
fi
rm -rf "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
