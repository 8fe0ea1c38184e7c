#ifndef CLAPACK_SHIM_H
#define CLAPACK_SHIM_H
// LAPACKE and CBLAS from OpenBLAS. Swift imports both headers directly; no macro needs a shim.
#include <cblas.h>
#include <lapacke.h>
#endif
