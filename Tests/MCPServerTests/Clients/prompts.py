"""prompts/list and prompts/get: the workflows as prompts with their arguments."""
import asyncio

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    obs = {}
    async with stdio_driver(args) as d:
        obs["capabilities"] = d.initialize_result.capabilities.model_dump(mode="json", exclude_none=True)
        obs["tools"] = sorted(d.tools)
        listed = await d.session.list_prompts()
        obs["prompts"] = [p.model_dump(mode="json", exclude_none=True) for p in listed.prompts]
        for name, arguments_ in [("ingest_folder", {"path": "sales/data"}), ("fix_parser", {"plugin": "sales", "scope_id": "scp_1"})]:
            got = await d.session.get_prompt(name, arguments_)
            obs[name] = {
                "description": got.description,
                "roles": [m.role for m in got.messages],
                "text": "".join(getattr(m.content, "text", "") for m in got.messages),
            }
        for label, name, arguments_ in [("missing", "ingest_folder", {}), ("unknown", "no_such_prompt", {})]:
            try:
                await d.session.get_prompt(name, arguments_)
                obs[label] = "no error"
            except Exception as e:
                obs[label] = f"{type(e).__name__}: {e}"
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
