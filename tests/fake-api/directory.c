/*
 * directory.c: the seeded directory of companies, people and reps shared by
 * every fake-api module (fake_dir.h).
 *
 * Phone numbers of external parties are valid numbers of their country's
 * numbering plan (libphonenumber accepts them; none is in a fictional range
 * such as 555-01xx or Ofcom's drama ranges), written the ways people write
 * them: "(415) 867-2301", "+44 (0)20 7123 4567", "0049 30 21234567", ...
 */
#include "fake.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static const struct fake_option dir_options[] = {
	{ "companies", "30", "companies in the shared directory" },
	{ "people", "150", "external people in the shared directory" },
	{ "reps", "5", "our own sales reps" },
	{ "scale", "1", "multiply --companies and --people by this" },
	{ NULL, NULL, NULL },
};

static int built;
static struct fake_company *companies;
static size_t ncompanies;
static struct fake_person *people;
static size_t npeople;
static struct fake_rep *reps;
static size_t nreps;
/* every string we allocate, to free at release */
static char **strs;
static size_t nstrs, capstrs;

static const char *
keep(char *s)
{
	if (nstrs == capstrs) {
		capstrs = capstrs ? capstrs * 2 : 256;
		strs = xrealloc(strs, capstrs * sizeof *strs);
	}
	strs[nstrs++] = s;
	return s;
}

static const char *
keepbuf(struct buf *b)
{
	size_t n;

	return keep(buf_detach(b, &n));
}

#define PICK(g, arr) ((arr)[fake_rng_below((g), sizeof(arr) / sizeof((arr)[0]))])

/* ---- countries and their phone numbers ---- */

struct country {
	const char *code;
	const char *const *tlds;      /* company domain suffixes */
	const char *const *first;
	const char *const *last;
	size_t nfirst, nlast;
};

static const char *const us_tld[] = { ".com", ".io", ".com", ".co", NULL };
static const char *const gb_tld[] = { ".co.uk", ".com", ".co.uk", NULL };
static const char *const de_tld[] = { ".de", ".com", ".de", NULL };
static const char *const fr_tld[] = { ".fr", ".com", NULL };
static const char *const au_tld[] = { ".com.au", ".com.au", ".io", NULL };
static const char *const in_tld[] = { ".in", ".co.in", ".com", NULL };
static const char *const nl_tld[] = { ".nl", ".com", NULL };

static const char *const us_first[] = { "Dana", "Michael", "Jessica",
	"Tyler", "Ashley", "Marcus", "Renée", "Zoë", "José", "Emily", "Kevin",
	"Lauren", "DeShawn", "Brittany", "Chris" };
static const char *const us_last[] = { "Okafor", "Johnson", "García",
	"O'Brien", "Nguyễn", "Smith", "Ramírez", "Williams", "Kowalski",
	"Brown", "Martinez", "Lee", "D'Angelo", "Miller", "Davis" };
static const char *const gb_first[] = { "Asha", "Oliver", "Siobhán",
	"Harry", "Amelia", "Aoife", "George", "Priya", "Isla", "Callum" };
static const char *const gb_last[] = { "Raman", "Taylor", "Evans",
	"Wright", "MacDonald", "Ó Súilleabháin", "Patel", "Hughes",
	"Fitzgerald", "Clarke" };
static const char *const de_first[] = { "Jürgen", "Anna", "Lukas",
	"Marie", "Søren", "Björn", "Katharina", "Felix", "Łukasz", "Lea" };
static const char *const de_last[] = { "Müller", "Schmidt", "Schäfer",
	"Weiß", "Hoffmann", "Kowalczyk", "Becker", "Groß", "Wagner",
	"Dvořák" };
static const char *const fr_first[] = { "François", "Chloé", "Étienne",
	"Léa", "Hélène", "Mathis", "Inès", "Benoît" };
static const char *const fr_last[] = { "Dubois", "Lefèvre", "Moreau",
	"Girard", "Rousseau", "Fournier", "Bonnet", "Mercier" };
static const char *const au_first[] = { "Jack", "Charlotte", "Liam",
	"Matilda", "Cooper", "Mia", "Ngaio", "Kai" };
static const char *const au_last[] = { "Walker", "Thompson", "Ryan",
	"Kelly", "Nguyen", "Murphy", "Campbell", "Stewart" };
