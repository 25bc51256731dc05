/* Ed25519 verification: R' = [s]B - [h]A with both scalars split into five 51-bit chunks, so the sum of ten
 * scalar multiples (A, 2^51 A, ..., 2^204 A and the same for B) shares one chain of ~51 doublings.
 * Each chunk is written in width-w NAF (odd digits, at most one nonzero in any w consecutive ones) and adds
 * an affine multiple from a table: per key, odd multiples 1..15 of each 2^51k A (width 5, 40 entries of 96
 * bytes: 3,840); static, odd multiples 1..127 of each 2^51k B (width 8, 30 KB).
 *
 * Parity with libsodium 1.0.18 (crypto_sign_verify_detached), for keys that pass is_valid_point:
 * it rejects s >= L (so do we), small-order R encodings (we require R == encode(R') and R' not of small order;
 * a canonical encoding is on libsodium's list exactly when its point has small order), and accepts iff
 * encode(R') == R. Keys it would reject or treat differently never get a table. */
#include <pthread.h>
#include <stdlib.h>
#include <sodium.h>

#include "ced25519.h"
#include "ge.h"

#define CHUNKS 5
#define CHUNK_BITS 51
#define NAF_DIGITS (CHUNK_BITS + 1)
#define A_WIDTH 5
#define A_ENTRIES (1 << (A_WIDTH - 2))
#define B_WIDTH 8
#define B_ENTRIES (1 << (B_WIDTH - 2))
#define CACHE_LINE 64

_Static_assert(CHUNKS * CHUNK_BITS >= 253, "chunks must cover scalars below L");
_Static_assert(CHUNKS * B_ENTRIES <= GE_BATCH_MAX && CHUNKS * A_ENTRIES <= GE_BATCH_MAX, "one batch per table");

struct ced25519_key {
    ge_niels_packed multiples[CHUNKS][A_ENTRIES];   /* multiples[k][i] = (2i + 1) · 2^(51k) · A */
    uint8_t public_key[32];
};

static ge_niels_packed base_multiples[CHUNKS][B_ENTRIES];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* The odd multiples 1, 3, ..., 2·count - 1 of 2^(51k)·P for every chunk k, in extended form. */
static void odd_multiples(ge_p3 *out, const ge_p3 *p, int count) {
    ge_p3 chunk_base = *p, twice;
    ge_done t;
    for (int k = 0; k < CHUNKS; k++) {
        if (k > 0) {
            ge_p2 q;
            ge_p3_to_p2(&q, &chunk_base);
            for (int i = 0; i < CHUNK_BITS - 1; i++) {
                ge_p2_dbl(&t, &q);
                ge_done_to_p2(&q, &t);
            }
            ge_p2_dbl(&t, &q);
            ge_done_to_p3(&chunk_base, &t);
        }
        ge_p3 *row = out + k * count;
        row[0] = chunk_base;
        ge_p3_dbl(&twice, &chunk_base);
        for (int i = 1; i < count; i++) {
            ge_add(&t, &row[i - 1], &twice);
            ge_done_to_p3(&row[i], &t);
        }
    }
}

