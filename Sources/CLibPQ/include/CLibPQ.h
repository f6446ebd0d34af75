// libpq, loaded on first use (dlopen) rather than linked: `casparian`
// starts without loading libpq and its libssl, GSSAPI and LDAP, and runs
// on a machine without libpq5 until a PostgreSQL target is used. The types
// come from Debian's libpq-dev (installed by `make deps`), through a path
// that needs no -I flag (libpq-fe.h finds its siblings with quoted includes).
#ifndef CLIBPQ_H
#define CLIBPQ_H

#include <postgresql/libpq-fe.h>

// Nullability spelled out: Swift then sees non-optional function pointers.
#define CLIBPQ_NN _Nonnull
#define CLIBPQ_NL _Nullable

/// The libpq functions the Postgres module calls, resolved from libpq.so.5.
typedef struct CLibPQFunctions {
    PGconn *CLIBPQ_NL (*CLIBPQ_NN connectdbParams)(
        const char *CLIBPQ_NL const *CLIBPQ_NN keywords, const char *CLIBPQ_NL const *CLIBPQ_NN values, int expandDBName);
    void (*CLIBPQ_NN finish)(PGconn *CLIBPQ_NL conn);
    ConnStatusType (*CLIBPQ_NN status)(const PGconn *CLIBPQ_NL conn);
    char *CLIBPQ_NN (*CLIBPQ_NN errorMessage)(const PGconn *CLIBPQ_NL conn);
    int (*CLIBPQ_NN connectionNeedsPassword)(const PGconn *CLIBPQ_NL conn);
    PQnoticeProcessor CLIBPQ_NL (*CLIBPQ_NN setNoticeProcessor)(
        PGconn *CLIBPQ_NN conn, PQnoticeProcessor CLIBPQ_NL processor, void *CLIBPQ_NL arg);
    int (*CLIBPQ_NN serverVersion)(const PGconn *CLIBPQ_NN conn);
    PGTransactionStatusType (*CLIBPQ_NN transactionStatus)(const PGconn *CLIBPQ_NN conn);

    PGresult *CLIBPQ_NL (*CLIBPQ_NN exec)(PGconn *CLIBPQ_NN conn, const char *CLIBPQ_NN query);
    PGresult *CLIBPQ_NL (*CLIBPQ_NN execParams)(
        PGconn *CLIBPQ_NN conn, const char *CLIBPQ_NN command, int count, const Oid *CLIBPQ_NL types,
        const char *CLIBPQ_NL const *CLIBPQ_NL values, const int *CLIBPQ_NL lengths, const int *CLIBPQ_NL formats,
        int resultFormat);
    PGresult *CLIBPQ_NL (*CLIBPQ_NN getResult)(PGconn *CLIBPQ_NN conn);
    ExecStatusType (*CLIBPQ_NN resultStatus)(const PGresult *CLIBPQ_NL result);
    char *CLIBPQ_NL (*CLIBPQ_NN resultErrorField)(const PGresult *CLIBPQ_NN result, int field);
    void (*CLIBPQ_NN clear)(PGresult *CLIBPQ_NL result);
    int (*CLIBPQ_NN ntuples)(const PGresult *CLIBPQ_NN result);
    int (*CLIBPQ_NN nfields)(const PGresult *CLIBPQ_NN result);
    char *CLIBPQ_NL (*CLIBPQ_NN fname)(const PGresult *CLIBPQ_NN result, int column);
    Oid (*CLIBPQ_NN ftype)(const PGresult *CLIBPQ_NN result, int column);
    char *CLIBPQ_NN (*CLIBPQ_NN getvalue)(const PGresult *CLIBPQ_NN result, int row, int column);
    int (*CLIBPQ_NN getisnull)(const PGresult *CLIBPQ_NN result, int row, int column);
    int (*CLIBPQ_NN getlength)(const PGresult *CLIBPQ_NN result, int row, int column);
    char *CLIBPQ_NN (*CLIBPQ_NN cmdStatus)(PGresult *CLIBPQ_NN result);
    char *CLIBPQ_NN (*CLIBPQ_NN cmdTuples)(PGresult *CLIBPQ_NN result);

    int (*CLIBPQ_NN putCopyData)(PGconn *CLIBPQ_NN conn, const char *CLIBPQ_NN buffer, int count);
    int (*CLIBPQ_NN putCopyEnd)(PGconn *CLIBPQ_NN conn, const char *CLIBPQ_NL errorMessage);
    int (*CLIBPQ_NN getCopyData)(PGconn *CLIBPQ_NN conn, char *CLIBPQ_NL *CLIBPQ_NN buffer, int async);
    void (*CLIBPQ_NN freemem)(void *CLIBPQ_NL pointer);
} CLibPQFunctions;

/// Loads libpq.so.5 and resolves every function, once per process
/// (thread-safe). Returns NULL when it cannot, with `*failure` set to why
/// (dlopen's or dlsym's message); later calls return the same outcome.
const CLibPQFunctions *CLIBPQ_NL clibpq_load(const char *CLIBPQ_NL *CLIBPQ_NN failure);

#endif
