#ifndef CLAPACK_SHIM_H
#define CLAPACK_SHIM_H
// LAPACKE and CBLAS from OpenBLAS. Swift imports both headers directly; no macro needs a shim.
#include <cblas.h>
#include <lapacke.h>

// OpenBLAS's own teardown of its worker pool (exported; OpenBLAS calls it before fork). The next
// threaded BLAS call starts the pool again.
void blas_thread_shutdown_(void);
#endif
