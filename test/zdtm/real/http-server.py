#!/usr/bin/python3
"""http-server: Python's http.server (ThreadingHTTPServer, HTTP/1.1 keep-alive)
on loopback, with a client that keeps its connection open across the
checkpoint.  The server's connection thread is blocked reading that
connection, the main thread in serve_forever's select.  After the restore
the client asks again on the same connection (the same local port, no new
connection at the server) and gets the right answer.
zdtm protocol: READY, then PASS or FAIL: reason in the --out file.
"""
import argparse
import http.client
import http.server
import os
import signal
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    connections = set()

    def do_GET(self):
        Handler.connections.add(self.client_address)
        body = ('path %s pid %d\n' % (self.path, os.getpid())).encode()
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def verdict(line):
        os.write(out, (line + '\n').encode())
        os._exit(0 if line == 'PASS' else 1)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    conn.request('GET', '/before')
    r = conn.getresponse()
    if r.status != 200 or r.read() != b'path /before pid %d\n' % os.getpid():
        verdict('FAIL: bad first answer')
    local = conn.sock.getsockname()
    os.write(out, b'READY\n')
    while not stop.wait(0.5):
        pass
    try:
        conn.request('GET', '/after')
        r = conn.getresponse()
        body = r.read()
    except Exception as e:
        verdict('FAIL: the keep-alive connection broke after the restore: %r' % e)
    if r.status != 200 or body != b'path /after pid %d\n' % os.getpid():
        verdict('FAIL: bad answer after the restore: %d %r' % (r.status, body))
    if conn.sock.getsockname() != local:
        verdict('FAIL: the client reconnected (%s, was %s)' % (conn.sock.getsockname(), local))
    if Handler.connections != {local}:
        verdict('FAIL: the server saw connections %s' % Handler.connections)
    # and a new connection works too
    c2 = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    c2.request('GET', '/new')
    if c2.getresponse().read() != b'path /new pid %d\n' % os.getpid():
        verdict('FAIL: a new connection after the restore got a bad answer')
    verdict('PASS')


if __name__ == '__main__':
    main()
