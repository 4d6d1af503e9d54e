/*
 * resolve.c: the in-memory index of reference data and the matching rules.
 * See resolve.h for the rules and the tie-breaks.
 */
#include "resolve.h"

#include <errno.h>
#include <libpsl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "email.h"
#include "freemail.h"
#include "phone.h"
#include "ts.h"

#include "banned.h"

/*
 * ---- the key store ----
 *
 * Every key of the tables (and every id of a record) lives in chunks that
 * never move, addressed by a 32-bit handle: the chunk in the high 16 bits,
 * the offset in 8-byte units in the low 16.  So a table slot is 8 bytes
 * (hash and handle), and the tables stay small enough for the cache.
 * Handle 0 is never given out.
 */
#define CHUNK_SHIFT 19
#define CHUNK_SIZE ((size_t)1 << CHUNK_SHIFT)   /* 512 KiB */
#define MAX_CHUNKS 65536u

struct store {
	char **chunks;          /* a big record has a chunk of its own */
	uint32_t n;             /* chunks in use */
	uint32_t cur;           /* the chunk small records go to */
	size_t used;            /* bytes used in chunk cur */
	char *slab;             /* normal chunks are cut from 2 MiB slabs */
	unsigned slab_left;     /* chunks left in it */
	void **mem;             /* the allocations, to free */
	size_t nmem;
};

/* Large allocations of the index: in huge pages where the system gives
 * them on request (transparent huge pages, "madvise"): fewer page faults,
 * and probes that land anywhere miss the TLB less. */
#define HUGE_PAGE ((size_t)2 << 20)

