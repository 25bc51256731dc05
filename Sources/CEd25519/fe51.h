/* GF(2^255 - 19) in radix 2^51: five 64-bit limbs, products in unsigned __int128.
 *
 * Limb bounds, which every caller keeps: fe_mul/fe_sq accept limbs below 2^56 and return limbs below 2^52;
 * fe_sub(a, b) needs b's limbs below 2^53 (it adds 4p before subtracting); fe_add does not carry.
 * Nothing here is constant time: this code only verifies public data. */
#ifndef CED25519_FE51_H
#define CED25519_FE51_H

#include <stdint.h>
#include <string.h>

typedef struct { uint64_t v[5]; } fe;
typedef unsigned __int128 u128;

#define FE_MASK51 ((((uint64_t)1) << 51) - 1)

static inline void fe_zero(fe *r) { memset(r, 0, sizeof *r); }
static inline void fe_one(fe *r) { fe_zero(r); r->v[0] = 1; }
static inline void fe_small(fe *r, uint64_t n) { fe_zero(r); r->v[0] = n; }

static inline void fe_add(fe *r, const fe *a, const fe *b) {
    for (int i = 0; i < 5; i++) r->v[i] = a->v[i] + b->v[i];
}

/* a - b + 4p, limb by limb: 4p = (2^53 - 76, 2^53 - 4, 2^53 - 4, 2^53 - 4, 2^53 - 4). */
static inline void fe_sub(fe *r, const fe *a, const fe *b) {
    const uint64_t four_p0 = (((uint64_t)1) << 53) - 76, four_pi = (((uint64_t)1) << 53) - 4;
    r->v[0] = a->v[0] + four_p0 - b->v[0];
    for (int i = 1; i < 5; i++) r->v[i] = a->v[i] + four_pi - b->v[i];
}

/* Carries five 128-bit column sums into limbs below 2^52; 2^255 ≡ 19 folds the top carry into limb 0. */
static inline void fe_carry_wide(fe *r, u128 c0, u128 c1, u128 c2, u128 c3, u128 c4) {
    c1 += c0 >> 51;
    c2 += c1 >> 51;
    c3 += c2 >> 51;
    c4 += c3 >> 51;
    u128 low = (u128)((uint64_t)c0 & FE_MASK51) + (c4 >> 51) * 19;
    r->v[0] = (uint64_t)low & FE_MASK51;
    r->v[1] = ((uint64_t)c1 & FE_MASK51) + (uint64_t)(low >> 51);
    r->v[2] = (uint64_t)c2 & FE_MASK51;
    r->v[3] = (uint64_t)c3 & FE_MASK51;
    r->v[4] = (uint64_t)c4 & FE_MASK51;
}

static inline void fe_mul(fe *r, const fe *a, const fe *b) {
    const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
    const uint64_t b0 = b->v[0], b1 = b->v[1], b2 = b->v[2], b3 = b->v[3], b4 = b->v[4];
    /* limbs i + j >= 5 wrap around with a factor 19 */
    const uint64_t b1x = 19 * b1, b2x = 19 * b2, b3x = 19 * b3, b4x = 19 * b4;
    u128 c0 = (u128)a0 * b0 + (u128)a1 * b4x + (u128)a2 * b3x + (u128)a3 * b2x + (u128)a4 * b1x;
    u128 c1 = (u128)a0 * b1 + (u128)a1 * b0 + (u128)a2 * b4x + (u128)a3 * b3x + (u128)a4 * b2x;
    u128 c2 = (u128)a0 * b2 + (u128)a1 * b1 + (u128)a2 * b0 + (u128)a3 * b4x + (u128)a4 * b3x;
    u128 c3 = (u128)a0 * b3 + (u128)a1 * b2 + (u128)a2 * b1 + (u128)a3 * b0 + (u128)a4 * b4x;
    u128 c4 = (u128)a0 * b4 + (u128)a1 * b3 + (u128)a2 * b2 + (u128)a3 * b1 + (u128)a4 * b0;
    fe_carry_wide(r, c0, c1, c2, c3, c4);
}

static inline void fe_sq(fe *r, const fe *a) {
    const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4];
    const uint64_t d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2;
    const uint64_t a3x = 19 * a3, a4x = 19 * a4;
    u128 c0 = (u128)a0 * a0 + (u128)d1 * a4x + (u128)d2 * a3x;
    u128 c1 = (u128)d0 * a1 + (u128)d2 * a4x + (u128)a3 * a3x;
    u128 c2 = (u128)d0 * a2 + (u128)a1 * a1 + (u128)(2 * a3) * a4x;
    u128 c3 = (u128)d0 * a3 + (u128)d1 * a2 + (u128)a4 * a4x;
    u128 c4 = (u128)d0 * a4 + (u128)d1 * a3 + (u128)a2 * a2;
    fe_carry_wide(r, c0, c1, c2, c3, c4);
}

/* One carry pass: limbs below 2^52 again after adds and subs. */
static inline void fe_carry(fe *r) {
    uint64_t c;
    for (int i = 0; i < 4; i++) {
        c = r->v[i] >> 51;
        r->v[i] &= FE_MASK51;
        r->v[i + 1] += c;
    }
    c = r->v[4] >> 51;
    r->v[4] &= FE_MASK51;
    r->v[0] += 19 * c;
}

/* r = a^(2^n), n >= 1 */
static inline void fe_sq_n(fe *r, const fe *a, int n) {
    fe_sq(r, a);
    for (int i = 1; i < n; i++) fe_sq(r, r);
}

/* Four 64-bit words holding a value below 2^255 (bit 255 clear), e.g. from fe_pack: 32 bytes instead of 40. */
static inline void fe_unpack(fe *r, const uint64_t w[4]) {
    r->v[0] = w[0] & FE_MASK51;
    r->v[1] = ((w[0] >> 51) | (w[1] << 13)) & FE_MASK51;
    r->v[2] = ((w[1] >> 38) | (w[2] << 26)) & FE_MASK51;
    r->v[3] = ((w[2] >> 25) | (w[3] << 39)) & FE_MASK51;
    r->v[4] = w[3] >> 12;
}

void fe_pack(uint64_t w[4], const fe *a);         /* some representative below 2^255, not necessarily canonical */
void fe_frombytes(fe *r, const uint8_t s[32]);   /* bit 255 ignored; values >= p are accepted as is */
void fe_tobytes(uint8_t s[32], const fe *a);     /* canonical: the unique representative below p */
void fe_invert(fe *r, const fe *z);              /* z^(p-2) */
void fe_pow22523(fe *r, const fe *z);            /* z^((p-5)/8) = z^(2^252 - 3) */
int fe_iszero(const fe *a);
int fe_isodd(const fe *a);                       /* low bit of the canonical form: the "sign" of x */
int fe_equal(const fe *a, const fe *b);
void fe_neg(fe *r, const fe *a);

#endif
