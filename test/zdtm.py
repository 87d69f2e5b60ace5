#!/usr/bin/python3
"""zdtm.py: the ckpt checkpoint/restore test runner.

    test/zdtm.py --ckpt criu-lite/ckpt [--mode MODE ...] [-k] [TEST ...]

Each test (test/zdtm/static/NAME, test/zdtm/real/NAME.py or NAME.js) sets up some state,
appends "READY" to its --out file, waits for SIGTERM, checks its state and
appends "PASS" or "FAIL: reason".  Modes:

  plain  no checkpoint: start, ready, SIGTERM, verdict (the test itself works)
  dump   dump (which kills it), restore --detach, SIGTERM, verdict
  leave  dump --leave-running, kill the original, restore --detach, SIGTERM
  twice  dump, restore, dump the restored process, restore again, SIGTERM
  fg     dump, restore without --detach: ckpt's exit status is the verdict
  pidns  dump --leave-running, restore a copy with --pidns beside the original
         (same pids, new pid namespace): ckpt's exit status is the copy's verdict
  run    start it under `ckpt run -D STORE`, then twice: `ckpt dump -D STORE`
         (no -p: the store's job), `ckpt restore -D STORE` (a new pid namespace
         each time); SIGTERM to ckpt restore: its exit status is the verdict

The group "nsjob" checks `ckpt run` (stdout through a pipe, exit status,
signals) and a tree under an init of its own (unshare --pid --fork).
The group "badinput" checks the one-line errors for a missing, traced or busy
PID, corrupt and truncated images, a dump killed half way and a full disk.

A test may have a sidecar NAME.desc (JSON): "modes" (those it supports),
"fg" (also run in fg by default), "args", "env", "refuse" (the dump must
refuse: {"words": [...], "fds": [...]}), "requires" ({"python_import": [...],
"program": [...]}),
"compare" (a file that must equal the one of the plain run), "change"
(in modes dump and leave, files to grow between the dump and the restore,
{"append": {NAME: BYTES}, "move_away": [NAME], "words": [...]}: the restore
must refuse with one line naming the pid and the words, and make no
process; then, the files moved away put back, `restore
--allow-changed-files` must restore), "allow_changed" (modes in
which the restore is given --allow-changed-files: the test's own files
change, as after a --leave-running dump the original writes on), "max_pages_mib"
(the page images of the first dump must not be larger: pages shared
copy-on-write are stored once), "min_shared_mib" (after a --leave-running
dump the root still shares that much memory: the dump copied the pages
without unsharing them), timeouts.

Only the standard library is used.  Tests and ckpt write to files in the
scratch directory, which is kept for every failure; only nsjob/run-stdio
gives ckpt a pipe, to check that a job's stdout follows it across restores.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.join(HERE, 'zdtm', 'static')
REAL = os.path.join(HERE, 'zdtm', 'real')
ALL_MODES = ['plain', 'dump', 'leave', 'incr', 'twice', 'fg', 'pidns', 'run']
DEFAULT_MODES = ['plain', 'dump', 'leave', 'incr', 'twice', 'pidns', 'run']   # fg where the .desc says so
PYTHON = '/usr/bin/python3'     # Debian's: it has python3-torch (pyenv's does not)

READY_TIMEOUT = 30
CKPT_TIMEOUT = 60
VERDICT_TIMEOUT = 30
PR_SET_CHILD_SUBREAPER = 36

libc = ctypes.CDLL(None, use_errno=True)


def descendants(pid):
    """Every descendant of pid, from /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tids = os.listdir('/proc/%d/task' % p)
        except OSError:
            continue
        for t in tids:
            try:
                kids = open('/proc/%d/task/%s/children' % (p, t)).read().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.append(k)
                    todo.append(k)
    return out


class Fail(Exception):
    pass


class Skip(Exception):
    pass


# ---------------------------------------------------------------- processes

class Reaper:
    """Reaps every child, ours or adopted, and remembers exit statuses.

    The runner is a child subreaper: a restored --detach process becomes our
    child when ckpt exits, and PID 1 here reaps nothing, so we must.
    """

    def __init__(self):
        self.status = {}

    def reap(self):
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.status[pid] = st

    def forget(self, pid):
        """Drop an old status before the same PID is used again (restore)."""
        self.reap()
        self.status.pop(pid, None)

    def wait(self, pid, timeout):
        """Exit status of our child pid, or None after timeout seconds."""
        end = time.monotonic() + timeout
        while True:
            self.reap()
            if pid in self.status:
                return self.status.pop(pid)
            if time.monotonic() >= end:
                return None
            time.sleep(0.01)


REAPER = Reaper()


def describe(st):
    if st is None:
        return 'exit status unknown (not our child)'
    if os.WIFSIGNALED(st):
        return 'killed by signal %d' % os.WTERMSIG(st)
    return 'exit status %d' % os.WEXITSTATUS(st)