static void *
huge_alloc(size_t bytes)
{
	void *p;

	if (bytes < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		return xmalloc(bytes);
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void *
store_ptr(const struct store *st, uint32_t h)
{
	return st->chunks[h >> 16] + ((size_t)(h & 0xffff) << 3);
}

static void
store_keep(struct store *st, void *p)
{
	if ((st->nmem & (st->nmem - 1)) == 0)
		st->mem = xrealloc(st->mem, (st->nmem ? st->nmem * 2 : 1) *
			sizeof(*st->mem));
	st->mem[st->nmem++] = p;
}

static uint32_t
store_new_chunk(struct store *st, size_t size)
{
	char *c;

	if (st->n == MAX_CHUNKS)
		return UINT32_MAX;
	if (size == CHUNK_SIZE) {
		if (st->slab_left == 0) {
			st->slab = huge_alloc(HUGE_PAGE);
			store_keep(st, st->slab);
			st->slab_left = HUGE_PAGE / CHUNK_SIZE;
		}
		c = st->slab;
		st->slab += CHUNK_SIZE;
		st->slab_left--;
	} else {
		c = xmalloc(size);
		store_keep(st, c);
	}
	if ((st->n & (st->n - 1)) == 0)
		st->chunks = xrealloc(st->chunks, (st->n ? st->n * 2 : 1) *
			sizeof(*st->chunks));
	st->chunks[st->n] = c;
	return st->n++;
}

/*
 * Room for size bytes, aligned to align (8 or 64: a record that fits in
 * a cache line or two starts a line); 0 when the store is full (32 GiB).
 */
static uint32_t
store_alloc(struct store *st, size_t size, size_t align)
{
	uint32_t c;
	size_t at;

	size = (size + 7) & ~(size_t)7;
	if (st->n == 0) {
		/* chunk 0 is a normal one, and its first bytes unused */
		st->cur = store_new_chunk(st, CHUNK_SIZE);
		st->used = 8;
	}
	if (size > CHUNK_SIZE / 4) {
		c = store_new_chunk(st, size);
		return c == UINT32_MAX ? 0 : c << 16;
	}
	at = (st->used + align - 1) & ~(align - 1);
	if (at > CHUNK_SIZE || CHUNK_SIZE - at < size) {
		c = store_new_chunk(st, CHUNK_SIZE);
		if (c == UINT32_MAX)
			return 0;
		st->cur = c;
		at = 0;
	}
	c = (st->cur << 16) | (uint32_t)(at >> 3);
	st->used = at + size;
	return c;
}

static void
store_release(struct store *st)
{
	size_t i;

	for (i = 0; i < st->nmem; i++)
		free(st->mem[i]);
	free(st->mem);
	free(st->chunks);
	memset(st, 0, sizeof(*st));
}

/* ---- string-keyed hash tables whose values are chains of references ---- */

/* A reference: the kind in the top two bits, the record index below. */
enum ref_kind { REF_CONTACT, REF_LEAD, REF_ACCOUNT, REF_MAPPING };
#define REF(kind, i) (((uint32_t)(kind) << 30) | (uint32_t)(i))
#define REF_KIND(r) ((enum ref_kind)((r) >> 30))
#define REF_INDEX(r) ((r) & 0x3fffffffu)
#define NO_ENTRY UINT32_MAX

/*
 * A key in the store: its length, the first entry of its chain, and the
 * bytes, NUL-terminated (keys hold no NUL).
 *
 * Once the answer of a key is worked out (at resolve_index_finish for
 * address and domain keys, at the first lookup for numbers), the key moves
 * to a new record with the answer right after it (answer: its offset from
 * the record) and the slot points there: a lookup then costs one probe
 * and reads one place.
 */
struct keyrec {
	uint32_t len;
	uint32_t head;
	uint32_t answer;        /* 0: not worked out yet */
	uint32_t flags;         /* KEY_SELF */
	char key[];
};

/* An address spelt exactly as this key has this key for its match key
 * (seen once: email_match_key gave it back unchanged). */
#define KEY_SELF 1u

/*
 * Open addressing, linear probing, at most three quarters full.  A slot
 * keeps the low half of its key's hash: the position comes from it (growing
 * never hashes a key again) and it is compared before the key is touched.
 *
 * The big tables are filled in bulk: map_defer copies the key to the store
 * and notes it; map_flush (at resolve_index_finish, or at the first lookup)
 * puts the noted keys in the table in the order they came, with the slots
 * of the next ones prefetched, so the cache misses of a table much larger
 * than the cache overlap instead of following one another.
 */
struct slot {
	uint32_t hash;
	uint32_t key;           /* handle of the keyrec; 0: empty slot */
};

struct entry {
	uint32_t ref;
	uint32_t next;
};

struct pending {
	uint32_t hash;
	uint32_t key;           /* its keyrec, already in the store */
	uint32_t ref;
};

struct map {
	struct store *st;
	struct slot *slots;
	size_t mask;            /* slots - 1; a power of two minus one */
	size_t used;
	struct entry *entries;
	size_t nentries, centries;
	struct pending *pend;   /* noted by map_defer, not in the table yet */
	size_t npend, cpend;
};

static uint64_t
hash_bytes(const char *s, size_t n)
{
	/* eight bytes a step, then a final mix (murmur3's) */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static struct slot *
slots_alloc(size_t n)
{
	struct slot *p = huge_alloc(n * sizeof(struct slot));

	memset(p, 0, n * sizeof(struct slot));
	return p;
}

static void
map_init(struct map *m, struct store *st)
{
	memset(m, 0, sizeof(*m));
	m->st = st;
	m->mask = 63;
	m->slots = slots_alloc(m->mask + 1);
}

static void
map_release(struct map *m)
{
	free(m->slots);
	free(m->entries);
	free(m->pend);
	memset(m, 0, sizeof(*m));
}

static struct keyrec *
slot_key(const struct map *m, const struct slot *s)
{
	return store_ptr(m->st, s->key);
}

/* The slot of key (hash h), or the empty slot where it would go. */
static struct slot *
map_find(const struct map *m, const char *key, size_t n, uint64_t h)
{
	uint32_t h32 = (uint32_t)h;
	size_t i = h32 & m->mask;

	for (;;) {
		struct slot *s = &m->slots[i];

		if (s->key == 0)
			return s;
		if (s->hash == h32) {
			const struct keyrec *kr = slot_key(m, s);

			if (kr->len == n && memcmp(kr->key, key, n) == 0)
				return s;
		}
		i = (i + 1) & m->mask;
	}
}

/* Make the table hold at least want keys without growing. */
static void
map_resize(struct map *m, size_t want)
{
	struct slot *old = m->slots;
	size_t i, oldn = m->mask + 1, n = oldn;

	while (want * 4 > n * 3)
		n *= 2;
	if (n == oldn)
		return;
	m->mask = n - 1;
	m->slots = slots_alloc(n);
	for (i = 0; i < oldn; i++) {
		if (old[i].key != 0) {
			size_t j = old[i].hash & m->mask;

			while (m->slots[j].key != 0)
				j = (j + 1) & m->mask;
			m->slots[j] = old[i];
		}
	}
	free(old);
}

/* Room for more entries (chain links) without reallocating. */
static void
map_reserve_entries(struct map *m, size_t more)
{
	if (m->centries - m->nentries >= more)
		return;
	m->centries = m->nentries + more;
	m->entries = xrealloc(m->entries, m->centries * sizeof(*m->entries));
}

/* A new key record for key in the store; 0 when the store is full. */
static uint32_t
keyrec_new(struct store *st, const char *key, size_t n)
{
	struct keyrec *kr;
	uint32_t k;

	if (n > UINT32_MAX - 64 ||
	    (k = store_alloc(st, sizeof(*kr) + n + 1, 8)) == 0)
		return 0;
	kr = store_ptr(st, k);
	kr->len = (uint32_t)n;
	kr->head = NO_ENTRY;
	kr->answer = 0;
	kr->flags = 0;
	memcpy(kr->key, key, n);
	kr->key[n] = '\0';
	return k;
}

/* Put ref at the head of kr's chain, unless it is there already (the same
 * record twice: phone == mobile). */
static void
chain_add(struct map *m, struct keyrec *kr, uint32_t ref)
{
	struct entry *e;

	if (kr->head != NO_ENTRY && m->entries[kr->head].ref == ref)
		return;
	if (m->nentries == m->centries) {
		m->centries = m->centries ? m->centries * 2 : 256;
		m->entries = xrealloc(m->entries,
			m->centries * sizeof(*m->entries));
	}
	e = &m->entries[m->nentries];
	e->ref = ref;
	e->next = kr->head;
	kr->head = (uint32_t)m->nentries++;
}

/* Add ref under key now (a small table: the internal domains). */
static void
map_add(struct map *m, const char *key, size_t n, uint32_t ref)
{
	uint64_t h = hash_bytes(key, n);
	struct slot *s = map_find(m, key, n, h);
	uint32_t k;

	if (s->key == 0) {
		if ((k = keyrec_new(m->st, key, n)) == 0)
			return;
		if ((m->used + 1) * 4 > (m->mask + 1) * 3) {
			map_resize(m, m->used + 1);
			s = map_find(m, key, n, h);
		}
		s->hash = (uint32_t)h;
		s->key = k;
		m->used++;
	}
	chain_add(m, slot_key(m, s), ref);
}

/* Add ref under key at the next map_flush. */
static void
map_defer(struct map *m, const char *key, size_t n, uint32_t ref)
{
	uint32_t k = keyrec_new(m->st, key, n);
	struct pending *p;

	if (k == 0)
		return;
	if (m->npend == m->cpend) {
		m->cpend = m->cpend ? m->cpend * 2 : 256;
		m->pend = xrealloc(m->pend, m->cpend * sizeof(*m->pend));
	}
	p = &m->pend[m->npend++];
	p->hash = (uint32_t)hash_bytes(key, n);
	p->key = k;
	p->ref = ref;
}

/* How far ahead map_flush prefetches. */
#define FLUSH_AHEAD 16

static void
pend_free(struct map *m)
{
	free(m->pend);
	m->pend = NULL;
	m->npend = m->cpend = 0;
}

/*
 * Put the deferred keys in the table, in the order they came.  keep: leave
 * the list for answer_all, with the key of each one that was in the table
 * already set to 0.
 */
static void
map_flush(struct map *m, int keep)
{
	size_t i;

	if (m->npend == 0)
		return;
	map_resize(m, m->used + m->npend);
	map_reserve_entries(m, m->npend);
	for (i = 0; i < m->npend; i++) {
		const struct pending *p = &m->pend[i];
		struct keyrec *kr = store_ptr(m->st, p->key);
		size_t j = p->hash & m->mask;

		if (i + FLUSH_AHEAD < m->npend) {
			const struct pending *q = &m->pend[i + FLUSH_AHEAD];

			__builtin_prefetch(&m->slots[q->hash & m->mask], 1);
			__builtin_prefetch(store_ptr(m->st, q->key), 1);
		}
		for (;; j = (j + 1) & m->mask) {
			struct slot *s = &m->slots[j];
			struct keyrec *old;

			if (s->key == 0) {
				s->hash = p->hash;
				s->key = p->key;
				m->used++;
				break;
			}
			if (s->hash != p->hash)
				continue;
			old = slot_key(m, s);
			if (old->len == kr->len &&
			    memcmp(old->key, kr->key, kr->len) == 0) {
				kr = old; /* a key seen before: its chain */
				m->pend[i].key = 0;
				break;
			}
		}
		chain_add(m, kr, p->ref);
	}
	if (!keep)
		pend_free(m);
}

/* Forget the answers cached in the table (the index changed). */
static void
map_forget_answers(struct map *m)
{
	size_t i;

	for (i = 0; i <= m->mask; i++)
		if (m->slots[i].key != 0)
			slot_key(m, &m->slots[i])->answer = 0;
}

/* The slot of key; its key is 0 when the key is absent. */
static struct slot *
map_lookup(const struct map *m, const char *key, size_t n)
{
	return map_find(m, key, n, hash_bytes(key, n));
}

/* A set of strings is a map whose chains are not used. */
static int
set_has(const struct map *m, const char *key, size_t n)
{
	return m->used > 0 && map_lookup(m, key, n)->key != 0;
}

/* ---- records ---- */

/* modified: milliseconds since the epoch; 0 when unknown (the oldest) */
struct contact {
	const char *id, *account_id;
	int64_t modified;
};

struct lead {
	const char *id, *contact_id, *account_id;
	int64_t modified;
	int converted;
};

struct account {
	const char *id;
	int64_t modified;
};

struct mapping {
	const char *id, *contact_id, *account_id, *lead_id;
	int64_t modified;
};

#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vec, x) do { \
	if ((vec).n == (vec).cap) { \
		(vec).cap = (vec).cap ? (vec).cap * 2 : 256; \
		(vec).v = xrealloc((vec).v, (vec).cap * sizeof(*(vec).v)); \
	} \
	(vec).v[(vec).n++] = (x); \
} while (0)

/*
 * The tables are reached through pointers: a lookup (const index) may have
 * to flush them (map_flush) or cache an answer in them.
 */
struct resolve_index {
	struct store keys;      /* every key and id of the index */
	VEC(struct contact) contacts;
	VEC(struct lead) leads;
	VEC(struct account) accounts;
	VEC(struct mapping) mappings;
	struct map *email;      /* email key -> contacts, leads, mappings */
	struct map *phone;      /* E.164 -> contacts, leads, accounts, mappings */
	struct map *domain;     /* website domain -> accounts */
	struct map *by_id;      /* contact id -> contact (for its account) */
	struct map *bydomain;   /* answers by domain (see resolve_email) */
	struct freemail *freemail;
	struct map internal;
	psl_ctx_t *psl;
	char region[4];         /* default region of numbers without "+" */
	struct buf *scratch;    /* the keys of lookups: no malloc per lookup */
	int finished;
};

static const char *
nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* A copy of an id in the store (NULL for an absent one, or when the
 * store is full). */
static const char *
copy_id(struct resolve_index *ix, const char *s)
{
	size_t n;
	uint32_t k;
	char *p;

	if (nz(s) == NULL)
		return NULL;
	n = strlen(s);
	if (n > UINT32_MAX - 8 || (k = store_alloc(&ix->keys, n + 1, 8)) == 0)
		return NULL;
	p = store_ptr(&ix->keys, k);
	memcpy(p, s, n + 1);
	return p;
}

static struct map *
map_new(struct store *st)
{
	struct map *m = xmalloc(sizeof(*m));

	map_init(m, st);
	return m;
}

static void
map_free(struct map *m)
{
	map_release(m);
	free(m);
}

static void
flush_all(const struct resolve_index *ix)
{
	map_flush(ix->email, 0);
	map_flush(ix->phone, 0);
	map_flush(ix->domain, 0);
	map_flush(ix->by_id, 0);
}

/* The index changes: the answers cached so far may be wrong now. */
static void
unseal(struct resolve_index *ix)
{
	if (!ix->finished)
		return;
	ix->finished = 0;
	map_forget_answers(ix->email);
	map_forget_answers(ix->phone);
	map_forget_answers(ix->domain);
	map_forget_answers(ix->bydomain);
}

static int64_t
stamp(const char *s)
{
	int64_t ms;

	if (nz(s) == NULL || ts_parse(s, strlen(s), &ms) != 0)
		return 0;
	return ms;
}

struct resolve_index *
resolve_index_new(void)
{
	struct resolve_index *ix = xcalloc(1, sizeof(*ix));

	ix->email = map_new(&ix->keys);
	ix->phone = map_new(&ix->keys);
	ix->domain = map_new(&ix->keys);
	ix->by_id = map_new(&ix->keys);
	ix->bydomain = map_new(&ix->keys);
	ix->freemail = freemail_new_default();
	map_init(&ix->internal, &ix->keys);
	memcpy(ix->region, "US", 3);
	ix->scratch = xcalloc(1, sizeof(*ix->scratch));
	/* the newest of the distribution's list and libpsl's built-in one */
	ix->psl = psl_latest(NULL);
	return ix;
}

int
resolve_index_set_region(struct resolve_index *ix, const char *region)
{
	size_t n = region != NULL ? strlen(region) : 0;

	if (n != 2 || phone_country_code_for_region(region) == 0)
		return -1;
	memcpy(ix->region, region, 3);
	return 0;
}

void
resolve_index_free(struct resolve_index *ix)
{
	if (ix == NULL)
		return;
	map_free(ix->email);
	map_free(ix->phone);
	map_free(ix->domain);
	map_free(ix->by_id);
	map_free(ix->bydomain);
	freemail_free(ix->freemail);
	map_release(&ix->internal);
	free(ix->contacts.v);
	free(ix->leads.v);
	free(ix->accounts.v);
	free(ix->mappings.v);
	if (ix->psl != NULL)
		psl_free(ix->psl);
	store_release(&ix->keys);
	buf_release(ix->scratch);
	free(ix->scratch);
	free(ix);
}

static void
add_email(struct resolve_index *ix, struct buf *k, const char *addr,
	uint32_t ref)
{
	if (nz(addr) && resolve_email_key(addr, strlen(addr), k) == 0)
		map_defer(ix->email, k->data, k->len, ref);
}

static void
add_phone(struct resolve_index *ix, struct buf *k, const char *num,
	uint32_t ref)
{
	if (nz(num) && resolve_phone_key(num, strlen(num), ix->region, k) == 0)
		map_defer(ix->phone, k->data, k->len, ref);
}

int
resolve_index_add_contact(struct resolve_index *ix,
	const struct resolve_contact *c)
{
	struct contact rec;
	struct buf *k = ix->scratch;
	uint32_t ref;

	if (nz(c->id) == NULL || ix->contacts.n >= 0x3fffffff ||
	    (rec.id = copy_id(ix, c->id)) == NULL)
		return 1;
	unseal(ix);
	rec.account_id = copy_id(ix, c->account_id);
	rec.modified = stamp(c->modified);
	ref = REF(REF_CONTACT, ix->contacts.n);
	VEC_PUSH(ix->contacts, rec);
	map_defer(ix->by_id, rec.id, strlen(rec.id), ref);
	add_email(ix, k, c->email, ref);
	add_phone(ix, k, c->phone, ref);
	add_phone(ix, k, c->mobile_phone, ref);
	buf_reset(k);
	return 0;
}

int
resolve_index_add_lead(struct resolve_index *ix, const struct resolve_lead *l)
{
	struct lead rec;
	struct buf *k = ix->scratch;
	uint32_t ref;

	if (nz(l->id) == NULL || ix->leads.n >= 0x3fffffff ||
	    (rec.id = copy_id(ix, l->id)) == NULL)
		return 1;
	unseal(ix);
	rec.converted = l->is_converted != 0;
	rec.contact_id = rec.converted ? copy_id(ix, l->converted_contact_id)
		: NULL;
	rec.account_id = rec.converted ? copy_id(ix, l->converted_account_id)
		: NULL;
	rec.modified = stamp(l->modified);
	ref = REF(REF_LEAD, ix->leads.n);
	VEC_PUSH(ix->leads, rec);
	add_email(ix, k, l->email, ref);
	add_phone(ix, k, l->phone, ref);
	add_phone(ix, k, l->mobile_phone, ref);
	buf_reset(k);
	return 0;
}

static int
public_suffix(const struct resolve_index *ix, const char *domain)
{
	const psl_ctx_t *psl = ix->psl != NULL ? ix->psl : psl_builtin();

	return psl == NULL || psl_is_public_suffix(psl, domain);
}

int
resolve_index_add_account(struct resolve_index *ix,
	const struct resolve_account *a)
{
	struct account rec;
	struct buf k = BUF_INIT, k2 = BUF_INIT;
	uint32_t ref;

	if (nz(a->id) == NULL || ix->accounts.n >= 0x3fffffff ||
	    (rec.id = copy_id(ix, a->id)) == NULL)
		return 1;
	unseal(ix);
	rec.modified = stamp(a->modified);
	ref = REF(REF_ACCOUNT, ix->accounts.n);
	VEC_PUSH(ix->accounts, rec);
	/* a public suffix ("co.uk", "github.io") names no company */
	if (nz(a->website) &&
	    resolve_website_domain(a->website, strlen(a->website), &k) == 0 &&
	    !public_suffix(ix, k.data))
		map_defer(ix->domain, k.data, k.len, ref);
	if (nz(a->domain) &&
	    resolve_website_domain(a->domain, strlen(a->domain), &k2) == 0 &&
	    (k.len != k2.len || memcmp(k.data, k2.data, k.len) != 0) &&
	    !public_suffix(ix, k2.data))
		map_defer(ix->domain, k2.data, k2.len, ref);
	add_phone(ix, &k, a->phone, ref);
	buf_release(&k);
	buf_release(&k2);
	return 0;
}

int
resolve_index_add_mapping(struct resolve_index *ix,
	const struct resolve_mapping *m)
{
	struct mapping rec;
	struct buf k = BUF_INIT;
	uint32_t ref;

	if (nz(m->id) == NULL || !m->is_active || ix->mappings.n >= 0x3fffffff)
		return 1;
	if (nz(m->contact_id) == NULL && nz(m->account_id) == NULL &&
	    nz(m->lead_id) == NULL)
		return 1;
	if ((rec.id = copy_id(ix, m->id)) == NULL)
		return 1;
	unseal(ix);
	rec.contact_id = copy_id(ix, m->contact_id);
	rec.account_id = copy_id(ix, m->account_id);
	rec.lead_id = copy_id(ix, m->lead_id);
	rec.modified = stamp(m->modified);
	ref = REF(REF_MAPPING, ix->mappings.n);
	VEC_PUSH(ix->mappings, rec);
	add_email(ix, &k, m->email, ref);
	add_phone(ix, &k, m->phone, ref);
	buf_release(&k);
	return 0;
}

static int
add_domain_set(struct map *set, const char *d)
{
	struct buf k = BUF_INIT;
	int rc = -1;

	if (d != NULL && resolve_website_domain(d, strlen(d), &k) == 0) {
		map_add(set, k.data, k.len, 0);
		rc = 0;
	}
	buf_release(&k);
	return rc;
}

int
resolve_index_add_internal_domain(struct resolve_index *ix, const char *domain)
{
	unseal(ix);
	return add_domain_set(&ix->internal, domain);
}

int
resolve_index_add_freemail(struct resolve_index *ix, const char *domain)
{
	unseal(ix);
	return freemail_add(ix->freemail, domain, strlen(domain));
}

int
resolve_index_read_freemail(struct resolve_index *ix, const char *path,
	struct err *e)
{
	unseal(ix);
	return freemail_load(ix->freemail, path, e);
}

enum answer_kind { ANSWER_EMAIL, ANSWER_DOMAIN };
static void answer_all(const struct resolve_index *ix, struct map *m,
	enum answer_kind kind);

void
resolve_index_finish(struct resolve_index *ix)
{
	map_flush(ix->by_id, 0);
	map_flush(ix->email, 1);
	map_flush(ix->phone, 0);
	map_flush(ix->domain, 1);
	ix->finished = 1;
	/*
	 * The answers of every address and domain key now, while the records
	 * are read nearly in order (the numbers' answers are worked out at
	 * their first lookup: most streams hold no numbers).
	 */
	answer_all(ix, ix->email, ANSWER_EMAIL);
	answer_all(ix, ix->domain, ANSWER_DOMAIN);
}

void
resolve_index_stats(const struct resolve_index *ix, struct resolve_stats *st)
{
	st->contacts = ix->contacts.n;
	st->leads = ix->leads.n;
	st->accounts = ix->accounts.n;
	st->mappings = ix->mappings.n;
	st->freemail = freemail_count(ix->freemail);
	st->internal = ix->internal.used;
}

/* ---- keys ---- */

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
		c == '\v';
}

int
resolve_email_key(const char *addr, size_t n, struct buf *out)
{
	buf_reset(out);
	if (email_match_key(out, addr, n, NULL) != EMAIL_OK) {
		buf_reset(out);
		return -1;
	}
	return buf_failed(out) ? -1 : 0;
}

/* A number already in E.164: "+", a digit 1-9, 7 to 14 more digits. */
static int
is_e164(const char *s, size_t n)
{
	size_t i;

	if (n < 9 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The last resort when lib/phone cannot read a number: digits only. */
static int
phone_key_simple(const char *num, size_t n, struct buf *out)
{
	size_t i, ndig = 0;
	int plus = 0, seen = 0;
	char dig[32];

	buf_reset(out);
	i = 0;
	while (i < n && is_space((unsigned char)num[i]))
		i++;
	if (n - i >= 4 && strncasecmp(num + i, "tel:", 4) == 0)
		i += 4;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)num[i];

		if (c >= '0' && c <= '9') {
			if (ndig == sizeof(dig))
				return -1;
			dig[ndig++] = (char)c;
			seen = 1;
		} else if (c == '+' && !seen) {
			plus = 1;
			seen = 1;
		} else if (c == 'x' || c == 'X' || c == 'e' || c == 'E' ||
			   c == '#' || c == ';' || c == ',') {
			break; /* an extension or a parameter follows */
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
			   c == ')' || c == '/' || c == '\t' || c == 0xa0 ||
			   c == 0xc2) {
			continue;
		} else {
			return -1;
		}
	}
	if (!plus && ndig > 2 && dig[0] == '0' && dig[1] == '0') {
		memmove(dig, dig + 2, ndig - 2);
		ndig -= 2;
		plus = 1;
	}
	if (!plus) {
		if (ndig == 10 && dig[0] >= '2') {
			buf_addstr(out, "+1");
			buf_add(out, dig, ndig);
			return buf_failed(out) ? -1 : 0;
		}
		if (ndig == 11 && dig[0] == '1' && dig[1] >= '2') {
			buf_addch(out, '+');
			buf_add(out, dig, ndig);
			return buf_failed(out) ? -1 : 0;
		}
		return -1;
	}
	if (ndig < 8 || ndig > 15 || dig[0] == '0')
		return -1;
	buf_addch(out, '+');
	buf_add(out, dig, ndig);
	return buf_failed(out) ? -1 : 0;
}

int
resolve_phone_key(const char *num, size_t n, const char *region,
	struct buf *out)
{
	enum phone_status st;
	char *text;
	size_t i = 0;

	buf_reset(out);
	if (is_e164(num, n))
		return buf_add(out, num, n) == 0 ? 0 : -1;
	if (n == 0 || n > 250 || memchr(num, '\0', n) != NULL)
		return -1;
	text = xstrndup(num, n);
	st = phone_normalize(text, region, out, NULL);
	free(text);
	while (i < n && is_space((unsigned char)num[i]))
		i++;
	/* a number the metadata calls invalid is still the number written,
	 * when its country is written too: fictional and new ranges match */
	if ((st == PHONE_OK || (st == PHONE_INVALID && i < n &&
	    num[i] == '+')) && is_e164(out->data, out->len))
		return 0;
	return phone_key_simple(num, n, out);
}

int
resolve_website_domain(const char *website, size_t n, struct buf *out)
{
	const char *p = website, *end = website + n, *q;

	buf_reset(out);
	while (p < end && is_space((unsigned char)*p))
		p++;
	while (end > p && is_space((unsigned char)end[-1]))
		end--;
	/* scheme */
	for (q = p; q < end && *q != '/' && *q != '.' && *q != '@'; q++) {
		if (*q == ':') {
			if (end - q >= 3 && q[1] == '/' && q[2] == '/')
				p = q + 3;
			break;
		}
	}
	if (end - p >= 2 && p[0] == '/' && p[1] == '/')
		p += 2;
	/* the host ends at the path, query or fragment */
	for (q = p; q < end; q++)
		if (*q == '/' || *q == '?' || *q == '#' || *q == '\\')
			break;
	end = q;
	/* user info */
	for (q = end; q > p; q--)
		if (q[-1] == '@') {
			p = q;
			break;
		}
	/* port */
	for (q = p; q < end; q++)
		if (*q == ':') {
			end = q;
			break;
		}
	if (end - p >= 4 && strncasecmp(p, "www.", 4) == 0 &&
	    memchr(p + 4, '.', (size_t)(end - p - 4)) != NULL)
		p += 4;
	if (end == p || email_domain_canon(out, p, (size_t)(end - p), NULL) !=
	    EMAIL_OK || buf_failed(out)) {
		buf_reset(out);
		return -1;
	}
	return 0;
}

/* ---- lookups ---- */

/* What one candidate gives, and how it sorts. */
struct cand {
	int rank;               /* lower wins */
	int64_t modified;       /* later wins */
	const char *id;         /* lower wins */
	const char *contact_id, *lead_id, *account_id;
	const char *rule;
	double score;
};

static int
cand_better(const struct cand *a, const struct cand *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (a->modified != b->modified)
		return a->modified > b->modified;
	return strcmp(a->id, b->id) < 0;
}

/* What a candidate stands for: two with the same target are one. */
static const char *
cand_target(const struct cand *c)
{
	return c->contact_id ? c->contact_id :
		c->lead_id ? c->lead_id : c->account_id;
}

#define TIE_TRACK 64

struct pick {
	struct cand best;
	unsigned n;
	const char *targets[TIE_TRACK];
	unsigned ntargets;
	int overflow;
	int any;                /* best is set */
};

static void
pick_init(struct pick *p)
{
	p->n = 0;
	p->ntargets = 0;
	p->overflow = 0;
	p->any = 0;
}

static void
pick_offer(struct pick *p, const struct cand *c)
{
	const char *t = cand_target(c);
	unsigned i;

	if (p->overflow) {
		p->n++;
	} else {
		for (i = 0; i < p->ntargets; i++)
			if (strcmp(p->targets[i], t) == 0)
				break;
		if (i == p->ntargets) {
			if (p->ntargets == TIE_TRACK)
				p->overflow = 1;
			else
				p->targets[p->ntargets++] = t;
			p->n++;
		}
	}
	if (!p->any || cand_better(c, &p->best))
		p->best = *c;
	p->any = 1;
}

static const char *
contact_account(const struct resolve_index *ix, const char *contact_id)
{
	const struct slot *s;
	uint32_t head;

	if (contact_id == NULL)
		return NULL;
	map_flush(ix->by_id, 0);
	s = map_lookup(ix->by_id, contact_id, strlen(contact_id));
	if (s->key == 0)
		return NULL;
	/* the head of the chain: the contact added last */
	head = slot_key(ix->by_id, s)->head;
	return ix->contacts.v[REF_INDEX(ix->by_id->entries[head].ref)]
		.account_id;
}

static void
cand_contact(const struct resolve_index *ix, uint32_t ref, const char *rule,
	double score, struct cand *c)
{
	const struct contact *r = &ix->contacts.v[REF_INDEX(ref)];

	memset(c, 0, sizeof(*c));
	c->rank = 0;
	c->modified = r->modified;
	c->id = r->id;
	c->contact_id = r->id;
	c->account_id = r->account_id;
	c->rule = rule;
	c->score = score;
}

/* A lead: rank 0 when converted to a contact, else plain_rank. */
static void
cand_lead(const struct resolve_index *ix, uint32_t ref, const char *rule,
	const char *rule_conv, double score, int plain_rank, struct cand *c)
{
	const struct lead *r = &ix->leads.v[REF_INDEX(ref)];

	memset(c, 0, sizeof(*c));
	c->modified = r->modified;
	c->id = r->id;
	c->lead_id = r->id;
	c->score = score;
	if (r->converted && (r->contact_id || r->account_id)) {
		c->rank = r->contact_id ? 0 : 1;
		c->contact_id = r->contact_id;
		c->account_id = r->account_id ? r->account_id :
			contact_account(ix, r->contact_id);
		c->rule = rule_conv;
	} else {
		c->rank = plain_rank;
		c->rule = rule;
	}
}

static void
cand_account(const struct resolve_index *ix, uint32_t ref, const char *rule,
	double score, int rank, struct cand *c)
{
	const struct account *r = &ix->accounts.v[REF_INDEX(ref)];

	memset(c, 0, sizeof(*c));
	c->rank = rank;
	c->modified = r->modified;
	c->id = r->id;
	c->account_id = r->id;
	c->rule = rule;
	c->score = score;
}

static void
cand_mapping(const struct resolve_index *ix, uint32_t ref, const char *rule,
	struct cand *c)
{
	const struct mapping *r = &ix->mappings.v[REF_INDEX(ref)];

	memset(c, 0, sizeof(*c));
	c->rank = r->contact_id ? 0 : r->lead_id ? 1 : 2;
	c->modified = r->modified;
	c->id = r->id;
	c->contact_id = r->contact_id;
	c->lead_id = r->lead_id;
	c->account_id = r->account_id ? r->account_id :
		contact_account(ix, r->contact_id);
	c->rule = rule;
	c->score = 1.0;
}

static void
match_clear(struct resolve_match *m)
{
	int internal = m->is_internal;

	memset(m, 0, sizeof(*m));
	m->is_internal = internal;
}

/* The method: the rule, or "rule_tie:N" for N candidates. */
static void
method_text(struct resolve_match *m, const char *rule, unsigned n)
{
	size_t len = strlen(rule);

	if (n == 1 && len < sizeof(m->method))
		memcpy(m->method, rule, len + 1);
	else if (n == 1)
		snprintf(m->method, sizeof(m->method), "%s", rule);
	else
		snprintf(m->method, sizeof(m->method), "%s_tie:%u", rule, n);
}

/* Fill m from the pick; returns 1 (matched) or 0 (no candidate). */
static int
match_fill(struct resolve_match *m, const struct pick *p, const char *conf)
{
	const struct cand *b = &p->best;

	if (p->n == 0)
		return 0;
	m->contact_id = b->contact_id;
	m->lead_id = b->lead_id;
	m->account_id = b->account_id;
	m->rule = b->rule;
	m->candidates = p->n;
	if (p->n == 1) {
		m->confidence = conf;
		m->score = b->score;
	} else {
		m->confidence = strcmp(conf, "manual") == 0 ? conf : "fuzzy";
		m->score = b->score / (1.0 + (double)(p->n - 1) / 4.0);
	}
	method_text(m, b->rule, p->n);
	/* three decimals: the same text on every platform */
	m->score = (double)(long)(m->score * 1000.0 + 0.5) / 1000.0;
	return 1;
}

/* Rule 1 on a chain: the active manual mappings. */
static int
rule_manual(const struct resolve_index *ix, const struct map *mp,
	uint32_t head, const char *rule, struct resolve_match *m)
{
	struct pick p;
	struct cand c;
	uint32_t e;

	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = mp->entries[e].next) {
		uint32_t ref = mp->entries[e].ref;

		if (REF_KIND(ref) != REF_MAPPING)
			continue;
		cand_mapping(ix, ref, rule, &c);
		pick_offer(&p, &c);
	}
	return match_fill(m, &p, "manual");
}

