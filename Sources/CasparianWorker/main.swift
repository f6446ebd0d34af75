// `casparian-worker`: the process a host starts per worker. It embeds CPython
// (linked statically), loads one plugin and parses the files the host sends
// over the wire protocol on fds 3 and 4. A binary of its own, so a worker
// starts without the host's libraries (the MCP server, SQLite, networking):
// every backtest, run and preview waits for one to start.
//
// Python runs on the main thread, before anything else starts a thread:
// CPython runs signal handlers (the soft stop) on the thread that
// initialised it, and a signal must interrupt a plugin blocked in
// `time.sleep` there.
WorkerCommand.main(Array(CommandLine.arguments.dropFirst()))
