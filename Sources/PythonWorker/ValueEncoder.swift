import CPython
import CasparianCore
import WireProtocol

/// A value that cannot cross to the host, with what the author needs to fix it.
struct UnsupportedValue: Error {
    var message: String
}

/// Converts Python values into the binary cell encoding, one call per cell.
///
/// Order matters: `bool` is checked before `int` (it is a subclass), and
/// `datetime` before `date`. Integers beyond Int64 are refused, never wrapped.
/// A class: the session calls it per cell, and a struct of this size was
/// copied out of the session for every call.
final class ValueEncoder {
    /// Python's `_casparian_type_name`, for the slow path.
    let typeNameFunction: UnsafeMutablePointer<PyObject>
    let types: DateTimeTypes
    /// In DataFrames NaN is pandas' marker for a missing value, so it maps to
    /// null there; a NaN a generator yields stays a float.
    var nanIsNull = false
    /// Type objects of the builtin types, read once (a static would cost a
    /// lazy-initialisation check on every value).
    let longType = cp_long_type()
    let floatType = cp_float_type()
    let boolType = cp_bool_type()
    let tupleType = cp_tuple_type()
    let dictType = cp_dict_type()
    let strType = cp_unicode_type()

    init(typeNameFunction: UnsafeMutablePointer<PyObject>, types: DateTimeTypes) {
        self.typeNameFunction = typeNameFunction
        self.types = types
    }

    func encode(_ o: UnsafeMutablePointer<PyObject>, into e: inout RowFrameEncoder) throws(UnsupportedValue) {
        // The common exact types by their type pointer, before the
        // isinstance chain (which calls PyType_IsSubtype on every miss).
        let type = cp_type(o)
        if type == strType {
            var size: Py_ssize_t = 0
            if let p = cp_ascii_data(o, &size) {
                e.appendUTF8(UnsafeRawBufferPointer(start: p, count: size))
                return
            }
        } else if type == longType {
            var v: Int64 = 0
            if cp_long_small(o, &v) != 0 {
                e.appendInt(v)
                return
            }
        } else if type == floatType {
            let d = cp_float_value(o)
            if d.isNaN && nanIsNull { e.appendNull() } else { e.appendFloat(d) }
            return
        } else if type == types.date {
            e.appendDate(
                days: Int32(CivilDate(year: Int(cp_date_year(o)), month: Int(cp_date_month(o)), day: Int(cp_date_day(o))).daysSinceEpoch))
            return
        } else if type == boolType {
            e.appendBool(o == cp_true())
            return
        }
        if cp_is_none(o) != 0 {
            e.appendNull()
            return
        }
        if cp_unicode_check(o) != 0 {
            var size: Py_ssize_t = 0
            guard let p = PyUnicode_AsUTF8AndSize(o, &size) else {
                PyErr_Clear()
                throw UnsupportedValue(
                    message: "a str that is not valid Unicode (lone surrogates); decode the file with errors='replace' or clean the text")
            }
            e.appendUTF8(UnsafeRawBufferPointer(start: p, count: size))
            return
        }
        if cp_bool_check(o) != 0 {
            e.appendBool(o == cp_true())
            return
        }
        if cp_long_check(o) != 0 {
            var overflow: Int32 = 0
            let v = PyLong_AsLongLongAndOverflow(o, &overflow)
            if overflow != 0 {
                let text =
                    PyObject_Str(o).flatMap { s -> String? in
                        defer { cp_decref(s) }
                        return PythonInterpreter.string(s)
                    } ?? "?"
                throw UnsupportedValue(
                    message:
                        "integer \(text.prefix(40)) does not fit in 64 bits; yield it as str or Decimal if it is an identifier or an exact amount"
                )
            }
            if v == -1 && PyErr_Occurred() != nil {
                PyErr_Clear()
                throw UnsupportedValue(message: "an int that could not be read")
            }
            e.appendInt(v)
            return
        }
        if cp_float_check(o) != 0 {
            let d = cp_float_value(o)
            if d.isNaN && nanIsNull { e.appendNull() } else { e.appendFloat(d) }
            return
        }
        if cp_type_check(o, types.datetime) != 0 {
            try encodeDateTime(o, into: &e)
            return
        }
        if cp_type_check(o, types.date) != 0 {
            let days = CivilDate(year: Int(cp_date_year(o)), month: Int(cp_date_month(o)), day: Int(cp_date_day(o))).daysSinceEpoch
            e.appendDate(days: Int32(days))
            return
        }
        if cp_type_check(o, types.time) != 0 {
            let micros =
                Int64(cp_time_hour(o)) * 3_600_000_000 + Int64(cp_time_minute(o)) * 60_000_000
                + Int64(cp_time_second(o)) * 1_000_000 + Int64(cp_time_microsecond(o))
            e.appendTime(micros: micros)
            return
        }
        if cp_bytes_check(o) != 0 {
            var p: UnsafeMutablePointer<CChar>?
            var size: Py_ssize_t = 0
            PyBytes_AsStringAndSize(o, &p, &size)
            e.appendBytes(UnsafeRawBufferPointer(start: p, count: size))
            return
        }
        try encodeSlowPath(o, into: &e)
    }

