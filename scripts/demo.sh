#!/bin/bash
# make demo: checkpoint a running job, kill it, restore it, watch it go on.
#
#   0. ckpt check: stop early, and say why, on a kernel that cannot do it;
#   1. build scripts/demo-job.c into a temporary directory and start it, with
#      stdin from /dev/null, stdout and stderr to a log file and no other fd
#      (ckpt refuses terminals, and a pipe to this script could not follow the job), in a session of its own;
#   2. ckpt dump it (which kills it) and ckpt show the checkpoint;
#   3. ckpt restore it, without --detach and in the background: ckpt stays
#      the restored job's parent and exits with its status, so this script
#      can end it by its PID and reap what it started;
#   4. check that it carries on: same PID, the next tick, the checksum that
#      tick must have (`demo-job --sum N` computes it), its own memory check.
#
# Every wait is bounded.  Only processes started here are touched, by PID.
# CKPT=/path/to/ckpt overrides the binary.
set -u
cd "$(dirname "$0")/.."
CKPT=${CKPT:-$PWD/criu-lite/ckpt}

job= restorer= tmp=

say()  { printf '\n==> %s\n' "$*"; }
die()  { printf '\ndemo: error: %s\n' "$*" >&2; exit 1; }

# The state letter of a process, empty when there is none.
pstate() { sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null; }

# Wait (at most $2 seconds) for process $1 to end; 0 if it did.
gone_within() {
	local i s
	for ((i = 0; i < $2 * 10; i++)); do
		s=$(pstate "$1")
		[ -z "$s" ] || [ "$s" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

# Is $1 still our demo job (its binary is the one built here)?
is_our_job() {
	[ -n "$1" ] && [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$tmp/demo-job" ]
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$job" ] && is_our_job "$job"; then
		kill -KILL "$job" 2>/dev/null
		gone_within "$job" 5
	fi
	if [ -n "$restorer" ] && [ -n "$(pstate "$restorer")" ]; then
		kill -KILL "$restorer" 2>/dev/null
		gone_within "$restorer" 5
	fi
	wait 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ticks() { grep -c '^tick ' "$log" 2>/dev/null; }
last_tick() { grep '^tick ' "$log" | tail -n 1 | cut -d' ' -f2; }

# Wait (at most $2 seconds) until the log holds $1 tick lines.
wait_ticks() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(ticks)" -ge "$1" ] && return 0
		[ -n "${3:-}" ] && [ -z "$(pstate "$3")" ] && return 1
		sleep 0.1
	done
	return 1
}

[ "$(id -u)" = 0 ] || die "the demo needs root: ckpt uses ptrace and creates processes with chosen PIDs"
[ -x "$CKPT" ] || die "$CKPT is not built (run: make)"
command -v gcc >/dev/null || die "gcc is missing (run: make deps)"

tmp=$(mktemp -d /tmp/ckpt-demo.XXXXXX) || die "cannot make a temporary directory"
log=$tmp/job.log
store=$tmp/store

say "ckpt check: does this kernel give ckpt what it needs?"
timeout 60 "$CKPT" check >"$tmp/check.out" 2>&1
rc=$?
case $rc in
0) sed 's/^/    /' "$tmp/check.out" ;;
5) sed 's/^/    /' "$tmp/check.out"
   die "this machine lacks a feature ckpt needs (the MISSING lines above)" ;;
*) echo "    (ckpt check is not available here: $(head -n 1 "$tmp/check.out"))" ;;
esac

say "building the sample job (scripts/demo-job.c)"
gcc -O2 -Wall -pthread -o "$tmp/demo-job" scripts/demo-job.c || die "cannot build the sample job"

