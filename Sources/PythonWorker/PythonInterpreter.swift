import CPython
import CasparianCore
import Foundation

/// The embedded CPython of one worker process.
///
/// Initialised once, on the thread that then runs all Python; never
/// finalised (the worker flushes and exits instead). The interpreter is
/// isolated and its `executable` is set explicitly, so an active virtual
/// environment on `PATH` cannot change which Python runs the plugin.
final class PythonInterpreter {
    let executable: String
    private(set) var globals: UnsafeMutablePointer<PyObject>!
    private(set) var dateTypes: DateTimeTypes!

    init(executable: String) throws {
        self.executable = executable
        try Self.checkAPIExported()
        // UTF-8 mode: open() and the file system use UTF-8 whatever the
        // locale of the host (CI often has none), as they will by default in Python 3.15.
        var preconfig = PyPreConfig()
        PyPreConfig_InitIsolatedConfig(&preconfig)
        preconfig.utf8_mode = 1
        try Self.check(Py_PreInitialize(&preconfig), "preinitialize")
        var config = PyConfig()
        PyConfig_InitIsolatedConfig(&config)
        defer { PyConfig_Clear(&config) }
        try Self.check(cp_config_set_executable(&config, executable), "executable")
        config.install_signal_handlers = 1
        config.buffered_stdio = 0
        config.site_import = 1
        config.write_bytecode = 0
        try Self.check(Py_InitializeFromConfig(&config), "initialize")
        guard let capi = cp_datetime_capi() else {
            throw CasparianError(.environment, "the embedded Python has no datetime module")
        }
        dateTypes = DateTimeTypes(
            date: capi.pointee.DateType, datetime: capi.pointee.DateTimeType,
            time: capi.pointee.TimeType, delta: capi.pointee.DeltaType)
        let main = PyImport_AddModule("__main__")!
        globals = PyModule_GetDict(main)
    }

    /// C extension modules (`_decimal`, `_ctypes`, numpy) are loaded with
    /// `dlopen` and resolve the Python C API against this executable, so it
    /// must export it. A worker linked with `--static-swift-stdlib` outside
    /// `make release` hides it (the toolchain links with `--exclude-libs
    /// ALL`): it would run pure-Python plugins and fail at the first C
    /// extension one imports, with an undefined symbol. Refuse it at start.
    private static func checkAPIExported() throws {
        guard let program = dlopen(nil, RTLD_LAZY) else { return }
        defer { dlclose(program) }
        guard dlsym(program, "PyContextVar_Type") == nil || dlsym(program, "Py_IsInitialized") == nil else { return }
        throw CasparianError(
            .environment,
            "this casparian-worker does not export the Python C API, so no C extension module (decimal, ctypes, numpy, ...) can load in it",
            hint: "build the binaries with `make release` (or `make build`), which link libpython so that it is exported")
    }

    private static func check(_ status: PyStatus, _ step: String) throws {
        if PyStatus_Exception(status) != 0 {
            let message = status.err_msg.map { String(cString: $0) } ?? "unknown error"
            throw CasparianError(
                .environment, "could not start the embedded Python (\(step)): \(message)",
                hint: "check that the interpreter exists and is CPython 3.11 (Debian's /usr/bin/python3, or a venv made from it)")
        }
    }

    /// Runs module-level source in `__main__`.
    func run(_ source: String, filename: String) throws {
        guard let code = Py_CompileString(source, filename, Py_file_input) else {
            throw CasparianError(.internal, "bootstrap did not compile: \(fetchErrorText())")
        }
        try run(code: code)
    }

    /// Runs the bootstrap in `__main__`: its code as generated at build time
    /// when this Python's bytecode and the source are those it was made from
    /// (unmarshalling takes ~0.1 ms, compiling ~3 ms of every worker start),
    /// else the source compiled now.
    func runBootstrap() throws {
        guard let code = Self.generatedBootstrapCode() else {
            return try run(Bootstrap.source, filename: Bootstrap.filename)
        }
        try run(code: code)
    }

    /// The generated bootstrap code object (a new reference), or nil when it
    /// does not fit this interpreter or the current source.
    static func generatedBootstrapCode() -> UnsafeMutablePointer<PyObject>? {
        guard PyImport_GetMagicNumber() == BootstrapCode.magic, Bootstrap.sourceHash == BootstrapCode.sourceHash,
            let bytes = Data(base64Encoded: BootstrapCode.marshalled, options: .ignoreUnknownCharacters)
        else {
            PyErr_Clear()
            return nil
        }
        let code = bytes.withUnsafeBytes { raw in
            PyMarshal_ReadObjectFromString(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard let code, cp_code_check(code) != 0 else {
            PyErr_Clear()
            if let code { cp_decref(code) }
            return nil
        }
        return code
    }

    /// Evaluates a code object (consumed) in `__main__`.
    private func run(code: UnsafeMutablePointer<PyObject>) throws {
        defer { cp_decref(code) }
        guard let result = PyEval_EvalCode(code, globals, globals) else {
            throw CasparianError(.internal, "bootstrap failed: \(fetchErrorText())")
        }
        cp_decref(result)
    }

    /// A borrowed reference to a name defined in `__main__`.
    func global(_ name: String) -> UnsafeMutablePointer<PyObject>? {
        PyDict_GetItemString(globals, name)
    }

    var version: String {
        String(cString: Py_GetVersion()).split(separator: " ").first.map(String.init) ?? "?"
    }

    /// Clears the pending exception and returns its text.
    func fetchErrorText() -> String {
        guard PyErr_Occurred() != nil else { return "no Python error set" }
        let exc = Self.fetchException()
        defer { cp_xdecref(exc) }
        guard let exc, let s = PyObject_Str(exc) else {
            PyErr_Clear()
            return "unprintable error"
        }
        defer { cp_decref(s) }
        return Self.string(s) ?? "?"
    }

    /// Takes the pending exception as a normalised object with its traceback
    /// attached (Python 3.11 has no PyErr_GetRaisedException).
    static func fetchException() -> UnsafeMutablePointer<PyObject>? {
        var type: UnsafeMutablePointer<PyObject>?
        var value: UnsafeMutablePointer<PyObject>?
        var tb: UnsafeMutablePointer<PyObject>?
        PyErr_Fetch(&type, &value, &tb)
        guard type != nil else { return nil }
        PyErr_NormalizeException(&type, &value, &tb)
        if let value, let tb { PyException_SetTraceback(value, tb) }
        cp_xdecref(type)
        cp_xdecref(tb)
        return value
    }

    static func string(_ o: UnsafeMutablePointer<PyObject>) -> String? {
        var size: Py_ssize_t = 0
        guard let p = PyUnicode_AsUTF8AndSize(o, &size) else {
            PyErr_Clear()
            return nil
        }
        return p.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
    }

    static func newString(_ s: String) -> UnsafeMutablePointer<PyObject> {
        var s = s
        return s.withUTF8 { p in
            p.withMemoryRebound(to: CChar.self) { PyUnicode_FromStringAndSize($0.baseAddress, $0.count)! }
        }
    }
}

/// The datetime module's type objects, for type checks without the
/// per-object-file `PyDateTimeAPI` static.
struct DateTimeTypes {
    let date: UnsafeMutablePointer<PyTypeObject>
    let datetime: UnsafeMutablePointer<PyTypeObject>
    let time: UnsafeMutablePointer<PyTypeObject>
    let delta: UnsafeMutablePointer<PyTypeObject>
}
