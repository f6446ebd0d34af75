"""The Parser Lab in a real Firefox: the README's flow on the page alone.

Starts `casparian lab` on a copy of examples/sales, starts Debian's firefox-esr
headless on a fresh temporary profile with Marionette (Firefox's own remote
protocol: no geckodriver) on a free port, drives it with Mozilla's
marionette_driver, and prints one JSON object (the last line) with what each
step saw. Screenshots of each view go to --screenshots.

The API's refusals and the Lab's command line are browser-independent and
checked by lab_flow.py (Chromium); this script checks what the page does in
Firefox, including a cross-site form post from a real page of another origin.
"""
import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import urllib.request

from marionette_driver import errors
from marionette_driver.by import By
from marionette_driver.keys import Keys
from marionette_driver.marionette import Marionette
from marionette_driver.wait import Wait

import lab_common
from lab_common import SLOW, log

parser = argparse.ArgumentParser()
parser.add_argument("--casparian", required=True)
parser.add_argument("--workspace", required=True, help="a copy of examples/sales")
parser.add_argument("--screenshots", required=True)
parser.add_argument("--firefox", default="/usr/bin/firefox-esr")
args = parser.parse_args()
ws = args.workspace
os.makedirs(args.screenshots, exist_ok=True)
out = {}
started = time.monotonic()


def cli(*a):
    return lab_common.cli(args.casparian, ws, *a)


# ---- start the Lab --------------------------------------------------------
lab, url = lab_common.start_lab(args.casparian, ws)
out["url"] = url

# ---- the browser ------------------------------------------------------------
# marionette_driver starts the binary itself: a new profile (with the prefs
# that keep Firefox off the network: no updates, telemetry, safe browsing or
# captive-portal checks) under `scratch`, MOZ_HEADLESS, -marionette, and
# MOZ_REMOTE_ALLOW_SYSTEM_ACCESS (needed for the chrome-context console read below).
scratch = tempfile.mkdtemp(prefix="lab-firefox-")
gecko_log = os.path.join(scratch, "gecko.log")
m = None


def wait(condition, timeout=90 * SLOW):
    return Wait(m, timeout=timeout, interval=0.1,
                ignored_exceptions=(errors.NoSuchElementException, errors.StaleElementException)).until(condition)


def shot(name):
    path = os.path.join(args.screenshots, name + ".png")
    with open(path, "wb") as f:
        f.write(m.screenshot(format="binary", full=True))
    out.setdefault("screenshots", []).append(path)
    log(f"{name} at {time.monotonic() - started:.1f} s")


loads = 0


def go(hash_):
    # A new query string each time: a full load, even when only the hash would differ.
    global loads
    loads += 1
    m.navigate(f"{url}/?load={loads}{hash_}")
    wait(lambda m: m.find_element(By.ID, "main").get_attribute("data-view") is not None)


def view_is(name):
    return lambda m: m.find_element(By.ID, "main").get_attribute("data-view") == name and "Loading" not in m.find_element(By.ID, "main").text


def status_text():
    return m.find_element(By.ID, "status").text


def choose(select_id, value):
    """Picks an option of a <select> as a person does: a click on the option (Firefox fires input and change)."""
    m.find_element(By.CSS_SELECTOR, f'#{select_id} option[value="{value}"]').click()


def click_row(tr):
    """Clicks a table row where a person would: on its first cell (the click reaches the row's handler).

    Marionette clicks an element at its centre and counts a <tr> as in view only when that point hits the
    row's first cell (Mozilla bug 1413493), which a row of several cells never does.
    """
    tr.find_element(By.TAG_NAME, "td").click()


def press(*keys):
    """Keys pressed together on whatever has the focus (modifiers first), through WebDriver actions."""
    seq = m.actions.sequence("key", "keyboard")
    for k in keys:
        seq.key_down(k)
    for k in reversed(keys):
        seq.key_up(k)
    seq.perform()
    m.actions.release()


def console_errors():
    """Errors the Firefox console holds (script errors, unhandled rejections, CSP), read in chrome context."""
    with m.using_context("chrome"):
        return m.execute_script("""
            const out = [];
            for (const msg of Services.console.getMessageArray() || []) {
              if (!(msg instanceof Ci.nsIScriptError) || msg.isFromChromeContext) continue;
              if (msg.flags & (Ci.nsIScriptError.warningFlag | Ci.nsIScriptError.infoFlag)) continue;
              out.push(`${msg.category}: ${msg.errorMessage} (${msg.sourceName}:${msg.lineNumber})`);
            }
            return out;""")