static const char *const in_first[] = { "Aarav", "Ananya", "Vihaan",
	"Diya", "Rohan", "Sneha", "Arjun", "Kavya" };
static const char *const in_last[] = { "Sharma", "Iyer", "Reddy",
	"Banerjee", "Menon", "Gupta", "Nair", "Chatterjee" };
static const char *const nl_first[] = { "Daan", "Sanne", "Jelle",
	"Femke", "Bram", "Lotte", "Sem", "Ilse" };
static const char *const nl_last[] = { "de Vries", "van Dijk", "Bakker",
	"Janssen", "van den Berg", "Visser", "Smit", "de Jong" };

#define C(code, t, f, l) { code, t, f, l, sizeof f / sizeof f[0], \
	sizeof l / sizeof l[0] }
static const struct country countries[] = {
	C("US", us_tld, us_first, us_last),
	C("GB", gb_tld, gb_first, gb_last),
	C("DE", de_tld, de_first, de_last),
	C("FR", fr_tld, fr_first, fr_last),
	C("AU", au_tld, au_first, au_last),
	C("IN", in_tld, in_first, in_last),
	C("NL", nl_tld, nl_first, nl_last),
	C("US", us_tld, us_first, us_last), /* the US twice: more weight */
};
#define NCOUNTRIES (sizeof countries / sizeof countries[0])

static void
digits(struct fake_rng *g, char *out, int n)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = (char)('0' + fake_rng_below(g, 10));
	out[n] = '\0';
}

/*
 * One phone number of a country: written (how a person typed it) and E.164.
 * mobile selects a mobile range.  style picks the written form.
 */
static void
make_phone(struct fake_rng *g, const char *cc, int mobile, struct buf *w,
    struct buf *e)
{
	char d[16];
	unsigned style = (unsigned)fake_rng_below(g, 6);

