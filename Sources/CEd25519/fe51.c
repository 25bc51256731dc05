/* GF(2^255 - 19): the operations too long to inline (byte conversion, inversion, square-root power). */
#include "fe51.h"

static uint64_t load64_le(const uint8_t *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
    return x;
}

void fe_frombytes(fe *r, const uint8_t s[32]) {
    const uint64_t w[4] = { load64_le(s), load64_le(s + 8), load64_le(s + 16), load64_le(s + 24) & (UINT64_MAX >> 1) };
    fe_unpack(r, w);
}

/* Two carry passes leave every limb below 2^51 and the value below 2^255 (see the bounds in fe51.h). */
static void fe_carry_full(uint64_t h[5]) {
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 4; i++) {
            h[i + 1] += h[i] >> 51;
            h[i] &= FE_MASK51;
        }
        h[0] += 19 * (h[4] >> 51);
        h[4] &= FE_MASK51;
    }
}

static void fe_words(uint64_t w[4], const uint64_t h[5]) {
    w[0] = h[0] | (h[1] << 51);
    w[1] = (h[1] >> 13) | (h[2] << 38);
    w[2] = (h[2] >> 26) | (h[3] << 25);
    w[3] = (h[3] >> 39) | (h[4] << 12);
}

void fe_pack(uint64_t w[4], const fe *a) {
    uint64_t h[5] = { a->v[0], a->v[1], a->v[2], a->v[3], a->v[4] };
    fe_carry_full(h);
    fe_words(w, h);
}

void fe_tobytes(uint8_t s[32], const fe *a) {
    uint64_t h[5] = { a->v[0], a->v[1], a->v[2], a->v[3], a->v[4] };
    fe_carry_full(h);
    /* h < 2^255; h >= p exactly when h + 19 reaches 2^255: then subtract p by adding 19 and dropping bit 255 */
    uint64_t q = (h[0] + 19) >> 51;
    q = (h[1] + q) >> 51;
    q = (h[2] + q) >> 51;
    q = (h[3] + q) >> 51;
    q = (h[4] + q) >> 51;
    h[0] += 19 * q;
    for (int i = 0; i < 4; i++) {
        h[i + 1] += h[i] >> 51;
        h[i] &= FE_MASK51;
    }
    h[4] &= FE_MASK51;
    uint64_t w[4];
    fe_words(w, h);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
}

/* r = a^(2^n) · b */
static void fe_sq_n_mul(fe *r, const fe *a, int n, const fe *b) {
    fe t;
    fe_sq_n(&t, a, n);
    fe_mul(r, &t, b);
}

/* z^(2^250 - 1), and z^11 on the side: the common prefix of the inversion and square-root chains.
 * Each comment is the exponent reached. */
static void fe_pow2250m1(fe *out, fe *z11, const fe *z) {
    fe z2, z9, z5, z10, z20, z40, z50, z100, z200;
    fe_sq(&z2, z);                          /* 2 */
    fe_sq_n_mul(&z9, &z2, 2, z);            /* 9 */
    fe_mul(z11, &z9, &z2);                  /* 11 */
    fe_sq_n_mul(&z5, z11, 1, &z9);          /* 31 = 2^5 - 1 */
    fe_sq_n_mul(&z10, &z5, 5, &z5);         /* 2^10 - 1 */
    fe_sq_n_mul(&z20, &z10, 10, &z10);      /* 2^20 - 1 */
    fe_sq_n_mul(&z40, &z20, 20, &z20);      /* 2^40 - 1 */
    fe_sq_n_mul(&z50, &z40, 10, &z10);      /* 2^50 - 1 */
    fe_sq_n_mul(&z100, &z50, 50, &z50);     /* 2^100 - 1 */
    fe_sq_n_mul(&z200, &z100, 100, &z100);  /* 2^200 - 1 */
    fe_sq_n_mul(out, &z200, 50, &z50);      /* 2^250 - 1 */
}

void fe_invert(fe *r, const fe *z) {
    fe t, z11;
    fe_pow2250m1(&t, &z11, z);
    fe_sq_n_mul(r, &t, 5, &z11);    /* 2^255 - 32 + 11 = p - 2 */
}

void fe_pow22523(fe *r, const fe *z) {
    fe t, z11;
    fe_pow2250m1(&t, &z11, z);
    fe_sq_n_mul(r, &t, 2, z);       /* 2^252 - 4 + 1 */
}

int fe_iszero(const fe *a) {
    uint8_t s[32];
    fe_tobytes(s, a);
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= s[i];
    return acc == 0;
}

int fe_isodd(const fe *a) {
    uint8_t s[32];
    fe_tobytes(s, a);
    return s[0] & 1;
}

int fe_equal(const fe *a, const fe *b) {
    uint8_t sa[32], sb[32];
    fe_tobytes(sa, a);
    fe_tobytes(sb, b);
    return memcmp(sa, sb, 32) == 0;
}

void fe_neg(fe *r, const fe *a) {
    fe zero;
    fe_zero(&zero);
    fe_sub(r, &zero, a);
    fe_carry(r);
}
