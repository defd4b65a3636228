/* The C client's side of scripts/benchmark-client: Debian's libzookeeper-mt,
 * N sessions each keeping K zoo_aget (or zoo_aset) calls in flight for S
 * seconds after a warm-up; prints one line in zk-client-benchmark's format.
 *   zk-c-benchmark HOST:PORT OP(get|set) SESSIONS IN_FLIGHT SECONDS WARMUP SIZE
 * Latencies go into a per-session histogram of 1 us buckets (completions of a
 * session run on its one completion thread, so no locking is needed). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* The synchronous calls (setup only) exist in the multi-threaded library. */
#define THREADED
#include <zookeeper/zookeeper.h>

#define BUCKETS 1000000 /* 1 us each: up to 1 s; slower calls land in the last */

struct session {
    zhandle_t *zh;
    char path[128];
    unsigned *histogram;
};

struct call {
    struct session *session;
    struct timespec start;
};

static atomic_int measuring, stopping, in_flight, failures;
static int set_op, size;
static char *payload;

static double now_ns(struct timespec *t) { return t->tv_sec * 1e9 + t->tv_nsec; }
static void issue(struct call *call);

static void done(struct call *call, int rc) {
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (rc != ZOK) atomic_fetch_add(&failures, 1);
    if (atomic_load(&measuring) && !atomic_load(&stopping)) {
        long us = (long)((now_ns(&end) - now_ns(&call->start)) / 1000);
        call->session->histogram[us < BUCKETS ? us : BUCKETS - 1]++;
    }
    if (atomic_load(&stopping)) { atomic_fetch_sub(&in_flight, 1); return; }
    issue(call);
}

static void got(int rc, const char *value, int len, const struct Stat *stat, const void *data) {
    (void)value; (void)len; (void)stat;
    done((struct call *)data, rc);
}

static void stat_done(int rc, const struct Stat *stat, const void *data) {
    (void)stat;
    done((struct call *)data, rc);
}

static void issue(struct call *call) {
    clock_gettime(CLOCK_MONOTONIC, &call->start);
    int rc = set_op ? zoo_aset(call->session->zh, call->session->path, payload, size, -1, stat_done, call)
                    : zoo_aget(call->session->zh, call->session->path, 0, got, call);
    if (rc != ZOK) { atomic_fetch_add(&failures, 1); atomic_fetch_sub(&in_flight, 1); }
}

int main(int argc, char **argv) {
    if (argc != 8) { fprintf(stderr, "usage: %s HOST:PORT get|set SESSIONS IN_FLIGHT SECONDS WARMUP SIZE\n", argv[0]); return 2; }
    const char *server = argv[1];
    set_op = strcmp(argv[2], "set") == 0;
    int sessions = atoi(argv[3]), depth = atoi(argv[4]);
    double seconds = atof(argv[5]), warmup = atof(argv[6]);
    size = atoi(argv[7]);
    payload = malloc(size);
    memset(payload, 'a', size);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);

    struct session *all = calloc(sessions, sizeof *all);
    for (int i = 0; i < sessions; i++) {
        all[i].zh = zookeeper_init(server, NULL, 30000, NULL, NULL, 0);
        all[i].histogram = calloc(BUCKETS, sizeof(unsigned));
        for (int t = 0; t < 200 && zoo_state(all[i].zh) != ZOO_CONNECTED_STATE; t++) usleep(100000);
        if (zoo_state(all[i].zh) != ZOO_CONNECTED_STATE) { fprintf(stderr, "session %d did not connect\n", i); return 1; }
    }
    char root[64];
    snprintf(root, sizeof root, "/zk-c-benchmark-%d", getpid());
    if (zoo_create(all[0].zh, root, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0) != ZOK) { fprintf(stderr, "create %s failed\n", root); return 1; }
    for (int i = 0; i < sessions; i++) {
        snprintf(all[i].path, sizeof all[i].path, "%s/%d", root, i);
        if (zoo_create(all[0].zh, all[i].path, payload, size, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0) != ZOK) { fprintf(stderr, "create failed\n"); return 1; }
    }
    for (int i = 0; i < sessions; i++) {
        for (int k = 0; k < depth; k++) {
            struct call *call = malloc(sizeof *call);
            call->session = &all[i];
            atomic_fetch_add(&in_flight, 1);
            issue(call);
        }
    }
    usleep((useconds_t)(warmup * 1e6));
    atomic_store(&measuring, 1);
    usleep((useconds_t)(seconds * 1e6));
    atomic_store(&stopping, 1);
    for (int t = 0; t < 200 && atomic_load(&in_flight) > 0; t++) usleep(100000);

    unsigned long long total = 0;
    for (int i = 0; i < sessions; i++) for (long b = 0; b < BUCKETS; b++) total += all[i].histogram[b];
    double p50 = 0, p99 = 0;
    unsigned long long seen = 0;
    for (long b = 0; b < BUCKETS && total > 0; b++) {
        for (int i = 0; i < sessions; i++) seen += all[i].histogram[b];
        if (p50 == 0 && seen * 100 >= total * 50) p50 = (b + 1) / 1000.0;
        if (seen * 100 >= total * 99) { p99 = (b + 1) / 1000.0; break; }
    }
    for (int i = 0; i < sessions; i++) zoo_delete(all[0].zh, all[i].path, -1);
    zoo_delete(all[0].zh, root, -1);
    for (int i = 0; i < sessions; i++) zookeeper_close(all[i].zh);
    printf("client=c op=%s sessions=%d in_flight=%d ops=%llu ops_per_s=%.0f p50_ms=%.3f p99_ms=%.3f\n",
           set_op ? "set" : "get", sessions, depth, total, total / seconds, p50, p99);
    if (atomic_load(&failures) > 0) { fprintf(stderr, "%d calls failed\n", atomic_load(&failures)); return 1; }
    return 0;
}