	if (strcmp(cc, "US") == 0) {
		static const char *const area[] = { "415", "212", "646", "312",
			"617", "206", "512", "303", "404", "714", "919", "470" };
		const char *a = PICK(g, area);
		char ex[4], sub[5];
		/* exchange [2-9][0-9][0-9], never N11 and never 555 */
		do {
			ex[0] = (char)('2' + fake_rng_below(g, 8));
			ex[1] = (char)('0' + fake_rng_below(g, 10));
			ex[2] = (char)('0' + fake_rng_below(g, 10));
			ex[3] = '\0';
		} while ((ex[1] == '1' && ex[2] == '1') ||
		    strcmp(ex, "555") == 0 || strcmp(ex, "958") == 0 ||
		    strcmp(ex, "959") == 0 || strcmp(ex, "976") == 0);
		digits(g, sub, 4);
		buf_printf(e, "+1%s%s%s", a, ex, sub);
		switch (style) {
		case 0: buf_printf(w, "(%s) %s-%s", a, ex, sub); break;
		case 1: buf_printf(w, "%s-%s-%s", a, ex, sub); break;
		case 2: buf_printf(w, "%s.%s.%s", a, ex, sub); break;
		case 3: buf_printf(w, "+1 %s-%s-%s", a, ex, sub); break;
		case 4: buf_printf(w, "1 (%s) %s-%s", a, ex, sub); break;
		default: buf_printf(w, "+1%s%s%s", a, ex, sub); break;
		}
	} else if (strcmp(cc, "GB") == 0) {
		if (mobile) {
			/* 07[1-3]xx xxxxxx */
			char a[4], b[7];
			digits(g, a, 3);
			a[0] = (char)('1' + fake_rng_below(g, 3));
			digits(g, b, 6);
			buf_printf(e, "+447%s%s", a, b);
			switch (style % 3) {
			case 0: buf_printf(w, "07%s %s", a, b); break;
			case 1: buf_printf(w, "+44 7%s %s", a, b); break;
			default: buf_printf(w, "+447%s%s", a, b); break;
			}
		} else {
			/* London 020 [378]xxx xxxx */
			char a[5], b[5];
			static const char lead[] = "378";
			digits(g, a, 4);
			digits(g, b, 4);
			a[0] = lead[fake_rng_below(g, 3)];
			if (a[0] == '7' && a[1] == '9' && a[2] == '4')
				a[2] = '5';   /* skip the 020 7946 drama range */
			buf_printf(e, "+4420%s%s", a, b);
			switch (style) {
			case 0: buf_printf(w, "020 %s %s", a, b); break;
			case 1: buf_printf(w, "+44 20 %s %s", a, b); break;
			case 2: buf_printf(w, "+44 (0)20 %s %s", a, b); break;
			case 3: buf_printf(w, "(020) %s %s", a, b); break;
			case 4: buf_printf(w, "0044 20 %s%s", a, b); break;
			default: buf_printf(w, "+4420%s%s", a, b); break;
			}
		}
	} else if (strcmp(cc, "DE") == 0) {
		if (mobile) {
			/* 0151 / 0160 / 0171 / 0176 + 7-8 digits */
			static const char *const pre[] = { "151", "160", "171",
				"176", "152" };
			const char *p = PICK(g, pre);
			digits(g, d, 8);
			d[0] = (char)('2' + fake_rng_below(g, 8));
			if (strcmp(p, "160") == 0)
				d[7] = '\0';
			buf_printf(e, "+49%s%s", p, d);
			switch (style % 3) {
			case 0: buf_printf(w, "0%s %s", p, d); break;
			case 1: buf_printf(w, "+49 %s %s", p, d); break;
			default: buf_printf(w, "0049 %s %s", p, d); break;
			}
		} else {
			/* Berlin 030 / Munich 089 / Hamburg 040 + 8 digits */
			static const char *const area[] = { "30", "89", "40" };
			const char *a = PICK(g, area);
			digits(g, d, 8);
			d[0] = (char)('2' + fake_rng_below(g, 7));
			buf_printf(e, "+49%s%s", a, d);
			switch (style) {
			case 0: buf_printf(w, "0%s %s", a, d); break;
			case 1: buf_printf(w, "+49 %s %s", a, d); break;
			case 2: buf_printf(w, "0049 %s %s", a, d); break;
			case 3: buf_printf(w, "(0%s) %.4s-%s", a, d, d + 4); break;
			case 4: buf_printf(w, "+49 (0)%s %s", a, d); break;
			default: buf_printf(w, "0%s/%s", a, d); break;
			}
		}
	} else if (strcmp(cc, "FR") == 0) {
		/* 01 xx xx xx xx (Paris) or 06 [0-2]x xx xx xx */
		char lead = mobile ? '6' : '1';
		digits(g, d, 8);
		if (mobile)
			d[0] = (char)('0' + fake_rng_below(g, 3));
		else
			d[0] = (char)('4' + fake_rng_below(g, 4));
		buf_printf(e, "+33%c%s", lead, d);
		switch (style % 4) {
		case 0: buf_printf(w, "0%c %.2s %.2s %.2s %.2s", lead, d,
		    d + 2, d + 4, d + 6); break;
		case 1: buf_printf(w, "+33 %c %.2s %.2s %.2s %.2s", lead, d,
		    d + 2, d + 4, d + 6); break;
		case 2: buf_printf(w, "+33 (0)%c %.2s %.2s %.2s %.2s", lead,
		    d, d + 2, d + 4, d + 6); break;
		default: buf_printf(w, "0%c.%.2s.%.2s.%.2s.%.2s", lead, d,
		    d + 2, d + 4, d + 6); break;
		}
	} else if (strcmp(cc, "AU") == 0) {
		if (mobile) {
			/* 04[0-3]x xxx xxx */
			digits(g, d, 8);
			d[0] = (char)('0' + fake_rng_below(g, 4));
			buf_printf(e, "+614%s", d);
			switch (style % 3) {
			case 0: buf_printf(w, "04%.2s %.3s %.3s", d, d + 2,
			    d + 5); break;
			case 1: buf_printf(w, "+61 4%.2s %.3s %.3s", d, d + 2,
			    d + 5); break;
			default: buf_printf(w, "+614%s", d); break;
			}
		} else {
			/* Sydney (02) 9xxx xxxx */
			digits(g, d, 7);
			buf_printf(e, "+6129%s", d);
			switch (style % 3) {
			case 0: buf_printf(w, "(02) 9%.3s %.4s", d, d + 3); break;
			case 1: buf_printf(w, "+61 2 9%.3s %.4s", d, d + 3); break;
			default: buf_printf(w, "02 9%.3s %.4s", d, d + 3); break;
			}
		}
	} else if (strcmp(cc, "IN") == 0) {
		/* mobiles 98[1-9]xx xxxxx; Mumbai landlines 022 2xxx xxxx */
		if (mobile || style < 3) {
			digits(g, d, 8);
			d[0] = (char)('1' + fake_rng_below(g, 9));
			buf_printf(e, "+9198%s", d);
			switch (style % 3) {
			case 0: buf_printf(w, "+91 98%.3s %.5s", d, d + 3); break;
			case 1: buf_printf(w, "098%.3s %.5s", d, d + 3); break;
			default: buf_printf(w, "98%.3s-%.5s", d, d + 3); break;
			}
		} else {
			digits(g, d, 7);
			buf_printf(e, "+91222%s", d);
			buf_printf(w, "022 2%.3s %.4s", d, d + 3);
		}
	} else { /* NL */
		if (mobile) {
			digits(g, d, 8);
			d[0] = (char)('1' + fake_rng_below(g, 5));
			buf_printf(e, "+316%s", d);
			switch (style % 3) {
			case 0: buf_printf(w, "06-%s", d); break;
			case 1: buf_printf(w, "+31 6 %s", d); break;
			default: buf_printf(w, "06 %.2s %.2s %.2s %.2s", d, d + 2,
			    d + 4, d + 6); break;
			}
		} else {
			/* Amsterdam 020 [3-7]xx xxxx */
			digits(g, d, 7);
			d[0] = (char)('3' + fake_rng_below(g, 5));
			buf_printf(e, "+3120%s", d);
			switch (style % 3) {
			case 0: buf_printf(w, "020 %.3s %.4s", d, d + 3); break;
			case 1: buf_printf(w, "+31 20 %.3s %.4s", d, d + 3); break;
			default: buf_printf(w, "+31 (0)20 %.3s %.4s", d, d + 3);
			    break;
			}
		}
	}
}