    private func encodeDateTime(_ o: UnsafeMutablePointer<PyObject>, into e: inout RowFrameEncoder) throws(UnsupportedValue) {
        if typeName(o).hasSuffix(".NaTType") {
            e.appendNull()
            return
        }
        let days = CivilDate(year: Int(cp_date_year(o)), month: Int(cp_date_month(o)), day: Int(cp_date_day(o))).daysSinceEpoch
        let wall =
            Int64(days) * 86_400_000_000 + Int64(cp_datetime_hour(o)) * 3_600_000_000
            + Int64(cp_datetime_minute(o)) * 60_000_000 + Int64(cp_datetime_second(o)) * 1_000_000
            + Int64(cp_datetime_microsecond(o))
        let tz = cp_datetime_tzinfo(o)
        if tz == nil || cp_is_none(tz!) != 0 {
            e.appendTimestamp(micros: wall)
            return
        }
        guard let delta = cp_call_method0(o, "utcoffset") else {
            PyErr_Clear()
            throw UnsupportedValue(message: "a datetime whose tzinfo.utcoffset() failed")
        }
        defer { cp_decref(delta) }
        if cp_is_none(delta) != 0 {
            e.appendTimestamp(micros: wall)
            return
        }
        let offset = Int32(cp_delta_days(delta)) * 86_400 + Int32(cp_delta_seconds(delta))
        e.appendTimestampTZ(micros: wall - Int64(offset) * 1_000_000, offsetSeconds: offset)
    }

    /// Decimal, numpy scalars, pandas NA: rarer types, found by name.
    private func encodeSlowPath(_ o: UnsafeMutablePointer<PyObject>, into e: inout RowFrameEncoder) throws(UnsupportedValue) {
        let name = typeName(o)
        if name.hasSuffix(".NAType") || name.hasSuffix(".NaTType") {  // pandas.NA, pandas.NaT
            e.appendNull()
            return
        }
        switch name {
        case "decimal.Decimal":
            guard let s = PyObject_Str(o) else {
                PyErr_Clear()
                throw UnsupportedValue(message: "a Decimal that could not be printed")
            }
            defer { cp_decref(s) }
            let text = PythonInterpreter.string(s) ?? ""
            if text == "NaN" || text == "sNaN" { e.appendNull() } else { e.appendDecimal(text) }
            return
        default:
            break
        }
        if name.hasPrefix("numpy."), let item = cp_call_method0(o, "item") {
            defer { cp_decref(item) }
            if typeName(item).hasPrefix("numpy.") {
                throw UnsupportedValue(message: "a value of type \(name) that has no plain Python equivalent")
            }
            if name == "numpy.datetime64", cp_long_check(item) != 0 {
                // Nanosecond precision: .item() gives an int of nanoseconds.
                e.appendTimestamp(micros: PyLong_AsLongLong(item) / 1000)
                return
            }
            try encode(item, into: &e)
            return
        }
        PyErr_Clear()
        throw UnsupportedValue(
            message:
                "a value of type \(name), which Casparian cannot store; yield str, int, float, bool, Decimal, date, datetime, time, bytes or None"
        )
    }

    func typeName(_ o: UnsafeMutablePointer<PyObject>) -> String {
        guard let r = PyObject_CallOneArg(typeNameFunction, o) else {
            PyErr_Clear()
            return "?"
        }
        defer { cp_decref(r) }
        return PythonInterpreter.string(r) ?? "?"
    }
}
