// The C surface of zlib that Swift uses: inflateInit2 is a macro (it passes
// the header's version and the stream size), so it is wrapped here.
#ifndef CASPARIAN_CZLIB_SHIM_H
#define CASPARIAN_CZLIB_SHIM_H

#include <zlib.h>

/// Starts inflating a gzip stream (window 15, gzip header expected).
static inline int cz_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