/* ---- names and addresses ---- */

/* ASCII fold of a name for mail local parts: "Müller" -> "muller",
 * "O'Brien" -> "obrien", "de Vries" -> "devries". */
static void
fold(struct buf *b, const char *s)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "ä", "a" }, { "ö", "o" }, { "ü", "u" }, { "ß", "ss" },
		{ "é", "e" }, { "è", "e" }, { "ê", "e" }, { "ë", "e" },
		{ "á", "a" }, { "à", "a" }, { "í", "i" }, { "ó", "o" },
		{ "ú", "u" }, { "ñ", "n" }, { "ç", "c" }, { "ø", "o" },
		{ "Ø", "o" }, { "Ó", "o" }, { "Ł", "l" }, { "ł", "l" },
		{ "ř", "r" }, { "á", "a" }, { "ễ", "e" }, { "É", "e" },
		{ "Ö", "o" }, { "Ü", "u" }, { "Ä", "a" }, { "ä", "a" },
		{ "ß", "ss" }, { "î", "i" }, { "ô", "o" },
	};
	size_t i;

	while (*s) {
		int done = 0;
		for (i = 0; i < sizeof map / sizeof map[0]; i++) {
			size_t n = strlen(map[i].from);
			if (strncmp(s, map[i].from, n) == 0) {
				buf_addstr(b, map[i].to);
				s += n;
				done = 1;
				break;
			}
		}
		if (done)
			continue;
		if (isalnum((unsigned char)*s))
			buf_addch(b, tolower((unsigned char)*s));
		else if ((unsigned char)*s >= 0x80) {
			/* unknown non-ASCII letter: drop the whole sequence */
			s++;
			while ((*s & 0xc0) == 0x80)
				s++;
			continue;
		}
		s++;
	}
}

static const char *const company_words[] = { "Globex", "Initech",
	"Umbrella", "Hooli", "Vandelay", "Soylent", "Wonka", "Tyrell",
	"Cyberdyne", "Massive Dynamic", "Stark", "Wayne", "Oscorp", "Pied Piper",
	"Aperture", "Black Mesa", "Nakatomi", "Gringotts", "Monarch", "Dunder",
	"Sterling", "Prestige", "Bluth", "Krusty", "Lacuna", "Gekko",
	"Halcyon", "Zephyr", "Quantum Loop", "Northwind Freight", "Brightline",
	"Copperleaf", "Fernhill", "Larkspur", "Meridian", "Oakridge" };

