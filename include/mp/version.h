// Version of the libmultiprocess API these headers provide. Code written for the original
// tests these macros to know which features it can use; ours provide the API of the original's
// major version 14.
#ifndef MP_VERSION_H
#define MP_VERSION_H

#define MP_MAJOR_VERSION 14
#define MP_MINOR_VERSION 0

#endif // MP_VERSION_H