/* Is domain d[0..end) or one of its parents ("a.b.c" -> "b.c" -> "c") in
 * set? */
static int
domain_in(const struct map *set, const char *d, const char *end)
{
	const char *p = d;

	for (;;) {
		if (set_has(set, p, (size_t)(end - p)))
			return 1;
		p = memchr(p, '.', (size_t)(end - p));
		if (p == NULL)
			return 0;
		p++;
	}
}

/*
 * An answer, right after its key in the store: what resolve_email or
 * resolve_phone returns for the key.  The rule and the confidence by
 * number; the method follows from the rule and the candidates (see
 * match_fill); the ids follow, each NUL-terminated ("" for none: an id is
 * never empty).  With a key of usual length, key and answer fit in two
 * cache lines.
 */
struct answer {
	double score;
	uint32_t candidates;
	uint16_t clen, llen, alen;
	uint8_t rc, is_internal, rule, conf;
	char text[];
};

static const char *const rule_names[] = { NULL, "manual_email",
	"manual_phone", "email_contact", "email_lead", "email_lead_converted",
	"phone_contact", "phone_account", "phone_lead", "phone_lead_converted",
	"domain" };
static const char *const conf_names[] = { NULL, "exact", "fuzzy", "manual" };

/* The number of s in names (n of them), or -1. */
static int
name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static size_t
len0(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/*
 * Remember (rc, m) as the answer of key in table mp, in slot s (found by
 * map_find; empty when the key is new to the table): after
 * resolve_index_finish only (before it, more records may come and change
 * the answer).  The key goes to a new record followed by the answer, and
 * the slot points there (a record it pointed to before is left unused:
 * nothing else points into these tables).  An answer that does not fit
 * the record (an id over 64 KiB) is not kept: it is worked out each time.
 */
static void
answer_put(const struct resolve_index *ix, struct map *mp, struct slot *s,
	const char *key, size_t n, uint32_t head, uint32_t hash, int rc,
	const struct resolve_match *m)
{
	size_t at = (sizeof(struct keyrec) + n + 1 + 7) & ~(size_t)7;
	size_t cl = len0(m->contact_id), ll = len0(m->lead_id);
	size_t al = len0(m->account_id);
	int rule = name_index(rule_names, sizeof(rule_names) /
		sizeof(*rule_names), m->rule);
	int conf = name_index(conf_names, sizeof(conf_names) /
		sizeof(*conf_names), m->confidence);
	struct keyrec *kr;
	struct answer *a;
	uint32_t k;
	char *p;

	if (!ix->finished || cl > UINT16_MAX || ll > UINT16_MAX ||
	    al > UINT16_MAX || rule < 0 || conf < 0 || n > UINT32_MAX - 64)
		return;
	k = store_alloc(mp->st, at + sizeof(*a) + cl + ll + al + 3, 64);
	if (k == 0)
		return;
	kr = store_ptr(mp->st, k);
	kr->len = (uint32_t)n;
	kr->head = head;
	kr->answer = (uint32_t)at;
	kr->flags = 0;
	memcpy(kr->key, key, n);
	kr->key[n] = '\0';
	a = (struct answer *)(void *)((char *)kr + at);
	a->score = m->score;
	a->candidates = m->candidates;
	a->clen = (uint16_t)cl;
	a->llen = (uint16_t)ll;
	a->alen = (uint16_t)al;
	a->rc = (uint8_t)rc;
	a->is_internal = (uint8_t)m->is_internal;
	a->rule = (uint8_t)rule;
	a->conf = (uint8_t)conf;
	p = a->text;
	memcpy(p, cl ? m->contact_id : "", cl + 1);
	p += cl + 1;
	memcpy(p, ll ? m->lead_id : "", ll + 1);
	p += ll + 1;
	memcpy(p, al ? m->account_id : "", al + 1);
	if (s->key == 0)
		mp->used++;
	s->hash = hash;
	s->key = k;
}

/* answer_put for a key already in the table. */
static void
answer_keep(const struct resolve_index *ix, struct map *mp, struct slot *s,
	int rc, const struct resolve_match *m)
{
	const struct keyrec *kr = slot_key(mp, s);

	answer_put(ix, mp, s, kr->key, kr->len, kr->head, s->hash, rc, m);
}

/* The answer of a key record, when there is one. */
static const struct answer *
answer_of(const struct keyrec *kr)
{
	return kr->answer ? (const struct answer *)(const void *)
		((const char *)kr + kr->answer) : NULL;
}

/* m (cleared) from a; returns what the lookup returned. */
static int
answer_get(const struct answer *a, struct resolve_match *m)
{
	const char *p = a->text;

	m->contact_id = a->clen ? p : NULL;
	p += a->clen + 1;
	m->lead_id = a->llen ? p : NULL;
	p += a->llen + 1;
	m->account_id = a->alen ? p : NULL;
	m->confidence = conf_names[a->conf];
	m->rule = rule_names[a->rule];
	m->score = a->score;
	m->candidates = a->candidates;
	m->is_internal = a->is_internal;
	if (m->rule != NULL)
		method_text(m, m->rule, m->candidates);
	return a->rc;
}

/* The domain part of an email key: after its last '@'. */
static const char *
key_domain(const char *key, size_t n)
{
	const char *d = key + n;

	while (d > key && d[-1] != '@')
		d--;
	return d;
}

/* The accounts of a chain of the domain table (m clear). */
static int
domain_accounts(const struct resolve_index *ix, uint32_t head,
	struct resolve_match *m)
{
	struct pick p;
	struct cand c;
	uint32_t e;
	int rc;

	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = ix->domain->entries[e].next) {
		cand_account(ix, ix->domain->entries[e].ref, "domain", 0.7, 0,
			&c);
		pick_offer(&p, &c);
	}
	rc = match_fill(m, &p, "fuzzy");
	if (!rc)
		match_clear(m);
	return rc;
}

