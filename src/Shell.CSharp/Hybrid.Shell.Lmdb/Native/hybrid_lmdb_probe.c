/* A structural probe of an LMDB environment, run in a forked child process so that a damaged page that would make
 * LMDB read outside the file (SIGBUS) or the map (SIGSEGV), or trip one of its assertions (abort), ends the child,
 * never the caller. LMDB trusts the offsets, sizes and page numbers it finds in a file, and its writer trusts page
 * headers and the free-page list. The probe checks them all before the caller maps the file: every page of every
 * tree (headers, node offsets, key and data bounds, child and overflow page numbers, no page used twice, none both
 * used and free), then reads every key and value through LMDB (keys in order, each found again by a search). It
 * knows nothing of what values mean: record checksums are the caller's. This file includes LMDB's mdb.c, so the
 * probe reads pages with LMDB's own definitions, and is compiled with midl.c into lmdb.so (see the project file). */
#include "mdb.c"
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
#define HYBRID_PROBE_BAD_PAGE (-6)

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
        /* LMDB 1.0 stores a database's name with its terminating NUL; anything else with a NUL is plain data. */
        size_t length = key.mv_size;
        if (length > 0 && ((const char *)key.mv_data)[length - 1] == 0) length--;
        if (length == 0 || length >= sizeof names[0] || memchr(key.mv_data, 0, length) != NULL) continue;
        memcpy(names[count], key.mv_data, length);
        names[count][length] = 0;
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

/* The page-level walk: every page reachable from the roots, checked before anything dereferences what it holds. */
typedef struct hybrid_pages {
    MDB_env *env;
    pgno_t count;           /* pages in the snapshot (the next unallocated page number) */
    uint8_t *used;          /* 1 for each page some tree uses */
    hybrid_lmdb_probe_report *r;
} hybrid_pages;

static int hybrid_bad(hybrid_pages *w, pgno_t pgno, const char *what)
{
    snprintf(w->r->detail, sizeof w->r->detail, "page %llu: %s", (unsigned long long)pgno, what);
    return HYBRID_PROBE_BAD_PAGE;
}

/* Claims `n` pages from `pgno` for a tree: each must be inside the file and used once. */
static int hybrid_claim(hybrid_pages *w, pgno_t pgno, pgno_t n)
{
    if (pgno < NUM_METAS || pgno >= w->count || n > w->count - pgno) return hybrid_bad(w, pgno, "a page number outside the file");
    for (pgno_t i = 0; i < n; i++) {
        if (w->used[pgno + i]) return hybrid_bad(w, pgno + i, "a page used twice");
        w->used[pgno + i] = 1;
    }
    return 0;
}