static const char *
suffix_for(const char *cc, struct fake_rng *g)
{
	static const char *const us[] = { "Inc.", "LLC", "Corp", "" };
	static const char *const gb[] = { "Ltd", "plc", "Ltd", "" };
	static const char *const de[] = { "GmbH", "AG", "GmbH & Co. KG" };
	static const char *const fr[] = { "SA", "SARL", "SAS" };
	static const char *const au[] = { "Pty Ltd", "Pty Ltd", "" };
	static const char *const in[] = { "Pvt Ltd", "Ltd", "" };
	static const char *const nl[] = { "B.V.", "N.V.", "" };

	if (strcmp(cc, "US") == 0) return PICK(g, us);
	if (strcmp(cc, "GB") == 0) return PICK(g, gb);
	if (strcmp(cc, "DE") == 0) return PICK(g, de);
	if (strcmp(cc, "FR") == 0) return PICK(g, fr);
	if (strcmp(cc, "AU") == 0) return PICK(g, au);
	if (strcmp(cc, "IN") == 0) return PICK(g, in);
	return PICK(g, nl);
}

static const char *const industries[] = { "Technology", "Manufacturing",
	"Finance", "Healthcare", "Retail", "Education", "Energy",
	"Transportation", "Media", "Consulting" };
static const char *const titles[] = { "VP Sales", "Head of Operations",
	"CTO", "Procurement Manager", "Director of Marketing", "CFO",
	"Office Manager", "Software Engineer", "Account Director",
	"Chief of Staff", "IT Manager", "Founder & CEO", NULL };
static const char *const freemail[] = { "gmail.com", "yahoo.com",
	"outlook.com", "hotmail.co.uk", "web.de", "gmx.de", "icloud.com",
	"gmail.com" };

static const struct country *
country_of(const char *cc)
{
	size_t i;

	for (i = 0; i < NCOUNTRIES; i++)
		if (strcmp(countries[i].code, cc) == 0)
			return &countries[i];
	return &countries[0];
}

/* Add an address to a hash set; 1 if it was there already. */
static int
seen_add(uint64_t *set, size_t cap, const char *s)
{
	uint64_t h = fake_hash(0, s, strlen(s)) | 1;
	size_t i = h & (cap - 1);

	while (set[i]) {
		if (set[i] == h)
			return 1;
		i = (i + 1) & (cap - 1);
	}
	set[i] = h;
	return 0;
}

