import CPython
import CasparianCore
import Foundation
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// A loaded plugin inside a running interpreter, parsing one file at a time.
final class WorkerSession {
    let interpreter: PythonInterpreter
    let plugin: PluginDirectory
    let pluginPath: String
    let writer: FrameWriter
    let readyMessage: WorkerReady
    private let parseFunction: UnsafeMutablePointer<PyObject>
    private let takesContext: Bool
    private let context: UnsafeMutablePointer<PyObject>
    private let eventsList: UnsafeMutablePointer<PyObject>
    private let columnsDict: UnsafeMutablePointer<PyObject>
    private let outputClass: UnsafeMutablePointer<PyObject>
    private let rowsFunction: UnsafeMutablePointer<PyObject>
    private let describeFunction: UnsafeMutablePointer<PyObject>
    private let values: ValueEncoder
    private var outputs: [String: OutputStream] = [:]
    private var outputOrder: [OutputStream] = []
    /// The plugin's own output, made up front but only registered (given an
    /// id and a place in `outputOrder`) when first used. A `let`, so a plain
    /// row reaches it with no retain and release.
    private let defaultStream: OutputStream
    private var defaultRegistered = false
    /// The request being parsed, echoed in the frame that ends the file.
    private var request: UInt64 = 0

    init(config: WorkerConfiguration, writer: FrameWriter) throws {
        self.writer = writer
        let plugin = try PluginDirectory(url: URL(fileURLWithPath: config.pluginDirectory))
        self.plugin = plugin
        self.pluginPath = plugin.parserURL.path
        guard FileManager.default.isExecutableFile(atPath: config.pythonExecutable) else {
            throw PluginFailure(
                category: .pluginError,
                message:
                    "Python interpreter \(config.pythonExecutable) does not exist or is not executable; pass --python with a CPython 3.11 (e.g. /usr/bin/python3 or a venv's bin/python)"
            )
        }
        let interpreter = try PythonInterpreter(executable: config.pythonExecutable)
        self.interpreter = interpreter
        try interpreter.runBootstrap()
        let global = { (n: String) -> UnsafeMutablePointer<PyObject> in interpreter.global(n)! }
        outputClass = global("Output")
        rowsFunction = global("_casparian_rows")
        describeFunction = global("_casparian_describe")
        // A plugin's fork() without exec keeps every fd (close-on-exec does
        // not apply): the child must not hold the protocol pipes.
        let fds = PyTuple_New(2)!
        PyTuple_SetItem(fds, 0, PyLong_FromLong(Int(config.commandFD)))
        PyTuple_SetItem(fds, 1, PyLong_FromLong(Int(config.dataFD)))
        guard let registered = PyObject_CallOneArg(global("_casparian_close_in_forks"), fds) else {
            cp_decref(fds)
            throw CasparianError(.internal, "could not protect the protocol pipes from forks: \(interpreter.fetchErrorText())")
        }
        cp_decref(registered)
        cp_decref(fds)
        values = ValueEncoder(typeNameFunction: global("_casparian_type_name"), types: interpreter.dateTypes)
        defaultStream = OutputStream(name: plugin.name)

        // The plugin's own folder is importable, so it can ship helper modules.
        let sysPath = PySys_GetObject("path")!
        let dirObject = PythonInterpreter.newString(plugin.url.path)
        PyList_Insert(sysPath, 0, dirObject)
        cp_decref(dirObject)

        let moduleName = "casparian_plugin_" + plugin.name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        let loadArgs = PyTuple_New(2)!
        PyTuple_SetItem(loadArgs, 0, PythonInterpreter.newString(pluginPath))
        PyTuple_SetItem(loadArgs, 1, PythonInterpreter.newString(moduleName))
        let loaded = PyObject_Call(global("_casparian_load"), loadArgs, nil)
        cp_decref(loadArgs)
        guard let loaded else {
            let exc = PythonInterpreter.fetchException()
            throw Self.describe(
                exc, function: interpreter.global("_casparian_describe")!, pluginPath: pluginPath,
                prefix: "plugin \(plugin.name) failed to load")
        }
        parseFunction = PyTuple_GetItem(loaded, 1)!
        cp_incref(parseFunction)
        takesContext = PyObject_IsTrue(PyTuple_GetItem(loaded, 2)!) == 1
        cp_decref(loaded)

        let nameObject = PythonInterpreter.newString(plugin.name)
        context = PyObject_CallOneArg(global("Context"), nameObject)!
        cp_decref(nameObject)
        eventsList = PyObject_GetAttrString(context, "_events")!
        columnsDict = PyObject_GetAttrString(context, "_columns")!
        readyMessage = WorkerReady(pythonVersion: interpreter.version, pythonExecutable: config.pythonExecutable, pid: getpid())
    }

