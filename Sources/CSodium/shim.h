#ifndef P2PCHAT_CSODIUM_SHIM_H
#define P2PCHAT_CSODIUM_SHIM_H
#include <sodium.h>
#endif