static void
build(void)
{
	struct fake_rng g;
	size_t i, k;
	long long nc = fake_opt_int("companies"), np = fake_opt_int("people");
	long long nr = fake_opt_int("reps");
	uint64_t *seen;
	size_t seencap;

	if (built)
		return;
	built = 1;
	if (fake_opt_int("scale") > 1) {
		nc *= fake_opt_int("scale");
		np *= fake_opt_int("scale");
	}
	if (nc < 1) nc = 1;
	if (np < 0) np = 0;
	if (nr < 1) nr = 1;
	ncompanies = (size_t)nc;
	npeople = (size_t)np;
	nreps = (size_t)nr;
	companies = xcalloc(ncompanies, sizeof *companies);
	people = xcalloc(npeople ? npeople : 1, sizeof *people);
	reps = xcalloc(nreps, sizeof *reps);

	fake_rng_init(&g, fake_seed(), "directory");
	for (i = 0; i < ncompanies; i++) {
		struct fake_company *c = &companies[i];
		const struct country *co = &countries[fake_rng_below(&g,
		    NCOUNTRIES)];
		const char *word = company_words[i % (sizeof company_words /
		    sizeof company_words[0])];
		const char *suf = suffix_for(co->code, &g);
		struct buf b = BUF_INIT, d = BUF_INIT, e = BUF_INIT;
		size_t ntld = 0;

		c->index = i;
		c->country = co->code;
		if (i >= sizeof company_words / sizeof company_words[0])
			buf_printf(&b, "%s %zu", word, i /
			    (sizeof company_words / sizeof company_words[0]) + 1);
		else
			buf_addstr(&b, word);
		/* the domain from the bare name, before the suffix */
		fold(&d, buf_cstr(&b));
		while (co->tlds[ntld])
			ntld++;
		buf_addstr(&d, co->tlds[fake_rng_below(&g, ntld)]);
		if (*suf)
			buf_printf(&b, " %s", suf);
		c->name = keepbuf(&b);
		c->domain = keepbuf(&d);
		switch (fake_rng_below(&g, 8)) {
		case 0: buf_printf(&b, "https://www.%s/", c->domain); break;
		case 1: buf_printf(&b, "%s", c->domain); break;
		case 2: buf_printf(&b, "www.%s", c->domain); break;
		case 3: buf_printf(&b, "http://%s", c->domain); break;
		case 4: buf_printf(&b, "https://%s/en/home", c->domain); break;
		case 5: buf_printf(&b, "HTTPS://WWW.%s", c->domain); break;
		case 6: break; /* missing */
		default: buf_printf(&b, "https://www.%s", c->domain); break;
		}
		c->website = b.len ? keepbuf(&b) : NULL;
		buf_release(&b);
		if (fake_rng_chance(&g, 0.85)) {
			make_phone(&g, c->country, 0, &b, &e);
			c->phone = keepbuf(&b);
			c->phone_e164 = keepbuf(&e);
		}
		c->industry = fake_rng_chance(&g, 0.9) ? PICK(&g, industries) :
		    NULL;
		c->revenue = fake_rng_chance(&g, 0.8) ?
		    (long long)(fake_rng_below(&g, 5000) + 1) * 100000 : 0;
		c->employees = (int)fake_rng_below(&g, 5000) + 5;
	}
	/* two companies that share one domain: a website tie */
	if (ncompanies >= 4) {
		struct fake_company *a = &companies[1], *b2 = &companies[3];
		struct buf b = BUF_INIT;
		b2->domain = a->domain;
		buf_printf(&b, "%s Holdings", a->name);
		b2->name = keepbuf(&b);
		buf_printf(&b, "https://%s", a->domain);
		b2->website = keepbuf(&b);
		a->shares_domain = b2->shares_domain = 1;
	}

	fake_rng_init(&g, fake_seed(), "directory-reps");
	for (i = 0; i < nreps; i++) {
		static const char *const rf[] = { "Rosa", "Sam", "Priya",
			"Tom", "Mei", "Lars", "Ines", "Omar" };
		static const char *const rl[] = { "Imbert", "Carter", "Desai",
			"Nakamura", "Lindqvist", "Haddad", "Costa", "Brennan" };
		struct buf b = BUF_INIT, e = BUF_INIT, w = BUF_INIT;
		struct fake_rep *r = &reps[i];
		r->index = i;
		r->first = rf[i % 8];
		r->last = rl[(i + i / 8) % 8];
		fold(&b, r->first);
		buf_addch(&b, '.');
		fold(&b, r->last);
		if (i >= 8)
			buf_printf(&b, "%zu", i);
		buf_printf(&b, "@%s", fake_dir_internal_domain());
		r->email = keepbuf(&b);
		make_phone(&g, "US", 0, &w, &e);
		buf_release(&w);
		r->phone_e164 = keepbuf(&e);
		r->title = i == 0 ? "Sales Manager" : "Account Executive";
	}

	seencap = 16;
	while (seencap < npeople * 2 + 16)
		seencap *= 2;
	seen = xcalloc(seencap, sizeof *seen);
	fake_rng_init(&g, fake_seed(), "directory-people");
	for (i = 0; i < npeople; i++) {
		struct fake_person *p = &people[i];
		const struct country *co;
		struct buf b = BUF_INIT, e = BUF_INIT;
		unsigned pat;

		p->index = i;
		if (fake_rng_chance(&g, 0.15)) {
			p->company = NULL;
			co = &countries[fake_rng_below(&g, NCOUNTRIES)];
		} else {
			p->company = &companies[fake_rng_below(&g, ncompanies)];
			co = country_of(p->company->country);
		}
		p->country = co->code;
		p->first = co->first[fake_rng_below(&g, co->nfirst)];
		p->last = co->last[fake_rng_below(&g, co->nlast)];
		pat = (unsigned)fake_rng_below(&g, 5);
		switch (pat) {
		case 0: fold(&b, p->first); buf_addch(&b, '.');
			fold(&b, p->last); break;
		case 1: { struct buf f = BUF_INIT; fold(&f, p->first);
			buf_addch(&b, f.data ? f.data[0] : 'x');
			buf_release(&f); fold(&b, p->last); break; }
		case 2: fold(&b, p->first); break;
		case 3: fold(&b, p->first); buf_addch(&b, '_');
			fold(&b, p->last); break;
		default: fold(&b, p->first); buf_addch(&b, '.');
			fold(&b, p->last); break;
		}
		/* the index keeps addresses unique (people share names) */
		if (p->company == NULL || pat == 2)
			buf_printf(&b, "%zu", i);
		if (p->company) {
			/* a few write from a subdomain of the website domain */
			if (fake_rng_chance(&g, 0.07))
				buf_printf(&b, "@mail.%s", p->company->domain);
			else
				buf_printf(&b, "@%s", p->company->domain);
		} else {
			buf_printf(&b, "@%s", PICK(&g, freemail));
		}
		if (seen_add(seen, seencap, buf_cstr(&b)) != 0) {
			/* taken: make it unique the way mail admins do */
			const char *at = strchr(buf_cstr(&b), '@');
			struct buf u = BUF_INIT;
			buf_printf(&u, "%.*s%zu%s", (int)(at - b.data), b.data,
			    i, at);
			buf_release(&b);
			b = u;
			seen_add(seen, seencap, buf_cstr(&b));
		}
		p->email = keepbuf(&b);
		if (fake_rng_chance(&g, 0.75)) {
			make_phone(&g, co->code, 0, &b, &e);
			p->phone = keepbuf(&b);
			p->phone_e164 = keepbuf(&e);
		}
		if (fake_rng_chance(&g, 0.5)) {
			make_phone(&g, co->code, 1, &b, &e);
			p->mobile = keepbuf(&b);
			p->mobile_e164 = keepbuf(&e);
		}
		p->title = titles[fake_rng_below(&g, sizeof titles /
		    sizeof titles[0])];
		k = fake_rng_below(&g, 100);
		p->sf_role = k < 45 ? FAKE_SF_CONTACT : k < 75 ? FAKE_SF_LEAD :
		    k < 87 ? FAKE_SF_CONVERTED : FAKE_SF_NONE;
		p->in_mail = fake_rng_chance(&g, 0.8);
		p->in_calls = (p->phone || p->mobile) && fake_rng_chance(&g, 0.6);
		p->in_hubspot = p->sf_role != FAKE_SF_NONE &&
		    fake_rng_chance(&g, 0.4);
		p->rep = (size_t)fake_rng_below(&g, nreps);
	}
	free(seen);
	/* duplicates that tie: a few contacts exist twice with one email */
	for (i = 0, k = 0; i < npeople && k < 2; i++) {
		if (people[i].sf_role == FAKE_SF_CONTACT && people[i].company &&
		    i % 7 == 3) {
			people[i].sf_dup = 1;
			k++;
		}
	}
}

