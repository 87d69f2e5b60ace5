#!/usr/bin/python3
"""mp-pool: a Python multiprocessing pool of three workers, checkpointed
while it works.  The pool talks to its workers over pipes and locks with
POSIX semaphores (shared mappings of deleted files in /dev/shm); after the
restore the same pool must go on computing the right answers, and the
workers must be the same processes as before.
zdtm protocol: READY, then PASS or FAIL: reason in the --out file.
"""
import argparse
import multiprocessing as mp
import os
import signal
import sys
import time


def work(x):
    time.sleep(0.01)
    return os.getpid(), x * x + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def verdict(line):
        os.write(out, (line + '\n').encode())
        os._exit(0 if line == 'PASS' else 1)

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    with mp.Pool(3) as pool:
        workers = {p.pid for p in pool._pool}
        rounds = 0
        while True:
            res = pool.map(work, range(30))
            if [r for _, r in res] != [x * x + 1 for x in range(30)]:
                verdict('FAIL: wrong results in round %d' % rounds)
            seen = {pid for pid, _ in res}
            if not seen <= workers:
                verdict('FAIL: results from unknown workers %s (had %s)' % (seen - workers, workers))
            rounds += 1
            if rounds == 3:
                os.write(out, b'READY\n')
            if stop:
                # a few more rounds after the restore, then the verdict
                for _ in range(3):
                    res = pool.map(work, range(30))
                    if [r for _, r in res] != [x * x + 1 for x in range(30)]:
                        verdict('FAIL: wrong results after the restore')
                if {p.pid for p in pool._pool} != workers:
                    verdict('FAIL: the pool has other workers now')
                verdict('PASS')
            time.sleep(0.05)


if __name__ == '__main__':
    main()
