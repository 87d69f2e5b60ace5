#!/usr/bin/python3
"""make bench: ckpt against the plain-file-I/O limit of this machine.

For each size and thread count, in rounds, side by side:
  dump     ckpt dump of a process holding SIZE of non-zero anonymous memory,
           to a store on tmpfs, against plain write() of the same bytes there;
  restore  ckpt restore --detach of it, against plain read() of the same
           file into fresh memory;
  freeze   how long a --leave-running dump stops the process;
then trees, the freeze with and without a snapshot, incremental dumps (BENCH_INCR MiB, 2% written between dumps)
and compression (full dumps of the suite's PyTorch training loop).
Memory on these machines is noisy: we print medians and the ratio of medians.
"""
import ctypes, os, re, shutil, signal, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT = os.environ.get('CKPT', os.path.join(HERE, '../../criu-lite/ckpt'))
TMP = os.environ.get('BENCH_DIR', '/dev/shm/ckpt-bench')
ROUNDS = int(os.environ.get('ROUNDS', '3'))
CASES = [tuple(map(int, c.split('x'))) for c in
         os.environ.get('BENCH_CASES', '1024x1 1024x8 4096x1').split()]

libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: we reap what we restore


def build():
    for prog in ('memhog', 'plainio'):
        src = os.path.join(HERE, prog + '.c')
        subprocess.run(['gcc', '-O2', '-pthread', '-o', os.path.join(TMP, prog), src], check=True)


def start_hog(mib, threads, procs=1):
    log = os.path.join(TMP, 'hog.out')
    with open(log, 'w') as f:
        p = subprocess.Popen([os.path.join(TMP, 'memhog'), str(mib), str(threads), str(procs)],
                             stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                             close_fds=True, start_new_session=True)
    deadline = time.time() + 300
    while 'ready' not in open(log).read():
        if p.poll() is not None or time.time() > deadline:
            raise SystemExit('bench: the memory hog did not start')
        time.sleep(0.1)
    return p, log


def reap(pid, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got == pid:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def timed(cmd):
    t = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode:
        raise SystemExit('bench: %s failed: %s' % (' '.join(cmd), r.stderr.strip()))
    return time.monotonic() - t, r


def plain(op, mib, path):
    out = subprocess.check_output([os.path.join(TMP, 'plainio'), op, str(mib), path], timeout=600)
    return float(out)


def one_round(mib, threads):
    store = os.path.join(TMP, 'store')
    shutil.rmtree(store, ignore_errors=True)
    p, log = start_hog(mib, threads)
    t_dump, _ = timed([CKPT, 'dump', '-p', str(p.pid), '-D', store])
    p.wait()
    size = sum(os.path.getsize(os.path.join(store, '1', f)) for f in os.listdir(os.path.join(store, '1')))
    t_rst, _ = timed([CKPT, 'restore', '-D', store, '--detach'])
    os.kill(p.pid, signal.SIGTERM)
    status = reap(p.pid)
    ok = status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    if not ok:
        print('  restored memory hog: status %s, said: %s' % (
            status, open(log).read().strip().replace('\n', ' / ')))
    shutil.rmtree(store, ignore_errors=True)

    f = os.path.join(TMP, 'plain.bin')
    t_w = plain('write', mib, f)
    t_r = plain('read', mib, f)
    os.unlink(f)

    p, log = start_hog(mib, threads)
    _, r = timed([CKPT, '-v', 'dump', '-p', str(p.pid), '-D', store, '--leave-running'])
    m = re.search(r'frozen for ([0-9.]+) ms', r.stderr)
    freeze = float(m.group(1)) / 1000 if m else float('nan')
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    shutil.rmtree(store, ignore_errors=True)
    return dict(dump=t_dump, write=t_w, restore=t_rst, read=t_r, freeze=freeze, size=size, ok=ok)


def tree_round(mib, procs):
    """Dump and restore of a tree of procs processes of mib each."""
    store = os.path.join(TMP, 'store')
    shutil.rmtree(store, ignore_errors=True)
    p, log = start_hog(mib, 1, procs)
    t_dump, _ = timed([CKPT, 'dump', '-p', str(p.pid), '-D', store])
    p.wait()
    time.sleep(0.2)
    while True:     # the killed children come to us: reap them before the restore
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    t_rst, _ = timed([CKPT, 'restore', '-D', store, '--detach'])
    os.kill(p.pid, signal.SIGTERM)
    status = reap(p.pid)
    ok = status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    shutil.rmtree(store, ignore_errors=True)
    return t_dump, t_rst, ok


def tree_bench():
    spec = os.environ.get('BENCH_TREE', '50x20 1x1000')
    print('\ntrees (%d rounds, medians): processes x MiB each' % ROUNDS)
    print('%-12s %9s %9s' % ('case', 'dump s', 'restore s'))
    for c in spec.split():
        procs, mib = map(int, c.split('x'))
        rounds = [tree_round(mib, procs) for _ in range(ROUNDS)]
        print('%-12s %9.3f %9.3f%s' % ('%d x %dMiB' % (procs, mib),
              statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds),
              '' if all(r[2] for r in rounds) else '  RESTORED TREE FAILED ITS CHECK'))
        sys.stdout.flush()