say "starting it: one line every 0.5 s into $log"
(
	exec </dev/null >>"$log" 2>&1
	# No inherited fd may reach the job (ckpt refuses terminals, and a pipe to this script could not follow the job).
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
	done
	exec "$tmp/demo-job"
) &
job=$!
disown "$job"	# bash still reaps it; it just does not report "Killed" when ckpt kills it
wait_ticks 4 10 "$job" || die "the job did not start (log: $(tail -n 3 "$log" 2>/dev/null))"
grep -q "^demo-job: pid $job," "$log" || die "the job is not pid $job: $(head -n 1 "$log")"
echo "pid $job; fds:"
ls -l "/proc/$job/fd" | sed -n 's/.* \([0-9]* -> .*\)/    \1/p'
tail -n 3 "$log" | sed 's/^/    /'

say "ckpt dump -p $job -D $store"
timeout 60 "$CKPT" dump -p "$job" -D "$store"
rc=$?
[ "$rc" = 0 ] || die "ckpt dump failed (exit status $rc)"
gone_within "$job" 10 || die "the job is still there after the dump"
before=$(last_tick)
echo "the job is gone; its last line:"
tail -n 1 "$log" | sed 's/^/    /'
echo "the store:"
ls -l "$store" | sed 's/^/    /'

say "ckpt show -D $store   (abridged)"
if timeout 30 "$CKPT" show -D "$store" >"$tmp/show.out" 2>&1; then
	# The summary, the threads, the size of the memory, the fds, the files.
	awk '
		NR == 1, /^$/ { print; next }
		/^  (threads|memory) / || /^    thread / { print; next }
		/^  fds / || /^files of version/ { f = 1 }
		f && /^$/ { f = 0; print; next }
		f { print }
	' "$tmp/show.out" >"$tmp/show.short"
	[ -s "$tmp/show.short" ] || head -n 40 "$tmp/show.out" >"$tmp/show.short"
	sed 's/^/    /' "$tmp/show.short"
else
	echo "    (ckpt show is not available here: $(head -n 1 "$tmp/show.out"))"
	ls -l "$store/latest/" | sed 's/^/    /'
fi

sleep 1		# the job stays dead for a moment: no lines may appear
[ "$(last_tick)" = "$before" ] || die "the log grew while the job was dead"

say "ckpt restore -D $store   (in the background; ckpt stays the job's parent)"
n=$(ticks)
"$CKPT" restore -D "$store" &
restorer=$!
wait_ticks $((n + 4)) 15 "$restorer" ||
	die "the restored job printed no new lines (ckpt restore $( [ -n "$(pstate "$restorer")" ] && echo running || echo ended))"
[ -n "$(pstate "$job")" ] || die "no process $job after the restore"
echo "pid $job is back, a child of ckpt (pid $restorer):"
grep -E '^(PPid|Threads|State):' "/proc/$job/status" | sed 's/^/    /'
echo "the log around the restore:"
grep '^tick ' "$log" | grep -A 4 -E "^tick $before " | sed 's/^/    /'

say "checking that it carried on"
next=$(grep '^tick ' "$log" | grep -A 1 -E "^tick $before " | sed -n 2p)
read -r _ t _ p _ _ _ sum verdict <<<"$next"
[ "$t" = $((before + 1)) ] || die "after tick $before came tick $t"
[ "$p" = "$job" ] || die "the restored job says it is pid $p, not $job"
[ "$verdict" = ok ] || die "the restored job's memory check says: $verdict"
want=$("$tmp/demo-job" --sum "$t")
[ "$sum" = "$want" ] || die "tick $t has checksum $sum, an unstopped run has $want"
if grep -q MISMATCH "$log"; then die "the job found its memory changed"; fi
echo "    tick $before, then tick $t in the same pid $p; checksum $sum is what an"
echo "    uninterrupted run has at tick $t; the job's own check of its 8 MiB says ok"

say "ending the restored job (kill $job); ckpt restore passes on its status"
kill -TERM "$job"
gone_within "$restorer" 10 || die "ckpt restore did not end after the job was killed"
wait "$restorer"
rc=$?
restorer= job=
[ "$rc" = 143 ] || die "ckpt restore exited $rc, expected 143 (128 + SIGTERM)"
echo "    ckpt restore exited 143 = 128 + SIGTERM"

say "demo passed"