    // MARK: parsing one file

    func parse(_ request: ParseRequest) throws {
        self.request = request.request
        PyList_SetSlice(eventsList, 0, PY_SSIZE_T_MAX, nil)
        PyDict_Clear(columnsDict)
        for o in outputOrder {
            o.resetForFile()
            o.declare([])
        }
        let pathObject = PythonInterpreter.newString(request.path)
        PyObject_SetAttrString(context, "path", pathObject)
        let result =
            takesContext
            ? cp_call2(parseFunction, pathObject, context)
            : PyObject_CallOneArg(parseFunction, pathObject)
        cp_decref(pathObject)
        guard let result else { return try failFromPython() }
        let adapted = PyObject_CallOneArg(rowsFunction, result)
        cp_decref(result)
        guard let adapted else { return try failFromPython() }
        defer { cp_decref(adapted) }

        var iterator: UnsafeMutablePointer<PyObject>
        var frameColumns: [String]? = nil
        if cp_tuple_check(adapted) != 0 {  // ("__frame__", columns, iterator) for DataFrames
            let cols = PyTuple_GetItem(adapted, 1)!
            frameColumns = (0..<PyList_Size(cols)).compactMap { PythonInterpreter.string(PyList_GetItem(cols, $0)!) }
            iterator = PyObject_GetIter(PyTuple_GetItem(adapted, 2)!)!
        } else {
            guard let it = PyObject_GetIter(adapted) else { return try failFromPython() }
            iterator = it
        }
        defer { cp_decref(iterator) }
        if let frameColumns {
            if let bad = frameColumns.first(where: { $0.hasPrefix("_cf_") }) {
                return try fail(
                    PluginFailure(
                        category: .badOutput, message: "column name '\(bad)' is reserved: names starting with _cf_ hold lineage; rename it",
                        output: plugin.name, column: bad))
            }
            stream(named: nil).declare(frameColumns)
        }

        values.nanIsNull = frameColumns != nil
        var total = 0
        while true {
            guard let item = PyIter_Next(iterator) else {
                if PyErr_Occurred() != nil { return try failFromPython() }
                break
            }
            defer { cp_decref(item) }
            do { try emit(item) } catch { return try fail(error) }
            total += 1
            if PyList_GET_SIZE_safe(eventsList) > 0 { try drainEvents() }
            if let max = request.maxRows, total >= max {
                _ = cp_call_method0(iterator, "close")
                PyErr_Clear()
                break
            }
        }
        try drainEvents()
        var rows: [String: Int] = [:]
        // Outputs this file used: an earlier file's outputs (the worker's
        // history) are not reported; the plugin's own is when it has columns.
        for o in outputOrder where o.rowsInFile > 0 || (o === defaultStream && !o.columns.isEmpty) {
            try o.sendColumnsIfNeeded(to: writer)
            try o.flush(to: writer)
            rows[o.name] = o.rowsInFile
        }
        if rows.isEmpty { rows[plugin.name] = 0 }
        try writer.write(Frame(kind: .fileDone, json: FileDoneMessage(request: request.request, rows: rows)))
    }

