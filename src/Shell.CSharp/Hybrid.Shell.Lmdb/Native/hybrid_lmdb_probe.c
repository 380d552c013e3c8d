/* A structural probe of an LMDB environment, run in a forked child process so that a damaged page that would make
 * LMDB read outside the file (SIGBUS) or the map (SIGSEGV) kills the child, never the caller. LMDB trusts the
 * offsets, sizes and page numbers it finds in a file; this probe reads everything a reader or writer will later
 * follow: every key and value of every database (the free-page list included), that keys come out in order, that
 * each key found by walking is found again by searching (branch pages steer searches), and that free-page lists
 * are well formed. It knows nothing of what the values mean: record checksums are checked by the caller once the
 * probe says the file can be mapped. Compiled into lmdb.so with LMDB's own sources (see the project file). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lmdb.h"

/* What the probe found, written by the child into memory shared with the parent. */
typedef struct hybrid_lmdb_probe_report {
    int32_t status;          /* 0: sound; > 0: an LMDB or system error code; < 0: one of the HYBRID_PROBE_* codes */
    int32_t signal;          /* the signal that ended the child, or 0 */
    int32_t finished;        /* 1 once the child has finished its walk: without it, the child died unseen */
    int32_t reserved;
    int64_t entries;         /* entries visited */
    uint32_t key_length;     /* the key being read when the problem was found (or the last one read) */
    uint8_t key[512];
    char database[128];      /* the database being read: "" for the main database, "(free pages)" for the free list */
    char detail[256];
} hybrid_lmdb_probe_report;

#define HYBRID_PROBE_OUT_OF_ORDER (-1)
#define HYBRID_PROBE_NOT_FOUND_AGAIN (-2)
#define HYBRID_PROBE_BAD_FREE_LIST (-3)
#define HYBRID_PROBE_TIMED_OUT (-4)
#define HYBRID_PROBE_TRUNCATED (-5)

static volatile uint8_t hybrid_sink;

static void hybrid_note_key(hybrid_lmdb_probe_report *r, const MDB_val *key)
{
    size_t n = key->mv_size < sizeof r->key ? key->mv_size : sizeof r->key;
    memcpy(r->key, key->mv_data, n);
    r->key_length = (uint32_t)n;
}

static void hybrid_touch(const MDB_val *v)
{
    const uint8_t *p = (const uint8_t *)v->mv_data;
    uint8_t x = 0;
    for (size_t i = 0; i < v->mv_size; i++) x ^= p[i];
    hybrid_sink ^= x;
}

/* A free-list value is an ID list: a count n, then n page numbers in descending order, each a page of the file. */
static int hybrid_check_free_list(const MDB_val *v, size_t last_page, hybrid_lmdb_probe_report *r)
{
    const size_t *ids = (const size_t *)v->mv_data;
    if (v->mv_size % sizeof(size_t) != 0 || v->mv_size < sizeof(size_t) || (ids[0] + 1) * sizeof(size_t) != v->mv_size) {
        strcpy(r->detail, "a free-page list whose length does not match its count");
        return HYBRID_PROBE_BAD_FREE_LIST;
    }
    for (size_t i = 1; i <= ids[0]; i++) {
        if (ids[i] < 2 || ids[i] > last_page || (i > 1 && ids[i] >= ids[i - 1])) {
            strcpy(r->detail, "a free-page list naming a page outside the file or out of order");
            return HYBRID_PROBE_BAD_FREE_LIST;
        }
    }
    return 0;
}

static int hybrid_walk(MDB_txn *txn, MDB_dbi dbi, const char *name, size_t last_page, hybrid_lmdb_probe_report *r)
{
    MDB_cursor *cursor;
    MDB_val key, data, prev, found;
    int rc, first = 1;
    snprintf(r->database, sizeof r->database, "%s", name);
    r->key_length = 0;
    if ((rc = mdb_cursor_open(txn, dbi, &cursor)) != 0) return rc;
    for (rc = mdb_cursor_get(cursor, &key, &data, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)) {
        hybrid_note_key(r, &key);
        hybrid_touch(&key);
        hybrid_touch(&data);
        if (!first && mdb_cmp(txn, dbi, &prev, &key) >= 0) {
            strcpy(r->detail, "keys out of order");
            rc = HYBRID_PROBE_OUT_OF_ORDER;
            break;
        }
        if (dbi == 0) {
            if ((rc = hybrid_check_free_list(&data, last_page, r)) != 0) break;
        } else if (mdb_get(txn, dbi, &key, &found) != 0 || found.mv_data != data.mv_data || found.mv_size != data.mv_size) {
            strcpy(r->detail, "a key that walking finds but searching does not");
            rc = HYBRID_PROBE_NOT_FOUND_AGAIN;
            break;
        }
        prev = key;
        first = 0;
        r->entries++;
    }
    mdb_cursor_close(cursor);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The main database holds either data (one unnamed database) or the names of named databases: walk it, then walk
 * every named database it lists. */
static int hybrid_walk_named(MDB_txn *txn, MDB_dbi main_dbi, size_t last_page, hybrid_lmdb_probe_report *r)
{
    MDB_cursor *cursor;
    MDB_val key, data;
    char names[64][128];
    int count = 0, rc;
    if ((rc = mdb_cursor_open(txn, main_dbi, &cursor)) != 0) return rc;
    for (rc = mdb_cursor_get(cursor, &key, &data, MDB_FIRST); rc == 0 && count < 64; rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)) {
        if (key.mv_size == 0 || key.mv_size >= sizeof names[0] || memchr(key.mv_data, 0, key.mv_size) != NULL) continue;
        memcpy(names[count], key.mv_data, key.mv_size);
        names[count][key.mv_size] = 0;
        count++;
    }
    mdb_cursor_close(cursor);
    if (rc != 0 && rc != MDB_NOTFOUND) return rc;
    for (int i = 0; i < count; i++) {
        MDB_dbi dbi;
        rc = mdb_dbi_open(txn, names[i], 0, &dbi);
        if (rc == MDB_INCOMPATIBLE || rc == MDB_NOTFOUND) continue; /* a plain key of the main database */
        if (rc != 0) {
            snprintf(r->database, sizeof r->database, "%s", names[i]);
            return rc;
        }
        if ((rc = hybrid_walk(txn, dbi, names[i], last_page, r)) != 0) return rc;
    }
    return 0;
}

