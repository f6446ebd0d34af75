// Zstandard (Debian's libzstd-dev, installed by `make deps`): page
// compression for Parquet. No `link` here: the Parquet target links the
// static archive (see Package.swift).
#include <zstd.h>
