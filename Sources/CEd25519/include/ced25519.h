/* Ed25519 signature verification with per-key precomputed tables, for keys that sign many messages.
 *
 * Only the point arithmetic is ours; SHA-512, the reduction mod L and the key check are libsodium's.
 * A table is built only for keys libsodium's crypto_core_ed25519_is_valid_point accepts (canonical, on the
 * curve, in the prime-order subgroup); for those, ced25519_verify accepts exactly the signatures libsodium
 * 1.0.18's crypto_sign_verify_detached accepts. Other keys get no table: verify them with libsodium. */
#ifndef CED25519_H
#define CED25519_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A public key with its precomputed multiples; opaque, about 3.9 KB. */
typedef struct ced25519_key ced25519_key;

/* Bytes one table occupies (the allocation, rounded up to cache lines). */
size_t ced25519_key_size(void);

/* Builds the table for a 32-byte public key; NULL when the key is not a valid prime-order point (or out of
 * memory): the caller then verifies with libsodium. Thread-safe; the first call also builds the static
 * base-point tables. */
ced25519_key *ced25519_key_new(const uint8_t public_key[32]);

void ced25519_key_free(ced25519_key *key);

/* 0 when the 64-byte signature is valid for the message under the key, -1 otherwise. */
int ced25519_verify(const ced25519_key *key, const uint8_t signature[64], const uint8_t *message, size_t length);

/* Signing with a nonce prepared in advance (sign.c): r random, R = [r]B; used once, then wiped. */
typedef struct {
    uint8_t r[32];
    uint8_t R[32];
    int ready;
} ced25519_nonce;

/* Draws r and computes R (the expensive part of signing); 0 on success. */
int ced25519_nonce_prepare(ced25519_nonce *nonce);
void ced25519_nonce_wipe(ced25519_nonce *nonce);

/* The signing scalar a of a 32-byte seed: SHA-512(seed)[0..32] clamped, reduced mod L. */
void ced25519_secret_scalar(uint8_t scalar[32], const uint8_t seed[32]);

/* A 64-byte Ed25519 signature R || S, S = r + H(R || A || M)·a mod L, with the prepared nonce (one is made now
 * if none is ready); the nonce is wiped. 0 on success. */
int ced25519_sign_prepared(uint8_t signature[64], ced25519_nonce *nonce, const uint8_t secret_scalar[32],
                           const uint8_t public_key[32], const uint8_t *message, size_t length);

#ifdef __cplusplus
}
#endif

#endif