def dump_stats(store, args, pid):
    """A --leave-running dump: its time, the size of its version, its freeze."""
    before = set(os.listdir(store)) if os.path.isdir(store) else set()
    t, r = timed([CKPT, '-v', 'dump', '-p', str(pid), '-D', store, '--leave-running'] + args)
    new = [d for d in os.listdir(store) if d.isdigit() and d not in before]
    vdir = os.path.join(store, max(new, key=int))
    size = sum(os.path.getsize(os.path.join(vdir, f)) for f in os.listdir(vdir))
    m = re.search(r'frozen for ([0-9.]+) ms', r.stderr)
    return t, size, float(m.group(1)) / 1000 if m else float('nan')


def incr_round(mib):
    """A full dump, 2% of the pages written, an incremental dump."""
    store = os.path.join(TMP, 'store')
    shutil.rmtree(store, ignore_errors=True)
    p, log = start_hog(mib, 1)
    full = dump_stats(store, [], p.pid)
    os.kill(p.pid, signal.SIGUSR1)
    deadline = time.time() + 60
    while 'wrote' not in open(log).read() and time.time() < deadline:
        time.sleep(0.05)
    incr = dump_stats(store, [], p.pid)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    shutil.rmtree(store, ignore_errors=True)
    return full, incr


def incr_bench():
    mib = int(os.environ.get('BENCH_INCR', '4096'))
    print('\nincremental (%d rounds, medians): %d MiB, 2%% of its pages written between dumps'
          % (ROUNDS, mib))
    print('%-12s %9s %11s %9s' % ('dump', 'time s', 'image MiB', 'freeze s'))
    rounds = [incr_round(mib) for _ in range(ROUNDS)]
    for k, name in ((0, 'full'), (1, 'incremental')):
        print('%-12s %9.3f %11.1f %9.4f' % (
            name, statistics.median(r[k][0] for r in rounds),
            statistics.median(r[k][1] for r in rounds) / 2**20,
            statistics.median(r[k][2] for r in rounds)))
        sys.stdout.flush()


def freeze_bench():
    """The short freeze: --leave-running full dumps of one process, its pages
    copied from a snapshot while it runs (the default), or while it stands
    still (--frozen-copy); side by side in each round."""
    sizes = [int(x) for x in os.environ.get('BENCH_FREEZE', '1024 4096').split()]
    print('\nfreeze (%d rounds, medians): --leave-running full dumps (no tracking), '
          'pages copied from a snapshot / while frozen' % ROUNDS)
    print('%-12s %10s %10s %12s %10s %8s' % ('case', 'freeze s', 'dump s', 'frozen-copy',
                                             'dump s', 'ratio'))
    for mib in sizes:
        rounds = []
        for n in range(ROUNDS):
            p, log = start_hog(mib, 1)
            res = {}
            # in turn first: the first write of fresh memory is the slower one here
            for extra in ([], ['--frozen-copy'])[::1 if n % 2 else -1]:
                store = os.path.join(TMP, 'store')
                shutil.rmtree(store, ignore_errors=True)
                t, _, fz = dump_stats(store, ['--no-track'] + extra, p.pid)
                res[bool(extra)] = [fz, t]
            res = res[False] + res[True]
            shutil.rmtree(os.path.join(TMP, 'store'), ignore_errors=True)
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            rounds.append(res)
        med = [statistics.median(r[k] for r in rounds) for k in range(4)]
        print('%-12s %10.4f %10.3f %12.4f %10.3f %8.1f' % ('%dMiB' % mib, med[0], med[1],
                                                         med[2], med[3], med[2] / med[0]))
        sys.stdout.flush()
    print('ratio: freeze with --frozen-copy / freeze with the snapshot')


