// The CPython shim is mostly header-only (static inline wrappers); this file
// holds what needs a real function, and gives the target a translation unit
// so the static libpython links with it.
#include "shim.h"

// CPython 3.11's own exception printer (what an uncaught exception prints),
// exported by libpython but declared only in its internal headers. Pinned to
// 3.11: the worker embeds exactly that interpreter.
PyAPI_FUNC(void) _PyErr_Display(PyObject *file, PyObject *exception, PyObject *value, PyObject *tb);

PyObject *cp_format_exception(PyObject *exc) {
    PyObject *io = PyImport_ImportModule("_io");  // built in: nothing is loaded
    if (io == NULL) return NULL;
    PyObject *buffer = PyObject_CallMethod(io, "StringIO", NULL);
    Py_DECREF(io);
    if (buffer == NULL) return NULL;
    PyObject *tb = PyException_GetTraceback(exc);
    _PyErr_Display(buffer, (PyObject *)Py_TYPE(exc), exc, tb != NULL ? tb : Py_None);
    Py_XDECREF(tb);
    PyObject *text = PyObject_CallMethod(buffer, "getvalue", NULL);
    Py_DECREF(buffer);
    return text;
}
