#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
// The HDF5 C library, plus one static inline function per macro Swift cannot import.
#include <hdf5.h>
#include <hdf5_hl.h>

// H5P_DEFAULT is a macro cast `(hid_t)0`; Swift sees no constant.
static inline hid_t chdf5_default(void) { return H5P_DEFAULT; }
// H5S_ALL is a macro cast `(hid_t)0`.
static inline hid_t chdf5_all(void) { return H5S_ALL; }
// H5E_DEFAULT is a macro cast `(hid_t)0`, the default error stack.
static inline hid_t chdf5_error_default(void) { return H5E_DEFAULT; }
// H5F_ACC_* are `(H5CHECK H5OPEN 0x..u)` macros.
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned chdf5_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_rdwr(void) { return H5F_ACC_RDWR; }
// H5S_UNLIMITED is `((hsize_t)(hssize_t)(-1))`.
static inline hsize_t chdf5_unlimited(void) { return H5S_UNLIMITED; }
// H5P_* class identifiers and H5T_* native types expand to `H5OPEN global_g`.
static inline hid_t chdf5_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t chdf5_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t chdf5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t chdf5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t chdf5_c_s1(void) { return H5T_C_S1; }
// H5T_VARIABLE is `((size_t)(-1))`.
static inline size_t chdf5_variable(void) { return H5T_VARIABLE; }
// H5P_LINK_CREATE expands to `H5OPEN global_g`; needed to ask for intermediate groups.
static inline hid_t chdf5_link_create(void) { return H5P_LINK_CREATE; }

#endif
