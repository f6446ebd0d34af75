/// Python that runs once in every worker before the plugin loads. It builds
/// the `casparian` module plugins import (`Output`, `Context`), installs the
/// soft-stop signal handler and provides helpers the Swift side calls.
enum Bootstrap {
    /// The file name its code carries (and tracebacks show, then drop).
    static let filename = "<casparian-bootstrap>"

    /// FNV-1a 64 of the source, to know whether `BootstrapCode` was made from it.
    static let sourceHash: UInt64 = source.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }

    static let source = #"""
        # Only what every worker needs is imported here: `signal`, `inspect` and
        # `logging` cost tens of ms, so they are imported when a plugin first needs
        # them (an odd callable, `ctx.logger`); tracebacks are formatted in C.
        import sys, _signal, faulthandler

        _ModuleType = type(sys)
        _FunctionType = type(lambda: None)

        # A crash in C code (ctypes, an extension) prints the Python stack to stderr,
        # which the host attaches to the failure.
        faulthandler.enable(file=sys.__stderr__, all_threads=False)

        casparian = _ModuleType("casparian")
        casparian.__doc__ = "The API a Casparian plugin sees."

        class CasparianTimeout(TimeoutError):
            """Raised inside a plugin when its file's deadline passes."""

        class Output:
            """A row for a named output: `yield Output("refunds", row)`."""
            __slots__ = ("name", "row")
            def __init__(self, name, row):
                if not isinstance(name, str) or not name:
                    raise TypeError("Output name must be a non-empty str, got %r" % (name,))
                self.name = name
                self.row = row
            def __repr__(self):
                return "Output(%r, %r)" % (self.name, self.row)

        def _event_logger(ctx):
            """A `logging.Logger` whose records reach the host as log events."""
            import logging
            class _EventHandler(logging.Handler):
                def emit(self, record):
                    try:
                        ctx._events.append(("log", record.levelname.lower(), self.format(record)))
                    except Exception:
                        pass
            logger = logging.getLogger("casparian.plugin." + ctx.plugin)
            logger.propagate = False
            logger.setLevel(logging.DEBUG)
            logger.handlers[:] = [_EventHandler()]
            return logger

        class Context:
            """What `parse(path, ctx)` receives."""
            def __init__(self, plugin_name):
                self.path = None
                self.plugin = plugin_name
                self._events = []
                self._columns = {}
                self._logger = None

            @property
            def logger(self):
                """A standard `logging.Logger` whose records reach the host."""
                if self._logger is None:
                    self._logger = _event_logger(self)
                return self._logger

            def columns(self, *names, output=None):
                """Declare column names once; then yield plain tuples (the fast path)."""
                if len(names) == 1 and isinstance(names[0], (list, tuple)):
                    names = tuple(names[0])
                for n in names:
                    if not isinstance(n, str) or not n:
                        raise TypeError("column names must be non-empty str, got %r" % (n,))
                    if n.startswith("_cf_"):
                        raise ValueError("column name %r is reserved: names starting with _cf_ hold lineage" % n)
                if len(set(names)) != len(names):
                    raise ValueError("duplicate column names in %r" % (names,))
                self._columns[output] = tuple(names)

            def log(self, message, level="info"):
                self._events.append(("log", str(level), str(message)))

            def progress(self, fraction=None, message=None):
                """Report progress within the file: a fraction 0..1 and/or a message."""
                self._events.append(("progress", None if fraction is None else float(fraction),
                                     None if message is None else str(message)))

        casparian.Output = Output
        casparian.Context = Context
        casparian.CasparianTimeout = CasparianTimeout
        sys.modules["casparian"] = casparian

        def _on_soft_stop(signum, frame):
            raise CasparianTimeout("the file's deadline passed; the plugin was stopped")

        _signal.signal(_signal.SIGUSR1, _on_soft_stop)

        def _casparian_close_in_forks(fds):
            """A process the plugin forks (without exec, where close-on-exec does
            not apply) closes the protocol pipes: holding the data pipe would keep
            the host waiting on it after the worker is gone."""
            import posix
            def close_protocol_fds():
                for fd in fds:
                    try:
                        posix.close(fd)
                    except OSError:
                        pass
            posix.register_at_fork(after_in_child=close_protocol_fds)

        def _casparian_load(path, module_name):
            with open(path, "rb") as f:
                source = f.read()
            code = compile(source, path, "exec")
            module = _ModuleType(module_name)
            module.__file__ = path
            sys.modules[module_name] = module
            exec(code, module.__dict__)
            parse = getattr(module, "parse", None)
            if parse is None:
                raise AttributeError("%s defines no parse function; add `def parse(path, ctx):` that yields rows" % path)
            if not callable(parse):
                raise TypeError("%s: `parse` is not a function" % path)
            code = getattr(parse, "__code__", None)
            if isinstance(parse, _FunctionType) and code is not None:
                # A plain function: read its code object (no `inspect` import).
                positional = code.co_argcount
                required = positional - len(parse.__defaults__ or ())
                if required > 2 or positional == 0:
                    raise TypeError("%s: parse%s must take (path) or (path, ctx)" % (path, _signature_text(parse)))
                return module, parse, positional >= 2
            import inspect
            try:
                params = [p for p in inspect.signature(parse).parameters.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
                required = [p for p in params if p.default is p.empty]
            except (TypeError, ValueError):
                params, required = [None, None], [None]
            if len(required) > 2 or len(params) == 0:
                raise TypeError("%s: parse%s must take (path) or (path, ctx)" % (path, _signature_text(parse)))
            return module, parse, len(params) >= 2

        def _signature_text(fn):
            import inspect
            try:
                return str(inspect.signature(fn))
            except (TypeError, ValueError):
                return "(...)"

        def _casparian_rows(result):
            """Turns what parse returned into an iterator of rows."""
            if result is None:
                return iter(())
            mod = type(result).__module__ or ""
            if mod.startswith("pandas") and hasattr(result, "itertuples"):
                cols = [str(c) for c in result.columns]
                return ("__frame__", cols, result.itertuples(index=False, name=None))
            if mod.startswith("polars") and hasattr(result, "iter_rows"):
                return ("__frame__", list(result.columns), result.iter_rows())
            if mod.startswith("pyarrow") and hasattr(result, "to_batches"):
                cols = list(result.column_names)
                def gen():
                    for batch in result.to_batches():
                        yield from zip(*[c.to_pylist() for c in batch.columns])
                return ("__frame__", cols, gen())
            if isinstance(result, (str, bytes, dict)):
                raise TypeError("parse returned a %s; it must yield rows (dicts or tuples) or return a DataFrame" % type(result).__name__)
            return iter(result)

        def _casparian_describe(exc, plugin_path, text):
            """(type, message, traceback text, plugin line or 0) for an exception
            and the text CPython prints for it."""
            tb = exc.__traceback__
            line = 0
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == plugin_path:
                    line = tb.tb_lineno
                tb = tb.tb_next
            if isinstance(exc, SyntaxError) and exc.filename == plugin_path:
                line = exc.lineno or 0
            # Drop the frames of Casparian's own bootstrap: the author needs theirs.
            lines = [l for l in text.splitlines(True) if "<casparian-bootstrap>" not in l]
            message = str(exc)
            if isinstance(exc, SyntaxError):
                message = "%s (line %s)" % (exc.msg, exc.lineno)
            return (type(exc).__name__, message, "".join(lines), line)

        def _casparian_type_name(obj):
            t = type(obj)
            return "%s.%s" % (t.__module__, t.__qualname__)
        """#
}