static void
dir_release(void)
{
	size_t i;

	for (i = 0; i < nstrs; i++)
		free(strs[i]);
	free(strs);
	strs = NULL;
	nstrs = capstrs = 0;
	free(companies);
	free(people);
	free(reps);
	companies = NULL;
	people = NULL;
	reps = NULL;
	built = 0;
}

size_t
fake_dir_companies(void)
{
	build();
	return ncompanies;
}

const struct fake_company *
fake_dir_company(size_t i)
{
	build();
	return i < ncompanies ? &companies[i] : NULL;
}

size_t
fake_dir_people(void)
{
	build();
	return npeople;
}

const struct fake_person *
fake_dir_person(size_t i)
{
	build();
	return i < npeople ? &people[i] : NULL;
}

size_t
fake_dir_reps(void)
{
	build();
	return nreps;
}

const struct fake_rep *
fake_dir_rep(size_t i)
{
	build();
	return i < nreps ? &reps[i] : NULL;
}

const char *
fake_dir_internal_domain(void)
{
	return "northwind.example";
}

char *
fake_dir_email_variant(const struct fake_person *p, unsigned k)
{
	struct buf b = BUF_INIT;
	const char *at = strchr(p->email, '@');
	size_t local = (size_t)(at - p->email), i;
	size_t n;

	switch (k % 5) {
	case 0:
		buf_addstr(&b, p->email);
		break;
	case 1: /* Asha.Raman@Globex.co.UK */
		for (i = 0; p->email[i]; i++) {
			int c = (unsigned char)p->email[i];
			int start = i == 0 || p->email[i - 1] == '.' ||
			    p->email[i - 1] == '@' || p->email[i - 1] == '_';
			if (start || (i > local && p->email[i + 1] == '\0'))
				c = toupper(c);
			buf_addch(&b, c);
		}
		break;
	case 2:
		buf_printf(&b, "%s %s <%s>", p->first, p->last, p->email);
		break;
	case 3:
		buf_printf(&b, "\"%s, %s\" <%.*s@", p->last, p->first,
		    (int)local, p->email);
		for (i = local + 1; p->email[i]; i++)
			buf_addch(&b, toupper((unsigned char)p->email[i]));
		buf_addch(&b, '>');
		break;
	default:
		if (strcmp(at + 1, "gmail.com") == 0) {
			/* dots do not matter to Gmail: drop them, add a tag */
			for (i = 0; i < local; i++)
				if (p->email[i] != '.')
					buf_addch(&b, p->email[i]);
		} else {
			buf_add(&b, p->email, local);
		}
		buf_printf(&b, "+crm%s", at);
		break;
	}
	return buf_detach(&b, &n);
}