failed = False
try:
    m = Marionette(host="127.0.0.1", port=0, bin=args.firefox, headless=True, workspace=scratch, gecko_log=gecko_log,
                   startup_timeout=120 * SLOW)
    m.start_session()
    out["browser"] = f"{m.session_capabilities.get('browserName')} {m.session_capabilities.get('browserVersion')}"
    log("browser:", out["browser"], "marionette port", m.port)
    m.set_window_rect(width=1400, height=1000)
    m.timeout.script = 60
    m.timeout.page_load = 60

    m.navigate(url + "/")
    wait(view_is("files"))
    out["title"] = m.title
    out["user_agent"] = m.execute_script("return navigator.userAgent")
    # Each declaration of the served lab.css that this Firefox cannot parse (an unsupported property or value).
    served_css = urllib.request.urlopen(url + "/lab.css", timeout=30 * SLOW).read().decode()
    out["css_unsupported"] = m.execute_script("""
        const bad = [];
        for (const [, body] of arguments[0].matchAll(/\\{([^}]*)\\}/g))
          for (const decl of body.split(';')) {
            const i = decl.indexOf(':');
            if (i < 0) continue;
            const prop = decl.slice(0, i).trim(), value = decl.slice(i + 1).replace('!important', '').trim();
            if (prop && !prop.startsWith('--') && !CSS.supports(prop, value)) bad.push(`${prop}: ${value}`);
          }
        return bad;""", script_args=[served_css])

    # Files: name the file set.
    form = m.find_element(By.ID, "scope-form")
    form.find_element(By.NAME, "name").send_keys("sales")
    form.find_element(By.NAME, "root").send_keys("data")
    form.find_element(By.NAME, "include").send_keys("**/*.csv")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(lambda m: "scope sales" in status_text())
    out["scope_status"] = status_text()
    wait(lambda m: len(m.find_elements(By.CSS_SELECTOR, "#files-table tbody tr")) > 0)
    out["files_rows"] = len(m.find_elements(By.CSS_SELECTOR, "#files-table tbody tr"))
    out["files_formats"] = sorted({td.text for td in m.find_elements(By.CSS_SELECTOR, "#files-table tbody tr td:nth-child(2)")})
    shot("1-files")

    # Discovery: prove the types, answer the date question by choosing a candidate, approve.
    go("#/discovery")
    wait(view_is("discovery"))
    m.find_element(By.ID, "discover-button").click()
    wait(lambda m: "id=disc_" in m.get_url())
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, "fieldset.question"))
    out["questions"] = [q.text for q in m.find_elements(By.CSS_SELECTOR, "fieldset.question legend")]
    out["discovery_columns"] = len(m.find_elements(By.CSS_SELECTOR, "table.columns tbody tr"))
    shot("2-discovery")
    # Approving without an answer is refused with a clear message.
    plugin_box = m.find_element(By.ID, "approve-plugin")
    plugin_box.clear()
    plugin_box.send_keys("sales")
    m.find_element(By.ID, "approve-button").click()
    wait(lambda m: "answer every question" in status_text())
    out["approve_unanswered"] = status_text()
    m.find_element(By.CSS_SELECTOR, 'input[data-answer="order_date=date:%m/%d/%Y"]').click()
    m.find_element(By.ID, "approve-button").click()
    wait(view_is("contract"))
    wait(lambda m: "approved: contract" in status_text())
    out["approved"] = status_text()

    # Contract: two amendments proposed from the CLI; approve one, reject the other, diff v1 and v2.
    p1 = cli("amend", "propose", "sales", "--change-type", "quantity=float64", "--reason", "fractional quantities")
    p2 = cli("amend", "propose", "sales", "--add-column", "note=string", "--reason", "a note column nobody sends")
    out["proposed"] = [p1.returncode, p2.returncode, p1.stderr[-300:], p2.stderr[-300:]]
    go("#/contract?plugin=sales")
    wait(view_is("contract"))
    wait(lambda m: len(m.find_elements(By.CSS_SELECTOR, "#amendments button")) == 4)
    out["contract_columns"] = [r.text for r in m.find_elements(By.CSS_SELECTOR, "table.contract-columns tbody tr")]
    shot("3-contract-amendments")
    rows = m.find_elements(By.CSS_SELECTOR, "#amendments tbody tr")
    qty_row = next(r for r in rows if "quantity" in r.text)
    qty_row.find_element(By.XPATH, ".//button[text()='Approve']").click()
    wait(lambda m: "contract version 2" in status_text())
    out["amendment_approved"] = status_text()
    wait(view_is("contract"))
    wait(lambda m: len(m.find_elements(By.CSS_SELECTOR, "#amendments button")) == 2)
    rows = m.find_elements(By.CSS_SELECTOR, "#amendments tbody tr")
    note_row = next(r for r in rows if "note" in r.text)
    note_row.find_element(By.XPATH, ".//button[text()='Reject']").click()
    wait(lambda m: "rejected" in status_text())
    out["amendment_rejected"] = status_text()
    # The view renders again after the decision: no amendment is left to decide.
    wait(lambda m: m.find_elements(By.ID, "amendments") and not m.find_elements(By.CSS_SELECTOR, "#amendments button"))
    # The diff picks its versions from two <select>s: chosen here with clicks on their options.
    choose("diff-from", "1")
    choose("diff-to", "2")
    m.find_element(By.ID, "diff-button").click()
    wait(lambda m: m.find_element(By.ID, "diff").text.strip())
    out["diff"] = m.find_element(By.ID, "diff").text
    out["history_rows"] = len(m.find_elements(By.CSS_SELECTOR, "#history tbody tr"))
    shot("4-contract-diff")

    # Backtest the first draft: it fails; the chart and a cluster.
    go("#/backtest?plugin=sales&scope=sales")
    wait(view_is("backtest"))
    m.find_element(By.ID, "run-backtest").click()
    wait(lambda m: "run=" in m.get_url())
    wait(lambda m: m.find_elements(By.ID, "backtest-summary"))
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration"))
    out["first_backtest"] = m.find_element(By.ID, "backtest-summary").text
    out["first_chart_bars"] = [g.get_attribute("data-pass-rate") for g in m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")]
    # The chart is drawn, not only built: its bar has a height on the page (SVG geometry as Firefox lays it out).
    out["first_chart_bar_height"] = m.execute_script(
        "return document.querySelector('#pass-rate-chart g.iteration rect').getBoundingClientRect().height")
    # Its scale: three grid lines labelled 0%, 50% and 100%, and no stray text (an array printed as "[object …]").
    out["chart_grid_lines"] = len(m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart > line"))
    out["chart_axis_labels"] = [t.text for t in m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart > text")]
    out["chart_stray_text"] = m.execute_script(
        "return [...document.getElementById('pass-rate-chart').childNodes].filter(n => n.nodeType === 3).map(n => n.data)")
    clusters = m.find_elements(By.CSS_SELECTOR, ".cluster")
    out["clusters"] = [c.text.split("\n")[0] for c in clusters]
    out["cluster_examples"] = len(m.find_elements(By.CSS_SELECTOR, ".cluster table.cluster-examples tbody tr, .cluster li"))
    shot("5-backtest-failing")

    # A failing file under the parser: the traceback with the plugin's line highlighted.
    example = m.find_element(By.CSS_SELECTOR, ".cluster a")
    out["example_file"] = example.text
    example.click()
    wait(view_is("file"))
    wait(lambda m: m.find_elements(By.ID, "failure"))
    out["failure_heading"] = m.find_element(By.CSS_SELECTOR, "#failure h3").text
    highlighted = m.find_elements(By.CSS_SELECTOR, "#traceback .hl, #parser-source .traceback-line")
    out["traceback_highlighted"] = [h.text for h in highlighted]
    # Each line of the traceback starts inside its box, on a line of its own (none pushed off to the right).
    out["traceback_lines"] = m.execute_script("""
        const pre = document.getElementById('traceback'), box = pre.getBoundingClientRect();
        return [...pre.children].filter(s => s.textContent.trim()).map(s => {
          const r = s.getClientRects()[0];
          return {text: s.textContent.trim(), inside: r.left >= box.left && r.left < box.left + 40};
        });""")
    shot("6-file-failure")

    # A parsed file: Enter on a focused row of Files opens it; click a row, see its source line; click a line, see its row.
    go("#/files?scope=sales")
    wait(view_is("files"))
    first_row = m.find_element(By.CSS_SELECTOR, '#files-table tbody tr[data-path$="north/sales_2024-01.csv"]')
    first_row.send_keys(Keys.ENTER)  # keyboard: Enter opens the focused row
    wait(view_is("file"))
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, "table.rows tbody tr"))
    out["file_url"] = m.get_url()
    row = m.find_elements(By.CSS_SELECTOR, "table.rows tbody tr")[2]
    click_row(row)
    selected_line = m.find_element(By.CSS_SELECTOR, "#source li.selected")
    out["row_cells"] = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    out["row_source_line"] = selected_line.text
    out["row_source_index"] = selected_line.get_attribute("data-line")
    # Keyboard: from the focused row, ArrowDown then Enter selects the next row and its line; ArrowUp twice, Enter: the row before.
    press(Keys.ARROW_DOWN)
    out["keyboard_focused_row"] = m.get_active_element().get_attribute("data-row")
    press(Keys.ENTER)
    out["keyboard_next_line"] = m.find_element(By.CSS_SELECTOR, "#source li.selected").get_attribute("data-line")
    press(Keys.ARROW_UP)
    press(Keys.ARROW_UP)
    press(Keys.ENTER)
    out["keyboard_previous_line"] = m.find_element(By.CSS_SELECTOR, "#source li.selected").get_attribute("data-line")
    m.find_elements(By.CSS_SELECTOR, "#source li")[5].click()
    out["line5_rows"] = [r.get_attribute("data-row") for r in m.find_elements(By.CSS_SELECTOR, "table.rows tbody tr.selected")]
    # Selecting scrolls the panes vertically only: the rows pane keeps its first column in view.
    out["rows_pane_scroll_left"] = m.execute_script("return document.getElementById('parsed').scrollLeft")
    shot("7-file-rows")

    # The fix: edit the parser on the page, save, backtest: green.
    go("#/parser?plugin=sales")
    wait(view_is("parser"))
    fix = open(os.path.join(ws, "fixes", "v3", "parser.py")).read()
    area = m.find_element(By.ID, "parser-source")
    m.execute_script("arguments[0].value = arguments[1];", script_args=[area, fix])
    shot("8-parser")
    m.find_element(By.ID, "save-and-backtest").click()
    wait(view_is("backtest"))
    wait(lambda m: "run=" in m.get_url())
    wait(lambda m: len(m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")) >= 2)
    out["second_backtest"] = m.find_element(By.ID, "backtest-summary").text
    out["second_chart_bars"] = [g.get_attribute("data-pass-rate") for g in m.find_elements(By.CSS_SELECTOR, "#pass-rate-chart g.iteration")]
    out["fixed"] = len(m.find_elements(By.CSS_SELECTOR, "#fixed li"))
    out["changes"] = m.find_element(By.ID, "changes").text if m.find_elements(By.ID, "changes") else None
    shot("9-backtest-green")

    # Jobs: execute, watch it finish.
    go("#/jobs")
    wait(view_is("jobs"))
    choose("execute-plugin", "sales")
    m.find_element(By.ID, "execute-submit").click()
    wait(lambda m: "execute" in status_text() and "started" in status_text())
    run_id = status_text().split()[1]
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"][data-status="done"]'))
    out["execute_row"] = m.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"]').text
    click_row(m.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{run_id}"]'))
    wait(lambda m: "rows_written" in m.find_element(By.ID, "job-detail").text)
    out["execute_detail"] = m.find_element(By.ID, "job-detail").text
    shot("10-jobs")

    # Query: a sum, read off the page; the same through the CLI.
    m.find_element(By.TAG_NAME, "body").click()
    press(Keys.ALT, "7")  # keyboard: Alt+7 is Query
    wait(view_is("query"))
    out["query_by_keyboard"] = m.get_url().endswith("#/query")
    out["query_tables_note"] = m.find_element(By.CSS_SELECTOR, "#main p.muted").text
    press("/")  # keyboard: / focuses the first field, the SQL
    out["slash_focus"] = m.get_active_element().get_attribute("id")
    sql = m.find_element(By.ID, "sql")
    sql.clear()
    sql.send_keys("SELECT count(*) AS n, round(sum(amount), 2) AS total FROM sales")
    press(Keys.CONTROL, Keys.ENTER)  # keyboard: Ctrl+Enter runs it
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, "#query-table tbody tr"))
    out["query_cells"] = [td.text for td in m.find_elements(By.CSS_SELECTOR, "#query-table tbody td")]
    shot("11-query")
    cli_sum = cli("query", "SELECT count(*) AS n, round(sum(amount), 2) AS total FROM sales", "--json")
    out["cli_query"] = json.loads(cli_sum.stdout) if cli_sum.returncode == 0 else cli_sum.stderr
    for bad_sql, key in [("DELETE FROM sales", "query_delete"), ("SELEC nonsense", "query_bad")]:
        sql = m.find_element(By.ID, "sql")
        sql.clear()
        sql.send_keys(bad_sql)
        m.find_element(By.ID, "run-query").click()
        wait(lambda m: m.find_elements(By.ID, "query-error"))
        out[key] = m.find_element(By.ID, "query-error").text
    shot("12-query-error")

    # Cancel from the Jobs view: a slow plugin created with the page's own fetch and token.
    slow = 'import time\n\ndef parse(path, ctx):\n    time.sleep(2)\n    yield {"path": path}\n'
    out["slow_saved"] = m.execute_async_script(
        "const [src, done] = arguments; fetch('/api/parser/save', {method: 'POST', headers: {'Content-Type': 'application/json', "
        "'X-Casparian-Lab': document.querySelector('meta[name=casparian-lab-token]').content}, body: JSON.stringify({plugin: 'slow', source: src})})"
        ".then(r => r.json()).then(j => done(JSON.stringify(j)));", script_args=[slow])
    out["slow_saved"] = json.loads(out["slow_saved"])
    go("#/backtest?plugin=slow&scope=sales")
    wait(view_is("backtest"))
    m.find_element(By.ID, "run-backtest").click()
    go("#/jobs")
    wait(view_is("jobs"))
    cancel = wait(lambda m: m.find_elements(By.CSS_SELECTOR, "#jobs-table button[data-cancel]"))[0]
    cancelled_id = cancel.get_attribute("data-cancel")
    cancel.click()
    wait(lambda m: m.find_elements(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{cancelled_id}"][data-status="cancelled"]'))
    out["cancelled"] = m.find_element(By.CSS_SELECTOR, f'#jobs-table tr[data-job="{cancelled_id}"]').text
    shot("13-jobs-cancelled")

    # A cross-site POST from a real page of another origin: Firefox sends its Origin, the Lab refuses it
    # (its JSON answer shown by Firefox's JSON viewer).
    attacker = lab_common.cross_site_server(url)
    m.navigate(f"http://127.0.0.1:{attacker.server_port}/")
    wait(lambda m: m.get_url().startswith(url))
    out["cross_site_page"] = m.find_element(By.TAG_NAME, "body").text
    attacker.shutdown()

    # Back on the Lab: the console read below must see an error thrown on the page (a probe, run by a timer of
    # the page's own window; the Lab's CSP forbids inline scripts), so an empty list of the others means something.
    go("#/files")
    wait(view_is("files"))
    m.execute_script("window.wrappedJSObject.setTimeout(() => { throw new Error('console probe') })")
    deadline = time.monotonic() + 10
    errors_seen = console_errors()
    while not any("console probe" in e for e in errors_seen) and time.monotonic() < deadline:
        time.sleep(0.1)
        errors_seen = console_errors()
    out["console_probe_seen"] = any("console probe" in e for e in errors_seen)
    out["console_errors"] = [e for e in errors_seen if "console probe" not in e]
except Exception:
    failed = True
    out["error"] = traceback.format_exc()
    try:
        out["page"] = m.get_url() + "\n" + m.find_element(By.TAG_NAME, "body").text[:3000]
        shot("failure")
        out["console_errors"] = console_errors()
    except Exception:
        pass
finally:
    if m is not None:
        try:
            m.cleanup()  # ends the session and stops Firefox
        except Exception as e:
            log("stopping Firefox:", e)
        # Drop the stopped instance now: its profile's finalizer would otherwise run at interpreter exit and fail noisily.
        m.instance = None
        gc.collect()
    if failed:
        try:
            out["gecko_log"] = open(gecko_log, errors="replace").read()[-3000:]
        except OSError:
            pass
    shutil.rmtree(scratch, ignore_errors=True)

out["lab_exit"] = lab_common.stop_lab(lab)
out["seconds"] = round(time.monotonic() - started, 1)
print(json.dumps(out))
sys.exit(1 if failed else 0)