def proc_state(pid):
    """One-letter state from /proc/PID/stat, None when there is no such process."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(')') + 2]


def proc_status(pid, key):
    return proc_status_of('/proc/%d/status' % pid, key)


def procs_in(d):
    """Processes whose cwd is d (a test's scratch directory): the test's own."""
    out = []
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                if os.path.realpath('/proc/%s/cwd' % p) == d:
                    out.append(int(p))
            except OSError:
                pass
    return out


def smaps_kib(pid, key):
    """A field of /proc/PID/smaps_rollup, in KiB (0 if absent)."""
    try:
        for line in open('/proc/%d/smaps_rollup' % pid):
            if line.startswith(key + ':'):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def alive(pid):
    st = proc_state(pid)
    return st is not None and st not in 'ZX'


def switches(pid):
    """Context switches of all threads of pid so far: they grow while it runs."""
    n = 0
    try:
        for tid in os.listdir('/proc/%d/task' % pid):
            for key in ('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches'):
                n += int(proc_status_of('/proc/%d/task/%s/status' % (pid, tid), key) or 0)
    except OSError:
        pass
    return n


def proc_status_of(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key + ':'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return None


def snapshots_of(pid):
    """The children of pid that are ckpt snapshots: {pid: state}."""
    found = {}
    try:
        for tid in os.listdir('/proc/%d/task' % pid):
            with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
                for kid in f.read().split():
                    with open('/proc/%s/stat' % kid) as g:
                        stat = g.read()
                    comm = stat[stat.index('(') + 1:stat.rindex(')')]
                    if comm == 'ckpt-snapshot':
                        found[int(kid)] = stat[stat.rindex(')') + 2]
    except OSError:
        pass
    return found


def running(pid):
    """Alive, not stopped and traced by nobody (what a kept-running target must be)."""
    return proc_state(pid) in ('R', 'S', 'D') and proc_status(pid, 'TracerPid') == '0'


def how(pid):
    """State and tracer of pid for a message, or how it ended if we reaped it."""
    REAPER.reap()
    if pid in REAPER.status:
        return 'it ended: %s' % describe(REAPER.status[pid])
    return 'state %s, tracer %s' % (proc_state(pid), proc_status(pid, 'TracerPid'))


def wait_until(cond, timeout, step=0.02):
    end = time.monotonic() + timeout
    while True:
        if cond():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(step)


def spawn(argv, cwd, stdout, stderr=None, env=None, session=False):
    """fork+exec with stdin /dev/null and output to regular files.

    stdout and stderr are two separate opens of the file (both O_APPEND), not
    one dup'ed description: then a restore that cannot share a file
    description between fds still gives the test working stdout/stderr.
    """
    stderr = stderr or stdout
    env = dict(os.environ if env is None else env)
    pid = os.fork()
    if pid == 0:
        try:
            # Python ignores SIGPIPE and SIGXFSZ; an exec keeps that: undo it.
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):
                signal.signal(sig, signal.SIG_DFL)
            if session:
                os.setsid()
            os.chdir(cwd)
            fds = [os.open('/dev/null', os.O_RDONLY),
                   os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
                   os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)]
            for i, fd in enumerate(fds):
                os.dup2(fd, i)
            os.closerange(3, 1 << 16)
            os.execve(argv[0], argv, env)
        except BaseException as e:    # noqa: B902 - anything: report and leave
            try:
                os.write(2, ('exec %s: %s\n' % (argv[0], e)).encode())
            finally:
                os._exit(127)
    return pid


def spawn_on_tty(argv, cwd, tty, err=None):
    """fork+exec in a process group of its own (a shell's job), with stdin,
    stdout and stderr the terminal tty (stderr the file err if given)."""
    pid = os.fork()
    if pid == 0:
        try:
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):
                signal.signal(sig, signal.SIG_DFL)
            os.setpgid(0, 0)
            os.chdir(cwd)
            for i in range(3):
                os.dup2(tty, i)
            if err:
                os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
            os.closerange(3, 1 << 16)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    return pid


def spawn_piped(argv, cwd, err):
    """fork+exec with stdin /dev/null, stdout a pipe to us, stderr to the file err.
    Returns (pid, the read end)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):
                signal.signal(sig, signal.SIG_DFL)
            os.chdir(cwd)
            os.dup2(os.open('/dev/null', os.O_RDONLY), 0)
            os.dup2(w, 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
            os.closerange(3, 1 << 16)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(w)
    return pid, r


class LineReader:
    """Lines from a pipe, each read bounded in time."""

    def __init__(self, fd):
        self.fd, self.buf = fd, b''

    def line(self, timeout=10):
        import select
        end = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise Fail('no line on the pipe in %d s (have %r)' % (timeout, self.buf[:100]))
            data = os.read(self.fd, 4096)
            if not data:
                raise Fail('the pipe closed (have %r)' % self.buf[:100])
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode(errors='replace')


def read(path, errors='replace'):
    try:
        with open(path, errors=errors) as f:
            return f.read()
    except OSError:
        return ''


def versions(store):
    try:
        return sorted(int(n) for n in os.listdir(store)
                      if n.isdigit() and os.path.isdir(os.path.join(store, n)))
    except OSError:
        return []


def latest(store):
    """The version directory DIR/latest points at, or None."""
    link = os.path.join(store, 'latest')
    if not os.path.islink(link):
        return None
    return os.path.realpath(link)


def err_lines(text):
    return [l for l in text.splitlines() if l.strip()]


def one_line_error(what, rc, err, must=()):
    """The contract for a refused command: non-zero exit, one line naming `must`."""
    if rc is None:
        raise Fail('%s did not finish in %d s' % (what, CKPT_TIMEOUT))
    if rc == 0:
        raise Fail('%s succeeded but should have failed' % what)
    if rc < 0:
        raise Fail('%s crashed (signal %d): %s' % (what, -rc, err.strip()[:200]))
    lines = err_lines(err)
    if len(lines) != 1:
        raise Fail('%s: expected one line on stderr, got %d: %r' % (what, len(lines), err[:300]))
    for m in must:
        if isinstance(m, int):
            if not re.search(r'(?<!\d)%d(?!\d)' % m, lines[0]):
                raise Fail('%s: error does not name %d: %r' % (what, m, lines[0]))
        elif m.lower() not in lines[0].lower():
            raise Fail('%s: error does not mention %r: %r' % (what, m, lines[0]))
    return lines[0]


# ---------------------------------------------------------------- tests

def load_tests():
    """name -> description, from the built static tests and the real programs."""
    tests = {}
    for d, ext in ((STATIC, '.c'), (REAL, '.py'), (REAL, '.js')):
        for f in sorted(os.listdir(d)):
            if not f.endswith(ext):
                continue
            name = f[:-len(ext)]
            desc = {}
            dpath = os.path.join(d, name + '.desc')
            if os.path.exists(dpath):
                with open(dpath) as fd:
                    desc = json.load(fd)
            if ext == '.c':
                desc['argv0'] = [os.path.join(d, name)]
            else:
                interp = PYTHON if ext == '.py' else shutil.which('node') or 'node'
                desc['argv0'] = [desc.get('interp', interp), os.path.join(d, f)]
            desc.setdefault('modes', list(ALL_MODES))
            # a test that can be dumped and left running can be dumped
            # incrementally too
            if 'leave' in desc['modes'] and 'incr' not in desc['modes'] and \
                    'refuse' not in desc and not desc.get('no_incr'):
                desc['modes'].append('incr')
            tests[name] = desc
    return tests


PLUGINS = ['lifecycle', 'needed', 'fails', 'newer-abi']
PLUGIN_DIR = os.path.join(HERE, 'plugins')

NSJOB = ['run-stdio', 'run-exit', 'run-signal', 'own-init', 'run-abort', 'shell-job',
         'run-interval']

BADINPUT = ['nopid', 'traced', 'busy-pid', 'corrupt', 'truncated', 'tree-abort', 'tcp-abort',
            'nostore',
            'dump-killed', 'disk-full', 'disk-full-incr', 'fallback', 'incr-killed', 'keep',
            'dump-twice', 'corrupt-compressed', 'copy-running']


class Run:
    """One test in one mode, in its own scratch directory."""

    def __init__(self, runner, name, mode, desc, tag=None):
        self.r = runner
        self.name, self.mode, self.desc = name, mode, desc
        base = os.path.join(runner.root, (name + '.' + (tag or mode)).replace('/', '-'))
        self.dir, n = base, 1
        while os.path.exists(self.dir):       # the same test named twice
            n += 1
            self.dir = '%s.%d' % (base, n)
        os.makedirs(self.dir)
        self.out = os.path.join(self.dir, 'out')
        self.store = os.path.join(self.dir, 'store')
        self.logpath = os.path.join(self.dir, 'zdtm.log')
        self.logf = open(self.logpath, 'a')
        self.pid = None
        self.ckpt_pids = []
        self.ncmd = 0
        self.sized = False

    def log(self, msg):
        self.logf.write('[%.3f] %s\n' % (time.monotonic(), msg))
        self.logf.flush()

    # ---- starting and talking to the test

    def start(self, desc=None, out=None):
        desc = desc or self.desc
        out = out or self.out
        argv = desc['argv0'] + ['--out', out] + [str(a) for a in desc.get('args', [])]
        env = dict(os.environ)
        env.update(desc.get('env', {}))
        if not os.access(argv[0], os.X_OK):
            raise Fail('%s is not built (make -C test)' % argv[0])
        self.log('start: %s' % ' '.join(argv))
        pid = spawn(argv, self.dir, os.path.join(self.dir, 'test.log'), env=env, session=True)
        self.pid = pid          # known at once, so that cleanup kills it even if it never gets ready
        self.log('pid %d' % pid)
        self.wait_ready(pid, out, desc.get('ready_timeout', READY_TIMEOUT))
        return pid

    def wait_ready(self, pid, out, timeout):
        end = time.monotonic() + timeout
        while True:
            lines = read(out).splitlines()
            if 'READY' in lines:
                return
            REAPER.reap()
            if pid in REAPER.status:
                st = REAPER.status.pop(pid)
                v = verdict_line(out)
                if v and v.startswith('SKIP'):
                    raise Skip(v[6:])
                raise Fail('exited before ready (%s): %s' % (describe(st), v or 'no verdict'))
            if time.monotonic() >= end:
                raise Fail('not ready after %d s' % timeout)
            time.sleep(0.02)

    def finish(self, pid=None, out=None):
        """SIGTERM, wait for the end, turn the verdict into PASS or an exception."""
        pid = pid or self.pid
        out = out or self.out
        os.kill(pid, signal.SIGTERM)
        timeout = self.desc.get('verdict_timeout', VERDICT_TIMEOUT)
        end = time.monotonic() + timeout
        st = None
        while True:
            REAPER.reap()
            if pid in REAPER.status:
                st = REAPER.status.pop(pid)
                break
            if proc_state(pid) in (None, 'Z'):    # gone, or a zombie of someone else
                break
            if time.monotonic() >= end:
                raise Fail('no verdict %d s after SIGTERM (state %s)' % (timeout, proc_state(pid)))
            time.sleep(0.01)
        self.log('ended: %s' % describe(st))
        self.judge(read_exit(st), describe(st), out)

    def judge(self, code, how, out):
        v = verdict_line(out)
        if v is None:
            raise Fail('no verdict, %s' % how)
        if v.startswith('SKIP'):
            raise Skip(v[6:])
        if v.startswith('FAIL'):
            raise Fail(v[6:] or v)
        if code not in (0, None):
            raise Fail('wrote PASS but %s' % how)

    # ---- ckpt

    def ckpt(self, *args, timeout=CKPT_TIMEOUT, wait=True, env=None):
        if not self.r.ckpt:
            raise Fail('ckpt binary not found (--ckpt)')
        self.ncmd += 1
        base = os.path.join(self.dir, 'ckpt-%d-%s' % (self.ncmd, args[0]))
        argv = [self.r.ckpt] + list(args)
        self.log('run: %s' % ' '.join(argv))
        t0 = time.monotonic()
        pid = spawn(argv, self.dir, base + '.out', base + '.err', env=env)
        self.ckpt_pids.append(pid)
        if not wait:
            return pid, base + '.err'
        st = REAPER.wait(pid, timeout)
        if st is None:
            self.log('timed out, killing %d' % pid)
            os.kill(pid, signal.SIGKILL)
            REAPER.wait(pid, 10)
        self.ckpt_pids.remove(pid)
        err = read(base + '.err')
        rc = None if st is None else os.waitstatus_to_exitcode(st)
        self.log('exit %s in %.2f s, stderr: %r' % (rc, time.monotonic() - t0, err[:500]))
        return rc, err

    def dump(self, pid=None, leave=False, store=None, extra=()):
        pid = pid or self.pid
        store = store or self.store
        before = versions(store)
        rc, err = self.ckpt('dump', '-p', str(pid), '-D', store,
                            *(['--leave-running'] if leave else []), *extra,
                            *self.r.args.dump_arg)
        if rc is None:
            raise Fail('dump did not finish in %d s' % CKPT_TIMEOUT)
        if rc != 0:
            raise Fail('dump failed (exit %d): %s' % (rc, (err_lines(err) or ['no message'])[0]))
        after = versions(store)
        # (--keep may remove old ones; never may the new one be missing)
        if not after or (before and after[-1] <= before[-1]) or \
                len(after) > len(before) + 1 or ('--keep' not in extra and
                                                 len(after) != len(before) + 1):
            raise Fail('dump gave exit 0 but the store has versions %s, had %s' % (after, before))
        if latest(store) != os.path.join(os.path.realpath(store), str(after[-1])):
            raise Fail('%s/latest does not point to the newest version %d' % (store, after[-1]))
        self.check_compressed(latest(store), list(extra) + self.r.args.dump_arg)
        self.check_size()
        if leave:
            if not wait_until(lambda: running(pid), 5):
                raise Fail('not running after dump --leave-running (%s)' % how(pid))
            self.check_copied_running(latest(store), list(extra) + self.r.args.dump_arg, pid)
            want = self.desc.get('min_shared_mib')
            if want is not None:
                shared = smaps_kib(pid, 'Shared_Dirty') >> 10
                self.log('the root shares %d MiB after the dump' % shared)
                if shared < want:
                    raise Fail('after the dump the root shares %d MiB, not %d: the dump '
                               'unshared pages' % (shared, want))
        else:
            st = REAPER.wait(pid, 10)
            if st is None:
                raise Fail('process %d still there 10 s after a dump without --leave-running' % pid)
            self.log('dumped process ended: %s' % describe(st))

    def check_copied_running(self, vdir, args, pid):
        """A --leave-running dump let the tree go once its state was read
        and copied its pages from snapshots (not with --frozen-copy, nor
        where the .desc says a snapshot cannot be made, nor for an
        incremental dump of a few pages), and left none."""
        log = read(os.path.join(vdir, 'dump.log'))
        want = '--frozen-copy' not in args and not self.desc.get('frozen_copy')
        said = 'its pages are copied from snapshots' in log
        # a dump of a few pages (incremental) copies them frozen: quicker
        if want and not said and 'quicker than a snapshot' in log:
            want = False
        if said != want:
            raise Fail('the dump %s the pages from snapshots while the tree ran'
                       % ('did not copy' if want else 'copied'))
        if snapshots_of(pid):
            raise Fail('snapshots left after the dump: %s' % snapshots_of(pid))

    def check_compressed(self, vdir, args):
        """With --compress, the page images are compressed ones, and only."""
        algo = [a.split('=', 1)[1] for a in args if a.startswith('--compress=')]
        if not algo or algo[-1] == 'none':
            return
        pages = [f for f in os.listdir(vdir) if f.startswith('pages-')]
        if not pages or any(not f.endswith('.cimg') for f in pages):
            raise Fail('--compress=%s, but the page images are %s' % (algo[-1], pages))

    def show_json(self):
        rc, _ = self.ckpt('show', '-D', self.store, '--json')
        if rc != 0:
            raise Fail('ckpt show --json failed (exit %s)' % rc)
        return json.loads(read(os.path.join(self.dir, 'ckpt-%d-show.out' % self.ncmd)))

    def check_size(self):
        """The first dump's page images are no larger than the .desc allows."""
        limit = self.desc.get('max_pages_mib')
        if limit is None or self.sized:
            return
        self.sized = True
        d = latest(self.store)
        total = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)
                    if f.startswith('pages-'))
        self.log('page images: %.1f MiB (limit %d)' % (total / 2**20, limit))
        if total > limit << 20:
            raise Fail('page images of %.1f MiB, more than the %d MiB allowed'
                       % (total / 2**20, limit))

    def kill_original(self, pid=None):
        """Kill the original tree (pid and its descendants) and reap it all, so
        that every pid is free for the restore."""
        pid = pid or self.pid
        tree = descendants(pid)
        for p in [pid] + tree:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if REAPER.wait(pid, 10) is None:
            raise Fail('original %d did not die from SIGKILL' % pid)
        deadline = time.time() + 10
        while any(proc_state(p) is not None for p in tree):
            if time.time() > deadline:
                raise Fail('descendants of %d still there after SIGKILL' % pid)
            REAPER.reap()
            time.sleep(0.01)

    def restore(self, pid=None, store=None, extra=()):
        pid = pid or self.pid
        store = store or self.store
        REAPER.forget(pid)
        if proc_state(pid) is not None:
            raise Fail('pid %d still in use before restore (state %s)' % (pid, proc_state(pid)))
        rc, err = self.ckpt('restore', '-D', store, '--detach', *extra)
        if rc != 0:
            raise Fail('restore failed (exit %s): %s' % (rc, (err_lines(err) or ['no message'])[0]))
        REAPER.reap()
        if pid in REAPER.status:
            raise Fail('restored process died at once: %s; %s'
                       % (describe(REAPER.status.pop(pid)), verdict_line(self.out) or 'no verdict'))
        if not alive(pid):
            raise Fail('restore gave exit 0 but there is no process %d' % pid)

    def restore_fg(self, pidns=False):
        """Restore without --detach: ckpt stays the parent and exits with the test's status.
        With pidns, a copy is restored into a new pid namespace beside the
        original, which still runs: the copy is ckpt's grandchild (under
        ckpt's init), and SIGTERM reaches it through ckpt and the init."""
        pid = original = self.pid
        if not pidns:
            REAPER.forget(pid)
        rpid, errpath = self.ckpt('restore', '-D', self.store, *(['--pidns'] if pidns else []),
                                  wait=False)
        if pidns:
            def copy():
                kids = [k for k in descendants(rpid) if k != original]
                return kids[1] if len(kids) > 1 else -1   # [init, root, ...]

        # ckpt says nothing when the process runs: wait until it looks restored
        # (its binary, its SIGTERM handler, nobody tracing it) before signalling.
        def restored():
            nonlocal pid
            if pidns:
                pid = copy()
                if pid < 0:
                    return False
            return self.looks_restored(pid)

        self.wait_restored(rpid, errpath, restored)
        os.kill(rpid if pidns else pid, signal.SIGTERM)
        self.stand_in_verdict(rpid, errpath)

    def wait_restored(self, rpid, errpath, restored):
        """Until restored() holds three times in a row, while ckpt rpid runs on."""
        end = time.monotonic() + CKPT_TIMEOUT
        stable = 0
        while stable < 3:
            REAPER.reap()
            if rpid in REAPER.status:
                self.ckpt_pids.remove(rpid)
                st = REAPER.status.pop(rpid)
                raise Fail('restore ended before SIGTERM (%s): %s'
                           % (describe(st), read(errpath).strip()[:300]))
            if time.monotonic() >= end:
                raise Fail('restored process not running %d s after restore' % CKPT_TIMEOUT)
            stable = stable + 1 if restored() else 0
            time.sleep(0.05)

    def looks_restored(self, pid):
        """Its binary, its SIGTERM handler, running and traced by nobody."""
        exe = os.path.realpath(self.desc['argv0'][0])
        try:
            if pid is None or os.path.realpath('/proc/%d/exe' % pid) != exe:
                return False
        except OSError:
            return False
        cgt = proc_status(pid, 'SigCgt')
        return (running(pid) and cgt is not None and
                int(cgt, 16) & (1 << (signal.SIGTERM - 1)) != 0)

    def stand_in_verdict(self, rpid, errpath):
        """ckpt rpid stands in for the test (SIGTERM sent): its exit status is the verdict."""
        st = REAPER.wait(rpid, self.desc.get('verdict_timeout', VERDICT_TIMEOUT))
        if st is None:
            raise Fail('ckpt (pid %d) did not exit after SIGTERM' % rpid)
        self.ckpt_pids.remove(rpid)
        code = os.waitstatus_to_exitcode(st)
        self.log('ckpt stand-in: %s, stderr %r' % (describe(st), read(errpath)[:300]))
        if code < 0:
            raise Fail('ckpt itself was killed by signal %d' % -code)
        v = verdict_line(self.out) or ''
        # The test writes PASS and exits 0, or FAIL and exits 1: ckpt must pass that on.
        if v == 'PASS' and code != 0:
            raise Fail('test wrote PASS but ckpt restore exited %d' % code)
        if v.startswith('FAIL') and code == 0:
            raise Fail('test wrote %s but ckpt restore exited 0' % v)
        self.judge(code, 'ckpt restore exit status %d' % code, self.out)

    # ---- the modes

    def job_of(self, rpid):
        """The test under ckpt rpid (`ckpt run` or restore of its job): [init, test, ...]."""
        kids = descendants(rpid)
        return kids[1] if len(kids) > 1 else None

    def run_job(self):
        """Under `ckpt run -D STORE`; dumped by the store's job and restored, twice."""
        d = self.desc
        argv = d['argv0'] + ['--out', self.out] + [str(a) for a in d.get('args', [])]
        env = dict(os.environ)
        env.update(d.get('env', {}))
        rpid, errpath = self.ckpt('run', '-D', self.store, '--', *argv, wait=False, env=env)
        self.wait_ready(rpid, self.out, d.get('ready_timeout', READY_TIMEOUT))
        self.pid = self.job_of(rpid)
        for n in range(2):
            if not os.path.exists(os.path.join(self.store, 'job.pid')):
                raise Fail('no job.pid in the store of the job (round %d)' % n)
            before = versions(self.store)
            rc, err = self.ckpt('dump', '-D', self.store)
            if rc != 0:
                raise Fail('dump of the job failed (exit %s): %s'
                           % (rc, (err_lines(err) or ['no message'])[0]))
            if len(versions(self.store)) != len(before) + 1:
                raise Fail('dump of the job gave exit 0 but no new version')
            self.check_size()
            # The dump killed the job: its stand-in says so with 128+SIGKILL.
            st = REAPER.wait(rpid, 10)
            if st is None:
                raise Fail('the stand-in %d did not end after the dump' % rpid)
            self.ckpt_pids.remove(rpid)
            if os.waitstatus_to_exitcode(st) != 128 + signal.SIGKILL:
                raise Fail('the stand-in ended with %s after the dump, not 137' % describe(st))
            rpid, errpath = self.ckpt('restore', '-D', self.store, wait=False)
            self.wait_restored(rpid, errpath, lambda: self.looks_restored(self.job_of(rpid)))
            self.pid = self.job_of(rpid)
        os.kill(rpid, signal.SIGTERM)
        self.stand_in_verdict(rpid, errpath)

    def run(self):
        d, m = self.desc, self.mode
        if m == 'run':
            self.run_job()
            if 'compare' in d:
                self.compare(d['compare'])
            return
        self.pid = self.start()
        if m == 'plain':
            self.finish()
        elif 'refuse' in d:
            self.refused(leave=(m == 'leave'))
            self.finish()
        elif m == 'dump':
            self.dump()
            self.restore_changed()
            self.finish()
        elif m == 'leave':
            self.dump(leave=True)
            self.kill_original()
            self.restore_changed()
            self.finish()
        elif m == 'incr':
            # a full dump and two incremental ones on it, the process
            # running on between them; then the newest back
            for n in range(3):
                if n:
                    time.sleep(0.1)
                self.dump(leave=True)
                parent = self.show_json().get('parent_version')
                if n and parent is None:
                    raise Fail('dump %d after a --leave-running dump was not incremental '
                               '(see dump.log)' % (n + 1))
            self.kill_original()
            self.restore_changed()
            self.finish()
        elif m == 'twice':
            self.dump()
            self.restore()
            self.dump()
            self.restore()
            self.finish()
        elif m == 'fg':
            self.dump()
            self.restore_fg()
        elif m == 'pidns':
            # a copy beside the original, which runs on with the same pids
            self.dump(leave=True)
            self.restore_fg(pidns=True)
            self.kill_original()
        if 'compare' in d and m != 'plain':
            self.compare(d['compare'])

    def restore_changed(self):
        """Restore; with a "change" in the .desc, grow its files first: the
        restore must refuse, naming them, and make nothing, until
        --allow-changed-files."""
        ch = self.desc.get('change')
        if not ch:
            modes = self.desc.get('allow_changed', [])
            # incr dumps with --leave-running as leave does
            allow = self.mode in modes or (self.mode == 'incr' and 'leave' in modes)
            return self.restore(extra=['--allow-changed-files'] if allow else [])
        for name, n in ch.get('append', {}).items():
            with open(os.path.join(self.dir, name), 'ab') as f:
                f.write(b'x' * n)
        away = [os.path.join(self.dir, name) for name in ch.get('move_away', [])]
        for path in away:
            os.rename(path, path + '.away')
        REAPER.forget(self.pid)
        rc, err = self.ckpt('restore', '-D', self.store, '--detach')
        self.log(one_line_error('restore of changed files', rc, err,
                                [self.pid] + ch.get('words', [])))
        if not wait_until(lambda: proc_state(self.pid) is None, 2):
            raise Fail('process %d exists after the refused restore' % self.pid)
        for path in away:
            os.rename(path + '.away', path)
        self.restore(extra=['--allow-changed-files'])

    def refused(self, leave):
        """The dump must refuse, name the pid (and fds), and leave the target running."""
        ref = self.desc['refuse']
        before = versions(self.store)
        rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store,
                            *(['--leave-running'] if leave else []))
        # "pids": "descendants": the line names two processes below the
        # root (what they share), not the root
        who = [self.pid] if ref.get('pids') != 'descendants' else []
        line = one_line_error('dump', rc, err, who + ref.get('fds', []) + ref.get('words', []))
        if not who:
            named = [p for p in descendants(self.pid) if re.search(r'(?<!\d)%d(?!\d)' % p, line)]
            if len(named) < 2:
                raise Fail('dump: error does not name two processes of the tree: %r' % line)
        if versions(self.store) != before:
            raise Fail('refused dump left a new version in the store')
        if not wait_until(lambda: running(self.pid), 5):
            raise Fail('target not running after the refused dump (%s)' % how(self.pid))

    def compare(self, fname):
        ref = self.r.reference(self.name)
        got = open(os.path.join(self.dir, fname), 'rb').read()
        if got != ref:
            n = next((i for i in range(min(len(got), len(ref))) if got[i] != ref[i]),
                     min(len(got), len(ref)))
            raise Fail('%s differs from the uninterrupted run at byte %d (%d vs %d bytes)'
                       % (fname, n, len(got), len(ref)))

    # ---- jobs in pid namespaces (name "nsjob/CASE")

    def ckpt_piped(self, *args):
        """ckpt with its stdout a pipe to us: (pid, LineReader, stderr path)."""
        self.ncmd += 1
        err = os.path.join(self.dir, 'ckpt-%d-%s.err' % (self.ncmd, args[0]))
        self.log('run (stdout piped): %s' % ' '.join((self.r.ckpt,) + args))
        pid, fd = spawn_piped([self.r.ckpt] + list(args), self.dir, err)
        self.ckpt_pids.append(pid)
        return pid, LineReader(fd), err

    def end_of(self, pid, timeout=10):
        """The exit code of ckpt pid (ours), which must end within timeout."""
        st = REAPER.wait(pid, timeout)
        if st is None:
            raise Fail('ckpt %d did not end in %d s' % (pid, timeout))
        self.ckpt_pids.remove(pid)
        return os.waitstatus_to_exitcode(st)

    def restore_fails(self, store, name, what):
        """A restore from the damaged store must fail with one line naming
        the image `name`, and leave no process of the checkpoint."""
        REAPER.forget(self.pid)
        rc, err = self.ckpt('restore', '-D', store, '--detach')
        try:
            self.log(one_line_error('restore with %s' % what, rc, err, [name]))
        except Fail:
            self.cleanup_pid()
            raise
        REAPER.reap()
        REAPER.status.pop(self.pid, None)
        if wait_until(lambda: proc_state(self.pid) is None, 2) is False:
            raise Fail('process %d exists after the restore with %s failed' % (self.pid, what))

    # ---- plugins (name "plugins/CASE"): test/plugins/recorder.c logs its calls

    def plugin_dir(self, *names):
        """A plugin directory of our own holding the named plugins."""
        d = os.path.join(self.dir, 'plugins-' + '-'.join(names or ('none',)))
        os.makedirs(d, exist_ok=True)
        for n in names:
            src = os.path.join(PLUGIN_DIR, n + '.so')
            if not os.path.exists(src):
                raise Fail('%s is not built (make -C test)' % src)
            shutil.copy(src, d)
        return d

    def plugin_env(self, fail=None):
        env = dict(os.environ, CKPT_TEST_PLUGIN_LOG=os.path.join(self.dir, 'plugin.log'))
        if fail:
            env['CKPT_TEST_PLUGIN_FAIL'] = fail
        return env

    def plugin_calls(self):
        """The recorder's calls so far, and forget them."""
        path = os.path.join(self.dir, 'plugin.log')
        calls = read(path).splitlines() if os.path.exists(path) else []
        if os.path.exists(path):
            os.unlink(path)
        self.log('plugin calls: %s' % calls)
        return calls

    def plugins(self, case):
        rec = self.plugin_dir('recorder')
        if case in ('lifecycle', 'needed'):
            # Its hooks in order, its file in the version, its name in the
            # inventory; a restore gets its own hooks, the process its pid.
            self.pid = self.start(self.r.tests['simple00'])
            rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--plugins', rec,
                                env=self.plugin_env())
            if rc != 0:
                raise Fail('dump with the recorder failed (exit %s): %s' % (rc, err.strip()[:200]))
            REAPER.wait(self.pid, 10)
            want = ['init dump', 'before_freeze %d' % self.pid, 'frozen %d' % self.pid,
                    'dump_end ok=1', 'fini ok=1']
            if self.plugin_calls() != want:
                raise Fail('the dump called the plugin otherwise than %s' % want)
            if self.show_json().get('plugins') != ['recorder']:
                raise Fail('the inventory names the plugins %s, not [recorder]'
                           % self.show_json().get('plugins'))
            if case == 'needed':
                # without the plugin: one line naming it, nothing made
                REAPER.forget(self.pid)
                rc, err = self.ckpt('restore', '-D', self.store, '--detach', '--plugins',
                                    self.plugin_dir())
                self.log(one_line_error('a restore without the plugin it needs', rc, err,
                                        ['recorder']))
                if proc_state(self.pid) is not None:
                    raise Fail('pid %d exists after the refused restore' % self.pid)
                # a plugin that fails to restore: the restore fails, nothing left
                rc, err = self.ckpt('restore', '-D', self.store, '--detach', '--plugins', rec,
                                    env=self.plugin_env(fail='restore_running'))
                self.log(one_line_error('a restore whose plugin fails', rc, err,
                                        ['recorder', 'restore_running']))
                REAPER.reap()
                REAPER.status.pop(self.pid, None)
                if not wait_until(lambda: proc_state(self.pid) is None, 5):
                    raise Fail('pid %d is left after a failed restore' % self.pid)
                self.plugin_calls()
            rc, err = self.ckpt('restore', '-D', self.store, '--detach', '--plugins', rec,
                                env=self.plugin_env())
            if rc != 0:
                raise Fail('restore with the recorder failed (exit %s): %s'
                           % (rc, err.strip()[:200]))
            want = ['init restore', 'restore_start root %d' % self.pid, 'running %d' % self.pid,
                    'fini ok=1']
            if self.plugin_calls() != want:
                raise Fail('the restore called the plugin otherwise than %s' % want)
            self.finish()
        elif case == 'fails':
            # A hook that fails before the freeze, then one after: the dump
            # fails with one line naming the plugin, the job runs on as
            # before, and the plugin is told (dump_end ok=0).
            self.pid = self.start(self.r.tests['simple00'])
            for hook in ('before_freeze', 'frozen'):
                rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--plugins',
                                    rec, '--leave-running', env=self.plugin_env(fail=hook))
                self.log(one_line_error('a dump whose plugin fails in %s' % hook, rc, err,
                                        ['recorder', hook]))
                if not wait_until(lambda: running(self.pid), 5) or versions(self.store):
                    raise Fail('after the failed dump: target %s, versions %s'
                               % (how(self.pid), versions(self.store)))
                if 'dump_end ok=0' not in self.plugin_calls():
                    raise Fail('the plugin was not told that the dump failed')
            self.finish()
        elif case == 'newer-abi':
            # A plugin of a newer ABI: refused by name, nothing frozen.
            self.pid = self.start(self.r.tests['simple00'])
            rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--plugins',
                                self.plugin_dir('recorder', 'future'))
            self.log(one_line_error('a dump with a plugin of a newer ABI', rc, err,
                                    ['future', 'newer']))
            if not running(self.pid) or versions(self.store):
                raise Fail('after the refused dump: target %s, versions %s'
                           % (how(self.pid), versions(self.store)))
            self.finish()

    def nsjob(self, case):
        if case == 'run-stdio':
            # stdout a pipe to us: after each restore the job writes on
            # restore's stdout, counting on from where it was.
            job = 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'
            pid, rd, err = self.ckpt_piped('run', '-D', self.store, '--', 'sh', '-c', job)
            last = 0
            for n in range(3):
                for _ in range(3):
                    line = rd.line()
                    if not line.startswith('tick '):
                        raise Fail('round %d: unexpected line %r' % (n, line))
                    i = int(line.split()[1])
                    if i != last + 1 and not (n and i > last):
                        raise Fail('round %d: tick %d after tick %d' % (n, i, last))
                    last = i
                if n == 2:
                    break
                rc, e = self.ckpt('dump', '-D', self.store)
                if rc != 0:
                    raise Fail('dump %d failed: %s' % (n, e.strip()[:200]))
                if self.end_of(pid) != 128 + signal.SIGKILL:
                    raise Fail('the stand-in did not end with 137 after dump %d' % n)
                os.close(rd.fd)
                pid, rd, err = self.ckpt_piped('restore', '-D', self.store)
            os.kill(pid, signal.SIGINT)
            code = self.end_of(pid)
            if code != 128 + signal.SIGINT:
                raise Fail('after SIGINT ckpt restore exited %d, not 130: %s'
                           % (code, read(err).strip()[:200]))

        elif case == 'run-interval':
            # Dumps every second; the machine "dies" (ckpt run and the job
            # killed); ckpt run again with the store resumes the job from
            # its newest version and dumps on; a job that exits by itself
            # is done: the next run starts afresh.
            job = 'i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'
            pid, rd, err = self.ckpt_piped('run', '--interval', '1', '--keep', '3', '-D',
                                           self.store, '--', 'sh', '-c', job)
            if not wait_until(lambda: len(versions(self.store)) >= 3, 15):
                raise Fail('no 3 versions after 15 s: %s' % read(err).strip()[:300])
            if self.show_json().get('parent_version') is None:
                raise Fail('the periodic dumps after the first are not incremental')
            seen = 0
            while True:
                line = rd.line()
                if not line.startswith('tick '):
                    break
                seen = int(line.split()[1])
                if seen > 20:
                    break
            init = int(read(os.path.join(self.store, 'job.pid')))
            dumped = self.show_json()
            os.kill(pid, signal.SIGKILL)
            os.kill(init, signal.SIGKILL)
            self.end_of(pid)
            os.close(rd.fd)
            pid, rd, err = self.ckpt_piped('run', '--interval', '1', '-D', self.store, '--',
                                           'sh', '-c', 'echo fresh')
            line = rd.line()
            if not line.startswith('tick ') or int(line.split()[1]) < 3:
                raise Fail('ckpt run did not resume the job: %r, %s' % (line, read(err)[:300]))
            before = versions(self.store)[-1]
            if not wait_until(lambda: versions(self.store)[-1] > before, 10):
                raise Fail('no dump after the resume')
            os.kill(pid, signal.SIGTERM)
            code = self.end_of(pid)
            if code != 128 + signal.SIGTERM:
                raise Fail('after SIGTERM the resumed run exited %d, not 143' % code)
            os.close(rd.fd)
            # a job that ends by itself is done
            store2 = os.path.join(self.dir, 'store2')
            rc, e = self.ckpt('run', '--interval', '1', '-D', store2, '--', 'sh', '-c',
                              'sleep 1.5; exit 3')
            if rc != 3 or not versions(store2):
                raise Fail('a job that exits 3 gave %s with versions %s' % (rc, versions(store2)))
            rc, e = self.ckpt('run', '--interval', '1', '-D', store2, '--', 'sh', '-c', 'exit 5')
            if rc != 5:
                raise Fail('after a job that finished, ckpt run did not start afresh (%s): %s'
                           % (rc, e[:300]))
            # a new job that dies before its first dump: the store's older
            # versions are not its own, the next run starts afresh again
            pid, _ = self.ckpt('run', '--interval', '60', '-D', store2, '--', 'sleep', '100',
                               wait=False)
            if not wait_until(lambda: os.path.exists(os.path.join(store2, 'job.pid')), 10):
                raise Fail('the third job did not start')
            init = int(read(os.path.join(store2, 'job.pid')))
            os.kill(pid, signal.SIGKILL)
            os.kill(init, signal.SIGKILL)
            self.end_of(pid)
            rc, e = self.ckpt('run', '--interval', '60', '-D', store2, '--', 'sh', '-c', 'exit 6')
            if rc != 6:
                raise Fail('a job that died before its first dump was resumed from an older '
                           'job\'s version (%s): %s' % (rc, e[:300]))

        elif case == 'run-exit':
            for job, want in (('exit 7', 7), ('kill -USR1 $$', 128 + signal.SIGUSR1),
                              ('exit 0', 0)):
                rc, e = self.ckpt('run', '--', 'sh', '-c', job)
                if rc != want:
                    raise Fail('ckpt run -- sh -c %r exited %s, not %d: %s' % (job, rc, want, e))
            rc, e = self.ckpt('run', '--', '/nonexistent/prog')
            if rc != 127 or 'nonexistent' not in e:
                raise Fail('a missing command gave exit %s, %r' % (rc, e))
            rc, e = self.ckpt('run')
            if rc != 2:
                raise Fail('ckpt run without a command exited %s, not 2' % rc)

        elif case == 'run-signal':
            # One SIGINT to ckpt run reaches the job once; SIGTERM ends it.
            got = os.path.join(self.dir, 'got')
            job = 'trap "echo int >> %s" INT; trap "exit 3" TERM; echo up > %s.up; ' \
                  'while :; do sleep 0.05; done' % (got, got)
            pid, _ = self.ckpt('run', '--', 'sh', '-c', job, wait=False)
            if not wait_until(lambda: os.path.exists(got + '.up'), 10):
                raise Fail('the job did not start')
            os.kill(pid, signal.SIGINT)
            if not wait_until(lambda: read(got).count('int') >= 1, 10):
                raise Fail('SIGINT to ckpt run did not reach the job')
            time.sleep(0.3)
            if read(got).count('int') != 1:
                raise Fail('one SIGINT reached the job %d times' % read(got).count('int'))
            os.kill(pid, signal.SIGTERM)
            code = self.end_of(pid)
            if code != 3:
                raise Fail('after SIGTERM ckpt run exited %d, not the job\'s 3' % code)

        elif case == 'shell-job':
            # A job of a shell, on a terminal (a pty of ours): the dump
            # refuses it without --shell-job, takes it with; the restore
            # wants --shell-job and gives the job its own terminal, on which
            # the job answers what is typed.
            job = 'echo ready; while read l; do echo "echo:$l"; done'
            m1, s1 = os.openpty()
            pid = spawn_on_tty(['sh', '-c', job], self.dir, s1)
            os.close(s1)
            rd = LineReader(m1)
            if 'ready' not in rd.line():
                raise Fail('the job did not start')
            rc, e = self.ckpt('dump', '-p', str(pid), '-D', self.store)
            if rc == 0 or 'terminal' not in e or '--shell-job' not in e or not running(pid):
                raise Fail('a dump without --shell-job gave %s, %r (running: %s)'
                           % (rc, e.strip()[:200], running(pid)))
            rc, e = self.ckpt('dump', '-p', str(pid), '-D', self.store, '--shell-job')
            if rc != 0:
                raise Fail('dump --shell-job failed: %s' % e.strip()[:200])
            if REAPER.wait(pid, 10) is None:
                raise Fail('the job is still there after the dump')
            os.close(m1)
            rc, e = self.ckpt('restore', '-D', self.store, '--detach')
            if rc == 0 or '--shell-job' not in e:
                raise Fail('a restore without --shell-job gave %s, %r' % (rc, e.strip()[:200]))
            m2, s2 = os.openpty()
            err = os.path.join(self.dir, 'restore-tty.err')
            self.log('run (on a terminal): %s restore -D %s --detach --shell-job'
                     % (self.r.ckpt, self.store))
            cpid = spawn_on_tty([self.r.ckpt, 'restore', '-D', self.store, '--detach',
                                 '--shell-job'], self.dir, s2, err)
            os.close(s2)
            st = REAPER.wait(cpid, 30)
            if st is None or os.waitstatus_to_exitcode(st) != 0:
                raise Fail('restore --shell-job failed: %s' % read(err).strip()[:200])
            try:
                os.write(m2, b'hello\n')
                rd = LineReader(m2)
                for _ in range(5):
                    line = rd.line().strip()
                    if line == 'echo:hello':
                        break
                else:
                    raise Fail('the restored job did not answer on its new terminal')
            finally:
                os.kill(pid, signal.SIGKILL)
                REAPER.wait(pid, 10)
                os.close(m2)

        elif case == 'run-abort':
            # A restore of a ckpt run namespace that fails late (damaged page
            # data of its last process) leaves no process, no init; the
            # good version then restores.
            test = self.r.tests['tree00']
            self.desc = test
            argv = test['argv0'] + ['--out', self.out]
            rpid, errpath = self.ckpt('run', '-D', self.store, '--', *argv, wait=False)
            self.wait_ready(rpid, self.out, READY_TIMEOUT)
            self.pid = self.job_of(rpid)
            rc, e = self.ckpt('dump', '-D', self.store)
            if rc != 0 or self.end_of(rpid) != 128 + signal.SIGKILL:
                raise Fail('the dump of the job failed: %s' % e.strip()[:200])
            good = latest(self.store)
            pids = sorted(int(f[5:-4]) for f in os.listdir(good) if f.startswith('core-'))
            bad = os.path.join(self.dir, 'bad')
            flip_byte(os.path.join(copy_store(self.store, bad), 'pages-%d.img' % pids[-1]))
            rc, e = self.ckpt('restore', '-D', bad)
            self.log(one_line_error('restore of a namespace with damaged pages', rc, e,
                                    ['pages-%d.img' % pids[-1]]))
            REAPER.reap()
            here = os.path.realpath(self.dir)
            if not wait_until(lambda: not procs_in(here), 5):
                raise Fail('processes %s are left after the failed restore' % procs_in(here))
            rpid, errpath = self.ckpt('restore', '-D', self.store, wait=False)
            self.wait_restored(rpid, errpath, lambda: self.looks_restored(self.job_of(rpid)))
            if len(procs_in(here)) < len(pids):     # else the check above proves nothing
                raise Fail('only %s of the %d restored processes seen by their cwd'
                           % (procs_in(here), len(pids)))
            os.kill(rpid, signal.SIGTERM)
            self.stand_in_verdict(rpid, errpath)

        elif case == 'own-init':
            # A tree under an init of its own (the test is PID 1 there):
            # dumped with its namespace and restored as one, twice.
            test = self.r.tests['tree00']
            self.desc = test
            argv = [shutil.which('unshare') or '/usr/bin/unshare', '--pid', '--fork',
                    '--mount-proc'] + test['argv0'] + \
                ['--out', self.out]
            outer = spawn(argv, self.dir, os.path.join(self.dir, 'test.log'), session=True)
            self.ckpt_pids.append(outer)
            self.wait_ready(outer, self.out, READY_TIMEOUT)
            self.pid = descendants(outer)[0]
            if proc_status(self.pid, 'NSpid').split()[-1] != '1':
                raise Fail('the test is not PID 1 of its namespace')
            for n in range(2):
                rc, e = self.ckpt('dump', '-p', str(self.pid), '-D', self.store)
                if rc != 0:
                    raise Fail('dump %d of the namespace failed: %s' % (n, e.strip()[:200]))
                if n == 0:
                    self.end_of(outer)      # unshare ends with its child
                else:
                    if self.end_of(rpid) != 128 + signal.SIGKILL:
                        raise Fail('ckpt restore did not end with 137 after the dump')
                rpid, errpath = self.ckpt('restore', '-D', self.store, wait=False)
                self.wait_restored(rpid, errpath,
                                   lambda: self.looks_restored((descendants(rpid) + [None])[0]))
                self.pid = descendants(rpid)[0]
                if proc_status(self.pid, 'NSpid').split()[-1] != '1':
                    raise Fail('the restored root is not PID 1 of its namespace')
            os.kill(rpid, signal.SIGTERM)
            self.stand_in_verdict(rpid, errpath)

    # ---- bad input (name "badinput/CASE")

    def badinput(self, case):
        simple = self.r.tests['simple00']
        if case == 'nopid':
            pid = free_pid()
            rc, err = self.ckpt('dump', '-p', str(pid), '-D', self.store)
            self.log(one_line_error('dump of a missing pid', rc, err, [pid]))
            if versions(self.store):
                raise Fail('dump of a missing pid left a version in the store')

        elif case == 'traced':
            self.pid = self.start(simple)
            helper = spawn([sys.executable, '-c', PTRACE_HELPER, str(self.pid)], self.dir,
                           os.path.join(self.dir, 'helper.log'))
            self.ckpt_pids.append(helper)       # ours: killed in cleanup if still there
            if not wait_until(lambda: proc_status(self.pid, 'TracerPid') == str(helper), 10):
                raise Fail('ptrace helper did not attach: %s' % read(os.path.join(self.dir, 'helper.log')))
            rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store)
            self.log(one_line_error('dump of a traced pid', rc, err, [self.pid]))
            if proc_status(self.pid, 'TracerPid') != str(helper) or not alive(self.pid):
                raise Fail('target changed by the failed dump (%s)' % how(self.pid))
            os.kill(helper, signal.SIGKILL)
            REAPER.wait(helper, 10)
            self.ckpt_pids.remove(helper)
            if not wait_until(lambda: running(self.pid), 5):
                raise Fail('target not running after the helper went away (%s)' % how(self.pid))
            self.finish()

        elif case == 'busy-pid':
            self.pid = self.start(simple)
            self.dump(leave=True)
            rc, err = self.ckpt('restore', '-D', self.store, '--detach')
            self.log(one_line_error('restore over a running pid', rc, err, [self.pid]))
            if not wait_until(lambda: running(self.pid), 5):
                raise Fail('original not running after the refused restore (%s)' % how(self.pid))
            self.finish()

        elif case == 'tree-abort':
            # A restore of a whole tree that fails late (the page data of the
            # last process is damaged: found by the check that runs while the
            # tree is built) must leave none of its processes behind.
            self.pid = self.start(self.r.tests['tree00'])
            self.dump()
            good = latest(self.store)
            pids = sorted(int(f[5:-4]) for f in os.listdir(good) if f.startswith('core-'))
            if len(pids) < 4:
                raise Fail('expected a tree in the image, got pids %s' % pids)
            bad = os.path.join(self.dir, 'bad-tree')
            vdir = copy_store(self.store, bad)
            flip_byte(os.path.join(vdir, 'pages-%d.img' % pids[-1]))
            REAPER.forget(self.pid)
            rc, err = self.ckpt('restore', '-D', bad, '--detach')
            self.log(one_line_error('restore of a tree with damaged pages', rc, err,
                                    ['pages-%d.img' % pids[-1]]))
            REAPER.reap()
            REAPER.status.pop(self.pid, None)
            left = [p for p in pids if not wait_until(lambda p=p: proc_state(p) is None, 5)]
            if left:
                raise Fail('processes %s exist after the failed restore of the tree' % left)
            shutil.rmtree(bad)
            self.restore()
            self.finish()

        elif case in ('corrupt', 'truncated'):
            self.pid = self.start(simple)
            self.dump()
            good = latest(self.store)
            names = sorted(f for f in os.listdir(good) if f.endswith('.img') and
                           os.path.getsize(os.path.join(good, f)) > 1)
            if not any(n.startswith('pages-') for n in names) or 'inventory.img' not in names:
                raise Fail('unexpected image files: %s' % names)
            for n in names:
                bad = os.path.join(self.dir, 'bad-' + n)
                vdir = copy_store(self.store, bad)
                path = os.path.join(vdir, n)
                if case == 'corrupt':
                    flip_byte(path)
                else:
                    os.truncate(path, os.path.getsize(path) // 2)
                self.restore_fails(bad, n, '%s %s' % (case, n))
                shutil.rmtree(bad)
            # The good version is still whole.
            self.restore()
            self.finish()

        elif case == 'tcp-abort':
            # A restore that fails late, once the TCP connections are made
            # in repair mode (a truncated page image): it closes them in
            # repair mode and keeps the network lock, so that the peers
            # outside the tree notice nothing and the good store restores
            # tcp00 whole: its counting peer sees every count.
            self.pid = self.start(self.r.tests['tcp00'])
            self.dump()
            good = latest(self.store)
            pages = sorted(f for f in os.listdir(good) if f.startswith('pages-') and
                           os.path.getsize(os.path.join(good, f)) > 1)
            if not pages:
                raise Fail('no page image in %s' % good)
            bad = os.path.join(self.dir, 'bad')
            vdir = copy_store(self.store, bad)
            os.truncate(os.path.join(vdir, pages[0]), os.path.getsize(os.path.join(vdir, pages[0])) // 2)
            self.restore_fails(bad, pages[0], 'a truncated %s' % pages[0])
            time.sleep(0.3)     # the counting peer sends meanwhile: held back
            self.restore()
            self.finish()

        elif case == 'nostore':
            for store in (os.path.join(self.dir, 'missing'), self.dir + '/empty'):
                if store.endswith('empty'):
                    os.mkdir(store)
                rc, err = self.ckpt('restore', '-D', store, '--detach')
                self.log(one_line_error('restore from %s' % store, rc, err))

        elif case == 'dump-killed':
            big = dict(self.r.tests['bigmem00'], args=['--mb', '64'])
            self.pid = self.start(big)
            self.dump(leave=True)
            good = versions(self.store)
            for delay in (0.01, 0.05, 0.2):
                self.killed_dump(delay)
                lat = latest(self.store)
                if lat is None or not os.path.isdir(lat) or int(os.path.basename(lat)) not in \
                        versions(self.store) or int(os.path.basename(lat)) < good[-1]:
                    raise Fail('after a killed dump, latest is %s (versions %s)'
                               % (lat, versions(self.store)))
            # latest (the good one, or one the killed dump had finished) restores.
            self.kill_original()
            self.restore()
            self.finish()

        elif case == 'disk-full':
            mnt = os.path.join(self.dir, 'full')
            os.mkdir(mnt)
            if libc.mount(b'tmpfs', mnt.encode(), b'tmpfs', 0, b'size=4m') != 0:
                raise Skip('cannot mount a small tmpfs: %s' % os.strerror(ctypes.get_errno()))
            try:
                big = dict(self.r.tests['bigmem00'], args=['--mb', '16'])
                self.pid = self.start(big)
                store = os.path.join(mnt, 'store')
                rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', store, '--leave-running')
                self.log(one_line_error('dump to a full disk', rc, err))
                if latest(store) is not None:
                    raise Fail('a failed dump left %s/latest' % store)
                if not wait_until(lambda: running(self.pid), 5):
                    raise Fail('target not running after the failed dump (%s)' % how(self.pid))
                self.finish()
            finally:
                libc.umount2(mnt.encode(), 2)   # MNT_DETACH: never hang here

        elif case == 'fallback':
            # The newest version (incremental) damaged: verify says which,
            # restore takes the one before and says so; the base damaged:
            # the incremental one that needs it is damaged too.
            self.pid = self.start(self.r.tests['incr00'])
            self.dump(leave=True)
            self.dump(leave=True)
            if self.show_json().get('parent_version') != 1:
                raise Fail('the second dump is not incremental on version 1')
            bad = os.path.join(self.dir, 'bad-base')
            shutil.copytree(self.store, bad, symlinks=True)
            base = os.path.join(bad, '1')
            flip_byte(os.path.join(base, self.pages_of(base)))
            rc, _ = self.ckpt('verify', '-D', bad)
            out = read(os.path.join(self.dir, 'ckpt-%d-verify.out' % self.ncmd))
            if rc != 4 or 'version 1: DAMAGED' not in out or 'version 2: DAMAGED: it needs ' \
                    'version 1' not in out:
                raise Fail('verify of a damaged base gave %s: %r' % (rc, out))
            shutil.rmtree(bad)
            newest = os.path.join(self.store, '2')
            flip_byte(os.path.join(newest, self.pages_of(newest)))
            rc, _ = self.ckpt('verify', '-D', self.store)
            out = read(os.path.join(self.dir, 'ckpt-%d-verify.out' % self.ncmd))
            if rc != 4 or 'version 1: ok' not in out or 'version 2: DAMAGED' not in out:
                raise Fail('verify of a damaged version 2 gave %s: %r' % (rc, out))
            self.kill_original()
            REAPER.forget(self.pid)
            rc, err = self.ckpt('restore', '-D', self.store, '--detach')
            if rc != 0 or 'version 2 cannot be restored' not in err or \
                    'restoring version 1' not in err:
                raise Fail('restore with a damaged newest version gave %s: %r' % (rc, err[:300]))
            REAPER.reap()
            if not alive(self.pid):
                raise Fail('process %d not back after the fallback restore' % self.pid)
            self.finish()

        elif case == 'incr-killed':
            # Dumps killed at any moment, the tracking reset half way: the
            # dumps after them are still whole (incr00 checks every page).
            # 64 MiB of ballast: the later kills fall in the fork, the copy
            # from the snapshot and its reaping.
            self.pid = self.start(dict(self.r.tests['incr00'], args=['--ballast', '64']))
            self.dump(leave=True)
            for delay in (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.25, 0.4,
                          0.6):
                self.killed_dump(delay)
                time.sleep(0.05)
                self.dump(leave=True)
            self.dump(leave=True)
            if self.show_json().get('parent_version') is None:
                raise Fail('the last dump was not incremental')
            self.kill_original()
            self.restore()
            self.finish()

        elif case == 'copy-running':
            self.copy_running()

        elif case == 'disk-full-incr':
            # An incremental dump that fills the disk: it fails, the job
            # runs on, the last version stays whole, and once there is room
            # the next dump (incremental: the failed one reset nothing)
            # restores exactly (incr00 checks every page).
            mnt = os.path.join(self.dir, 'small')
            os.mkdir(mnt)
            if libc.mount(b'tmpfs', mnt.encode(), b'tmpfs', 0, b'size=40m') != 0:
                raise Skip('cannot mount a small tmpfs: %s' % os.strerror(ctypes.get_errno()))
            try:
                self.store = os.path.join(mnt, 'store')
                self.pid = self.start(self.r.tests['incr00'])
                self.dump(leave=True)
                filler = os.path.join(mnt, 'filler')
                with open(filler, 'wb') as f:
                    try:
                        while True:
                            f.write(b'\0' * 65536)
                            f.flush()
                    except OSError:
                        pass
                time.sleep(0.2)
                rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store,
                                    '--leave-running')
                self.log(one_line_error('an incremental dump to a full disk', rc, err))
                if versions(self.store) != [1] or not running(self.pid):
                    raise Fail('after the failed dump: versions %s, target %s'
                               % (versions(self.store), how(self.pid)))
                os.unlink(filler)
                self.dump(leave=True)
                if self.show_json().get('parent_version') != 1:
                    raise Fail('the dump after the failed one is not incremental on version 1')
                self.kill_original()
                self.restore()
                self.finish()
            finally:
                libc.umount2(mnt.encode(), 2)

        elif case == 'dump-twice':
            self.dump_twice()

        elif case == 'corrupt-compressed':
            # A compressed page image damaged (a chunk, then the table at
            # its end): the restore fails with one line naming it, and
            # leaves nothing; the good store restores.
            self.pid = self.start(self.r.tests['simple00'])
            self.dump(extra=['--compress=zstd'])
            name = self.pages_of(latest(self.store))
            for where in ('chunk', 'table'):
                bad = os.path.join(self.dir, 'bad-' + where)
                path = os.path.join(copy_store(self.store, bad), name)
                if where == 'chunk':
                    flip_byte(path)
                else:
                    with open(path, 'r+b') as f:
                        f.seek(-40, os.SEEK_END)
                        b = f.read(1)
                        f.seek(-40, os.SEEK_END)
                        f.write(bytes([b[0] ^ 0x5a]))
                self.restore_fails(bad, name, 'a damaged %s of %s' % (where, name))
                shutil.rmtree(bad)
            self.restore()
            self.finish()

        elif case == 'keep':
            # --keep 2: old versions go, but never one a kept one needs.
            self.pid = self.start(self.r.tests['incr00'])
            for n in range(6):
                self.dump(leave=True, extra=['--keep', '2'])
                time.sleep(0.05)
                left = versions(self.store)
                if len(left) > 3:
                    raise Fail('after dump %d with --keep 2 the store has %s' % (n + 1, left))
            rc, _ = self.ckpt('verify', '-D', self.store)
            if rc != 0:
                raise Fail('verify after --keep failed (exit %s)' % rc)
            self.kill_original()
            self.restore()
            self.finish()

    def dump_twice(self):
        """Two dumps of one process at once: into another store the second
        fails at once, naming the first; into the same store it fails, or
        waits with --wait."""
        big = dict(self.r.tests['bigmem00'], args=['--mb', '512'])
        self.pid = self.start(big)
        first, _ = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--leave-running',
                             wait=False)
        if not wait_until(lambda: proc_status(self.pid, 'TracerPid') == str(first), 10):
            raise Fail('the first dump did not seize the process')
        rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', os.path.join(self.dir, 'other'),
                            '--leave-running')
        self.log(one_line_error('a second dump into another store', rc, err,
                                [self.pid, first, 'another ckpt']))
        if rc != 3:
            raise Fail('a second dump into another store exited %d, not 3' % rc)
        rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--leave-running')
        self.log(one_line_error('a second dump into the same store', rc, err,
                                ['another dump']))
        rc, err = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--leave-running',
                            '--wait', '120')
        if rc != 0:
            raise Fail('a dump with --wait failed (exit %s): %s' % (rc, err.strip()[:200]))
        if REAPER.wait(first, 60) is None or len(versions(self.store)) != 2:
            raise Fail('the two dumps left versions %s' % versions(self.store))
        self.ckpt_pids.remove(first)
        self.finish()

    def copy_running(self):
        """The short freeze: a --leave-running dump lets the job go once its
        state is read and copies its pages from a snapshot while it runs.
        ckpt stopped in the middle of the copy: the job runs on meanwhile,
        and the dump, let go, restores exactly what was there at the freeze
        (incr00 checks every page against what its writer did).  ckpt killed
        in the middle: the job runs on, the snapshot dies with ckpt, and the
        next dump (full: the killed one armed no tracking) reaps what is left
        of it and restores exactly."""
        big = dict(self.r.tests['incr00'], args=['--ballast', '512'])
        self.pid = self.start(big)

        def mid_copy(then):
            cpid, errf = self.ckpt('-v', 'dump', '-p', str(self.pid), '-D', self.store,
                                   '--leave-running', '--full', '--compress', 'zstd',
                                   wait=False)
            if not wait_until(lambda: 'running again after' in read(errf), 60, step=0.001):
                raise Fail('the dump never let the job go: %r' % read(errf)[-300:])
            os.kill(cpid, signal.SIGSTOP)
            snaps = snapshots_of(self.pid)
            s0 = switches(self.pid)
            time.sleep(0.3)
            s1 = switches(self.pid)
            if not any(st == 't' for st in snaps.values()):
                raise Fail('no stopped snapshot among the children of %d while ckpt copies: %s'
                           % (self.pid, snaps))
            if s1 <= s0:
                raise Fail('the job did not run while ckpt copied its pages (%d context '
                           'switches, then %d)' % (s0, s1))
            self.log('the job ran while ckpt was stopped mid-copy: %d context switches'
                     % (s1 - s0))
            os.kill(cpid, then)
            if then == signal.SIGCONT:
                st = REAPER.wait(cpid, CKPT_TIMEOUT)
                self.ckpt_pids.remove(cpid)
                if st is None or os.waitstatus_to_exitcode(st) != 0:
                    raise Fail('the dump stopped mid-copy failed once let go: %r'
                               % read(errf)[-300:])
                return
            os.kill(cpid, signal.SIGCONT)
            REAPER.wait(cpid, 10)
            self.ckpt_pids.remove(cpid)

        mid_copy(signal.SIGCONT)
        inv = self.show_json()
        if not inv.get('copied_running') or inv['freeze_ms'] >= inv['dump_ms']:
            raise Fail('the dump says copied_running %s, freeze %s ms of %s ms'
                       % (inv.get('copied_running'), inv['freeze_ms'], inv['dump_ms']))
        if snapshots_of(self.pid):
            raise Fail('snapshots left after the dump: %s' % snapshots_of(self.pid))
        mid_copy(signal.SIGKILL)
        # (it dies with ckpt: a moment, then a zombie)
        wait_until(lambda: all(st == 'Z' for st in snapshots_of(self.pid).values()), 5)
        left = snapshots_of(self.pid)
        if not running(self.pid) or any(st != 'Z' for st in left.values()):
            raise Fail('after ckpt was killed mid-copy: the job %s, snapshots %s'
                       % (how(self.pid), left))
        self.dump(leave=True)
        if self.show_json().get('parent_version') is not None:
            raise Fail('the dump after a killed one is incremental')
        if snapshots_of(self.pid):
            raise Fail('the next dump left the dead snapshot: %s' % snapshots_of(self.pid))
        self.kill_original()
        self.restore()
        self.finish()

    def killed_dump(self, delay):
        """A --leave-running dump killed after `delay` s: the target runs on."""
        cpid, _ = self.ckpt('dump', '-p', str(self.pid), '-D', self.store, '--leave-running',
                            wait=False)
        time.sleep(delay)
        os.kill(cpid, signal.SIGKILL)
        REAPER.wait(cpid, 10)
        self.ckpt_pids.remove(cpid)
        if not wait_until(lambda: running(self.pid), 5):
            raise Fail('target not running after a dump was killed at %.3f s (%s)'
                       % (delay, how(self.pid)))
        # a snapshot dies with ckpt: a zombie at most, never a running copy
        if not wait_until(lambda: all(st == 'Z' for st in snapshots_of(self.pid).values()), 5):
            raise Fail('a snapshot lives on after its dump was killed at %.3f s: %s'
                       % (delay, snapshots_of(self.pid)))

    def pages_of(self, vdir):
        """The (first) page image of a version directory."""
        names = sorted(f for f in os.listdir(vdir) if f.startswith('pages-'))
        if not names:
            raise Fail('no page image in %s' % vdir)
        return names[0]

    # ---- cleanup: only what we started, by PID

    def cleanup_pid(self):
        """Kill the test's PID if it is still there and really ours (its cwd is ours)."""
        pid = self.pid
        if pid is None or proc_state(pid) is None:
            return
        try:
            cwd = os.path.realpath('/proc/%d/cwd' % pid)
        except OSError:
            cwd = ''
        ours = pid in REAPER.status or cwd.startswith(os.path.realpath(self.dir))
        if ours and proc_state(pid) != 'Z':
            self.log('killing leftover %d' % pid)
            os.kill(pid, signal.SIGKILL)
        REAPER.wait(pid, 5)

    def cleanup(self):
        for pid in list(self.ckpt_pids):      # not reaped yet, so surely ours
            self.log('killing leftover ckpt %d' % pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:      # reaped already
                pass
            REAPER.wait(pid, 5)
        self.ckpt_pids = []
        self.cleanup_pid()

    def attach_logs(self):
        for f in ('out', 'test.log'):
            self.logf.write('---- %s\n%s\n' % (f, read(os.path.join(self.dir, f))[-4000:]))
        self.logf.flush()


PTRACE_HELPER = r'''
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_SEIZE = 0x4206
r = libc.ptrace(ctypes.c_long(PTRACE_SEIZE), ctypes.c_long(int(sys.argv[1])), None, None)
print('seize', r, ctypes.get_errno(), flush=True)
time.sleep(120)      # bounded: the runner kills us long before
'''


def read_exit(st):
    return None if st is None else os.waitstatus_to_exitcode(st)


def verdict_line(out):
    for line in read(out).splitlines():
        if line == 'PASS' or line.startswith(('FAIL', 'SKIP')):
            return line
    return None


def free_pid():
    """A PID nobody uses: the highest free one below pid_max."""
    pid_max = int(read('/proc/sys/kernel/pid_max') or 32768)
    for pid in range(pid_max - 1, 300, -1):
        if not os.path.exists('/proc/%d' % pid):
            return pid
    raise Fail('no free pid')


def copy_store(store, dst):
    """Copy the newest version into a store of its own; return the version dir."""
    src = latest(store)
    ver = os.path.basename(src)
    os.makedirs(dst)
    shutil.copytree(src, os.path.join(dst, ver), symlinks=True)
    os.symlink(ver, os.path.join(dst, 'latest'))
    return os.path.join(dst, ver)


def flip_byte(path):
    """Damage the file in the middle (every image is checksummed: it must be noticed)."""
    data = bytearray(open(path, 'rb').read())
    data[len(data) // 2] ^= 0x01
    open(path, 'wb').write(data)


class Runner:
    def __init__(self, args):
        self.args = args
        self.ckpt = os.path.abspath(args.ckpt) if args.ckpt and os.access(args.ckpt, os.X_OK) else None
        self.tests = load_tests()
        self.root = tempfile.mkdtemp(prefix='ckpt-test-')
        self.refs = {}
        self.requires_cache = {}
        self.counts = {'passed': 0, 'failed': 0, 'skipped': 0}

    def missing(self, desc):
        """Why the test cannot run here, or None."""
        for prog in desc.get('requires', {}).get('program', []):
            if not shutil.which(prog):
                return '%s is not installed' % prog
        for mod in desc.get('requires', {}).get('python_import', []):
            key = (desc['argv0'][0], mod)
            if key not in self.requires_cache:
                d = tempfile.mkdtemp(dir=self.root)
                pid = spawn([desc['argv0'][0], '-c', 'import ' + mod], d, os.path.join(d, 'log'))
                st = REAPER.wait(pid, 120)
                if st is None:
                    os.kill(pid, signal.SIGKILL)
                    REAPER.wait(pid, 5)
                self.requires_cache[key] = st is not None and os.waitstatus_to_exitcode(st) == 0
                shutil.rmtree(d, ignore_errors=True)
            if not self.requires_cache[key]:
                return '%s cannot import %s' % (desc['argv0'][0], mod)
        return None

    def reference(self, name):
        """The compare file of an uninterrupted (plain) run of the test."""
        if name not in self.refs:
            r = Run(self, name, 'plain', self.tests[name], tag='ref')
            try:
                r.run()
                self.refs[name] = open(os.path.join(r.dir, self.tests[name]['compare']), 'rb').read()
                r.logf.close()
                shutil.rmtree(r.dir, ignore_errors=True)
            except (Fail, Skip) as e:
                r.cleanup()
                self.refs[name] = None
                print('note: reference run of %s failed: %s (see %s)' % (name, e, r.logpath))
            finally:
                r.cleanup()
        if self.refs[name] is None:
            raise Fail('no reference run to compare with')
        return self.refs[name]

    def one(self, name, mode, desc, case=None):
        r = Run(self, name, mode, desc)
        result, why = 'PASS', ''
        try:
            if mode != 'plain' and not self.ckpt:
                raise Fail('ckpt binary %s not found' % self.args.ckpt)
            why = self.missing(desc) if desc else None
            if why:
                raise Skip(why)
            if case and name.startswith('nsjob/'):
                r.nsjob(case)
            elif case and name.startswith('plugins/'):
                r.plugins(case)
            elif case:
                r.badinput(case)
            else:
                r.run()
                if mode == 'plain' and 'compare' in desc:
                    self.refs[name] = open(os.path.join(r.dir, desc['compare']), 'rb').read()
        except Skip as e:
            result, why = 'SKIP', str(e)
        except Fail as e:
            result, why = 'FAIL', str(e)
        except Exception as e:      # a runner bug must still give a line, not a traceback only
            result, why = 'FAIL', 'runner error: %r' % e
        finally:
            r.cleanup()
        r.log('%s %s' % (result, why))
        if result == 'FAIL':
            r.attach_logs()
            print('FAIL %s %s: %s (see %s)' % (name, mode, why, r.logpath), flush=True)
            self.counts['failed'] += 1
        else:
            if result == 'SKIP':
                print('SKIP %s %s: %s' % (name, mode, why), flush=True)
                self.counts['skipped'] += 1
            else:
                print('PASS %s %s' % (name, mode), flush=True)
                self.counts['passed'] += 1
            if not self.args.keep:
                r.logf.close()
                shutil.rmtree(r.dir, ignore_errors=True)
        r.logf.close()

    def main(self, names):
        if not self.ckpt:
            print('warning: no ckpt binary at %s: every mode but plain fails' % self.args.ckpt,
                  flush=True)
        todo = []
        for n in names:
            if n == 'nsjob' or n.startswith('nsjob/'):
                cases = NSJOB if n == 'nsjob' else [n.split('/', 1)[1]]
                for c in cases:
                    if c not in NSJOB:
                        sys.exit('unknown nsjob case %s (have %s)' % (c, ', '.join(NSJOB)))
                    todo.append(('nsjob/' + c, 'run', {}, c))
                continue
            if n == 'plugins' or n.startswith('plugins/'):
                cases = PLUGINS if n == 'plugins' else [n.split('/', 1)[1]]
                for c in cases:
                    if c not in PLUGINS:
                        sys.exit('unknown plugins case %s (have %s)' % (c, ', '.join(PLUGINS)))
                    todo.append(('plugins/' + c, 'dump', {}, c))
                continue
            if n == 'badinput' or n.startswith('badinput/'):
                cases = BADINPUT if n == 'badinput' else [n.split('/', 1)[1]]
                for c in cases:
                    if c not in BADINPUT:
                        sys.exit('unknown bad-input case %s (have %s)' % (c, ', '.join(BADINPUT)))
                    mode = 'dump' if c in ('nopid', 'traced', 'dump-killed', 'disk-full',
                                           'incr-killed', 'keep', 'dump-twice',
                                           'disk-full-incr', 'copy-running') else 'restore'
                    todo.append(('badinput/' + c, mode, {}, c))
                continue
            if n not in self.tests and os.path.isfile(n) and os.access(n, os.X_OK):
                # A test binary from elsewhere (trying out a new test).
                d = {'argv0': [os.path.abspath(n)], 'modes': list(ALL_MODES)}
                if os.path.exists(n + '.desc'):
                    d.update(json.load(open(n + '.desc')))
                self.tests[n] = d
            if n not in self.tests:
                sys.exit('unknown test %s' % n)
            d = self.tests[n]
            modes = self.args.mode or DEFAULT_MODES + (['fg'] if d.get('fg') else [])
            for m in modes:
                if m in d['modes']:
                    todo.append((n, m, d, None))
        for t in todo:
            self.one(*t)
        c = self.counts
        line = '%d passed, %d failed' % (c['passed'], c['failed'])
        if c['skipped']:
            line += ', %d skipped' % c['skipped']
        if not os.listdir(self.root):
            os.rmdir(self.root)
        else:
            print('scratch directories kept in %s' % self.root)
        print(line, flush=True)
        return 1 if c['failed'] else 0


def main():
    ap = argparse.ArgumentParser(description='ckpt C/R test runner')
    ap.add_argument('--ckpt', default=os.path.join(HERE, '..', 'criu-lite', 'ckpt'),
                    help='the ckpt binary')
    ap.add_argument('--mode', action='append', choices=ALL_MODES,
                    help='run in this mode (repeatable); default: %s, plus fg where the '
                    'test asks for it' % ' '.join(DEFAULT_MODES))
    ap.add_argument('-k', '--keep', action='store_true', help='keep every scratch directory')
    ap.add_argument('--dump-arg', action='append', default=[], metavar='ARG',
                    help='pass ARG to every `ckpt dump` of a test (repeatable), '
                    'e.g. --dump-arg=--compress=zstd')
    ap.add_argument('-l', '--list', action='store_true', help='list the tests and exit')
    ap.add_argument('tests', nargs='*', help='test names, "badinput" or "badinput/CASE", or '
                    'the path of a test binary; default: all')
    args = ap.parse_args()

    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit('prctl(PR_SET_CHILD_SUBREAPER): %s' % os.strerror(ctypes.get_errno()))
    runner = Runner(args)
    if args.list:
        for n, d in sorted(runner.tests.items()):
            print(n, ' '.join(d['modes']))
        print('nsjob/' + ' nsjob/'.join(NSJOB))
        print('badinput/' + ' badinput/'.join(BADINPUT))
        print('plugins/' + ' plugins/'.join(PLUGINS))
        os.rmdir(runner.root)
        return 0
    # The bad-input group has no modes: it runs by default, or when named.
    names = args.tests or sorted(runner.tests) + ([] if args.mode else
                                                  ['nsjob', 'badinput', 'plugins'])
    # A SIGTERM or ^C to the runner still runs the cleanup of the current test.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
    return runner.main(names)


if __name__ == '__main__':
    sys.exit(main())
