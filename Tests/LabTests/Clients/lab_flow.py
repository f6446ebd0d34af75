"""The Parser Lab in a real browser: the README's whole flow on the page alone.

Starts `casparian lab` on a copy of examples/sales, drives Debian's chromium
through chromedriver with Selenium, and prints one JSON object (the last
line) with what each step saw. Screenshots of each view go to --screenshots.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import lab_common
from lab_common import SLOW, log

parser = argparse.ArgumentParser()
parser.add_argument("--casparian", required=True)
parser.add_argument("--workspace", required=True, help="a copy of examples/sales")
parser.add_argument("--screenshots", required=True)
parser.add_argument("--chromium", default="/usr/bin/chromium")
parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
args = parser.parse_args()
ws = args.workspace
os.makedirs(args.screenshots, exist_ok=True)
out = {}


def cli(*a):
    return lab_common.cli(args.casparian, ws, *a)


# ---- start the Lab --------------------------------------------------------
lab, url = lab_common.start_lab(args.casparian, ws)
out["url"] = url
port = int(url.rsplit(":", 1)[1])

# The same port again: a clear error, not a crash.
busy = subprocess.run([args.casparian, "lab", "--addr", f"127.0.0.1:{port}", "--workspace", ws],
                      capture_output=True, text=True, timeout=60 * SLOW)
out["port_in_use"] = {"code": busy.returncode, "stderr": busy.stderr.strip()}
bad = subprocess.run([args.casparian, "lab", "--addr", "nonsense", "--workspace", ws], capture_output=True, text=True, timeout=60 * SLOW)
out["bad_addr"] = {"code": bad.returncode, "stderr": bad.stderr.strip()}
beyond = subprocess.run([args.casparian, "lab", "--addr", "0.0.0.0:0", "--workspace", ws], capture_output=True, text=True, timeout=60 * SLOW)
out["beyond_loopback_without_token"] = {"code": beyond.returncode, "stderr": beyond.stderr.strip()}


def call(method, path, body=None, headers=None):
    req = urllib.request.Request(url + path, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60 * SLOW) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text.decode(errors="replace")


# ---- the browser ------------------------------------------------------------
options = webdriver.ChromeOptions()
options.binary_location = args.chromium
profile = tempfile.mkdtemp(prefix="lab-chromium-")
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
          f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions"]:
    options.add_argument(a)
driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=options)
wait = WebDriverWait(driver, 90 * SLOW)


def shot(name):
    path = os.path.join(args.screenshots, name + ".png")
    driver.save_screenshot(path)
    out.setdefault("screenshots", []).append(path)


loads = 0


def go(hash_):
    # A new query string each time: a full load, even when only the hash would differ.
    global loads
    loads += 1
    driver.get(f"{url}/?load={loads}{hash_}")
    wait.until(lambda d: d.find_element(By.ID, "main").get_attribute("data-view") is not None)


def view_is(name):
    return lambda d: d.find_element(By.ID, "main").get_attribute("data-view") == name and "Loading" not in d.find_element(By.ID, "main").text


def status_text():
    return driver.find_element(By.ID, "status").text


try:
    driver.get(url + "/")
    wait.until(view_is("files"))
    out["title"] = driver.title

    # Files: name the file set.
    form = driver.find_element(By.ID, "scope-form")
    form.find_element(By.NAME, "name").send_keys("sales")
    form.find_element(By.NAME, "root").send_keys("data")
    form.find_element(By.NAME, "include").send_keys("**/*.csv")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "scope sales" in status_text())
    out["scope_status"] = status_text()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#files-table tbody tr")) > 0)
    out["files_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#files-table tbody tr"))
    out["files_formats"] = sorted({td.text for td in driver.find_elements(By.CSS_SELECTOR, "#files-table tbody tr td:nth-child(2)")})
    shot("1-files")

    # Discovery: prove the types, answer the date question by choosing a candidate, approve.
    go("#/discovery")
    wait.until(view_is("discovery"))
    driver.find_element(By.ID, "discover-button").click()
    wait.until(lambda d: "id=disc_" in d.current_url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "fieldset.question"))
    questions = driver.find_elements(By.CSS_SELECTOR, "fieldset.question legend")
    out["questions"] = [q.text for q in questions]
    out["discovery_columns"] = len(driver.find_elements(By.CSS_SELECTOR, "table.columns tbody tr"))
    shot("2-discovery")
    # Approving without an answer is refused with a clear message.
    plugin_box = driver.find_element(By.ID, "approve-plugin")
    plugin_box.clear()
    plugin_box.send_keys("sales")
    driver.find_element(By.ID, "approve-button").click()
    wait.until(lambda d: "answer every question" in status_text())
    out["approve_unanswered"] = status_text()
    driver.find_element(By.CSS_SELECTOR, 'input[data-answer="order_date=date:%m/%d/%Y"]').click()
    driver.find_element(By.ID, "approve-button").click()
    wait.until(view_is("contract"))
    wait.until(lambda d: "approved: contract" in status_text())
    out["approved"] = status_text()

    # Contract: two amendments proposed from the CLI; approve one, reject the other, diff v1 and v2.
    p1 = cli("amend", "propose", "sales", "--change-type", "quantity=float64", "--reason", "fractional quantities")
    p2 = cli("amend", "propose", "sales", "--add-column", "note=string", "--reason", "a note column nobody sends")
    out["proposed"] = [p1.returncode, p2.returncode, p1.stderr[-300:], p2.stderr[-300:]]
    go("#/contract?plugin=sales")
    wait.until(view_is("contract"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#amendments button")) == 4)
    out["contract_columns"] = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table.contract-columns tbody tr")]
    shot("3-contract-amendments")
    rows = driver.find_elements(By.CSS_SELECTOR, "#amendments tbody tr")
    qty_row = next(r for r in rows if "quantity" in r.text)
    qty_row.find_element(By.XPATH, ".//button[text()='Approve']").click()
    wait.until(lambda d: "contract version 2" in status_text())
    out["amendment_approved"] = status_text()
    wait.until(view_is("contract"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#amendments button")) == 2)
    rows = driver.find_elements(By.CSS_SELECTOR, "#amendments tbody tr")
    note_row = next(r for r in rows if "note" in r.text)
    note_row.find_element(By.XPATH, ".//button[text()='Reject']").click()
    wait.until(lambda d: "rejected" in status_text())
    out["amendment_rejected"] = status_text()
    # The view renders again after the decision: no amendment is left to decide.
    wait.until(lambda d: d.find_elements(By.ID, "amendments") and not d.find_elements(By.CSS_SELECTOR, "#amendments button"))
    Select(driver.find_element(By.ID, "diff-from")).select_by_value("1")
    Select(driver.find_element(By.ID, "diff-to")).select_by_value("2")
    driver.find_element(By.ID, "diff-button").click()
    wait.until(lambda d: d.find_element(By.ID, "diff").text.strip())
    out["diff"] = driver.find_element(By.ID, "diff").text
    out["history_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#history tbody tr"))
    shot("4-contract-diff")

    # Backtest the first draft: it fails; the chart and a cluster.
    go("#/backtest?plugin=sales&scope=sales")
    wait.until(view_is("backtest"))
    driver.find_element(By.ID, "run-backtest").click()
    wait.until(lambda d: "run=" in d.current_url)
    wait.until(lambda d: d.find_elements(By.ID, "backtest-summary"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration"))
    out["first_backtest"] = driver.find_element(By.ID, "backtest-summary").text
    out["first_chart_bars"] = [g.get_attribute("data-pass-rate") for g in driver.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")]
    clusters = driver.find_elements(By.CSS_SELECTOR, ".cluster")
    out["clusters"] = [c.text.split("\n")[0] for c in clusters]
    out["cluster_examples"] = len(driver.find_elements(By.CSS_SELECTOR, ".cluster table.cluster-examples tbody tr, .cluster li"))
    shot("5-backtest-failing")

    # A failing file under the parser: the traceback with the plugin's line highlighted.
    example = driver.find_element(By.CSS_SELECTOR, ".cluster a")
    out["example_file"] = example.text
    example.click()
    wait.until(view_is("file"))
    wait.until(lambda d: d.find_elements(By.ID, "failure"))
    out["failure_heading"] = driver.find_element(By.CSS_SELECTOR, "#failure h3").text
    highlighted = driver.find_elements(By.CSS_SELECTOR, "#traceback .hl, #parser-source .traceback-line")
    out["traceback_highlighted"] = [h.text for h in highlighted]
    shot("6-file-failure")

    # A parsed file: click a row, see its source line; click a line, see its row.
    go("#/files?scope=sales")
    wait.until(view_is("files"))
    first_row = driver.find_element(By.CSS_SELECTOR, '#files-table tbody tr[data-path$="north/sales_2024-01.csv"]')
    first_row.send_keys(Keys.ENTER)  # keyboard: Enter opens the focused row
    wait.until(view_is("file"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.rows tbody tr"))
    row = driver.find_elements(By.CSS_SELECTOR, "table.rows tbody tr")[2]
    row.click()
    selected_line = driver.find_element(By.CSS_SELECTOR, "#source li.selected")
    out["row_cells"] = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    out["row_source_line"] = selected_line.text
    out["row_source_index"] = selected_line.get_attribute("data-line")
    # Keyboard: from the focused row, ArrowDown then Enter selects the next row and its line.
    row.send_keys(Keys.ARROW_DOWN)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    out["keyboard_next_line"] = driver.find_element(By.CSS_SELECTOR, "#source li.selected").get_attribute("data-line")
    driver.find_elements(By.CSS_SELECTOR, "#source li")[5].click()
    sel_rows = driver.find_elements(By.CSS_SELECTOR, "table.rows tbody tr.selected")
    out["line5_rows"] = [r.get_attribute("data-row") for r in sel_rows]
    shot("7-file-rows")

    # The fix: edit the parser on the page, save, backtest: green.
    go("#/parser?plugin=sales")
    wait.until(view_is("parser"))
    fix = open(os.path.join(ws, "fixes", "v3", "parser.py")).read()
    area = driver.find_element(By.ID, "parser-source")
    driver.execute_script("arguments[0].value = arguments[1];", area, fix)
    shot("8-parser")
    driver.find_element(By.ID, "save-and-backtest").click()
    wait.until(view_is("backtest"))
    wait.until(lambda d: "run=" in d.current_url)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")) >= 2)
    out["second_backtest"] = driver.find_element(By.ID, "backtest-summary").text
    out["second_chart_bars"] = [g.get_attribute("data-pass-rate") for g in driver.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")]
    out["fixed"] = len(driver.find_elements(By.CSS_SELECTOR, "#fixed li"))
    out["changes"] = driver.find_element(By.ID, "changes").text if driver.find_elements(By.ID, "changes") else None
    shot("9-backtest-green")

    # Jobs: execute, watch it finish.
    go("#/jobs")
    wait.until(view_is("jobs"))
    Select(driver.find_element(By.ID, "execute-plugin")).select_by_value("sales")
    driver.find_element(By.ID, "execute-submit").click()
    wait.until(lambda d: "execute" in status_text() and "started" in status_text())
    run_id = status_text().split()[1]
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"][data-status="done"]'))
    out["execute_row"] = driver.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"]').text
    driver.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"]').click()
    wait.until(lambda d: "rows_written" in d.find_element(By.ID, "job-detail").text)
    out["execute_detail"] = driver.find_element(By.ID, "job-detail").text
    shot("10-jobs")

    # Query: a sum, read off the page; the same through the CLI.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ALT, "7")  # keyboard: Alt+7 is Query
    wait.until(view_is("query"))
    sql = driver.find_element(By.ID, "sql")
    sql.clear()
    sql.send_keys("SELECT count(*) AS n, round(sum(amount), 2) AS total FROM sales")
    sql.send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#query-table tbody tr"))
    out["query_cells"] = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#query-table tbody td")]
    shot("11-query")
    cli_sum = cli("query", "SELECT count(*) AS n, round(sum(amount), 2) AS total FROM sales", "--json")
    out["cli_query"] = json.loads(cli_sum.stdout) if cli_sum.returncode == 0 else cli_sum.stderr
    for bad_sql, key in [("DELETE FROM sales", "query_delete"), ("SELEC nonsense", "query_bad")]:
        sql = driver.find_element(By.ID, "sql")
        sql.clear()
        sql.send_keys(bad_sql)
        driver.find_element(By.ID, "run-query").click()
        wait.until(lambda d: d.find_elements(By.ID, "query-error"))
        out[key] = driver.find_element(By.ID, "query-error").text
    shot("12-query-error")

    # Cancel from the Jobs view: a slow plugin created on the page's API.
    slow = 'import time\n\ndef parse(path, ctx):\n    time.sleep(2)\n    yield {"path": path}\n'
    driver.set_script_timeout(60 * SLOW)
    saved = driver.execute_async_script(
        "const [src, done] = arguments; fetch('/api/parser/save', {method: 'POST', headers: {'Content-Type': 'application/json', "
        "'X-Casparian-Lab': document.querySelector('meta[name=casparian-lab-token]').content}, body: JSON.stringify({plugin: 'slow', source: src})})"
        ".then(r => r.json()).then(done);", slow)
    out["slow_saved"] = saved
    go("#/backtest?plugin=slow&scope=sales")
    wait.until(view_is("backtest"))
    driver.find_element(By.ID, "run-backtest").click()
    go("#/jobs")
    wait.until(view_is("jobs"))
    cancel = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#jobs-table button[data-cancel]"))[0]
    cancelled_id = cancel.get_attribute("data-cancel")
    cancel.click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{cancelled_id}"][data-status="cancelled"]'))
    out["cancelled"] = driver.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{cancelled_id}"]').text
    shot("13-jobs-cancelled")

    # A cross-site POST from a real page of another origin: refused.
    attacker = lab_common.cross_site_server(url)
    driver.get(f"http://127.0.0.1:{attacker.server_port}/")
    wait.until(lambda d: d.current_url.startswith(url))
    out["cross_site_page"] = driver.find_element(By.TAG_NAME, "body").text
    attacker.shutdown()
except Exception:
    import traceback
    out["error"] = traceback.format_exc()
    try:
        out["page"] = driver.current_url + "\n" + driver.find_element(By.TAG_NAME, "body").text[:3000]
        shot("failure")
    except Exception:
        pass
    lab.kill()
    print(json.dumps(out))
    sys.exit(1)
finally:
    try:
        # The refusals this script provokes (400, 403) are logged by the browser too: only script errors count.
        out["console_errors"] = [e["message"] for e in driver.get_log("browser")
                                 if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]
    except Exception:
        pass
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)

# ---- the API refuses what is wrong --------------------------------------------
page = urllib.request.urlopen(url + "/", timeout=30 * SLOW).read().decode()
token = page.split('name="casparian-lab-token" content="', 1)[1].split('"', 1)[0]
good = {"Content-Type": "application/json", "X-Casparian-Lab": token}
body = json.dumps({"sql": "SELECT 1"}).encode()
out["post_without_token"] = call("POST", "/api/query", body, {"Content-Type": "application/json"})
out["post_foreign_origin"] = call("POST", "/api/query", body, dict(good, Origin="http://evil.example"))
out["get_foreign_origin"] = call("GET", "/api/overview", None, {"Origin": "http://evil.example"})
out["post_own_origin"] = call("POST", "/api/query", body, dict(good, Origin=url))
out["foreign_host"] = call("GET", "/api/overview", None, {"Host": "evil.example"})
out["unknown_plugin"] = call("GET", "/api/file?path=" + urllib.request.quote(os.path.join(ws, "data/north/sales_2024-01.csv")) + "&plugin=nope")
out["unknown_file"] = call("GET", "/api/file?path=/etc/passwd")
out["unknown_discovery"] = call("GET", "/api/discovery?id=disc_nope")
out["unknown_job"] = call("POST", "/api/job/cancel", json.dumps({"id": "run_nope"}).encode(), good)
out["unknown_api"] = call("GET", "/api/nope")
out["not_json"] = call("POST", "/api/query", b"SELECT 1", good)
out["missing_parameter"] = call("POST", "/api/backtest/run", json.dumps({"plugin": "sales"}).encode(), good)
out["get_on_post_route"] = call("GET", "/api/query")

# ---- beyond loopback: the token once in the URL, then a cookie ----------------
env = dict(os.environ, LAB_TOKEN="t0ken-for-the-test")
wide = subprocess.Popen([args.casparian, "lab", "--addr", "0.0.0.0:0", "--token-env", "LAB_TOKEN", "--workspace", ws],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
wide_line = wide.stdout.readline()
wide_port = int(wide_line.split("casparian lab: ", 1)[1].split()[0].rstrip("/").rsplit(":", 1)[1])
base = f"http://127.0.0.1:{wide_port}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a):
        return None


opener = urllib.request.build_opener(NoRedirect)


def wide_call(path, headers=None, method="GET", body=None):
    try:
        r = opener.open(urllib.request.Request(base + path, headers=headers or {}, method=method, data=body), timeout=30 * SLOW)
        return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


out["wide_printed"] = wide_line.strip()
out["wide_no_token"] = wide_call("/")[0]
out["wide_wrong_token"] = wide_call("/?token=nope")[0]
status_, headers_, _ = wide_call("/?token=t0ken-for-the-test")
out["wide_token_link"] = [status_, headers_.get("Set-Cookie", ""), headers_.get("Location", "")]
cookie = headers_.get("Set-Cookie", "").split(";")[0]
status_, _, page_ = wide_call("/", {"Cookie": cookie})
out["wide_with_cookie"] = status_
wide_token = page_.split('name="casparian-lab-token" content="', 1)[1].split('"', 1)[0] if status_ == 200 else ""
own = {"Cookie": cookie, "X-Casparian-Lab": wide_token, "Content-Type": "application/json", "Origin": base}
out["wide_post"] = wide_call("/api/query", own, "POST", json.dumps({"sql": "SELECT 1"}).encode())[0]
out["wide_post_foreign"] = wide_call("/api/query", dict(own, Origin="http://evil.example"), "POST", b"{}")[0]
wide.terminate()
wide.wait(timeout=30 * SLOW)

out["lab_exit"] = lab_common.stop_lab(lab)
print(json.dumps(out))