def start_torch():
    """The PyTorch training loop of the suite, until it is training."""
    script = os.path.join(HERE, '..', 'zdtm', 'real', 'torch-train.py')
    out = os.path.join(TMP, 'torch.out')
    if os.path.exists(out):
        os.unlink(out)
    p = subprocess.Popen(['/usr/bin/python3', script, '--out', out], cwd=TMP,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while not (os.path.exists(out) and 'READY' in open(out).read()):
        if p.poll() is not None or time.time() > deadline:
            return None
        time.sleep(0.2)
    return p


def compress_bench():
    """Full dumps of the PyTorch training process, raw and compressed."""
    if subprocess.run(['/usr/bin/python3', '-c', 'import torch'], capture_output=True).returncode:
        print('\ncompression: python3-torch is not installed, not measured')
        return
    print('\ncompression (%d rounds, medians): full dumps of the PyTorch training process'
          % ROUNDS)
    print('%-12s %9s %11s %7s' % ('compress', 'dump s', 'image MiB', 'ratio'))
    res = {}
    for algo in ('none', 'lz4', 'zstd'):
        rounds = []
        for _ in range(ROUNDS):
            p = start_torch()
            if p is None:
                print('compression: the training process did not start')
                return
            store = os.path.join(TMP, 'store')
            shutil.rmtree(store, ignore_errors=True)
            t, size, _ = dump_stats(store, ['--compress', algo, '--no-track'], p.pid)
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            shutil.rmtree(store, ignore_errors=True)
            rounds.append((t, size))
        res[algo] = (statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds))
        print('%-12s %9.3f %11.1f %7.2f' % (algo, res[algo][0], res[algo][1] / 2**20,
                                            res['none'][1] / res[algo][1]))
        sys.stdout.flush()


def main():
    os.makedirs(TMP, exist_ok=True)
    build()
    print('ckpt bench: %d rounds, store on %s (tmpfs), medians' % (ROUNDS, TMP))
    print('%-12s %9s %9s %7s %9s %9s %7s %9s %9s' % (
        'case', 'dump s', 'write s', 'ratio', 'restore s', 'read s', 'ratio', 'freeze s', 'image MiB'))
    bad = False
    for mib, threads in CASES:
        rounds = [one_round(mib, threads) for _ in range(ROUNDS)]
        med = {k: statistics.median(r[k] for r in rounds) for k in ('dump', 'write', 'restore', 'read', 'freeze', 'size')}
        ok = all(r['ok'] for r in rounds)
        bad |= not ok
        print('%-12s %9.3f %9.3f %7.2f %9.3f %9.3f %7.2f %9.4f %9.1f%s' % (
            '%dMiB x%d' % (mib, threads), med['dump'], med['write'], med['dump'] / med['write'],
            med['restore'], med['read'], med['restore'] / med['read'], med['freeze'],
            med['size'] / 2**20, '' if ok else '  MEMORY MISMATCH AFTER RESTORE'))
        sys.stdout.flush()
    print('ratio: ckpt time / plain file I/O time of the same bytes (<= 1.2 is the goal)')
    tree_bench()
    freeze_bench()
    incr_bench()
    compress_bench()
    criu = shutil.which('criu')
    if not criu:
        print('criu: not installed, no comparison')
    else:
        r = subprocess.run([criu, 'check'], capture_output=True, text=True)
        print('criu: %s' % ('works, comparison not run yet' if r.returncode == 0 else
                            'installed but "criu check" fails on this kernel: ' + (r.stderr.strip().splitlines() or ['?'])[-1]))
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
