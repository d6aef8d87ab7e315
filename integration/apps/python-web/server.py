"""Sample web app for the live-reload integration tests (stdlib only).

GET any path -> "version=<VERSION file>\npid=<pid>\n". The VERSION file is read once
at start, so a changed version shows only after the process restarted.
Listens on $PORT (default 8080); exits 0 promptly on SIGTERM or SIGINT.
"""
import http.server
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_version():
    with open(os.path.join(HERE, "VERSION"), encoding="utf-8") as f:
        return f.read().strip()


VERSION = read_version()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"version={VERSION}\npid={os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # keep test output quiet
        pass


def stop(signum, _frame):
    print(f"python-web: got signal {signum}, exiting", flush=True)
    sys.exit(0)


def main():
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    port = int(os.environ.get("PORT", "8080"))
    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print(f"python-web: version={VERSION} pid={os.getpid()} listening on :{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
