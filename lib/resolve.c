/*
 * resolve.c: the in-memory index of reference data and the matching rules.
 * See resolve.h for the rules and the tie-breaks.
 */
#include "resolve.h"

#include <errno.h>
#include <libpsl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "freemail.h"
#include "phone.h"
#include "ts.h"

#include "banned.h"

/* ---- an arena for the strings of the index ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct arena_block *head;
};

static char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	struct arena_block *b = a->head;
	char *p;

	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;

		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static void
arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ---- a string-keyed hash table whose values are chains of references ---- */

/* A reference: the kind in the top two bits, the record index below. */
enum ref_kind { REF_CONTACT, REF_LEAD, REF_ACCOUNT, REF_MAPPING };
#define REF(kind, i) (((uint32_t)(kind) << 30) | (uint32_t)(i))
#define REF_KIND(r) ((enum ref_kind)((r) >> 30))
#define REF_INDEX(r) ((r) & 0x3fffffffu)
#define NO_ENTRY UINT32_MAX

/* Keys hold no NUL byte (they are C strings), so strncmp compares them. */
struct slot {
	const char *key;        /* NULL: empty slot; NUL-terminated, in the arena */
	uint32_t tag;           /* the high half of the key's hash */
	uint32_t head;          /* first entry of the chain */
};

struct entry {
	uint32_t ref;
	uint32_t next;
};

