// The C surface of CPython that Swift uses. Swift cannot import macros,
// variadic functions or mutable C globals in Swift 6 mode, so each of those
// is wrapped here in a small static inline function.
#ifndef CASPARIAN_CPYTHON_SHIM_H
#define CASPARIAN_CPYTHON_SHIM_H

// Glibc and CPython disagree about fd_set unless sys/select.h comes first.
#include <sys/select.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <marshal.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

// The text CPython prints for an uncaught `exc` ("Traceback (most recent
// call last): ..." with source lines and chained causes), formatted in C so
// a worker need not import `traceback` (~15 ms) on its first failure. A new
// str, or NULL with a Python error set.
PyObject *cp_format_exception(PyObject *exc);

static inline PyObject *cp_none(void) { return Py_None; }
static inline PyObject *cp_true(void) { return Py_True; }
static inline PyObject *cp_false(void) { return Py_False; }
static inline void cp_incref(PyObject *o) { Py_INCREF(o); }
static inline void cp_decref(PyObject *o) { Py_DECREF(o); }
static inline void cp_xdecref(PyObject *o) { Py_XDECREF(o); }

static inline int cp_is_none(PyObject *o) { return o == Py_None; }
static inline int cp_bool_check(PyObject *o) { return PyBool_Check(o); }
static inline int cp_long_check(PyObject *o) { return PyLong_Check(o); }
static inline int cp_float_check(PyObject *o) { return PyFloat_Check(o); }
static inline int cp_unicode_check(PyObject *o) { return PyUnicode_Check(o); }
static inline int cp_code_check(PyObject *o) { return PyCode_Check(o); }
static inline int cp_bytes_check(PyObject *o) { return PyBytes_Check(o); }
static inline int cp_tuple_check(PyObject *o) { return PyTuple_Check(o); }
static inline int cp_list_check(PyObject *o) { return PyList_Check(o); }
static inline int cp_dict_check(PyObject *o) { return PyDict_Check(o); }
static inline int cp_tuple_check_exact(PyObject *o) { return PyTuple_CheckExact(o); }
static inline int cp_dict_check_exact(PyObject *o) { return PyDict_CheckExact(o); }

// Exact types, for the encoder's dispatch on the type pointer (a subclass
// takes the slower isinstance chain).
static inline PyTypeObject *cp_type(PyObject *o) { return Py_TYPE(o); }
static inline PyTypeObject *cp_unicode_type(void) { return &PyUnicode_Type; }
static inline PyTypeObject *cp_long_type(void) { return &PyLong_Type; }
static inline PyTypeObject *cp_float_type(void) { return &PyFloat_Type; }
static inline PyTypeObject *cp_bool_type(void) { return &PyBool_Type; }
static inline PyTypeObject *cp_tuple_type(void) { return &PyTuple_Type; }
static inline PyTypeObject *cp_dict_type(void) { return &PyDict_Type; }

// The UTF-8 bytes of a compact ASCII str (most column values) read in
// place, or NULL for any other str (then use PyUnicode_AsUTF8AndSize).
static inline const char *cp_ascii_data(PyObject *o, Py_ssize_t *size) {
    if (PyUnicode_IS_READY(o) && PyUnicode_IS_COMPACT_ASCII(o)) {
        *size = PyUnicode_GET_LENGTH(o);
        return (const char *)(((PyASCIIObject *)o) + 1);
    }
    return NULL;
}

// An int of at most two 30-bit digits read straight from the object
// (CPython 3.11's layout): 1 and the value, or 0 when it is bigger.
static inline int cp_long_small(PyObject *o, long long *out) {
#if PY_VERSION_HEX < 0x030C0000 && PYLONG_BITS_IN_DIGIT == 30
    Py_ssize_t size = Py_SIZE(o);
    const digit *d = ((PyLongObject *)o)->ob_digit;
    switch (size) {
    case 0: *out = 0; return 1;
    case 1: *out = (long long)d[0]; return 1;
    case -1: *out = -(long long)d[0]; return 1;
    case 2: *out = (long long)d[0] | ((long long)d[1] << 30); return 1;
    case -2: *out = -((long long)d[0] | ((long long)d[1] << 30)); return 1;
    default: return 0;
    }
#else
    (void)o; (void)out;
    return 0;
#endif
}