/* The domain rule for the key's domain d[0..end); m is clear but for
 * is_internal. */
static int
rule_domain(const struct resolve_index *ix, const char *domain,
	const char *end, struct resolve_match *m)
{
	const char *d;
	int rc;

	/*
	 * Every level of the domain is looked up, most specific first: no
	 * public suffix is in the table (add_account keeps them out), so the
	 * walk never goes above the registrable domain without asking the
	 * Public Suffix List on every lookup.
	 */
	if (m->is_internal || ix->domain->used == 0)
		return 0;
	if (freemail_covers(ix->freemail, domain))
		return 0;
	for (d = domain; d != NULL; ) {
		struct slot *s = map_lookup(ix->domain, d,
			(size_t)(end - d));

		if (s->key != 0) {
			const struct keyrec *kr = slot_key(ix->domain, s);

			if (kr->answer)
				return answer_get(answer_of(kr), m);
			rc = domain_accounts(ix, kr->head, m);
			answer_keep(ix, ix->domain, s, rc, m);
			return rc;
		}
		d = memchr(d, '.', (size_t)(end - d));
		if (d != NULL)
			d++;
	}
	return 0;
}

/* Rules 1, 2, 3 and 6 for the key k, whose chain in the email table
 * starts at head. */
static int
email_rules(const struct resolve_index *ix, const char *key, size_t n,
	uint32_t head, struct resolve_match *m)
{
	const char *end = key + n, *domain = key_domain(key, n);
	struct pick p;
	struct cand c;
	uint32_t e;

	m->is_internal = ix->internal.used > 0 &&
		domain_in(&ix->internal, domain, end);
	if (head != NO_ENTRY) {
		if (rule_manual(ix, ix->email, head, "manual_email", m))
			return 1;
		pick_init(&p);
		for (e = head; e != NO_ENTRY; e = ix->email->entries[e].next) {
			uint32_t ref = ix->email->entries[e].ref;

			if (REF_KIND(ref) != REF_CONTACT)
				continue;
			cand_contact(ix, ref, "email_contact", 1.0, &c);
			pick_offer(&p, &c);
		}
		if (match_fill(m, &p, "exact"))
			return 1;
		pick_init(&p);
		for (e = head; e != NO_ENTRY; e = ix->email->entries[e].next) {
			uint32_t ref = ix->email->entries[e].ref;

			if (REF_KIND(ref) != REF_LEAD)
				continue;
			cand_lead(ix, ref, "email_lead", "email_lead_converted",
				0.95, 2, &c);
			pick_offer(&p, &c);
		}
		if (match_fill(m, &p, "exact"))
			return 1;
	}
	return rule_domain(ix, domain, end, m);
}

