#!/usr/bin/python3
"""shell-pipe: a shell pipeline (sh -c 'producer | cat -n | cat > file'),
checkpointed with data moving through it.  The test process starts the
pipeline as its child and checks, after the restore, that the numbered lines
in the output file form one unbroken sequence (nothing lost or doubled in
the pipes) and go on growing.
zdtm protocol: READY, then PASS or FAIL: reason in the --out file.
"""
import argparse
import os
import signal
import subprocess
import sys
import time


def lines(path):
    with open(path) as f:
        return [l.split() for l in f.read().splitlines() if l.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    data = os.path.abspath('shell-pipe.data')

    def verdict(line):
        os.write(out, (line + '\n').encode())
        os._exit(0 if line == 'PASS' else 1)

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    sh = subprocess.Popen(['/bin/sh', '-c',
                           'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo $i; sleep 0.01; '
                           'done | cat -n | cat > "%s"' % data],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, close_fds=True,
                          start_new_session=True)
    deadline = time.time() + 30
    while not os.path.exists(data) or len(lines(data)) < 20:
        if time.time() > deadline:
            os.killpg(sh.pid, signal.SIGKILL)
            verdict('FAIL: the pipeline does not run')
        time.sleep(0.05)
    os.write(out, b'READY\n')
    while not stop:
        time.sleep(0.05)
    n0 = len(lines(data))
    time.sleep(1.0)
    got = lines(data)
    # the pipeline is a session of its own (ours): end all of it
    os.killpg(sh.pid, signal.SIGKILL)
    if len(got) <= n0:
        verdict('FAIL: the pipeline stopped after the restore (%d lines)' % len(got))
    for k, l in enumerate(got, 1):
        if l != [str(k), str(k)]:
            verdict('FAIL: line %d is %r' % (k, l))
    verdict('PASS')


if __name__ == '__main__':
    main()
