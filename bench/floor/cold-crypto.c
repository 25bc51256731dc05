/* Ed25519 on a cold CPU: each operation timed after a sleep, as a chat message meets it (messages come tens of
 * milliseconds apart and the vCPU halts in between), beside the same operation in a warm loop.
 *
 *   cc -O2 -ISources/CEd25519/include -ISources/CEd25519 bench/floor/cold-crypto.c Sources/CEd25519/*.c -lsodium \
 *      -o /tmp/cold-crypto && /tmp/cold-crypto 60000 0 0
 *
 * Arguments: microseconds asleep before each timed operation; MiB of memory written before it (a cache thrash,
 * 0 for none); microseconds of busy spinning after the sleep (a CPU that has been running for a while, so a slow
 * clock ramp would be over, but its caches are still whatever the sleep left). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ced25519.h"

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void settle(int sleep_us, unsigned char *junk, size_t junk_bytes, int spin_us, int round) {
    if (junk_bytes) memset(junk, round, junk_bytes);
    usleep(sleep_us);
    double start = now_us();
    while (now_us() - start < spin_us) {}
}

int main(int argc, char **argv) {
    if (argc < 4 || sodium_init() < 0) { fprintf(stderr, "usage: cold-crypto SLEEP_US THRASH_MIB SPIN_US\n"); return 2; }
    int sleep_us = atoi(argv[1]), spin_us = atoi(argv[3]);
    size_t junk_bytes = (size_t)atoi(argv[2]) << 20;
    unsigned char *junk = junk_bytes ? malloc(junk_bytes) : NULL;
    unsigned char pk[32], sk[64], sig[64], msg[300];
    randombytes_buf(msg, sizeof msg);
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    ced25519_key *key = ced25519_key_new(pk);
    enum { N = 200, WARM = 1000 };
    static double ours[N], theirs[N], sign[N];
    for (int i = 0; i < N; i++) {
        settle(sleep_us, junk, junk_bytes, spin_us, 3 * i);
        double t0 = now_us();
        int bad = ced25519_verify(key, sig, msg, sizeof msg);
        ours[i] = now_us() - t0;
        settle(sleep_us, junk, junk_bytes, spin_us, 3 * i + 1);
        t0 = now_us();
        bad |= crypto_sign_verify_detached(sig, msg, sizeof msg, pk);
        theirs[i] = now_us() - t0;
        settle(sleep_us, junk, junk_bytes, spin_us, 3 * i + 2);
        t0 = now_us();
        crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
        sign[i] = now_us() - t0;
        if (bad) { fprintf(stderr, "a signature did not verify\n"); return 1; }
    }
    qsort(ours, N, sizeof(double), by_value);
    qsort(theirs, N, sizeof(double), by_value);
    qsort(sign, N, sizeof(double), by_value);
    double w0 = now_us();
    for (int i = 0; i < WARM; i++) if (ced25519_verify(key, sig, msg, sizeof msg)) return 1;
    double w1 = now_us();
    for (int i = 0; i < WARM; i++) if (crypto_sign_verify_detached(sig, msg, sizeof msg, pk)) return 1;
    double w2 = now_us();
    for (int i = 0; i < WARM; i++) crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
    double w3 = now_us();
    printf("| after %d us asleep, %zu MiB written, %d us spinning | %.1f | %.1f | %.1f |\n",
           sleep_us, junk_bytes >> 20, spin_us, ours[N / 2], theirs[N / 2], sign[N / 2]);
    printf("| warm loop | %.1f | %.1f | %.1f |\n", (w1 - w0) / WARM, (w2 - w1) / WARM, (w3 - w2) / WARM);
    ced25519_key_free(key);
    free(junk);
    return 0;
}
