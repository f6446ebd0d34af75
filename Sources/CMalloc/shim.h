// glibc's allocator tuning (mallopt), which the Glibc module does not export.
#ifndef CASPARIAN_CMALLOC_SHIM_H
#define CASPARIAN_CMALLOC_SHIM_H
#include <malloc.h>
#endif
