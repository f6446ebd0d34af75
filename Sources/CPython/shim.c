// The CPython shim is header-only (static inline wrappers); this file gives
// the target a translation unit so the static libpython links with it.
#include "shim.h"
