#!/usr/bin/python3
"""python-loop: a plain python3 program, checkpointed while it runs.

It computes a running sum over a deterministic sequence, one step every few
milliseconds, and writes each step's record at a fixed place in a progress
file (step k at offset k*RECLEN, so a step done twice, as after a
--leave-running dump, writes the same bytes again).  After SIGTERM it does 20
more steps (the loop goes on after the restore), then checks that its own
state and every record in the file are exactly what a run that never
stopped would have, with no gap.
zdtm protocol: READY, then PASS or FAIL: reason in the --out file.
"""
import argparse
import os
import signal
import sys
import time

RECLEN = 48
MASK = (1 << 64) - 1


def sequence(x):
    """One step of a 64-bit LCG."""
    return (x * 6364136223846793005 + 1442695040888963407) & MASK


def record(step, total):
    return ('%010d %030d' % (step, total)).ljust(RECLEN - 1).encode() + b'\n'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--progress', default='python-loop.progress')
    args = ap.parse_args()
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    prog = os.open(args.progress, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)

    def verdict(line):
        os.write(out, (line + '\n').encode())
        sys.exit(0 if line == 'PASS' else 1)

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))

    # SIGTERM comes after the restore: 20 more steps then prove the loop goes on.
    x, total, step, ready_step, last = 1, 0, 0, None, None
    while last is None or step < last:
        if stop and last is None:
            last = step + 20
        x = sequence(x)
        total = (total + (x >> 11)) % 10 ** 30
        os.pwrite(prog, record(step, total), step * RECLEN)
        step += 1
        if step == 50:
            ready_step = step
            os.write(out, b'READY\n')
        time.sleep(0.005)       # interrupted by the checkpoint: python retries (PEP 475)

    if ready_step is None:
        verdict('FAIL: SIGTERM before ready')
    # Recompute from scratch: the state we carried and the file must agree.
    data = os.pread(prog, step * RECLEN + RECLEN, 0)
    if len(data) != step * RECLEN:
        verdict('FAIL: progress file has %d bytes for %d steps' % (len(data), step))
    y, t = 1, 0
    for k in range(step):
        y = sequence(y)
        t = (t + (y >> 11)) % 10 ** 30
        if data[k * RECLEN:(k + 1) * RECLEN] != record(k, t):
            verdict('FAIL: step %d in the progress file is %r' % (k, data[k * RECLEN:k * RECLEN + 42]))
    if (y, t) != (x, total):
        verdict('FAIL: in-memory state (%d, %d) is not step %d\'s' % (x, total, step))
    verdict('PASS')


if __name__ == '__main__':
    main()
