"""Test-only app for the reliability end-to-end tests (stdlib only).

Like python-web (GET -> "version=<VERSION>\npid=<pid>\n", $PORT), plus faults chosen at
run time by environment variables:
  CRASH_ON_START=1  exit 3 at start while VERSION is still "v1" (a sync that changes
                    VERSION is the fix that brings the app back);
  IGNORE_SIGTERM=1  log SIGTERM and keep running (only SIGKILL stops it).
"""
import http.server
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, "VERSION"), encoding="utf-8") as f:
    VERSION = f.read().strip()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"version={VERSION}\npid={os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def on_term(signum, _frame):
    if os.environ.get("IGNORE_SIGTERM") == "1":
        print(f"python-faults: got signal {signum}, ignoring it", flush=True)
        return
    print(f"python-faults: got signal {signum}, exiting", flush=True)
    sys.exit(0)


def main():
    if os.environ.get("CRASH_ON_START") == "1" and VERSION == "v1":
        print("python-faults: crashing on start", flush=True)
        sys.exit(3)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    port = int(os.environ.get("PORT", "8080"))
    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print(f"python-faults: version={VERSION} pid={os.getpid()} listening on :{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