    /// Encodes one yielded item; throws the failure for a bad row. (Typed
    /// throws: the happy path carries no `PluginFailure?`, a large struct
    /// that cost a copy per row when returned.)
    private func emit(_ item: UnsafeMutablePointer<PyObject>) throws(PluginFailure) {
        // Plain tuples and dicts (nearly every row) skip the Output check.
        let type = cp_type(item)
        if type == values.tupleType { return try emitSequence(item, to: defaultOutput(), target: nil) }
        if type == values.dictType { return try emitDict(item, to: defaultOutput()) }
        var target: String? = nil
        var row = item
        if PyObject_TypeCheck(item, outputClass.withMemoryRebound(to: PyTypeObject.self, capacity: 1) { $0 }) != 0 {
            let nameObj = PyObject_GetAttrString(item, "name")!
            target = PythonInterpreter.string(nameObj)
            cp_decref(nameObj)
            row = PyObject_GetAttrString(item, "row")!
            cp_decref(row)  // borrowed for the rest of this call: `item` keeps it alive
        }
        let out = stream(named: target)
        if cp_dict_check(row) != 0 {
            return try emitDict(row, to: out)
        }
        if cp_tuple_check(row) != 0 || cp_list_check(row) != 0 {
            return try emitSequence(row, to: out, target: target)
        }
        let typeName = values.typeName(row)
        throw PluginFailure(
            category: .badOutput,
            message:
                "parse yielded a \(typeName) at row \(out.rowsInFile + 1); yield a dict, a tuple (after ctx.columns(...)), or Output(name, row)",
            output: out.name, row: out.rowsInFile + 1)
    }

    private func emitDict(_ row: UnsafeMutablePointer<PyObject>, to out: OutputStream) throws(PluginFailure) {
        var key: UnsafeMutablePointer<PyObject>?
        var value: UnsafeMutablePointer<PyObject>?
        var pos: Py_ssize_t = 0
        // Fast path: the keys are the previous row's key objects, each at its
        // column's position, so cells are encoded as they are read. At the
        // first key that is not, the row is rolled back and placed below.
        out.beginRowIfNeeded()
        var position = 0
        var inPlace = true
        while PyDict_Next(row, &pos, &key, &value) != 0 {
            guard out.keyIsInPlace(key!, at: position) else {
                inPlace = false
                break
            }
            do { try values.encode(value!, into: &out.encoder) } catch {
                throw badValue(error, output: out, column: out.columns[position])
            }
            position += 1
        }
        if inPlace { return try finishRow(out) }  // keys it lacks are absent
        out.encoder.abandonRow()
        try emitDictPlacingKeys(row, to: out)
    }

    /// Places the cells of a dict row by column index, for keys in any order,
    /// missing, or new (a new key widens the output).
    private func emitDictPlacingKeys(_ row: UnsafeMutablePointer<PyObject>, to out: OutputStream) throws(PluginFailure) {
        var key: UnsafeMutablePointer<PyObject>?
        var value: UnsafeMutablePointer<PyObject>?
        var pos: Py_ssize_t = 0
        // Place cells by column index; keys may come in any order or be missing.
        out.scratch.removeAll(keepingCapacity: true)
        var inOrder = true
        var position = 0
        while PyDict_Next(row, &pos, &key, &value) != 0 {
            do {
                let i = try out.index(ofKey: key!, atPosition: position, writer: writer)
                if i != position { inOrder = false }
                out.scratch.append((i, value!))
                position += 1
            } catch RowShapeError.message(let m) {
                throw PluginFailure(category: .badOutput, message: m, output: out.name, row: out.rowsInFile + 1)
            } catch {
                throw PluginFailure(category: .crash, message: "host pipe closed: \(error)")
            }
        }
        out.beginRowIfNeeded()
        if !inOrder { out.scratch.sort { $0.0 < $1.0 } }
        var next = 0
        for (i, v) in out.scratch {
            while next < i {
                out.encoder.appendAbsent()
                next += 1
            }
            do { try values.encode(v, into: &out.encoder) } catch {
                throw badValue(error, output: out, column: out.columns[i])
            }
            next = i + 1
        }
        try finishRow(out)  // the trailing keys it lacks are absent
    }