char *
fake_dir_email_bare(const char *written)
{
	const char *lt = strrchr(written, '<');
	const char *gt;

	if (lt && (gt = strchr(lt, '>')) != NULL)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	return xstrdup(written);
}

/* ---- as a module: options, and the directory in the truth dump ---- */

static int
dir_init(char **msg)
{
	(void)msg;
	build();
	return 0;
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
dir_dump(cJSON *o)
{
	static const char *const roles[] = { "none", "contact", "lead",
		"converted" };
	cJSON *a;
	size_t i;

	build();
	cJSON_AddStringToObject(o, "internal_domain", fake_dir_internal_domain());
	a = cJSON_AddArrayToObject(o, "companies");
	for (i = 0; i < ncompanies; i++) {
		const struct fake_company *c = &companies[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "index", (double)i);
		add_str(x, "name", c->name);
		add_str(x, "domain", c->domain);
		add_str(x, "website", c->website);
		add_str(x, "phone", c->phone);
		add_str(x, "phone_e164", c->phone_e164);
		add_str(x, "country", c->country);
		cJSON_AddBoolToObject(x, "shares_domain", c->shares_domain);
		cJSON_AddItemToArray(a, x);
	}
	a = cJSON_AddArrayToObject(o, "people");
	for (i = 0; i < npeople; i++) {
		const struct fake_person *p = &people[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "index", (double)i);
		add_str(x, "first", p->first);
		add_str(x, "last", p->last);
		add_str(x, "email", p->email);
		add_str(x, "phone", p->phone);
		add_str(x, "phone_e164", p->phone_e164);
		add_str(x, "mobile", p->mobile);
		add_str(x, "mobile_e164", p->mobile_e164);
		add_str(x, "title", p->title);
		add_str(x, "country", p->country);
		if (p->company)
			cJSON_AddNumberToObject(x, "company",
			    (double)p->company->index);
		else
			cJSON_AddNullToObject(x, "company");
		cJSON_AddStringToObject(x, "sf_role", roles[p->sf_role]);
		cJSON_AddBoolToObject(x, "sf_dup", p->sf_dup);
		cJSON_AddBoolToObject(x, "in_mail", p->in_mail);
		cJSON_AddBoolToObject(x, "in_calls", p->in_calls);
		cJSON_AddBoolToObject(x, "in_hubspot", p->in_hubspot);
		cJSON_AddNumberToObject(x, "rep", (double)p->rep);
		cJSON_AddItemToArray(a, x);
	}
	a = cJSON_AddArrayToObject(o, "reps");
	for (i = 0; i < nreps; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "index", (double)i);
		add_str(x, "first", reps[i].first);
		add_str(x, "last", reps[i].last);
		add_str(x, "email", reps[i].email);
		add_str(x, "phone_e164", reps[i].phone_e164);
		cJSON_AddItemToArray(a, x);
	}
}

static const struct fake_module dir_module = {
	.name = "directory",
	.options = dir_options,
	.init = dir_init,
	.dump = dir_dump,
	.release = dir_release,
};
FAKE_MODULE(dir_module)