/*
 * The answers of addresses that are no key of the email table depend on
 * their domain only (is_internal, free mail, the domain rule): they are
 * kept by domain (the part after '@', as it is) in ix->bydomain, for at
 * most this many domains.  Without accounts there is no domain rule, and
 * nothing to keep.
 */
#define BYDOMAIN_MAX ((size_t)1 << 18)

int
resolve_email(const struct resolve_index *ix, const char *addr, size_t n,
	struct resolve_match *m)
{
	struct buf *k = ix->scratch;
	const struct map *em = ix->email;
	struct map *bd = ix->bydomain;
	struct slot *s;
	struct keyrec *kr = NULL;
	const char *d;
	uint64_t h, hd;
	size_t dn;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	flush_all(ix);
	/*
	 * Most addresses come spelt as their match key.  One seen before
	 * (KEY_SELF) is answered without working the key out; the probe of
	 * its domain is prefetched meanwhile, for an unknown address.
	 */
	h = hash_bytes(addr, n);
	__builtin_prefetch(&em->slots[(uint32_t)h & em->mask]);
	d = key_domain(addr, n);
	hd = hash_bytes(d, (size_t)(addr + n - d));
	__builtin_prefetch(&bd->slots[(uint32_t)hd & bd->mask]);
	s = map_find(em, addr, n, h);
	if (s->key != 0) {
		kr = slot_key(em, s);
		if (kr->answer && (kr->flags & KEY_SELF)) {
			rc = answer_get(answer_of(kr), m);
			goto out;
		}
	}
	if (resolve_email_key(addr, n, k) != 0)
		goto out;
	if (k->len != n || memcmp(k->data, addr, n) != 0) {
		/* another spelling: its key's places */
		d = key_domain(k->data, k->len);
		dn = (size_t)(k->data + k->len - d);
		h = hash_bytes(k->data, k->len);
		hd = hash_bytes(d, dn);
		__builtin_prefetch(&em->slots[(uint32_t)h & em->mask]);
		__builtin_prefetch(&bd->slots[(uint32_t)hd & bd->mask]);
		s = map_find(em, k->data, k->len, h);
		kr = s->key != 0 ? slot_key(em, s) : NULL;
	} else {
		d = k->data + (d - addr);
		dn = (size_t)(k->data + k->len - d);
	}
	if (s->key != 0) {
		if (kr->answer) {
			rc = answer_get(answer_of(kr), m);
		} else {
			rc = email_rules(ix, k->data, k->len, kr->head, m);
			if (!rc)
				match_clear(m);
			answer_keep(ix, ix->email, s, rc, m);
			kr = slot_key(em, s);
		}
		if (kr->answer && k->len == n && memcmp(k->data, addr, n) == 0)
			kr->flags |= KEY_SELF;
		goto out;
	}
	if (ix->domain->used == 0) {
		/* no domain rule: only is_internal, from a small table */
		rc = email_rules(ix, k->data, k->len, NO_ENTRY, m);
		if (!rc)
			match_clear(m);
		goto out;
	}
	s = map_find(bd, d, dn, hd);
	if (s->key != 0 && (kr = slot_key(bd, s))->answer) {
		rc = answer_get(answer_of(kr), m);
		goto out;
	}
	rc = email_rules(ix, k->data, k->len, NO_ENTRY, m);
	if (!rc)
		match_clear(m);
	if (s->key != 0) {
		answer_keep(ix, bd, s, rc, m);
	} else if (ix->finished && bd->used < BYDOMAIN_MAX) {
		if ((bd->used + 1) * 4 > (bd->mask + 1) * 3) {
			map_resize(bd, bd->used + 1);
			s = map_find(bd, d, dn, hd);
		}
		answer_put(ix, bd, s, d, dn, NO_ENTRY, (uint32_t)hd, rc, m);
	}
out:
	buf_reset(k);
	return rc;
}

