"""What the Parser Lab's browser clients (lab_flow.py, lab_firefox.py) share.

Starting `casparian lab` on a workspace and reading its URL off the first line
it prints, stopping it, the CLI on the same workspace, and a page of another
origin that posts a form to the Lab (which must refuse it).
"""
import http.server
import os
import subprocess
import sys
import threading

# Every wait is this many times longer when the Lab runs under a sanitizer
# (`make sanitize`: the Swift test sets it), where it runs several times slower.
SLOW = max(1, int(os.environ.get("CASPARIAN_TEST_SLOWDOWN", "1")))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def cli(casparian, ws, *a):
    return subprocess.run([casparian, *a, "--workspace", ws], capture_output=True, text=True, timeout=120 * SLOW)


def start_lab(casparian, ws):
    """`casparian lab` on a free loopback port with two job slots: the process and its URL (no trailing slash)."""
    lab = subprocess.Popen(
        [casparian, "lab", "--addr", "127.0.0.1:0", "--workspace", ws, "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = lab.stdout.readline()
    log("lab says:", line.strip())
    url = line.split("casparian lab: ", 1)[1].split()[0].rstrip("/")
    return lab, url


def stop_lab(lab):
    """Stops the Lab as Ctrl-C would (SIGTERM) and returns its exit code."""
    lab.terminate()
    try:
        lab.wait(timeout=30 * SLOW)
    except subprocess.TimeoutExpired:
        lab.kill()
    return lab.returncode


def cross_site_server(url):
    """A page of another origin (a free loopback port) that posts a form to the Lab at `url` as soon as it loads.

    Returns the running server; its page is http://127.0.0.1:PORT/ (server.server_port). Call shutdown() when done.
    """
    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            page = f"""<!doctype html><form id=f method=POST action="{url}/api/approve" enctype="text/plain">
<input name='{{"discovery_id":"x","plugin":"evil","junk":"' value='"}}'></form><script>document.getElementById('f').submit()</script>"""
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page.encode())

        def log_message(self, *a):
            pass

    attacker = http.server.HTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    return attacker
