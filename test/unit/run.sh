#!/bin/sh
# Run each unit-test program, show its PASS/FAIL lines, and end with the line
# "N passed, N failed".  A program that dies without saying which test
# failed counts as one failure.
passed=0
failed=0
out=$(mktemp /tmp/ckpt-unit-out.XXXXXX) || exit 1
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	timeout 600 "./$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $t: exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
