"""query_output over a real output.sqlite: paging, and statements that must be refused."""
import asyncio
import base64
import os
import re
import sqlite3

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    ws = args.workspace
    state = os.path.join(ws, ".casparian")
    os.makedirs(state, exist_ok=True)
    db = sqlite3.connect(os.path.join(state, "output.sqlite"))
    db.execute("CREATE TABLE t (id INTEGER, name TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"name-{i}") for i in range(250)])
    db.commit()
    db.close()
    obs = {}
    async with stdio_driver(args) as d:
        first = await d.call("query_output", {"sql": "SELECT id, name FROM t ORDER BY id", "limit": 100})
        second = await d.call("query_output", {"sql": "SELECT id, name FROM t ORDER BY id", "limit": 100,
                                               "cursor": first["structured"]["next_cursor"]})
        third = await d.call("query_output", {"sql": "SELECT id, name FROM t ORDER BY id", "limit": 100,
                                              "cursor": second["structured"]["next_cursor"]})
        obs["pages"] = [first["structured"]["rows"][0], second["structured"]["rows"][0], third["structured"]["rows"][-1],
                        third["structured"]["truncated"], third["structured"]["row_count"]]
        obs["wrong_cursor"] = await d.call("query_output", {"sql": "SELECT 1", "cursor": first["structured"]["next_cursor"]})
        # Forged cursors: a huge offset once trapped on offset + limit and ended the server.
        real = base64.b64decode(first["structured"]["next_cursor"]).decode()
        huge = str(2 ** 62)
        forged = {
            "huge_offset_keeping_the_rest": re.sub(r":100(?=$|:)", ":" + huge, real, count=1),
            "huge_offset_unsigned": real.split(":")[0] + ":" + huge,
            "negative_offset": real.split(":")[0] + ":-5",
            "not_base64": None,
        }
        obs["forged"] = {}
        for k, text in forged.items():
            cursor = "%%%not-base64" if text is None else base64.b64encode(text.encode()).decode()
            obs["forged"][k] = await d.call("query_output", {"sql": "SELECT id, name FROM t ORDER BY id", "limit": 100,
                                                             "cursor": cursor})
        attacks = {
            "drop": "DROP TABLE t",
            "insert": "INSERT INTO t VALUES (999, 'x')",
            "two_statements": "SELECT 1; DROP TABLE t",
            "attach": "ATTACH DATABASE '/tmp/evil.sqlite' AS evil",
            "load_extension": "SELECT load_extension('/tmp/evil.so')",
            "pragma_write": "PRAGMA journal_mode = DELETE",
            "update_cte": "WITH x AS (SELECT 1) UPDATE t SET name = 'y'",
        }
        obs["attacks"] = {k: await d.call("query_output", {"sql": v}) for k, v in attacks.items()}
        # A cell far over the page's byte cap: a clear error, never a copy of it.
        obs["huge_cell"] = await d.call("query_output", {"sql": "SELECT 1 AS a, zeroblob(100000000) AS big"})
        after = await d.call("query_output", {"sql": "SELECT COUNT(*), MIN(name) FROM t"})
        obs["after"] = after["structured"]["rows"][0]
    emit(obs)


asyncio.run(main())