/* Stage two of resolve_ahead: the record of the key hashed h, or for an
 * address no key has, the domain's record. */
static void
ahead_record(const struct resolve_index *ix, uint64_t h, uint64_t hd)
{
	const struct map *em = ix->email, *bd = ix->bydomain;
	uint32_t h32 = (uint32_t)h;
	size_t i;

	for (i = h32 & em->mask; em->slots[i].key != 0; i = (i + 1) & em->mask)
		if (em->slots[i].hash == h32) {
			const char *kr = store_ptr(em->st, em->slots[i].key);

			__builtin_prefetch(kr);
			__builtin_prefetch(kr + 64);
			__builtin_prefetch(kr + 128);
			return;
		}
	h32 = (uint32_t)hd;
	for (i = h32 & bd->mask; bd->slots[i].key != 0; i = (i + 1) & bd->mask)
		if (bd->slots[i].hash == h32) {
			const char *kr = store_ptr(bd->st, bd->slots[i].key);

			__builtin_prefetch(kr);
			__builtin_prefetch(kr + 64);
			return;
		}
}

void
resolve_ahead(const struct resolve_index *ix, struct resolve_ahead *a,
	const char *text, size_t len)
{
	unsigned i = a->n % RESOLVE_AHEAD_RING;
	unsigned j = (a->n - RESOLVE_AHEAD_HALF) % RESOLVE_AHEAD_RING;
	const char *at, *b, *e, *end = text + len;

	if (a->n++ >= RESOLVE_AHEAD_HALF && a->set[j])
		ahead_record(ix, a->h[j], a->hd[j]);
	a->set[i] = 0;
	if (!ix->finished || (at = memchr(text, '@', len)) == NULL)
		return;
	for (b = at; b > text && b[-1] != '"' && b[-1] != '\\'; b--)
		;
	for (e = at + 1; e < end && *e != '"' && *e != '\\'; e++)
		;
	if (b == text || b[-1] != '"' || e == end || *e != '"')
		return;
	a->h[i] = hash_bytes(b, (size_t)(e - b));
	a->hd[i] = hash_bytes(at + 1, (size_t)(e - at - 1));
	a->set[i] = 1;
	__builtin_prefetch(&ix->email->slots[(uint32_t)a->h[i] &
		ix->email->mask]);
	__builtin_prefetch(&ix->bydomain->slots[(uint32_t)a->hd[i] &
		ix->bydomain->mask]);
}

