#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static CLibPQFunctions functions;
static const CLibPQFunctions *loaded;
static char failureText[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int resolve(void *handle, void **slot, const char *symbol) {
    *slot = dlsym(handle, symbol);
    if (*slot != NULL) return 1;
    const char *reason = dlerror();
    snprintf(failureText, sizeof failureText, "%s", reason != NULL ? reason : symbol);
    return 0;
}

#define RESOLVE(field, symbol) resolve(handle, (void **)&functions.field, #symbol)

static void load(void) {
    // RTLD_LOCAL: libpq's own libssl and libcrypto stay out of the global
    // namespace (the Digest module links libcrypto statically).
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(failureText, sizeof failureText, "%s", reason != NULL ? reason : "dlopen(libpq.so.5) failed");
        return;
    }
    int ok = RESOLVE(connectdbParams, PQconnectdbParams) && RESOLVE(finish, PQfinish) && RESOLVE(status, PQstatus)
        && RESOLVE(errorMessage, PQerrorMessage) && RESOLVE(connectionNeedsPassword, PQconnectionNeedsPassword)
        && RESOLVE(setNoticeProcessor, PQsetNoticeProcessor) && RESOLVE(serverVersion, PQserverVersion)
        && RESOLVE(transactionStatus, PQtransactionStatus) && RESOLVE(exec, PQexec)
        && RESOLVE(execParams, PQexecParams) && RESOLVE(getResult, PQgetResult)
        && RESOLVE(resultStatus, PQresultStatus) && RESOLVE(resultErrorField, PQresultErrorField)
        && RESOLVE(clear, PQclear) && RESOLVE(ntuples, PQntuples) && RESOLVE(nfields, PQnfields)
        && RESOLVE(fname, PQfname) && RESOLVE(ftype, PQftype) && RESOLVE(getvalue, PQgetvalue)
        && RESOLVE(getisnull, PQgetisnull) && RESOLVE(getlength, PQgetlength) && RESOLVE(cmdStatus, PQcmdStatus)
        && RESOLVE(cmdTuples, PQcmdTuples) && RESOLVE(putCopyData, PQputCopyData)
        && RESOLVE(putCopyEnd, PQputCopyEnd) && RESOLVE(getCopyData, PQgetCopyData) && RESOLVE(freemem, PQfreemem);
    if (!ok) {
        dlclose(handle);
        return;
    }
    loaded = &functions;
}

const CLibPQFunctions *clibpq_load(const char **failure) {
    pthread_once(&once, load);
    *failure = loaded != NULL ? NULL : failureText;
    return loaded;
}
