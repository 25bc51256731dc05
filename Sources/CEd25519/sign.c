/* Ed25519 signing with the nonce prepared ahead of time.
 *
 * A signature is (R, S) with R = [r]B and S = r + H(R || A || M)·a mod L. RFC 8032 derives r from the key
 * and the message, so [r]B — nearly all of the signing time — can only start once the message is known.
 * Here r is a uniformly random scalar drawn (and [r]B computed) before the message exists, so signing is one
 * SHA-512 and a scalar multiply-add. Verifiers cannot tell the two apart: both are Schnorr signatures over
 * the same equation, and a random nonce is what the original scheme used. What must hold is that no nonce
 * ever signs twice (two signatures with one r reveal a): a nonce is wiped as it is used, and one is made on
 * the spot when none is ready. r comes from libsodium's randombytes (the kernel's getrandom). */
#include <string.h>
#include <sodium.h>

#include "ced25519.h"

int ced25519_nonce_prepare(ced25519_nonce *nonce) {
    for (int attempt = 0; attempt < 8; attempt++) {
        crypto_core_ed25519_scalar_random(nonce->r);
        if (crypto_scalarmult_ed25519_base_noclamp(nonce->R, nonce->r) == 0) {
            nonce->ready = 1;
            return 0;
        }
    }
    sodium_memzero(nonce, sizeof *nonce);
    return -1;   /* unreachable in practice: r is nonzero below L */
}

void ced25519_nonce_wipe(ced25519_nonce *nonce) { sodium_memzero(nonce, sizeof *nonce); }

void ced25519_secret_scalar(uint8_t scalar[32], const uint8_t seed[32]) {
    uint8_t az[64];
    crypto_hash_sha512(az, seed, 32);
    az[0] &= 248;
    az[31] &= 127;
    az[31] |= 64;
    sodium_memzero(az + 32, 32);                  /* the other half is RFC 8032's nonce prefix: unused here */
    crypto_core_ed25519_scalar_reduce(scalar, az);   /* the clamped scalar mod L: the same point multiple */
    sodium_memzero(az, sizeof az);
}

int ced25519_sign_prepared(uint8_t signature[64], ced25519_nonce *nonce, const uint8_t secret_scalar[32],
                           const uint8_t public_key[32], const uint8_t *message, size_t length) {
    if (!nonce->ready && ced25519_nonce_prepare(nonce) != 0) return -1;
    crypto_hash_sha512_state state;
    uint8_t digest[64], h[32], ha[32];
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, nonce->R, 32);
    crypto_hash_sha512_update(&state, public_key, 32);
    crypto_hash_sha512_update(&state, message, length);
    crypto_hash_sha512_final(&state, digest);
    crypto_core_ed25519_scalar_reduce(h, digest);
    crypto_core_ed25519_scalar_mul(ha, h, secret_scalar);
    memcpy(signature, nonce->R, 32);
    crypto_core_ed25519_scalar_add(signature + 32, ha, nonce->r);
    sodium_memzero(ha, sizeof ha);
    ced25519_nonce_wipe(nonce);
    return 0;
}
