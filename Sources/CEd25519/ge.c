/* edwards25519 points: constants, decoding and encoding, the small-order test, batch normalisation. */
#include "ge.h"

fe ge_d, ge_d2, ge_sqrtm1;

/* d = -121665/121666 and sqrt(-1) = 2^((p-1)/4) = (2^((p-5)/8))² · 2 are derived here rather than typed in as
 * limbs, so a wrong constant cannot hide in a hex string (the differential test would catch it either way). */
void ge_constants_init(void) {
    fe num, den, two;
    fe_small(&num, 121665);
    fe_neg(&num, &num);
    fe_small(&den, 121666);
    fe_invert(&den, &den);
    fe_mul(&ge_d, &num, &den);
    fe_add(&ge_d2, &ge_d, &ge_d);
    fe_carry(&ge_d2);
    fe_small(&two, 2);
    fe_pow22523(&ge_sqrtm1, &two);
    fe_sq(&ge_sqrtm1, &ge_sqrtm1);
    fe_mul(&ge_sqrtm1, &ge_sqrtm1, &two);
}

void ge_p3_identity(ge_p3 *r) {
    fe_zero(&r->X);
    fe_one(&r->Y);
    fe_one(&r->Z);
    fe_zero(&r->T);
}

void ge_p3_dbl(ge_p3 *r, const ge_p3 *p) {
    ge_p2 q;
    ge_done t;
    ge_p3_to_p2(&q, p);
    ge_p2_dbl(&t, &q);
    ge_done_to_p3(r, &t);
}

/* x² = (y² - 1) / (d y² + 1) = u / v; the candidate root x = u v³ (u v⁷)^((p-5)/8) squares to ±u/v. */
int ge_frombytes(ge_p3 *r, const uint8_t s[32]) {
    fe y, u, v, v3, x, check, t;
    fe_frombytes(&y, s);
    fe_sq(&u, &y);
    fe_mul(&v, &u, &ge_d);
    fe_one(&t);
    fe_sub(&u, &u, &t);
    fe_carry(&u);
    fe_add(&v, &v, &t);
    fe_sq(&v3, &v);
    fe_mul(&v3, &v3, &v);           /* v³ */
    fe_sq(&x, &v3);
    fe_mul(&x, &x, &v);
    fe_mul(&x, &x, &u);             /* u v⁷ */
    fe_pow22523(&x, &x);
    fe_mul(&x, &x, &v3);
    fe_mul(&x, &x, &u);
    fe_sq(&check, &x);
    fe_mul(&check, &check, &v);     /* v x² */
    if (!fe_equal(&check, &u)) {
        fe_neg(&t, &u);
        if (!fe_equal(&check, &t)) return -1;
        fe_mul(&x, &x, &ge_sqrtm1);
    }
    const int sign = s[31] >> 7;
    if (fe_iszero(&x) && sign) return -1;
    if (fe_isodd(&x) != sign) fe_neg(&x, &x);
    r->X = x;
    r->Y = y;
    fe_one(&r->Z);
    fe_mul(&r->T, &x, &y);
    return 0;
}

void ge_p2_tobytes(uint8_t s[32], const ge_p2 *p) {
    fe zinv, x, y;
    fe_invert(&zinv, &p->Z);
    fe_mul(&x, &p->X, &zinv);
    fe_mul(&y, &p->Y, &zinv);
    fe_tobytes(s, &y);
    s[31] |= (uint8_t)(fe_isodd(&x) << 7);
}

int ge_p2_has_small_order(const ge_p2 *p) {
    ge_p2 q = *p;
    ge_done t;
    for (int i = 0; i < 3; i++) {
        ge_p2_dbl(&t, &q);
        ge_done_to_p2(&q, &t);
    }
    return fe_iszero(&q.X) && fe_equal(&q.Y, &q.Z);
}

void ge_batch_to_niels(ge_niels_packed *out, const ge_p3 *in, int n) {
    fe prefix[GE_BATCH_MAX], inv, zinv, x, y, t;
    prefix[0] = in[0].Z;
    for (int i = 1; i < n; i++) fe_mul(&prefix[i], &prefix[i - 1], &in[i].Z);
    fe_invert(&inv, &prefix[n - 1]);             /* 1 / (Z0 ⋯ Zn-1) */
    for (int i = n - 1; i >= 0; i--) {
        if (i > 0) {
            fe_mul(&zinv, &inv, &prefix[i - 1]); /* 1 / Zi */
            fe_mul(&inv, &inv, &in[i].Z);        /* 1 / (Z0 ⋯ Zi-1) */
        } else {
            zinv = inv;
        }
        fe_mul(&x, &in[i].X, &zinv);
        fe_mul(&y, &in[i].Y, &zinv);
        fe_add(&t, &y, &x);
        fe_pack(out[i].ypx, &t);
        fe_sub(&t, &y, &x);
        fe_pack(out[i].ymx, &t);
        fe_mul(&t, &x, &y);
        fe_mul(&t, &t, &ge_d2);
        fe_pack(out[i].xy2d, &t);
    }
}