static int hybrid_probe_child(const char *path, uint64_t map_size, unsigned int flags, hybrid_lmdb_probe_report *r)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi main_dbi;
    MDB_envinfo info;
    int rc;
    if ((rc = mdb_env_create(&env)) != 0) return rc;
    mdb_env_set_maxdbs(env, 64);
    if ((rc = mdb_env_set_mapsize(env, map_size)) != 0) return rc;
    if ((rc = mdb_env_open(env, path, flags | MDB_RDONLY | MDB_NOTLS, 0644)) != 0) return rc;
    mdb_env_info(env, &info);
    /* Pages past the end of the file would fault when read: compare before reading any. */
    MDB_stat st;
    mdb_filehandle_t fd;
    struct stat file;
    if ((rc = mdb_env_stat(env, &st)) != 0 || (rc = mdb_env_get_fd(env, &fd)) != 0) return rc;
    if (fstat(fd, &file) != 0) return errno;
    if ((uint64_t)(info.me_last_pgno + 1) * st.ms_psize > (uint64_t)file.st_size) {
        snprintf(r->detail, sizeof r->detail, "the file is %lld bytes, but its last page ends at byte %llu",
                 (long long)file.st_size, (unsigned long long)(info.me_last_pgno + 1) * st.ms_psize);
        return HYBRID_PROBE_TRUNCATED;
    }
    if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0) return rc;
    if ((rc = mdb_dbi_open(txn, NULL, 0, &main_dbi)) != 0) return rc;
    if ((rc = hybrid_walk(txn, 0, "(free pages)", info.me_last_pgno, r)) != 0) return rc;
    if ((rc = hybrid_walk(txn, main_dbi, "", info.me_last_pgno, r)) != 0) return rc;
    if ((rc = hybrid_walk_named(txn, main_dbi, info.me_last_pgno, r)) != 0) return rc;
    mdb_txn_abort(txn);
    return 0;
}

/* Probes the environment in `path` (a directory, or a file with MDB_NOSUBDIR in `flags`; add MDB_NOLOCK when the
 * caller holds the environment exclusively) in a forked child. Returns 0 when the probe ran (the report says what it
 * found), or an errno when it could not. The child gets `timeout_ms` before it is killed. */
int hybrid_lmdb_probe(const char *path, uint64_t map_size, unsigned int flags, int timeout_ms, hybrid_lmdb_probe_report *out)
{
    hybrid_lmdb_probe_report *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return errno;
    memset(shared, 0, sizeof *shared);
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        munmap(shared, sizeof *shared);
        return e;
    }
    if (child == 0) {
        /* The child runs only this C code: faults must end it at once, not reach the parent runtime's handlers. */
        int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
        sigset_t unblock;
        sigemptyset(&unblock);
        for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
            signal(fatal[i], SIG_DFL);
            sigaddset(&unblock, fatal[i]);
        }
        sigprocmask(SIG_UNBLOCK, &unblock, NULL);
        shared->status = hybrid_probe_child(path, map_size, flags, shared);
        shared->finished = 1;
        _exit(0);
    }
    int status = 0, waited_ms = 0;
    pid_t done;
    struct timespec pause = { 0, 1000000 };
    while ((done = waitpid(child, &status, WNOHANG)) == 0 || (done < 0 && errno == EINTR)) {
        if (done == 0 && waited_ms >= timeout_ms) {
            kill(child, SIGKILL);
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) { }
            shared->status = HYBRID_PROBE_TIMED_OUT;
            strcpy(shared->detail, "the probe did not finish in time");
            break;
        }
        nanosleep(&pause, NULL);
        waited_ms++;
    }
    if (done > 0 && WIFSIGNALED(status)) shared->signal = WTERMSIG(status);
    /* Another part of the process may have reaped the child first: then the finished flag is all there is to go by. */
    memcpy(out, shared, sizeof *out);
    munmap(shared, sizeof *shared);
    return 0;
}
