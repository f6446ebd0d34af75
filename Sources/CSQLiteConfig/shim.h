// sqlite3_config is variadic, which Swift cannot call: wrapped here.
#ifndef CASPARIAN_CSQLITECONFIG_SHIM_H
#define CASPARIAN_CSQLITECONFIG_SHIM_H

#include <sqlite3.h>

/// Before any connection of the process opens: multi-thread mode (GRDB and
/// our own connections each use a connection from one thread at a time, so
/// SQLite's per-call mutexes are pure cost) and no memory statistics (they
/// take a global mutex on every allocation). Returns SQLITE_MISUSE when
/// SQLite was already initialised, which leaves its defaults in place.
static inline int csq_configure_process(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
