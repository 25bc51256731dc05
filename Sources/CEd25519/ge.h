/* Points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 (edwards25519), variable time.
 *
 *   ge_p2      projective (X : Y : Z), x = X/Z, y = Y/Z — enough to double
 *   ge_p3      extended (X : Y : Z : T), also T = XY/Z — needed to add
 *   ge_done    the four factors E, F, G, H an addition or doubling ends with; X = EF, Y = GH, Z = FG, T = EH,
 *              so converting costs 3 (to p2) or 4 (to p3) multiplications and a chain of doublings skips T
 *   ge_niels   an affine point (ge_niels_packed: the same in 4-word fields, for tables) ready to add: (y + x, y - x, 2d·x·y); its negation swaps the first two and
 *              negates the third, so one table serves both signs of a digit
 *
 * Formulas: Hisil, Wong, Carter, Dawson, "Twisted Edwards Curves Revisited" (2008), a = -1, unified addition
 * (8M in general, 7M with an affine operand) and doubling (4M + 4S, 3M + 4S without T). */
#ifndef CED25519_GE_H
#define CED25519_GE_H

#include "fe51.h"

typedef struct { fe X, Y, Z; } ge_p2;
typedef struct { fe X, Y, Z, T; } ge_p3;
typedef struct { fe E, F, G, H; } ge_done;
typedef struct { fe ypx, ymx, xy2d; } ge_niels;
typedef struct { uint64_t ypx[4], ymx[4], xy2d[4]; } ge_niels_packed;   /* 96 bytes: a table entry */

/* Curve constants, set once by ge_constants_init (computed, not transcribed: see ge.c). */
extern fe ge_d, ge_d2, ge_sqrtm1;
void ge_constants_init(void);

static inline void ge_done_to_p2(ge_p2 *r, const ge_done *p) {
    fe_mul(&r->X, &p->E, &p->F);
    fe_mul(&r->Y, &p->G, &p->H);
    fe_mul(&r->Z, &p->F, &p->G);
}

static inline void ge_done_to_p3(ge_p3 *r, const ge_done *p) {
    fe_mul(&r->X, &p->E, &p->F);
    fe_mul(&r->Y, &p->G, &p->H);
    fe_mul(&r->Z, &p->F, &p->G);
    fe_mul(&r->T, &p->E, &p->H);
}

static inline void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p) {
    r->X = p->X;
    r->Y = p->Y;
    r->Z = p->Z;
}

/* 2P: A = X², B = Y², C = 2Z², E = A + B - (X + Y)², G = A - B, F = C + G, H = A + B (signs folded so that
 * every product matches the a = -1 formula). */
static inline void ge_p2_dbl(ge_done *r, const ge_p2 *p) {
    fe a, b, c, s;
    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq(&c, &p->Z);
    fe_add(&c, &c, &c);
    fe_add(&s, &p->X, &p->Y);
    fe_sq(&s, &s);
    fe_add(&r->H, &a, &b);
    fe_sub(&r->E, &r->H, &s);
    fe_sub(&r->G, &a, &b);
    fe_add(&r->F, &c, &r->G);
}

/* P + Q (sub = 0) or P - Q (sub = 1), Q affine. */
static inline void ge_madd(ge_done *r, const ge_p3 *p, const ge_niels *q, int sub) {
    fe a, b, c, d;
    fe_sub(&a, &p->Y, &p->X);
    fe_mul(&a, &a, sub ? &q->ypx : &q->ymx);
    fe_add(&b, &p->Y, &p->X);
    fe_mul(&b, &b, sub ? &q->ymx : &q->ypx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_sub(&r->E, &b, &a);
    fe_add(&r->H, &b, &a);
    if (sub) {
        fe_add(&r->F, &d, &c);
        fe_sub(&r->G, &d, &c);
    } else {
        fe_sub(&r->F, &d, &c);
        fe_add(&r->G, &d, &c);
    }
}

/* P + Q with Q extended (used while building tables). */
static inline void ge_add(ge_done *r, const ge_p3 *p, const ge_p3 *q) {
    fe a, b, c, d, t;
    fe_sub(&a, &p->Y, &p->X);
    fe_sub(&t, &q->Y, &q->X);
    fe_mul(&a, &a, &t);
    fe_add(&b, &p->Y, &p->X);
    fe_add(&t, &q->Y, &q->X);
    fe_mul(&b, &b, &t);
    fe_mul(&c, &p->T, &q->T);
    fe_mul(&c, &c, &ge_d2);
    fe_mul(&d, &p->Z, &q->Z);
    fe_add(&d, &d, &d);
    fe_sub(&r->E, &b, &a);
    fe_add(&r->H, &b, &a);
    fe_sub(&r->F, &d, &c);
    fe_add(&r->G, &d, &c);
}

void ge_p3_identity(ge_p3 *r);
void ge_p3_dbl(ge_p3 *r, const ge_p3 *p);
/* Decodes a canonical encoding (the caller has checked it); 0 on success, -1 if no such point. */
int ge_frombytes(ge_p3 *r, const uint8_t s[32]);
void ge_p2_tobytes(uint8_t s[32], const ge_p2 *p);
/* 1 when [8]P is the identity, i.e. P has small order. */
int ge_p2_has_small_order(const ge_p2 *p);
/* Affine niels forms of n extended points with one inversion (Montgomery's batch trick); n <= GE_BATCH_MAX. */
#define GE_BATCH_MAX 320
void ge_batch_to_niels(ge_niels_packed *out, const ge_p3 *in, int n);

static inline void ge_niels_unpack(ge_niels *r, const ge_niels_packed *p) {
    fe_unpack(&r->ypx, p->ypx);
    fe_unpack(&r->ymx, p->ymx);
    fe_unpack(&r->xy2d, p->xy2d);
}

#endif