    private func emitSequence(_ row: UnsafeMutablePointer<PyObject>, to out: OutputStream, target: String?) throws(PluginFailure) {
        if out.columns.isEmpty {
            let declared = PyDict_GetItem(columnsDict, target.map { PythonInterpreter.newString($0) } ?? cp_none())
            guard let declared, cp_tuple_check(declared) != 0 else {
                throw PluginFailure(
                    category: .badOutput,
                    message:
                        "parse yielded a tuple for output '\(out.name)' but no column names were declared; call ctx.columns(\"a\", \"b\", ...\(target == nil ? "" : ", output=\"\(out.name)\"")) first, or yield dicts",
                    output: out.name, row: out.rowsInFile + 1)
            }
            out.declare((0..<cp_tuple_size(declared)).compactMap { PythonInterpreter.string(cp_tuple_item(declared, $0)) })
        }
        let isTuple = cp_tuple_check(row) != 0
        let count = isTuple ? cp_tuple_size(row) : cp_list_size(row)
        guard count == out.columns.count else {
            throw PluginFailure(
                category: .badOutput,
                message:
                    "row \(out.rowsInFile + 1) of output '\(out.name)' has \(count) values but \(out.columns.count) columns were declared (\(out.columns.joined(separator: ", ")))",
                output: out.name, row: out.rowsInFile + 1)
        }
        out.beginRowIfNeeded()
        for i in 0..<count {
            let v = isTuple ? cp_tuple_item(row, i)! : cp_list_item(row, i)!
            do { try values.encode(v, into: &out.encoder) } catch {
                throw badValue(error, output: out, column: out.columns[i])
            }
        }
        try finishRow(out)
    }

    @inline(__always)
    private func finishRow(_ out: OutputStream) throws(PluginFailure) {
        out.encoder.endRow()
        out.rowsInFile += 1
        if out.encoder.byteCount >= OutputStream.flushBytes {
            do { try out.flush(to: writer) } catch { throw PluginFailure(category: .crash, message: "host pipe closed: \(error)") }
        }
    }

    private func badValue(_ error: UnsupportedValue, output: OutputStream, column: String) -> PluginFailure {
        PluginFailure(
            category: .badOutput,
            message: "column '\(column)', row \(output.rowsInFile + 1) of output '\(output.name)': \(error.message)",
            output: output.name, column: column, row: output.rowsInFile + 1)
    }

    /// The default output, asked for on every plain row: no hashing.
    @inline(__always)
    private func defaultOutput() -> OutputStream {
        if !defaultRegistered {
            defaultRegistered = true
            register(defaultStream)
        }
        return defaultStream
    }

    private func stream(named name: String?) -> OutputStream {
        guard let name, name != plugin.name else { return defaultOutput() }
        if let s = outputs[name] { return s }
        let s = OutputStream(name: name)
        register(s)
        return s
    }

    private func register(_ s: OutputStream) {
        s.id = UInt16(outputOrder.count)
        outputs[s.name] = s
        outputOrder.append(s)
    }

    // MARK: events and failures

    private func drainEvents() throws {
        let n = PyList_Size(eventsList)
        guard n > 0 else { return }
        for i in 0..<n {
            let ev = PyList_GetItem(eventsList, i)!
            let kind = PythonInterpreter.string(PyTuple_GetItem(ev, 0)!) ?? ""
            if kind == "log" {
                let level = PythonInterpreter.string(PyTuple_GetItem(ev, 1)!) ?? "info"
                let message = PythonInterpreter.string(PyTuple_GetItem(ev, 2)!) ?? ""
                try writer.write(Frame(kind: .log, json: PluginLogMessage(level: level, message: message)))
            } else {
                let f = PyTuple_GetItem(ev, 1)!
                let m = PyTuple_GetItem(ev, 2)!
                let fraction: Double? = cp_is_none(f) != 0 ? nil : PyFloat_AsDouble(f)
                let message: String? = cp_is_none(m) != 0 ? nil : PythonInterpreter.string(m)
                try writer.write(Frame(kind: .progress, json: PluginProgressMessage(fraction: fraction, message: message)))
            }
        }
        PyList_SetSlice(eventsList, 0, PY_SSIZE_T_MAX, nil)
    }

    private func failFromPython() throws {
        let exc = PythonInterpreter.fetchException()
        try fail(Self.describe(exc, function: describeFunction, pluginPath: pluginPath, prefix: nil))
    }

    private func fail(_ failure: PluginFailure) throws {
        try? drainEvents()
        PyErr_Clear()
        try writer.write(Frame(kind: .fileFailed, json: FileFailedMessage(request: request, failure: failure)))
    }

    /// Turns a Python exception into a failure with type, message, traceback and line.
    static func describe(
        _ exc: UnsafeMutablePointer<PyObject>?, function: UnsafeMutablePointer<PyObject>,
        pluginPath: String, prefix: String?
    ) -> PluginFailure {
        guard let exc else { return PluginFailure(category: .pluginError, message: prefix ?? "unknown error") }
        defer { cp_decref(exc) }
        // CPython's own formatting, in C: `import traceback` would cost a
        // worker ~15 ms on its first failure, which fail-fast waits for.
        let text =
            cp_format_exception(exc)
            ?? {
                PyErr_Clear()
                return PythonInterpreter.newString("")
            }()
        let args = PyTuple_New(3)!
        cp_incref(exc)
        PyTuple_SetItem(args, 0, exc)
        PyTuple_SetItem(args, 1, PythonInterpreter.newString(pluginPath))
        PyTuple_SetItem(args, 2, text)
        defer { cp_decref(args) }
        guard let d = PyObject_Call(function, args, nil) else {
            PyErr_Clear()
            return PluginFailure(category: .pluginError, message: prefix ?? "an exception that could not be described")
        }
        defer { cp_decref(d) }
        let type = PythonInterpreter.string(PyTuple_GetItem(d, 0)!) ?? "Exception"
        var message = PythonInterpreter.string(PyTuple_GetItem(d, 1)!) ?? ""
        let tb = PythonInterpreter.string(PyTuple_GetItem(d, 2)!)
        let line = PyLong_AsLong(PyTuple_GetItem(d, 3)!)
        if let prefix { message = "\(prefix): \(type): \(message)" }
        let category: PluginFailure.Category
        var exitCode: Int32? = nil
        switch type {
        case "CasparianTimeout": category = .timeout
        case "MemoryError": category = .memory
        case "SystemExit":
            category = .exit
            let code = PyObject_GetAttrString(exc, "code")
            if let code, cp_long_check(code) != 0 { exitCode = Int32(truncatingIfNeeded: PyLong_AsLong(code)) } else { exitCode = 0 }
            if let code { cp_decref(code) }
            PyErr_Clear()
            message = "the plugin called sys.exit(\(exitCode.map(String.init) ?? "")) while parsing; return from parse instead"
        default: category = .pluginError
        }
        return PluginFailure(
            category: category, message: message, errorType: type, traceback: tb,
            pluginFile: line > 0 ? pluginPath : nil, line: line > 0 ? line : nil, exitCode: exitCode)
    }
}

@inline(__always)
private func PyList_GET_SIZE_safe(_ list: UnsafeMutablePointer<PyObject>) -> Int {
    cp_list_size(list)
}
