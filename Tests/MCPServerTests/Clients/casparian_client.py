"""Shared helpers for the MCP integration scenarios.

Each scenario script starts `casparian mcp` (stdio, or Streamable HTTP),
drives it with the official Python MCP client and prints ONE JSON object of
observations on stdout; the Swift tests assert on it. Every successful tool
result is validated against the tool's outputSchema with jsonschema.
"""
import argparse
import contextlib
import json
import os
import sys

import jsonschema
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def arguments():
    p = argparse.ArgumentParser()
    p.add_argument("--casparian", required=True, help="the built casparian binary")
    p.add_argument("--workspace", required=True, help="a temporary copy of examples/")
    p.add_argument("--extra", action="append", default=[], help="extra arguments for casparian mcp")
    return p.parse_args()


def server_parameters(args, extra=()):
    return StdioServerParameters(
        command=args.casparian,
        args=["mcp", "--root", args.workspace, "--log-level", "warning", *args.extra, *extra],
        cwd=args.workspace,
        env={"NO_COLOR": "1"},
    )


class Driver:
    """A session plus the tool list, validating every result."""

    def __init__(self, session):
        self.session = session
        self.tools = {}
        self.results = []

    async def start(self):
        self.initialize_result = await self.session.initialize()
        listed = await self.session.list_tools()
        self.tools = {t.name: t for t in listed.tools}
        return listed

    async def call(self, name, arguments=None, **kw):
        r = await self.session.call_tool(name, arguments, **kw)
        text = "".join(getattr(c, "text", "") for c in r.content)
        out = {"is_error": bool(r.is_error), "text": text, "structured": r.structured_content}
        if not r.is_error:
            schema = self.tools[name].output_schema
            jsonschema.validate(r.structured_content, schema)
            out["schema_ok"] = True
            out["chars"] = len(json.dumps(r.structured_content))
        return out


@contextlib.asynccontextmanager
async def stdio_driver(args, extra=(), **session_options):
    """A started Driver over stdio; session_options go to ClientSession (e.g. elicitation_callback)."""
    errlog = open(os.path.join(args.workspace, "mcp-stderr.log"), "a")
    async with stdio_client(server_parameters(args, extra), errlog=errlog) as (read, write):
        logs = []

        async def on_log(params):
            logs.append({"level": str(params.level), "data": str(params.data)})

        async with ClientSession(read, write, logging_callback=on_log, **session_options) as session:
            d = Driver(session)
            d.logs = logs
            await d.start()
            yield d


def emit(observations):
    json.dump(observations, sys.stdout, default=str)
    sys.stdout.write("\n")
    sys.stdout.flush()