static int
phone_rules(const struct resolve_index *ix, uint32_t head,
	struct resolve_match *m)
{
	struct pick p;
	struct cand c;
	uint32_t e;

	if (rule_manual(ix, ix->phone, head, "manual_phone", m))
		return 1;
	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = ix->phone->entries[e].next) {
		uint32_t ref = ix->phone->entries[e].ref;

		if (REF_KIND(ref) != REF_CONTACT)
			continue;
		cand_contact(ix, ref, "phone_contact", 0.9, &c);
		pick_offer(&p, &c);
	}
	if (match_fill(m, &p, "exact"))
		return 1;
	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = ix->phone->entries[e].next) {
		uint32_t ref = ix->phone->entries[e].ref;

		if (REF_KIND(ref) == REF_ACCOUNT)
			cand_account(ix, ref, "phone_account", 0.8, 1, &c);
		else if (REF_KIND(ref) == REF_LEAD)
			cand_lead(ix, ref, "phone_lead", "phone_lead_converted",
				0.8, 2, &c);
		else
			continue;
		pick_offer(&p, &c);
	}
	return match_fill(m, &p, "exact");
}

int
resolve_phone(const struct resolve_index *ix, const char *num, size_t n,
	struct resolve_match *m)
{
	struct buf *k = ix->scratch;
	struct slot *s;
	const struct keyrec *kr;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	flush_all(ix);
	if (resolve_phone_key(num, n, ix->region, k) != 0)
		goto out;
	s = map_lookup(ix->phone, k->data, k->len);
	if (s->key == 0)
		goto out;
	kr = slot_key(ix->phone, s);
	if (kr->answer) {
		rc = answer_get(answer_of(kr), m);
		goto out;
	}
	rc = phone_rules(ix, kr->head, m);
	if (!rc)
		match_clear(m);
	answer_keep(ix, ix->phone, s, rc, m);
out:
	buf_reset(k);
	return rc;
}