/* The base point's encoding: y = 4/5, x even. */
static const uint8_t base_point[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

static void build_static_tables(void) {
    static ge_p3 points[CHUNKS * B_ENTRIES];
    ge_p3 b;
    ge_constants_init();
    if (ge_frombytes(&b, base_point) != 0) abort();   /* unreachable: the constant is a curve point */
    odd_multiples(points, &b, B_ENTRIES);
    ge_batch_to_niels(&base_multiples[0][0], points, CHUNKS * B_ENTRIES);
}

size_t ced25519_key_size(void) {
    return (sizeof(ced25519_key) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
}

ced25519_key *ced25519_key_new(const uint8_t public_key[32]) {
    pthread_once(&tables_once, build_static_tables);
    if (crypto_core_ed25519_is_valid_point(public_key) != 1) return NULL;
    ge_p3 a, points[CHUNKS * A_ENTRIES];
    if (ge_frombytes(&a, public_key) != 0) return NULL;
    ced25519_key *key = aligned_alloc(CACHE_LINE, ced25519_key_size());
    if (key == NULL) return NULL;
    odd_multiples(points, &a, A_ENTRIES);
    ge_batch_to_niels(&key->multiples[0][0], points, CHUNKS * A_ENTRIES);
    memcpy(key->public_key, public_key, 32);
    return key;
}

void ced25519_key_free(ced25519_key *key) { free(key); }

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

static int scalar_is_canonical(const uint8_t s[32]) {
    for (int i = 31; i >= 0; i--) {
        if (s[i] != group_order[i]) return s[i] < group_order[i];
    }
    return 0;   /* s == L */
}

/* Width-w NAF of a chunk; digits[i] weighs 2^i. Returns the index of the top nonzero digit, or -1. */
static int chunk_naf(int8_t digits[NAF_DIGITS], uint64_t chunk, int width) {
    u128 x = chunk;
    int top = -1;
    memset(digits, 0, NAF_DIGITS);
    for (int i = 0; x != 0; i++, x >>= 1) {
        if ((x & 1) == 0) continue;
        int d = (int)(x & ((1u << width) - 1));
        if (d >= 1 << (width - 1)) d -= 1 << width;
        digits[i] = (int8_t)d;
        if (d > 0) x -= (u128)d; else x += (u128)(-d);
        top = i;
    }
    return top;
}

/* Bits [start, start + CHUNK_BITS) of a 256-bit little-endian scalar. */
static uint64_t scalar_chunk(const uint8_t s[32], int start) {
    uint64_t x = 0;
    for (int byte = start / 8 + 7; byte >= start / 8; byte--) x = (x << 8) | (byte < 32 ? s[byte] : 0);
    return (x >> (start % 8)) & ((((uint64_t)1) << CHUNK_BITS) - 1);
}

/* Adds the digit's table entry to the running sum (negated when `negate`), leaving it in `acc`. */
static void add_digit(ge_done *acc, ge_p3 *sum, const ge_niels_packed *row, int digit, int negate) {
    const int sub = (digit < 0) ^ negate;
    const int index = (digit < 0 ? -digit : digit) >> 1;
    ge_niels q;
    ge_niels_unpack(&q, &row[index]);
    ge_madd(acc, sum, &q, sub);
}

/* R' = [s]B - [h]A. */
static void double_scalarmult(ge_p2 *r, const ced25519_key *key, const uint8_t h[32], const uint8_t s[32]) {
    int8_t hd[CHUNKS][NAF_DIGITS], sd[CHUNKS][NAF_DIGITS];
    int top = -1;
    for (int k = 0; k < CHUNKS; k++) {
        int th = chunk_naf(hd[k], scalar_chunk(h, CHUNK_BITS * k), A_WIDTH);
        int ts = chunk_naf(sd[k], scalar_chunk(s, CHUNK_BITS * k), B_WIDTH);
        if (th > top) top = th;
        if (ts > top) top = ts;
    }
    fe_zero(&r->X);
    fe_one(&r->Y);
    fe_one(&r->Z);
    ge_done acc;
    ge_p3 sum;
    int started = 0;
    for (int i = top; i >= 0; i--) {
        int pending = 0;
        for (int k = 0; k < CHUNKS; k++) pending += (hd[k][i] != 0) + (sd[k][i] != 0);
        if (started) {
            ge_p2_dbl(&acc, r);
            if (pending == 0) {
                ge_done_to_p2(r, &acc);
                continue;
            }
            ge_done_to_p3(&sum, &acc);
        } else {
            if (pending == 0) continue;
            ge_p3_identity(&sum);
            started = 1;
        }
        for (int k = 0; k < CHUNKS; k++) {
            for (int which = 0; which < 2; which++) {
                const int digit = which ? sd[k][i] : hd[k][i];
                if (digit == 0) continue;
                if (which) add_digit(&acc, &sum, base_multiples[k], digit, 0);
                else add_digit(&acc, &sum, key->multiples[k], digit, 1);
                if (--pending > 0) ge_done_to_p3(&sum, &acc);
                else ge_done_to_p2(r, &acc);
            }
        }
    }
}

int ced25519_verify(const ced25519_key *key, const uint8_t signature[64], const uint8_t *message, size_t length) {
    /* The table is likely cold (thousands of authors): start loading it while SHA-512 runs. */
    for (size_t off = 0; off < sizeof key->multiples; off += CACHE_LINE)
        __builtin_prefetch((const uint8_t *)key->multiples + off);
    const uint8_t *s = signature + 32;
    if (!scalar_is_canonical(s)) return -1;
    crypto_hash_sha512_state state;
    uint8_t digest[64], h[32], expected[32];
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, signature, 32);
    crypto_hash_sha512_update(&state, key->public_key, 32);
    crypto_hash_sha512_update(&state, message, length);
    crypto_hash_sha512_final(&state, digest);
    crypto_core_ed25519_scalar_reduce(h, digest);
    ge_p2 r;
    double_scalarmult(&r, key, h, s);
    ge_p2_tobytes(expected, &r);
    if (memcmp(expected, signature, 32) != 0) return -1;
    if (ge_p2_has_small_order(&r)) return -1;
    return 0;
}