static inline Py_ssize_t cp_tuple_size(PyObject *o) { return PyTuple_GET_SIZE(o); }
static inline PyObject *cp_tuple_item(PyObject *o, Py_ssize_t i) { return PyTuple_GET_ITEM(o, i); }
static inline Py_ssize_t cp_list_size(PyObject *o) { return PyList_GET_SIZE(o); }
static inline PyObject *cp_list_item(PyObject *o, Py_ssize_t i) { return PyList_GET_ITEM(o, i); }
static inline double cp_float_value(PyObject *o) { return PyFloat_AS_DOUBLE(o); }

// datetime C API. PyDateTimeAPI is a `static` in datetime.h, so every
// object file that uses the header gets its own copy (Swift debug builds
// compile file by file): the capsule is fetched once and its type objects
// kept by the caller, never read through the macro. The capsule is taken
// from the built-in `_datetime`: PyDateTime_IMPORT imports `datetime`,
// whose pure-Python body costs a worker ~4 ms of start-up before it
// replaces itself with `_datetime`'s types (the same type objects).
static inline PyDateTime_CAPI *cp_datetime_capi(void) {
    PyObject *module = PyImport_ImportModule("_datetime");
    if (module == NULL) return NULL;
    PyObject *capsule = PyObject_GetAttrString(module, "datetime_CAPI");
    Py_DECREF(module);
    if (capsule == NULL) return NULL;
    PyDateTime_CAPI *api = (PyDateTime_CAPI *)PyCapsule_GetPointer(capsule, PyDateTime_CAPSULE_NAME);
    Py_DECREF(capsule);  // the module keeps the capsule, and the API it points to, alive
    return api;
}
static inline int cp_type_check(PyObject *o, PyTypeObject *t) { return PyObject_TypeCheck(o, t); }
static inline int cp_date_year(PyObject *o) { return PyDateTime_GET_YEAR(o); }
static inline int cp_date_month(PyObject *o) { return PyDateTime_GET_MONTH(o); }
static inline int cp_date_day(PyObject *o) { return PyDateTime_GET_DAY(o); }
static inline int cp_datetime_hour(PyObject *o) { return PyDateTime_DATE_GET_HOUR(o); }
static inline int cp_datetime_minute(PyObject *o) { return PyDateTime_DATE_GET_MINUTE(o); }
static inline int cp_datetime_second(PyObject *o) { return PyDateTime_DATE_GET_SECOND(o); }
static inline int cp_datetime_microsecond(PyObject *o) { return PyDateTime_DATE_GET_MICROSECOND(o); }
static inline PyObject *cp_datetime_tzinfo(PyObject *o) { return PyDateTime_DATE_GET_TZINFO(o); }
static inline int cp_time_hour(PyObject *o) { return PyDateTime_TIME_GET_HOUR(o); }
static inline int cp_time_minute(PyObject *o) { return PyDateTime_TIME_GET_MINUTE(o); }
static inline int cp_time_second(PyObject *o) { return PyDateTime_TIME_GET_SECOND(o); }
static inline int cp_time_microsecond(PyObject *o) { return PyDateTime_TIME_GET_MICROSECOND(o); }
static inline int cp_delta_days(PyObject *o) { return PyDateTime_DELTA_GET_DAYS(o); }
static inline int cp_delta_seconds(PyObject *o) { return PyDateTime_DELTA_GET_SECONDS(o); }

static inline PyObject *cp_exc_stop_iteration(void) { return PyExc_StopIteration; }
static inline PyObject *cp_exc_overflow(void) { return PyExc_OverflowError; }
static inline PyObject *cp_exc_memory(void) { return PyExc_MemoryError; }
static inline PyObject *cp_exc_keyboard_interrupt(void) { return PyExc_KeyboardInterrupt; }
static inline PyObject *cp_exc_system_exit(void) { return PyExc_SystemExit; }
static inline PyObject *cp_exc_timeout(void) { return PyExc_TimeoutError; }

// Variadic calls and config fields Swift cannot take the address of twice.
static inline PyObject *cp_call_method0(PyObject *o, const char *name) {
    PyObject *n = PyUnicode_FromString(name);
    if (n == NULL) return NULL;
    PyObject *r = PyObject_CallMethodNoArgs(o, n);
    Py_DECREF(n);
    return r;
}
static inline PyObject *cp_call2(PyObject *f, PyObject *a, PyObject *b) {
    return PyObject_CallFunctionObjArgs(f, a, b, NULL);
}
static inline PyStatus cp_config_set_executable(PyConfig *c, const char *path) {
    PyStatus s = PyConfig_SetBytesString(c, &c->executable, path);
    if (PyStatus_Exception(s)) return s;
    return PyConfig_SetBytesString(c, &c->program_name, path);
}

static inline int cp_set_pdeathsig(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

#endif
