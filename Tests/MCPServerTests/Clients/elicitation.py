"""approve_schema asks the person the open questions through the client (MCP elicitation).

A folder whose dates read both day-first and month-first (03/04/2024) leaves the date-order
question open. Three clients approve it: one without elicitation (the questions come back in the
error, as before), one whose user declines the form (nothing is locked), and one whose user
answers day-first in the form (the contract records that answer, and who gave it).
"""
import asyncio
import os

from mcp import types

from casparian_client import arguments, emit, stdio_driver

ROWS = "id,when,amount\n1,03/04/2024,5\n2,05/06/2024,7\n3,01/02/2024,9\n4,11/12/2023,2\n"


async def main():
    args = arguments()
    folder = os.path.join(args.workspace, "dates")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "payments.csv"), "w") as f:
        f.write(ROWS)
    obs = {}

    # 1. No elicitation capability: today's behaviour, the questions in the error.
    async with stdio_driver(args) as d:
        scope = await d.call("apply_scope", {"name": "dates", "path": "dates"})
        disc = await d.call("discover_schemas", {"scope_id": scope["structured"]["scope_id"]})
        obs["discover"] = disc["structured"]
        discovery_id = disc["structured"]["discovery_id"]
        obs["plain"] = await d.call("approve_schema", {"discovery_id": discovery_id, "plugin": "plain"})

    # 2. The user declines the form: nothing is locked, the error says what is open.
    forms = []

    async def decline(context, params):
        forms.append({"message": params.message, "schema": params.requested_schema})
        return types.ElicitResult(action="decline")

    async with stdio_driver(args, elicitation_callback=decline) as d:
        obs["declined"] = await d.call("approve_schema", {"discovery_id": discovery_id, "plugin": "declined"})
        try:
            await d.session.read_resource("casparian://contracts/declined")
            obs["declined_contract"] = "exists"
        except Exception as e:  # the resource must not exist
            obs["declined_contract"] = f"missing: {e}"
    obs["declined_forms"] = forms

    # 2b. The client declared forms but fails to show this one: the questions go back to the model.
    async def broken(context, params):
        return types.ErrorData(code=types.INVALID_REQUEST, message="no forms today")

    async with stdio_driver(args, elicitation_callback=broken) as d:
        obs["broken"] = await d.call("approve_schema", {"discovery_id": discovery_id, "plugin": "broken"})

    # 3. The user answers day-first: the contract locks that format.
    answered = []

    async def answer(context, params):
        schema = params.requested_schema
        answered.append({"message": params.message, "schema": schema})
        content = {}
        for key, field in schema["properties"].items():
            choices = [c["const"] for c in field.get("oneOf", [])]
            content[key] = next((c for c in choices if "%d/%m" in c), choices[0] if choices else "string")
        return types.ElicitResult(action="accept", content=content)

    async with stdio_driver(args, elicitation_callback=answer) as d:
        obs["answered"] = await d.call("approve_schema", {"discovery_id": discovery_id, "plugin": "payments"})
        contract = await d.session.read_resource("casparian://contracts/payments")
        obs["contract_text"] = "".join(getattr(c, "text", "") for c in contract.contents)
        # The answer reads the data: 03/04/2024 is the 3rd of April.
        obs["execute"] = await d.call("execute_pipeline", {"plugin": "payments", "scope_id": "dates"})
        obs["day"] = await d.call("query_output", {"sql": "SELECT \"when\" FROM payments WHERE id = 1"})
        obs["no_table"] = await d.call("query_output", {"sql": "SELECT * FROM payment"})
        obs["no_column"] = await d.call("query_output", {"sql": "SELECT day FROM payments"})
        # Answers already given are not asked again (a discovery is approved once: discover again).
        again = await d.call("discover_schemas", {"scope_id": "dates"})
        before = len(answered)
        obs["given"] = await d.call(
            "approve_schema",
            {"discovery_id": again["structured"]["discovery_id"], "plugin": "given", "answers": {"when": "date:%m/%d/%Y"}})
        obs["asked_again"] = len(answered) - before
    obs["answered_forms"] = answered
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
