"""What a fix changed, over MCP: run_backtest of a first parser, fix_parser with one that swaps day and
month (every date fits both orders, so every file still passes), run_backtest again (an unchanged
re-run), then fix_parser with one that only adds rows."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver

PARSER = '''import csv, datetime
pattern = "*.csv"
def parse(path):
    with open(path, newline="") as f:
        for rec in csv.DictReader(f):
            yield {"id": int(rec["id"]), "day": datetime.datetime.strptime(rec["day"], "%s").date()}
%s
'''
EXTRA = '''_parse = parse
def parse(path):
    yield from _parse(path)
    yield {"id": 0, "day": None}
'''


async def main():
    args = arguments()
    data = os.path.join(args.workspace, "data")
    os.makedirs(data, exist_ok=True)
    for i in range(3):
        with open(os.path.join(data, f"f{i}.csv"), "w") as f:
            f.write(f"id,day\n{i * 10 + 1},03/04/2024\n{i * 10 + 2},05/06/2024\n{i * 10 + 3},12/12/2024\n")
    os.makedirs(os.path.join(args.workspace, "plugins", "d"), exist_ok=True)
    with open(os.path.join(args.workspace, "plugins", "d", "parser.py"), "w") as f:
        f.write(PARSER % ("%m/%d/%Y", ""))
    obs = {}
    async with stdio_driver(args) as d:
        scope = await d.call("apply_scope", {"name": "s", "path": "data"})
        scope_id = scope["structured"]["scope_id"]
        obs["first"] = await d.call("run_backtest", {"plugin": "d", "scope_id": scope_id})
        obs["swap"] = await d.call("fix_parser", {"plugin": "d", "source": PARSER % ("%d/%m/%Y", "")})
        obs["status"] = await d.call("get_run_status", {"run_id": obs["swap"]["structured"]["run_id"]})
        obs["again"] = await d.call("run_backtest", {"plugin": "d", "scope_id": scope_id})
        obs["added"] = await d.call("fix_parser", {"plugin": "d", "source": PARSER % ("%d/%m/%Y", EXTRA)})
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