/*
 * Work out the answer of every key noted in m's list (map_flush kept it),
 * in the order the records came: their data is read nearly in order, and
 * the slots are prefetched, so this costs a fraction of answering the keys
 * one by one at their first lookup.
 */
static void
answer_all(const struct resolve_index *ix, struct map *m,
	enum answer_kind kind)
{
	struct resolve_match ma;
	size_t i, j;
	int rc;

	for (i = 0; i < m->npend; i++) {
		const struct pending *p = &m->pend[i];
		struct keyrec *kr;

		if (i + FLUSH_AHEAD < m->npend)
			__builtin_prefetch(&m->slots[m->pend[i +
				FLUSH_AHEAD].hash & m->mask]);
		if (p->key == 0)
			continue; /* a key seen before: answered once */
		for (j = p->hash & m->mask; m->slots[j].key != 0 &&
		     m->slots[j].key != p->key; j = (j + 1) & m->mask)
			;
		if (m->slots[j].key == 0)
			continue; /* answered already (moved) */
		kr = slot_key(m, &m->slots[j]);
		memset(&ma, 0, sizeof(ma));
		switch (kind) {
		case ANSWER_EMAIL:
			rc = email_rules(ix, kr->key, kr->len, kr->head, &ma);
			break;
		default:
			rc = domain_accounts(ix, kr->head, &ma);
			break;
		}
		if (!rc)
			match_clear(&ma);
		answer_keep(ix, m, &m->slots[j], rc, &ma);
	}
	pend_free(m);
}