static int hybrid_tree(hybrid_pages *w, pgno_t pgno, int depth)
{
    size_t psize = w->env->me_psize;
    int rc;
    if (pgno == P_INVALID) return 0; /* an empty database */
    if (depth >= CURSOR_STACK) return hybrid_bad(w, pgno, "a tree deeper than LMDB allows");
    if ((rc = hybrid_claim(w, pgno, 1)) != 0) return rc;
    MDB_page *p = (MDB_page *)(w->env->me_map + pgno * psize);
    if (p->mp_pgno != pgno) return hybrid_bad(w, pgno, "a page whose header names another page");
    unsigned flags = MP_FLAGS(p) & (P_BRANCH | P_LEAF | P_LEAF2 | P_OVERFLOW | P_META | P_SUBP);
    if (flags != P_BRANCH && flags != P_LEAF) return hybrid_bad(w, pgno, "a tree page that is neither a branch nor a leaf");
    /* Free space runs from lower to upper; both, like node offsets, count from PAGEBASE. */
    unsigned lower = PAGEBASE + MP_LOWER(p), upper = PAGEBASE + MP_UPPER(p);
    if ((MP_LOWER(p) & 1) || lower < PAGEHDRSZ || upper < lower || upper > psize) return hybrid_bad(w, pgno, "a page header with broken bounds");
    unsigned n = NUMKEYS(p);
    if (IS_BRANCH(p) && n == 0) return hybrid_bad(w, pgno, "a branch page without children");
    for (unsigned i = 0; i < n; i++) {
        unsigned at = MP_PTRS(p)[i] + PAGEBASE;
        if (at < upper || at + NODESIZE > psize) return hybrid_bad(w, pgno, "a node outside its page");
        MDB_node *node = NODEPTR(p, i);
        size_t data_at = at + NODESIZE + EVEN(NODEKSZ(node));
        if (data_at > psize) return hybrid_bad(w, pgno, "a key running past its page");
        if (IS_BRANCH(p)) {
            if ((rc = hybrid_tree(w, NODEPGNO(node), depth + 1)) != 0) return rc;
            continue;
        }
        size_t size = NODEDSZ(node);
        if (node->mn_flags & F_BIGDATA) {
            if (data_at + sizeof(pgno_t) > psize) return hybrid_bad(w, pgno, "an overflow reference running past its page");
            pgno_t first;
            memcpy(&first, (char *)p + data_at, sizeof first);
            pgno_t pages = OVPAGES(w->env, size);
            if ((rc = hybrid_claim(w, first, pages)) != 0) return rc;
            MDB_page *op = (MDB_page *)(w->env->me_map + first * psize);
            if (op->mp_pgno != first || !IS_OVERFLOW(op) || op->mp_pages != pages)
                return hybrid_bad(w, first, "an overflow page whose header does not match the value it holds");
        } else if (data_at + size > psize) {
            return hybrid_bad(w, pgno, "a value running past its page");
        } else if (node->mn_flags & F_SUBDATA) {
            MDB_db db;
            if (size != sizeof db) return hybrid_bad(w, pgno, "a sub-database record of the wrong size");
            memcpy(&db, (char *)p + data_at, sizeof db);
            if ((rc = hybrid_tree(w, db.md_root, 0)) != 0) return rc;
        } else if (node->mn_flags & F_DUPDATA) {
            return hybrid_bad(w, pgno, "duplicate values, which no Hybrid database uses");
        }
    }
    return 0;
}

/* Walks the free list's and the main database's trees (named databases hang off the main one), then checks that no
 * page listed as free is used by a tree: the writer would otherwise reuse a live page. */
static int hybrid_pages_check(MDB_txn *txn, hybrid_lmdb_probe_report *r)
{
    hybrid_pages w = { txn->mt_env, txn->mt_next_pgno, NULL, r };
    int rc;
    if ((w.used = calloc(w.count ? w.count : 1, 1)) == NULL) return ENOMEM;
    snprintf(r->database, sizeof r->database, "(free pages)");
    rc = hybrid_tree(&w, txn->mt_dbs[FREE_DBI].md_root, 0);
    if (rc == 0) {
        r->database[0] = 0;
        rc = hybrid_tree(&w, txn->mt_dbs[MAIN_DBI].md_root, 0);
    }
    if (rc == 0) {
        MDB_cursor *cursor;
        MDB_val key, data;
        snprintf(r->database, sizeof r->database, "(free pages)");
        if ((rc = mdb_cursor_open(txn, FREE_DBI, &cursor)) == 0) {
            for (rc = mdb_cursor_get(cursor, &key, &data, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)) {
                if ((rc = hybrid_check_free_list(&data, w.count - 1, r)) != 0) break;
                const size_t *ids = (const size_t *)data.mv_data;
                for (size_t i = 1; i <= ids[0] && rc == 0; i++)
                    if (w.used[ids[i]]) rc = hybrid_bad(&w, ids[i], "a page both used and listed as free");
                if (rc != 0) break;
            }
            mdb_cursor_close(cursor);
            if (rc == MDB_NOTFOUND) rc = 0;
        }
    }
    free(w.used);
    return rc;
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
    if ((rc = hybrid_pages_check(txn, r)) != 0) return rc;
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
