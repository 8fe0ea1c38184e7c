#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
// The system zlib (raw inflate and CRC-32 for .npz members).
#include <zlib.h>

// inflateInit2 is a macro that passes ZLIB_VERSION and sizeof(z_stream); Swift cannot call it.
static inline int czlib_inflate_init_raw(z_streamp stream) { return inflateInit2(stream, -MAX_WBITS); }

#endif