struct map {
	struct slot *slots;
	size_t mask;            /* slots - 1; a power of two minus one */
	size_t used;
	struct entry *entries;
	size_t nentries, centries;
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

static void
map_init(struct map *m)
{
	memset(m, 0, sizeof(*m));
	m->mask = 63;
	m->slots = xcalloc(m->mask + 1, sizeof(*m->slots));
}

static void
map_release(struct map *m)
{
	free(m->slots);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

static struct slot *
map_find(const struct map *m, const char *key, size_t n, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;;) {
		struct slot *s = &m->slots[i];

		if (s->key == NULL)
			return s;
		if (s->tag == (uint32_t)(h >> 32) &&
		    strncmp(s->key, key, n) == 0 && s->key[n] == '\0')
			return s;
		i = (i + 1) & m->mask;
	}
}

static void
map_grow(struct map *m)
{
	struct slot *old = m->slots;
	size_t i, oldn = m->mask + 1;

	m->mask = oldn * 2 - 1;
	m->slots = xcalloc(m->mask + 1, sizeof(*m->slots));
	for (i = 0; i < oldn; i++) {
		if (old[i].key != NULL) {
			size_t n = strlen(old[i].key);
			struct slot *s = map_find(m, old[i].key, n,
				hash_bytes(old[i].key, n));

			*s = old[i];
		}
	}
	free(old);
}

/* Add ref under key (copied into the arena the first time). */
static void
map_add(struct map *m, struct arena *a, const char *key, size_t n,
	uint32_t ref)
{
	uint64_t h = hash_bytes(key, n);
	struct slot *s = map_find(m, key, n, h);
	struct entry *e;

	if (s->key == NULL) {
		if ((m->used + 1) * 2 > m->mask + 1) {
			map_grow(m);
			s = map_find(m, key, n, h);
		}
		s->key = arena_strndup(a, key, n);
		s->tag = (uint32_t)(h >> 32);
		s->head = NO_ENTRY;
		m->used++;
	} else if (s->head != NO_ENTRY && m->entries[s->head].ref == ref) {
		return; /* the same record twice (phone == mobile) */
	}
	if (m->nentries == m->centries) {
		m->centries = m->centries ? m->centries * 2 : 256;
		m->entries = xrealloc(m->entries,
			m->centries * sizeof(*m->entries));
	}
	e = &m->entries[m->nentries];
	e->ref = ref;
	e->next = s->head;
	s->head = (uint32_t)m->nentries++;
}

/* The first entry of key's chain, or NO_ENTRY. */
static uint32_t
map_get(const struct map *m, const char *key, size_t n)
{
	const struct slot *s = map_find(m, key, n, hash_bytes(key, n));

	return s->key == NULL ? NO_ENTRY : s->head;
}

/* A set of strings is a map whose chains are not used. */
static int
set_has(const struct map *m, const char *key, size_t n)
{
	return m->used > 0 && map_get(m, key, n) != NO_ENTRY;
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

struct resolve_index {
	struct arena strings;
	struct map ids;         /* interned ids: one pointer per distinct id */
	VEC(struct contact) contacts;
	VEC(struct lead) leads;
	VEC(struct account) accounts;
	VEC(struct mapping) mappings;
	struct map email;       /* email key -> contacts, leads, mappings */
	struct map phone;       /* E.164 -> contacts, leads, accounts, mappings */
	struct map domain;      /* website domain -> accounts */
	struct map contact_by_id; /* contact id -> contact (for its account) */
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

/* Interned copy of an id (or NULL for an absent one). */
static const char *
intern(struct resolve_index *ix, const char *s)
{
	size_t n;
	uint64_t h;
	struct slot *sl;

	if (nz(s) == NULL)
		return NULL;
	n = strlen(s);
	h = hash_bytes(s, n);
	sl = map_find(&ix->ids, s, n, h);
	if (sl->key == NULL) {
		if ((ix->ids.used + 1) * 2 > ix->ids.mask + 1) {
			map_grow(&ix->ids);
			sl = map_find(&ix->ids, s, n, h);
		}
		sl->key = arena_strndup(&ix->strings, s, n);
		sl->tag = (uint32_t)(h >> 32);
		sl->head = NO_ENTRY;
		ix->ids.used++;
	}
	return sl->key;
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

	map_init(&ix->ids);
	map_init(&ix->email);
	map_init(&ix->phone);
	map_init(&ix->domain);
	map_init(&ix->contact_by_id);
	ix->freemail = freemail_new_default();
	map_init(&ix->internal);
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
	map_release(&ix->ids);
	map_release(&ix->email);
	map_release(&ix->phone);
	map_release(&ix->domain);
	map_release(&ix->contact_by_id);
	freemail_free(ix->freemail);
	map_release(&ix->internal);
	free(ix->contacts.v);
	free(ix->leads.v);
	free(ix->accounts.v);
	free(ix->mappings.v);
	if (ix->psl != NULL)
		psl_free(ix->psl);
	arena_release(&ix->strings);
	buf_release(ix->scratch);
	free(ix->scratch);
	free(ix);
}

static void
add_email(struct resolve_index *ix, struct buf *k, const char *addr,
	uint32_t ref)
{
	if (nz(addr) && resolve_email_key(addr, strlen(addr), k) == 0)
		map_add(&ix->email, &ix->strings, k->data, k->len, ref);
}

static void
add_phone(struct resolve_index *ix, struct buf *k, const char *num,
	uint32_t ref)
{
	if (nz(num) && resolve_phone_key(num, strlen(num), ix->region, k) == 0)
		map_add(&ix->phone, &ix->strings, k->data, k->len, ref);
}

int
resolve_index_add_contact(struct resolve_index *ix,
	const struct resolve_contact *c)
{
	struct contact rec;
	struct buf k = BUF_INIT;
	uint32_t ref;

	if (nz(c->id) == NULL || ix->contacts.n >= 0x3fffffff)
		return 1;
	rec.id = intern(ix, c->id);
	rec.account_id = intern(ix, c->account_id);
	rec.modified = stamp(c->modified);
	ref = REF(REF_CONTACT, ix->contacts.n);
	VEC_PUSH(ix->contacts, rec);
	map_add(&ix->contact_by_id, &ix->strings, rec.id, strlen(rec.id), ref);
	add_email(ix, &k, c->email, ref);
	add_phone(ix, &k, c->phone, ref);
	add_phone(ix, &k, c->mobile_phone, ref);
	buf_release(&k);
	return 0;
}

int
resolve_index_add_lead(struct resolve_index *ix, const struct resolve_lead *l)
{
	struct lead rec;
	struct buf k = BUF_INIT;
	uint32_t ref;

	if (nz(l->id) == NULL || ix->leads.n >= 0x3fffffff)
		return 1;
	rec.id = intern(ix, l->id);
	rec.converted = l->is_converted != 0;
	rec.contact_id = rec.converted ? intern(ix, l->converted_contact_id)
		: NULL;
	rec.account_id = rec.converted ? intern(ix, l->converted_account_id)
		: NULL;
	rec.modified = stamp(l->modified);
	ref = REF(REF_LEAD, ix->leads.n);
	VEC_PUSH(ix->leads, rec);
	add_email(ix, &k, l->email, ref);
	add_phone(ix, &k, l->phone, ref);
	add_phone(ix, &k, l->mobile_phone, ref);
	buf_release(&k);
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

	if (nz(a->id) == NULL || ix->accounts.n >= 0x3fffffff)
		return 1;
	rec.id = intern(ix, a->id);
	rec.modified = stamp(a->modified);
	ref = REF(REF_ACCOUNT, ix->accounts.n);
	VEC_PUSH(ix->accounts, rec);
	/* a public suffix ("co.uk", "github.io") names no company */
	if (nz(a->website) &&
	    resolve_website_domain(a->website, strlen(a->website), &k) == 0 &&
	    !public_suffix(ix, k.data))
		map_add(&ix->domain, &ix->strings, k.data, k.len, ref);
	if (nz(a->domain) &&
	    resolve_website_domain(a->domain, strlen(a->domain), &k2) == 0 &&
	    (k.len != k2.len || memcmp(k.data, k2.data, k.len) != 0) &&
	    !public_suffix(ix, k2.data))
		map_add(&ix->domain, &ix->strings, k2.data, k2.len, ref);
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
	rec.id = intern(ix, m->id);
	rec.contact_id = intern(ix, m->contact_id);
	rec.account_id = intern(ix, m->account_id);
	rec.lead_id = intern(ix, m->lead_id);
	rec.modified = stamp(m->modified);
	ref = REF(REF_MAPPING, ix->mappings.n);
	VEC_PUSH(ix->mappings, rec);
	add_email(ix, &k, m->email, ref);
	add_phone(ix, &k, m->phone, ref);
	buf_release(&k);
	return 0;
}

static int
add_domain_set(struct resolve_index *ix, struct map *set, const char *d)
{
	struct buf k = BUF_INIT;
	int rc = -1;

	if (d != NULL && resolve_website_domain(d, strlen(d), &k) == 0) {
		map_add(set, &ix->strings, k.data, k.len, 0);
		rc = 0;
	}
	buf_release(&k);
	return rc;
}

int
resolve_index_add_internal_domain(struct resolve_index *ix, const char *domain)
{
	return add_domain_set(ix, &ix->internal, domain);
}

int
resolve_index_add_freemail(struct resolve_index *ix, const char *domain)
{
	return freemail_add(ix->freemail, domain, strlen(domain));
}

int
resolve_index_read_freemail(struct resolve_index *ix, const char *path,
	struct err *e)
{
	return freemail_load(ix->freemail, path, e);
}

void
resolve_index_finish(struct resolve_index *ix)
{
	if (ix->finished)
		return;
	ix->finished = 1;
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
			if (p->targets[i] == t) /* interned: pointers compare */
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
	uint32_t e;

	if (contact_id == NULL)
		return NULL;
	e = map_get(&ix->contact_by_id, contact_id, strlen(contact_id));
	if (e == NO_ENTRY)
		return NULL;
	return ix->contacts.v[REF_INDEX(ix->contact_by_id.entries[e].ref)]
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
		snprintf(m->method, sizeof(m->method), "%s", b->rule);
	} else {
		m->confidence = strcmp(conf, "manual") == 0 ? conf : "fuzzy";
		m->score = b->score / (1.0 + (double)(p->n - 1) / 4.0);
		snprintf(m->method, sizeof(m->method), "%s_tie:%u", b->rule,
			p->n);
	}
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

/* The domain part of a key, at a level: "a.b.c" -> "b.c" -> "c". */
static int
domain_in(const struct map *set, const char *d, const char *stop)
{
	const char *p = d;

	for (;;) {
		if (set_has(set, p, strlen(p)))
			return 1;
		if (stop != NULL && p == stop)
			return 0;
		p = strchr(p, '.');
		if (p == NULL)
			return 0;
		p++;
	}
}

int
resolve_email(const struct resolve_index *ix, const char *addr, size_t n,
	struct resolve_match *m)
{
	struct buf *k = ix->scratch;
	struct pick p;
	struct cand c;
	uint32_t head, e;
	const char *domain, *d;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (resolve_email_key(addr, n, k) != 0)
		goto out;
	domain = strrchr(k->data, '@') + 1;
	m->is_internal = ix->internal.used > 0 &&
		domain_in(&ix->internal, domain, NULL);
	head = map_get(&ix->email, k->data, k->len);
	if (head != NO_ENTRY) {
		if (rule_manual(ix, &ix->email, head, "manual_email", m)) {
			rc = 1;
			goto out;
		}
		pick_init(&p);
		for (e = head; e != NO_ENTRY; e = ix->email.entries[e].next) {
			uint32_t ref = ix->email.entries[e].ref;

			if (REF_KIND(ref) != REF_CONTACT)
				continue;
			cand_contact(ix, ref, "email_contact", 1.0, &c);
			pick_offer(&p, &c);
		}
		if (match_fill(m, &p, "exact")) {
			rc = 1;
			goto out;
		}
		pick_init(&p);
		for (e = head; e != NO_ENTRY; e = ix->email.entries[e].next) {
			uint32_t ref = ix->email.entries[e].ref;

			if (REF_KIND(ref) != REF_LEAD)
				continue;
			cand_lead(ix, ref, "email_lead", "email_lead_converted",
				0.95, 2, &c);
			pick_offer(&p, &c);
		}
		if (match_fill(m, &p, "exact")) {
			rc = 1;
			goto out;
		}
	}
	/*
	 * The domain rule.  Every level of the domain is looked up, most
	 * specific first: no public suffix is in the table (add_account keeps
	 * them out), so the walk never goes above the registrable domain
	 * without asking the Public Suffix List on every lookup.
	 */
	if (m->is_internal || ix->domain.used == 0)
		goto out;
	if (freemail_covers(ix->freemail, domain))
		goto out;
	for (d = domain; d != NULL; d = strchr(d, '.'), d = d ? d + 1 : NULL) {
		head = map_get(&ix->domain, d, strlen(d));
		if (head != NO_ENTRY) {
			pick_init(&p);
			for (e = head; e != NO_ENTRY;
			     e = ix->domain.entries[e].next) {
				cand_account(ix, ix->domain.entries[e].ref,
					"domain", 0.7, 0, &c);
				pick_offer(&p, &c);
			}
			rc = match_fill(m, &p, "fuzzy");
			break;
		}
	}
out:
	if (!rc)
		match_clear(m);
	buf_reset(k);
	return rc;
}

int
resolve_phone(const struct resolve_index *ix, const char *num, size_t n,
	struct resolve_match *m)
{
	struct buf *k = ix->scratch;
	struct pick p;
	struct cand c;
	uint32_t head, e;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (resolve_phone_key(num, n, ix->region, k) != 0)
		goto out;
	head = map_get(&ix->phone, k->data, k->len);
	if (head == NO_ENTRY)
		goto out;
	if (rule_manual(ix, &ix->phone, head, "manual_phone", m)) {
		rc = 1;
		goto out;
	}
	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = ix->phone.entries[e].next) {
		uint32_t ref = ix->phone.entries[e].ref;

		if (REF_KIND(ref) != REF_CONTACT)
			continue;
		cand_contact(ix, ref, "phone_contact", 0.9, &c);
		pick_offer(&p, &c);
	}
	if (match_fill(m, &p, "exact")) {
		rc = 1;
		goto out;
	}
	pick_init(&p);
	for (e = head; e != NO_ENTRY; e = ix->phone.entries[e].next) {
		uint32_t ref = ix->phone.entries[e].ref;

		if (REF_KIND(ref) == REF_ACCOUNT)
			cand_account(ix, ref, "phone_account", 0.8, 1, &c);
		else if (REF_KIND(ref) == REF_LEAD)
			cand_lead(ix, ref, "phone_lead", "phone_lead_converted",
				0.8, 2, &c);
		else
			continue;
		pick_offer(&p, &c);
	}
	rc = match_fill(m, &p, "exact");
out:
	if (!rc)
		match_clear(m);
	buf_reset(k);
	return rc;
}
