#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "json.h"
#include "resolve.h"
#include "resolve_load.h"
#include "check_main.h"

static struct resolve_index *ix;

static void
add_contact(const char *id, const char *acct, const char *email,
	const char *phone, const char *mobile, const char *mod)
{
	struct resolve_contact c = { id, acct, email, phone, mobile, mod };

	ck_assert_int_eq(resolve_index_add_contact(ix, &c), 0);
}

static void
add_lead(const char *id, const char *email, const char *phone, int conv,
	const char *cid, const char *aid, const char *mod)
{
	struct resolve_lead l = { id, email, phone, NULL, conv, cid, aid, mod };

	ck_assert_int_eq(resolve_index_add_lead(ix, &l), 0);
}

static void
add_account(const char *id, const char *website, const char *phone,
	const char *mod)
{
	struct resolve_account a = { id, website, NULL, phone, mod };

	ck_assert_int_eq(resolve_index_add_account(ix, &a), 0);
}

static void
add_mapping(const char *id, const char *email, const char *phone,
	const char *cid, const char *aid, int active)
{
	struct resolve_mapping m = { id, email, phone, cid, aid, NULL, active,
		"2026-01-01T00:00:00.000Z" };

	resolve_index_add_mapping(ix, &m);
}

/* A small CRM with one trap per rule, into ix (not finished). */
static void
fill(void)
{
	add_account("001A", "https://www.Globex.co.uk/en", "+44 20 7946 0000",
		"2026-01-01T00:00:00.000Z");
	add_account("001B", "initech.com", NULL, "2026-01-01T00:00:00.000Z");
	add_account("001C", "http://eu.initech.com:8080", NULL,
		"2026-01-01T00:00:00.000Z");
	add_account("001D", "hooli.io", "+1 415 555 0100",
		"2026-02-01T00:00:00.000Z");
	add_account("001E", "www.hooli.io/about", NULL,
		"2026-03-01T00:00:00.000Z");
	add_account("001F", "gmail.com", NULL, "2026-01-01T00:00:00.000Z");
	add_account("001G", "acme.example", NULL, "2026-01-01T00:00:00.000Z");
	add_contact("003A", "001A", "Asha.Rao@globex.co.uk", "+442079460001",
		"07700 900001", "2026-01-01T00:00:00.000Z");
	add_contact("003B", "001B", "bob@initech.com", NULL, "(415) 555-0199",
		"2026-01-01T00:00:00.000Z");
	/* a shared mailbox on two contacts: the later one wins */
	add_contact("003C", "001A", "sales@globex.co.uk", NULL, NULL,
		"2026-01-01T00:00:00.000Z");
	add_contact("003D", "001A", "SALES@globex.co.uk", NULL, NULL,
		"2026-05-01T00:00:00.000Z");
	/* same modification time: the lowest id wins */
	add_contact("003F", "001B", "info@initech.com", "+14155550123", NULL,
		"2026-01-01T00:00:00.000Z");
	add_contact("003E", "001B", "info@initech.com", "+1 415 555 0123", NULL,
		"2026-01-01T00:00:00.000Z");
	add_contact("003G", "001G", "john.smith@gmail.com", NULL, NULL,
		"2026-01-01T00:00:00.000Z");
	add_contact("003H", "001B", "manual@initech.com", NULL, NULL,
		"2026-01-01T00:00:00.000Z");
	add_lead("00QA", "lena@newco.example", "+33 1 23 45 67 89", 0, NULL,
		NULL, "2026-01-01T00:00:00.000Z");
	add_lead("00QB", "conv@initech.com", NULL, 1, "003B", "001B",
		"2026-01-01T00:00:00.000Z");
	add_lead("00QC", "bob@initech.com", NULL, 0, NULL, NULL,
		"2026-09-01T00:00:00.000Z");
	/* two leads converted into one contact are one candidate */
	add_lead("00QD", "dup@initech.com", NULL, 1, "003H", NULL,
		"2026-01-01T00:00:00.000Z");
	add_lead("00QE", "dup@initech.com", NULL, 1, "003H", NULL,
		"2026-02-01T00:00:00.000Z");
	/* a converted lead beats a plain one on the same address */
	add_lead("00QF", "mix@initech.com", NULL, 0, NULL, NULL,
		"2026-09-01T00:00:00.000Z");
	add_lead("00QG", "mix@initech.com", NULL, 1, "003B", "001B",
		"2026-01-01T00:00:00.000Z");
	/* a lead on the account's switchboard number */
	add_lead("00QH", NULL, "+1 (415) 555-0100", 0, NULL, NULL,
		"2026-01-01T00:00:00.000Z");
	add_mapping("m1", "manual@initech.com", NULL, "003A", NULL, 1);
	add_mapping("m2", NULL, "+1 212 555 0000", "003B", "001B", 1);
	add_mapping("m3", "bob@initech.com", NULL, "003A", "001A", 0);
	ck_assert_int_eq(resolve_index_add_internal_domain(ix, "ourco.com"), 0);
	ck_assert_int_eq(resolve_index_add_freemail(ix, "gmail.com"), 0);
	ck_assert_int_eq(resolve_index_add_freemail(ix, "yahoo.com"), 0);
}

static void
setup(void)
{
	ix = resolve_index_new();
	fill();
	resolve_index_finish(ix);
}

static void
teardown(void)
{
	resolve_index_free(ix);
	ix = NULL;
}

static struct resolve_match m;

static int
email(const char *a)
{
	return resolve_email(ix, a, strlen(a), &m);
}

static int
phone(const char *a)
{
	return resolve_phone(ix, a, strlen(a), &m);
}

#define ck_assert_opt_str(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (b_ == NULL) \
		ck_assert_ptr_null(a_); \
	else { \
		ck_assert_ptr_nonnull(a_); \
		ck_assert_str_eq(a_, b_); \
	} \
} while (0)

static void
expect(const char *cid, const char *lid, const char *aid, const char *conf,
	const char *method, double score)
{
	ck_assert_opt_str(m.contact_id, cid);
	ck_assert_opt_str(m.lead_id, lid);
	ck_assert_opt_str(m.account_id, aid);
	ck_assert_opt_str(m.confidence, conf);
	ck_assert_str_eq(m.method, method);
	ck_assert_double_eq_tol(m.score, score, 1e-9);
}

/* the match key ignores display name, case, +tag and gmail dots */
START_TEST(email_key_folds)
{
	struct buf b = BUF_INIT;
	static const char *const in[][2] = {
		{ " Asha Rao <ASHA.Rao+news@Globex.CO.UK> ",
		  "asha.rao@globex.co.uk" },
		{ "mailto:Bob@Initech.com", "bob@initech.com" },
		{ "J.O.H.N.Smith+x@GoogleMail.com", "johnsmith@gmail.com" },
		{ "a.b@gmail.com.", "ab@gmail.com" },
		{ "+tag@x.com", "+tag@x.com" },
		{ "info@bücher.de", "info@xn--bcher-kva.de" },
		{ "Bob <bob@x.com", "bob@x.com" },
	};
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert_int_eq(resolve_email_key(in[i][0], strlen(in[i][0]),
			&b), 0);
		ck_assert_str_eq(buf_cstr(&b), in[i][1]);
	}
	buf_release(&b);
}
END_TEST

/* what is no address gives no key */
START_TEST(email_key_rejects)
{
	struct buf b = BUF_INIT;
	static const char *const in[] = { "", "bob", "@x.com", "bob@",
		"bob@localhost", "a b@x.com", "bob@x..com",
		"bob@.x.com" };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ck_assert_msg(resolve_email_key(in[i], strlen(in[i]), &b) == -1,
			"%s", in[i]);
	buf_release(&b);
}
END_TEST

/* numbers in common spellings come to E.164; others are refused */
START_TEST(phone_key_spellings)
{
	struct buf b = BUF_INIT;
	static const char *const in[][2] = {
		{ "+1 (415) 555-0100", "+14155550100" },
		{ "(415) 555-0100", "+14155550100" },
		{ "1-415-555-0100 x204", "+14155550100" },
		{ "415.555.0100 ext. 7", "+14155550100" },
		{ "0044 20 7946 0000", "+442079460000" },
		{ "tel:+44-20-7946-0000", "+442079460000" },
		{ "+44 (20) 7946 0000", "+442079460000" },
		{ "+44 (0) 20 7946 0000", "+442079460000" },
		{ "Tel: +49 30 1234567", "+49301234567" },
	};
	static const char *const bad[] = { "", "555-0100", "+0123456789",
		"+1234567", "+1234567890123456", "call me", "020 7946 0000",
		"+1 415 555 0100 1 2 3 4 5" };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert_int_eq(resolve_phone_key(in[i][0], strlen(in[i][0]),
			"US", &b), 0);
		ck_assert_str_eq(buf_cstr(&b), in[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(resolve_phone_key(bad[i], strlen(bad[i]), "US", &b) ==
			-1, "%s", bad[i]);
	buf_release(&b);
}
END_TEST

/* another default region reads national numbers of that country */
START_TEST(phone_key_region)
{
	struct buf b = BUF_INIT;
	struct resolve_index *x = resolve_index_new();
	struct resolve_contact c = { "003UK", NULL, NULL, "020 7946 0018",
		NULL, NULL };
	struct resolve_match mm;

	ck_assert_int_eq(resolve_phone_key("020 7946 0018", 13, "GB", &b), 0);
	ck_assert_str_eq(buf_cstr(&b), "+442079460018");
	ck_assert_int_eq(resolve_index_set_region(x, "XX"), -1);
	ck_assert_int_eq(resolve_index_set_region(x, "GB"), 0);
	resolve_index_add_contact(x, &c);
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_phone(x, "+442079460018", 13, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003UK");
	ck_assert_int_eq(resolve_phone(x, "07946 0018", 10, &mm), 0);
	resolve_index_free(x);
	buf_release(&b);
}
END_TEST

/* a website in any spelling reduces to its host */
START_TEST(website_domain_normalises)
{
	struct buf b = BUF_INIT;
	static const char *const in[][2] = {
		{ "https://WWW.Globex.co.uk:8443/en/?q=1#top", "globex.co.uk" },
		{ "globex.com", "globex.com" },
		{ "http://user:pw@www.x.com/", "x.com" },
		{ "//cdn.x.com", "cdn.x.com" },
		{ "Bücher.DE/shop", "xn--bcher-kva.de" },
		{ "www.com", "www.com" },
		{ " eu.initech.com. ", "eu.initech.com" },
	};
	static const char *const bad[] = { "", "n/a", "http://", "localhost",
		"https://exa mple.com" };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert_int_eq(resolve_website_domain(in[i][0],
			strlen(in[i][0]), &b), 0);
		ck_assert_str_eq(buf_cstr(&b), in[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(resolve_website_domain(bad[i], strlen(bad[i]),
			&b) == -1, "%s", bad[i]);
	buf_release(&b);
}
END_TEST

/* an active manual mapping wins over the contact with that address */
START_TEST(resolve_manual_email)
{
	ck_assert_int_eq(email("Manual@Initech.com"), 1);
	expect("003A", NULL, "001A", "manual", "manual_email", 1.0);
}
END_TEST

/* a manual mapping of a number; an inactive mapping is ignored */
START_TEST(resolve_manual_phone_inactive)
{
	ck_assert_int_eq(phone("+12125550000"), 1);
	expect("003B", NULL, "001B", "manual", "manual_phone", 1.0);
	/* m3 (inactive) would send bob to 003A */
	ck_assert_int_eq(email("bob@initech.com"), 1);
	expect("003B", NULL, "001B", "exact", "email_contact", 1.0);
}
END_TEST

/* the exact address on a contact, through display-name and case noise;
 * the contact wins over a newer lead with the same address */
START_TEST(resolve_email_contact)
{
	ck_assert_int_eq(email("\"Rao, Asha\" <asha.rao+q3@GLOBEX.co.uk>"), 1);
	expect("003A", NULL, "001A", "exact", "email_contact", 1.0);
	ck_assert_uint_eq(m.candidates, 1);
	ck_assert_int_eq(m.is_internal, 0);
	ck_assert_int_eq(email("bob@initech.com"), 1);
	ck_assert_str_eq(m.contact_id, "003B");
}
END_TEST

/* gmail dots fold, and a free-mail address still matches its contact */
START_TEST(resolve_email_contact_gmail)
{
	ck_assert_int_eq(email("johnsmith@gmail.com"), 1);
	expect("003G", NULL, "001G", "exact", "email_contact", 1.0);
}
END_TEST

/* a shared mailbox: the most recently modified contact, a tie said so */
START_TEST(resolve_tie_modified)
{
	ck_assert_int_eq(email("sales@globex.co.uk"), 1);
	expect("003D", NULL, "001A", "fuzzy", "email_contact_tie:2", 0.8);
	ck_assert_uint_eq(m.candidates, 2);
}
END_TEST

/* equal modification times: the lowest id */
START_TEST(resolve_tie_lowest_id)
{
	ck_assert_int_eq(email("info@initech.com"), 1);
	expect("003E", NULL, "001B", "fuzzy", "email_contact_tie:2", 0.8);
	ck_assert_int_eq(phone("+1 415 555 0123"), 1);
	expect("003E", NULL, "001B", "fuzzy", "phone_contact_tie:2", 0.72);
}
END_TEST

/* modification times compare as instants, whatever their offset */
START_TEST(resolve_tie_offsets)
{
	struct resolve_index *save = ix;

	ix = resolve_index_new();
	add_contact("003A", NULL, "x@y.com", NULL, NULL,
		"2026-05-01T10:00:00.000+0200");
	add_contact("003B", NULL, "x@y.com", NULL, NULL,
		"2026-05-01T09:00:00Z");
	add_contact("003C", NULL, "x@y.com", NULL, NULL, "garbage");
	resolve_index_finish(ix);
	ck_assert_int_eq(email("x@y.com"), 1);
	expect("003B", NULL, NULL, "fuzzy", "email_contact_tie:3", 0.667);
	resolve_index_free(ix);
	ix = save;
}
END_TEST

/* an unconverted lead gives the lead only */
START_TEST(resolve_email_lead)
{
	ck_assert_int_eq(email("Lena@NewCo.example"), 1);
	expect(NULL, "00QA", NULL, "exact", "email_lead", 0.95);
}
END_TEST

/* a converted lead leads to its contact and account */
START_TEST(resolve_email_lead_converted)
{
	ck_assert_int_eq(email("conv@initech.com"), 1);
	expect("003B", "00QB", "001B", "exact", "email_lead_converted", 0.95);
	/* two leads converted into one contact: no tie; the account comes
	 * from the contact; the newer lead is reported */
	ck_assert_int_eq(email("dup@initech.com"), 1);
	expect("003H", "00QE", "001B", "exact", "email_lead_converted", 0.95);
	/* converted beats a newer unconverted one, as a tie of two */
	ck_assert_int_eq(email("mix@initech.com"), 1);
	expect("003B", "00QG", "001B", "fuzzy", "email_lead_converted_tie:2",
		0.76);
}
END_TEST

/* a contact's mobile, in a national spelling */
START_TEST(resolve_phone_contact)
{
	ck_assert_int_eq(phone("+14155550199"), 1);
	expect("003B", NULL, "001B", "exact", "phone_contact", 0.9);
	ck_assert_int_eq(phone("+44 20 7946 0001"), 1);
	expect("003A", NULL, "001A", "exact", "phone_contact", 0.9);
}
END_TEST

/* an account's number; a lead on it too makes a tie the account wins */
START_TEST(resolve_phone_account_lead)
{
	ck_assert_int_eq(phone("+442079460000"), 1);
	expect(NULL, NULL, "001A", "exact", "phone_account", 0.8);
	ck_assert_int_eq(phone("+33123456789"), 1);
	expect(NULL, "00QA", NULL, "exact", "phone_lead", 0.8);
	ck_assert_int_eq(phone("415-555-0100"), 1);
	expect(NULL, NULL, "001D", "fuzzy", "phone_account_tie:2", 0.64);
	ck_assert_int_eq(phone("+19995550100"), 0);
	ck_assert_ptr_null(m.confidence);
	ck_assert_str_eq(m.method, "");
	ck_assert_int_eq(phone("not a number"), 0);
}
END_TEST

/* the domain: exact, a subdomain, the most specific account */
START_TEST(resolve_domain)
{
	ck_assert_int_eq(email("someone@globex.co.uk"), 1);
	expect(NULL, NULL, "001A", "fuzzy", "domain", 0.7);
	ck_assert_int_eq(email("x@mail.london.globex.co.uk"), 1);
	expect(NULL, NULL, "001A", "fuzzy", "domain", 0.7);
	ck_assert_int_eq(email("x@initech.com"), 1);
	ck_assert_str_eq(m.account_id, "001B");
	ck_assert_int_eq(email("x@eu.initech.com"), 1);
	ck_assert_str_eq(m.account_id, "001C");
	ck_assert_int_eq(email("x@de.eu.initech.com"), 1);
	ck_assert_str_eq(m.account_id, "001C");
	/* a public suffix alone is never a company */
	ck_assert_int_eq(email("x@co.uk"), 0);
	ck_assert_int_eq(email("x@unknown.example"), 0);
}
END_TEST

/* two accounts on one domain: the newer, fuzzy, with the count */
START_TEST(resolve_domain_tie)
{
	ck_assert_int_eq(email("x@hooli.io"), 1);
	expect(NULL, NULL, "001E", "fuzzy", "domain_tie:2", 0.56);
}
END_TEST

/* free mail never matches by domain, even with an account on it */
START_TEST(resolve_domain_freemail)
{
	ck_assert_int_eq(email("stranger@gmail.com"), 0);
	ck_assert_int_eq(email("stranger@mail.yahoo.com"), 0);
	ck_assert_int_eq(m.is_internal, 0);
}
END_TEST

/* internal addresses are marked, and never matched by domain */
START_TEST(resolve_internal)
{
	struct resolve_contact c = { "003Z", NULL, "me@ourco.com", NULL, NULL,
		NULL };
	struct resolve_account a = { "001Z", "ourco.com", NULL, NULL, NULL };
	struct resolve_index *save = ix;

	ck_assert_int_eq(email("rep@ourco.com"), 0);
	ck_assert_int_eq(m.is_internal, 1);
	ck_assert_int_eq(email("rep@eu.OurCo.com"), 0);
	ck_assert_int_eq(m.is_internal, 1);
	/* an account on our own domain changes nothing; a contact does */
	ix = resolve_index_new();
	resolve_index_add_account(ix, &a);
	resolve_index_add_contact(ix, &c);
	resolve_index_add_internal_domain(ix, "ourco.com");
	resolve_index_finish(ix);
	ck_assert_int_eq(email("rep@ourco.com"), 0);
	ck_assert_int_eq(m.is_internal, 1);
	ck_assert_int_eq(email("me@ourco.com"), 1);
	ck_assert_int_eq(m.is_internal, 1);
	ck_assert_str_eq(m.contact_id, "003Z");
	resolve_index_free(ix);
	ix = save;
}
END_TEST

/* records without an id are refused; counts say what was kept */
START_TEST(resolve_index_counts)
{
	struct resolve_contact c = { "", NULL, "a@b.com", NULL, NULL, NULL };
	struct resolve_stats st;

	ck_assert_int_eq(resolve_index_add_contact(ix, &c), 1);
	resolve_index_stats(ix, &st);
	ck_assert_uint_eq(st.contacts, 8);
	ck_assert_uint_eq(st.leads, 8);
	ck_assert_uint_eq(st.accounts, 7);
	ck_assert_uint_eq(st.mappings, 2);
	ck_assert_uint_ge(st.freemail, 1000); /* the built-in list */
	ck_assert_uint_eq(st.internal, 1);
}
END_TEST

/* a large index keeps every key reachable through growth */
START_TEST(resolve_index_many)
{
	struct resolve_index *big = resolve_index_new();
	struct resolve_match mm;
	struct buf id = BUF_INIT, em = BUF_INIT, ph = BUF_INIT;
	int i;

	for (i = 0; i < 20000; i++) {
		struct resolve_contact c = { NULL, "001", NULL, NULL, NULL,
			NULL };

		buf_reset(&id);
		buf_reset(&em);
		buf_reset(&ph);
		buf_printf(&id, "003%06d", i);
		buf_printf(&em, "p%d@c%d.com", i, i % 100);
		buf_printf(&ph, "+1415%07d", i);
		c.id = id.data;
		c.email = em.data;
		c.phone = ph.data;
		resolve_index_add_contact(big, &c);
	}
	resolve_index_finish(big);
	for (i = 0; i < 20000; i += 7) {
		buf_reset(&id);
		buf_reset(&em);
		buf_printf(&id, "003%06d", i);
		buf_printf(&em, "P%d@C%d.COM", i, i % 100);
		ck_assert_int_eq(resolve_email(big, em.data, em.len, &mm), 1);
		ck_assert_str_eq(mm.contact_id, id.data);
		buf_reset(&ph);
		buf_printf(&ph, "(415) %03d-%04d", i / 10000, i % 10000);
		ck_assert_int_eq(resolve_phone(big, ph.data, ph.len, &mm), 1);
		ck_assert_str_eq(mm.contact_id, id.data);
	}
	buf_release(&id);
	buf_release(&em);
	buf_release(&ph);
	resolve_index_free(big);
}
END_TEST

/* a free-mail file extends the built-in list, and "!domain" takes one
 * out; a missing file is a configuration error */
START_TEST(resolve_read_freemail)
{
	char path[] = "/tmp/fm.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct err e = ERR_INIT;
	struct resolve_stats st;
	struct resolve_index *x = resolve_index_new();
	struct resolve_account a = { "001F", "gmail.com", NULL, NULL, NULL };
	struct resolve_account b = { "001X", "zz-free-one.example", NULL, NULL,
		NULL };
	struct resolve_match mm;
	size_t before;

	resolve_index_stats(x, &st);
	before = st.freemail;
	fputs("# list\n\nzz-free-one.example\nZZ-Free-Two.example\n"
		"!gmail.com\n", f);
	fclose(f);
	ck_assert_int_eq(resolve_index_read_freemail(x, path, &e), 0);
	unlink(path);
	resolve_index_stats(x, &st);
	ck_assert_uint_eq(st.freemail, before + 2 - 1);
	resolve_index_add_account(x, &a);
	resolve_index_add_account(x, &b);
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_email(x, "x@gmail.com", 11, &mm), 1);
	ck_assert_str_eq(mm.account_id, "001F");
	ck_assert_int_eq(resolve_email(x, "x@zz-free-one.example", 21, &mm), 0);
	ck_assert_int_ne(resolve_index_read_freemail(x, path, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	err_release(&e);
	resolve_index_free(x);
}
END_TEST

/* apply to one record of stream; the record written back compactly */
static const char *
apply(const char *stream, const char *in, int want)
{
	static struct buf out = BUF_INIT;
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *rec;

	json_doc_init(&doc);
	rec = json_parse(&doc, in, strlen(in), &e);
	ck_assert_ptr_nonnull(rec);
	ck_assert_int_eq(resolve_record(ix, &doc, stream, rec, &m), want);
	buf_reset(&out);
	json_write(&out, rec);
	json_doc_release(&doc);
	return buf_cstr(&out);
}

static struct json *
parse_ok(struct json_doc *d, const char *in)
{
	struct err e = ERR_INIT;
	struct json *r = json_parse(d, in, strlen(in), &e);

	ck_assert_ptr_nonnull(r);
	return r;
}

/* in, parsed into d and given to resolve_record (which changes it) */
static struct json *
resolved(struct json_doc *d, const char *stream, const char *in)
{
	struct json *r = parse_ok(d, in);

	ck_assert_int_eq(resolve_record(ix, d, stream, r, &m), 1);
	return r;
}

/*
 * The output columns land where json_object_set_n would put them, whether
 * the record holds none of them (appended in one go), some, or all, in any
 * order, or twice.
 */
START_TEST(record_members_as_set)
{
	static const char *const names[][7] = {
		{ "sf_contact_id", "sf_lead_id", "sf_account_id",
		  "match_confidence", "match_method", "confidence_score",
		  "is_internal" },
		{ "matched_contact_id", "matched_lead_id",
		  "matched_account_id", "match_confidence", "match_method",
		  "confidence_score", NULL },
	};
	static const struct { const char *stream, *in; int names; } t[] = {
		{ "gmail_participants", "{\"email_address\":\"bob@initech.com\"}",
		  0 },
		{ "gmail_participants", "{\"participant_id\":\"p\","
		  "\"email_address\":\"nobody@nowhere.example\","
		  "\"role\":\"to\"}", 0 },
		{ "gmail_participants", "{\"is_internal\":true,"
		  "\"email_address\":\"rep@ourco.com\",\"x\":1}", 0 },
		{ "gmail_participants", "{\"email_address\":\"x@hooli.io\","
		  "\"confidence_score\":0.1,\"sf_contact_id\":\"a\","
		  "\"sf_contact_id\":\"b\"}", 0 },
		{ "gmail_participants", "{\"email_address\":\"bob@initech.com\","
		  "\"sf_contact_id\":1,\"sf_lead_id\":2,\"sf_account_id\":3,"
		  "\"match_confidence\":4,\"match_method\":5,"
		  "\"confidence_score\":6,\"is_internal\":7}", 0 },
		{ "gmail_participants", "{\"email_address\":\"bob@initech.com\","
		  "\"match_method\":null}", 0 },
		{ "dialpad_calls", "{\"external_number\":\"+14155550199\"}", 1 },
		{ "dialpad_calls", "{\"external_number\":\"+19999999999\","
		  "\"is_internal\":true,\"matched_lead_id\":\"x\"}", 1 },
		{ "hubspot_enrollments", "{\"contact_email\":\"lena@newco.example\","
		  "\"is_internal\":false}", 0 },
	};
	struct json_doc d1, d2;
	struct buf o1 = BUF_INIT, o2 = BUF_INIT;
	size_t i, j;

	json_doc_init(&d1);
	json_doc_init(&d2);
	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct json *r1 = resolved(&d1, t[i].stream, t[i].in);
		struct json *r2 = parse_ok(&d2, t[i].in);

		/* the same values, set one by one */
		for (j = 0; j < 7; j++) {
			const char *nm = names[t[i].names][j];
			const struct json *v;

			if (nm == NULL ||
			    (strcmp(t[i].stream, "hubspot_enrollments") == 0 &&
			    strcmp(nm, "is_internal") == 0))
				continue;
			v = json_get(r1, nm);
			ck_assert_ptr_nonnull(v);
			json_object_set(&d2, r2, nm, json_copy(&d2, v));
		}
		buf_reset(&o1);
		buf_reset(&o2);
		json_write(&o1, r1);
		json_write(&o2, r2);
		ck_assert_str_eq(buf_cstr(&o1), buf_cstr(&o2));
		ck_assert_uint_eq(r1->count, r2->count);
	}
	json_doc_release(&d1);
	json_doc_release(&d2);
	buf_release(&o1);
	buf_release(&o2);
}
END_TEST

/*
 * resolve_record_text: columns the record lacks go to the tail as member
 * text, and the record with that text before its closing brace is what
 * resolve_record makes of it (json_write's bytes); a record that holds one
 * of them already is changed as a tree, with the tail left empty.
 */
START_TEST(record_text_as_nodes)
{
	static const struct { const char *stream, *in; int tail; } t[] = {
		{ "gmail_participants", "{\"email_address\":\"bob@initech.com\"}",
		  1 },
		{ "gmail_participants", "{\"participant_id\":\"p\","
		  "\"email_address\":\"nobody@nowhere.example\","
		  "\"role\":\"to\"}", 1 },
		{ "gmail_participants", "{\"email_address\":\"rep@OURCO.com\"}",
		  1 },
		{ "gmail_participants", "{\"email_address\":\"q@odd.example\"}",
		  1 },
		{ "gmail_participants", "{\"email_address\":\"x@hooli.io\","
		  "\"confidence_score\":0.1}", 0 },
		{ "gmail_participants", "{\"is_internal\":true,"
		  "\"email_address\":\"rep@ourco.com\"}", 0 },
		{ "dialpad_calls", "{\"external_number\":\"+14155550199\"}", 1 },
		{ "dialpad_calls", "{\"external_number\":\"+19999999999\","
		  "\"is_internal\":true}", 1 },
		{ "dialpad_calls", "{\"direction\":\"inbound\","
		  "\"from_number\":\"+1 212 555 0000\"}", 1 },
		{ "hubspot_enrollments", "{\"contact_email\":\"lena@newco.example\","
		  "\"is_internal\":false}", 1 },
		{ "sf_email_messages", "{\"incoming\":false,"
		  "\"from_address\":\"rep@ourco.com\","
		  "\"to_address\":\"a@b.example; Asha <asha.rao@globex.co.uk>\"}",
		  1 },
		{ "sf_email_messages", "{\"to_address\":[\"dup@initech.com\"],"
		  "\"match_method\":\"x\"}", 0 },
	};
	struct json_doc d1, d2;
	struct buf o1 = BUF_INIT, o2 = BUF_INIT, tail = BUF_INIT;
	struct resolve_contact odd = { "003\"q\\\xc3\xa9\x01", "001\tA",
		"q@odd.example", NULL, NULL, NULL };
	size_t i;
	int escaped = 0;

	/* ids that need escapes in JSON */
	resolve_index_add_contact(ix, &odd);
	resolve_index_finish(ix);
	json_doc_init(&d1);
	json_doc_init(&d2);
	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		struct json *r1 = resolved(&d1, t[i].stream, t[i].in);
		struct json *r2 = parse_ok(&d2, t[i].in);

		buf_reset(&tail);
		ck_assert_int_eq(resolve_record_text(ix, &d2, t[i].stream, r2,
			&tail, &m), 1);
		buf_reset(&o1);
		buf_reset(&o2);
		json_write(&o1, r1);
		json_write(&o2, r2);
		if (!t[i].tail) {
			ck_assert_uint_eq(tail.len, 0);
		} else {
			/* the record untouched, the columns in the tail */
			ck_assert_str_eq(buf_cstr(&o2), t[i].in);
			ck_assert_uint_gt(tail.len, 0);
			o2.len--;
			buf_addch(&o2, ',');
			buf_add(&o2, tail.data, tail.len);
			buf_addch(&o2, '}');
		}
		ck_assert_str_eq(buf_cstr(&o2), buf_cstr(&o1));
		escaped += strstr(buf_cstr(&o1),
			"\"003\\\"q\\\\\xc3\xa9\\u0001\"") != NULL;
	}
	ck_assert_int_eq(escaped, 1);
	json_doc_release(&d1);
	json_doc_release(&d2);
	buf_release(&o1);
	buf_release(&o2);
	buf_release(&tail);
}
END_TEST

/*
 * resolve_ahead reads only inside the text it is given (ASan checks it in
 * the sanitised run), whatever the text, and changes no answer.
 */
START_TEST(ahead_any_text)
{
	static const char *const texts[] = { "", "@", "\"@", "@\"", "\"@\"",
		"x@y", "\"a@b", "a@b\"", "\"bob@initech.com\"",
		"{\"email_address\":\"bob@initech.com\"}",
		"{\"e\":\"a\\\"@b.c\"}", "\"sales@globex.co.uk\"@\"x\"",
		"\"\\@\\\"", "\"@@@\"" };
	struct resolve_ahead a;
	size_t i, k;

	memset(&a, 0, sizeof(a));
	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
			/* a copy of exactly the text's length: no NUL after */
			size_t n = strlen(texts[i]);
			char *t = malloc(n ? n : 1);

			memcpy(t, texts[i], n);
			resolve_ahead(ix, &a, t, n);
			free(t);
		}
	ck_assert_uint_eq(a.n, 3 * sizeof(texts) / sizeof(*texts));
	ck_assert_int_eq(email("bob@initech.com"), 1);
	expect("003B", NULL, "001B", "exact", "email_contact", 1.0);
}
END_TEST

/* a participant gets every output column, a miss gets nulls */
START_TEST(record_participant)
{
	ck_assert_str_eq(apply("gmail_participants",
		"{\"participant_id\":\"p1\",\"email_address\":"
		"\"asha.rao@globex.co.uk\",\"sf_contact_id\":null}", 1),
		"{\"participant_id\":\"p1\",\"email_address\":"
		"\"asha.rao@globex.co.uk\",\"sf_contact_id\":\"003A\","
		"\"sf_lead_id\":null,\"sf_account_id\":\"001A\","
		"\"match_confidence\":\"exact\",\"match_method\":"
		"\"email_contact\",\"confidence_score\":1.0,"
		"\"is_internal\":false}");
	ck_assert_str_eq(apply("gmail_participants",
		"{\"email_address\":\"rep@ourco.com\",\"sf_contact_id\":\"x\"}",
		1),
		"{\"email_address\":\"rep@ourco.com\",\"sf_contact_id\":null,"
		"\"sf_lead_id\":null,\"sf_account_id\":null,"
		"\"match_confidence\":null,\"match_method\":null,"
		"\"confidence_score\":null,\"is_internal\":true}");
	/* nothing to resolve: left alone; another stream: not ours */
	ck_assert_str_eq(apply("gmail_participants",
		"{\"email_address\":null}", 0), "{\"email_address\":null}");
	ck_assert_str_eq(apply("sf_contacts", "{\"email\":\"bob@initech.com\"}",
		-1), "{\"email\":\"bob@initech.com\"}");
}
END_TEST

/* a call: the external number, else by direction; matched_* columns */
START_TEST(record_call)
{
	ck_assert_str_eq(apply("dialpad_calls",
		"{\"call_id\":\"c1\",\"external_number\":\"+14155550199\"}", 1),
		"{\"call_id\":\"c1\",\"external_number\":\"+14155550199\","
		"\"matched_contact_id\":\"003B\",\"matched_lead_id\":null,"
		"\"matched_account_id\":\"001B\",\"match_confidence\":\"exact\","
		"\"match_method\":\"phone_contact\",\"confidence_score\":0.9}");
	apply("dialpad_calls", "{\"direction\":\"inbound\",\"from_number\":"
		"\"+33123456789\",\"to_number\":\"+14155550199\"}", 1);
	ck_assert_str_eq(m.lead_id, "00QA");
	apply("dialpad_calls", "{\"direction\":\"outbound\",\"from_number\":"
		"\"+33123456789\",\"to_number\":\"+14155550199\"}", 1);
	ck_assert_str_eq(m.contact_id, "003B");
	apply("dialpad_calls", "{\"from_number\":\"+33123456789\"}", 0);
}
END_TEST

/* an email message: the first external address that matches */
START_TEST(record_email_message)
{
	const char *out = apply("sf_email_messages",
		"{\"from_address\":\"rep@ourco.com\",\"to_address\":"
		"\"nobody@nowhere.example; \\\"Rao, Asha\\\" "
		"<asha.rao@globex.co.uk>\"}", 1);

	ck_assert_ptr_nonnull(strstr(out, "\"sf_contact_id\":\"003A\""));
	ck_assert_ptr_null(strstr(out, "is_internal"));
	/* outgoing: the recipients first */
	apply("sf_email_messages", "{\"incoming\":false,\"from_address\":"
		"\"bob@initech.com\",\"to_address\":[\"lena@newco.example\"]}",
		1);
	ck_assert_str_eq(m.lead_id, "00QA");
	apply("sf_email_messages", "{\"incoming\":true,\"from_address\":"
		"\"bob@initech.com\",\"to_address\":[\"lena@newco.example\"]}",
		1);
	ck_assert_str_eq(m.contact_id, "003B");
	out = apply("sf_email_messages", "{\"to_address\":\"a@nowhere.example\"}",
		1);
	ck_assert_ptr_nonnull(strstr(out, "\"sf_contact_id\":null"));
	apply("sf_email_messages", "{\"subject\":\"hi\"}", 0);
}
END_TEST

/* an enrollment: contact_email */
START_TEST(record_enrollment)
{
	const char *out = apply("hubspot_enrollments",
		"{\"contact_email\":\"Lena@newco.example\"}", 1);

	ck_assert_str_eq(out, "{\"contact_email\":\"Lena@newco.example\","
		"\"sf_contact_id\":null,\"sf_lead_id\":\"00QA\","
		"\"sf_account_id\":null,\"match_confidence\":\"exact\","
		"\"match_method\":\"email_lead\",\"confidence_score\":0.95}");
}
END_TEST

/* a plain object: the named field, gmail_participants columns on top */
START_TEST(record_plain)
{
	struct json_doc doc;
	struct err e = ERR_INIT;
	struct json *o;
	struct buf b = BUF_INIT;
	const char *in = "{\"who\":{\"tel\":\"(415) 555-0199\"}}";

	json_doc_init(&doc);
	o = json_parse(&doc, in, strlen(in), &e);
	ck_assert_int_eq(resolve_plain(ix, &doc, o,
		json_get(json_get(o, "who"), "tel"), &m), 1);
	json_write(&b, o);
	ck_assert_str_eq(b.data, "{\"who\":{\"tel\":\"(415) 555-0199\"},"
		"\"sf_contact_id\":\"003B\",\"sf_lead_id\":null,"
		"\"sf_account_id\":\"001B\",\"match_confidence\":\"exact\","
		"\"match_method\":\"phone_contact\",\"confidence_score\":0.9,"
		"\"is_internal\":false}");
	ck_assert_int_eq(resolve_plain(ix, &doc, o, json_get(o, "nope"), &m),
		0);
	buf_release(&b);
	json_doc_release(&doc);
}
END_TEST

/* Two matches are the same in every field. */
static void
same_match(const char *what, int rc1, const struct resolve_match *a,
	int rc2, const struct resolve_match *b)
{
	ck_assert_msg(rc1 == rc2, "%s: %d != %d", what, rc1, rc2);
	ck_assert_opt_str(a->contact_id, b->contact_id);
	ck_assert_opt_str(a->lead_id, b->lead_id);
	ck_assert_opt_str(a->account_id, b->account_id);
	ck_assert_opt_str(a->confidence, b->confidence);
	ck_assert_opt_str(a->rule, b->rule);
	ck_assert_msg(strcmp(a->method, b->method) == 0, "%s: %s != %s", what,
		a->method, b->method);
	ck_assert_uint_eq(a->candidates, b->candidates);
	ck_assert_double_eq(a->score, b->score);
	ck_assert_msg(a->is_internal == b->is_internal, "%s: is_internal",
		what);
}

/*
 * The answers a finished index keeps (worked out at resolve_index_finish,
 * or at the first lookup) are the answers of an index that keeps none (not
 * finished: every lookup works them out), for every rule, tie, and miss.
 */
START_TEST(cached_answers_agree)
{
	static const char *const emails[] = { "Manual@Initech.com",
		"bob@initech.com", "Asha.Rao+x@globex.co.uk",
		"sales@globex.co.uk", "info@initech.com",
		"john.smith@gmail.com", "J.ohn.Smith@googlemail.com",
		"lena@newco.example", "conv@initech.com", "dup@initech.com",
		"mix@initech.com", "someone@eu.initech.com", "x@initech.com",
		"x@a.b.eu.initech.com", "x@hooli.io", "y@hooli.io",
		"x@gmail.com", "x@mail.yahoo.com", "rep@ourco.com",
		"rep@sub.ourco.com", "nobody@nowhere.example",
		"acme@acme.example", "not an address", "", "x@globex.co.uk",
		"x@co.uk", "Sales <SALES@globex.co.uk>",
		/* the same address in another spelling first, then as its
		 * key (answered without working the key out once seen) */
		"LENA@newco.example", "lena@newco.example",
		"lena@newco.example", "Bob+x@initech.com", "bob@initech.com",
		"johnsmith@gmail.com", "johnsmith@gmail.com",
		"rep@ourco.com" };
	static const char *const phones[] = { "+12125550000",
		"+442079460001", "07700 900001", "(415) 555-0199",
		"+14155550123", "+1 415 555 0100", "+33 1 23 45 67 89",
		"+44 20 7946 0000", "+19999999999", "garbage", "" };
	struct resolve_index *finished = ix, *plain;
	struct resolve_match a, b, c;
	size_t i;
	int r1, r2, r3;

	ix = plain = resolve_index_new();
	fill();
	ix = finished;
	for (i = 0; i < sizeof(emails) / sizeof(*emails); i++) {
		size_t n = strlen(emails[i]);

		r1 = resolve_email(finished, emails[i], n, &a);
		r2 = resolve_email(finished, emails[i], n, &b);
		r3 = resolve_email(plain, emails[i], n, &c);
		same_match(emails[i], r1, &a, r3, &c);
		same_match(emails[i], r2, &b, r3, &c);
		r2 = resolve_email(finished, emails[i], n, &b);
		same_match(emails[i], r2, &b, r3, &c);
	}
	for (i = 0; i < sizeof(phones) / sizeof(*phones); i++) {
		size_t n = strlen(phones[i]);

		r1 = resolve_phone(finished, phones[i], n, &a);
		r2 = resolve_phone(finished, phones[i], n, &b);
		r3 = resolve_phone(plain, phones[i], n, &c);
		same_match(phones[i], r1, &a, r3, &c);
		same_match(phones[i], r2, &b, r3, &c);
	}
	resolve_index_free(plain);
}
END_TEST

/*
 * Keys the tables must tell apart: "c2674@x.com" and "c32878@x.com" (and
 * the two domains) have the same low 32 bits of hash (lib/resolve.c's
 * hash_bytes, which the slots keep), keys that are prefixes of each other,
 * and keys that differ in their last byte.
 */
START_TEST(keys_collide_and_prefix)
{
	static const char *const keys[][2] = {
		{ "c2674@x.com", "003C1" }, { "c32878@x.com", "003C2" },
		{ "a@b.co", "003P1" }, { "a@b.com", "003P2" },
		{ "a@b.co.uk", "003P3" }, { "aa@b.co", "003P4" },
		{ "ab@b.co", "003P5" }, { "a@b.cm", "003P6" },
	};
	struct resolve_index *x = resolve_index_new();
	struct resolve_match mm;
	struct resolve_account acc1 = { "001D1", "d11993.example", NULL,
		NULL, NULL };
	struct resolve_account acc2 = { "001D2", "d25100.example", NULL,
		NULL, NULL };
	size_t i;
	int pass;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		struct resolve_contact c = { keys[i][1], NULL, keys[i][0],
			NULL, NULL, NULL };

		ck_assert_int_eq(resolve_index_add_contact(x, &c), 0);
	}
	ck_assert_int_eq(resolve_index_add_account(x, &acc1), 0);
	ck_assert_int_eq(resolve_index_add_account(x, &acc2), 0);
	/* before finish (tables flushed by the lookup), then after */
	for (pass = 0; pass < 3; pass++) {
		if (pass == 1)
			resolve_index_finish(x);
		for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
			ck_assert_int_eq(resolve_email(x, keys[i][0],
				strlen(keys[i][0]), &mm), 1);
			ck_assert_str_eq(mm.contact_id, keys[i][1]);
			ck_assert_str_eq(mm.method, "email_contact");
		}
		ck_assert_int_eq(resolve_email(x, "c@x.com", 7, &mm), 0);
		ck_assert_int_eq(resolve_email(x, "a@b.c", 5, &mm), 0);
		ck_assert_int_eq(resolve_email(x, "z@d11993.example", 16, &mm),
			1);
		ck_assert_str_eq(mm.account_id, "001D1");
		ck_assert_int_eq(resolve_email(x, "z@d25100.example", 16, &mm),
			1);
		ck_assert_str_eq(mm.account_id, "001D2");
		ck_assert_int_eq(resolve_email(x, "z@d2510.example", 15, &mm),
			0);
	}
	resolve_index_free(x);
}
END_TEST

/* very long ids (one bigger than a chunk of the key store, one too long
 * for a kept answer) and long keys come back whole */
START_TEST(long_keys_and_ids)
{
	struct resolve_index *x = resolve_index_new();
	struct resolve_match mm;
	struct buf big = BUF_INIT, mid = BUF_INIT, local = BUF_INIT,
		host = BUF_INIT, addr = BUF_INIT;
	size_t i;
	int pass;

	for (i = 0; i < 200000; i++)
		buf_addch(&big, (char)('a' + i % 26));
	for (i = 0; i < 1000; i++)
		buf_addch(&mid, (char)('A' + i % 26));
	for (i = 0; i < 64; i++)
		buf_addch(&local, (char)('a' + i % 26));
	/* three labels of 60: a 185-byte domain, a 250-byte address (the
	 * longest is 254) */
	for (i = 0; i < 3; i++) {
		size_t j;

		for (j = 0; j < 60; j++)
			buf_addch(&host, (char)('a' + (i + j) % 26));
		buf_addch(&host, '.');
	}
	buf_addstr(&host, "io");
	buf_printf(&addr, "%s@%s", local.data, host.data);
	{
		struct resolve_contact c1 = { big.data, mid.data,
			"big@x.example", "+14155550999", NULL, NULL };
		struct resolve_contact c2 = { mid.data, big.data, addr.data,
			NULL, NULL, NULL };
		struct resolve_account a = { "001LONG", host.data, NULL, NULL,
			NULL };

		ck_assert_int_eq(resolve_index_add_contact(x, &c1), 0);
		ck_assert_int_eq(resolve_index_add_contact(x, &c2), 0);
		ck_assert_int_eq(resolve_index_add_account(x, &a), 0);
	}
	resolve_index_finish(x);
	for (pass = 0; pass < 2; pass++) {
		ck_assert_int_eq(resolve_email(x, "big@x.example", 13, &mm), 1);
		ck_assert_str_eq(mm.contact_id, big.data);
		ck_assert_str_eq(mm.account_id, mid.data);
		ck_assert_int_eq(resolve_phone(x, "+14155550999", 12, &mm), 1);
		ck_assert_str_eq(mm.contact_id, big.data);
		ck_assert_int_eq(resolve_email(x, addr.data, addr.len, &mm), 1);
		ck_assert_str_eq(mm.contact_id, mid.data);
		ck_assert_str_eq(mm.account_id, big.data);
		buf_reset(&addr);
		buf_printf(&addr, "other@%s", host.data);
		ck_assert_int_eq(resolve_email(x, addr.data, addr.len, &mm), 1);
		ck_assert_str_eq(mm.account_id, "001LONG");
		ck_assert_str_eq(mm.method, "domain");
		buf_reset(&addr);
		buf_printf(&addr, "%s@%s", local.data, host.data);
	}
	resolve_index_free(x);
	buf_release(&big);
	buf_release(&mid);
	buf_release(&local);
	buf_release(&host);
	buf_release(&addr);
}
END_TEST

/* records added after resolve_index_finish count: the kept answers are
 * dropped, and lookups before finish see what was added so far */
START_TEST(add_after_finish)
{
	struct resolve_index *x = resolve_index_new();
	struct resolve_match mm;
	struct resolve_contact c1 = { "003OLD", "001A", "pat@acme.example",
		"+14155550111", NULL, "2026-01-01T00:00:00.000Z" };
	struct resolve_contact c2 = { "003NEW", "001B", "Pat@Acme.example",
		"+1 415 555 0111", NULL, "2026-06-01T00:00:00.000Z" };
	struct resolve_account a = { "001W", "wile.example", NULL, NULL, NULL };

	ck_assert_int_eq(resolve_index_add_contact(x, &c1), 0);
	/* a lookup before finish */
	ck_assert_int_eq(resolve_email(x, "pat@acme.example", 16, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003OLD");
	ck_assert_int_eq(resolve_email(x, "x@wile.example", 14, &mm), 0);
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_email(x, "pat@acme.example", 16, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003OLD");
	ck_assert_int_eq(resolve_phone(x, "+14155550111", 12, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003OLD");
	ck_assert_int_eq(resolve_email(x, "x@wile.example", 14, &mm), 0);
	ck_assert_int_eq(mm.is_internal, 0);
	/* more data: a newer contact on the same address and number, an
	 * account for a domain that matched nothing, an internal domain */
	ck_assert_int_eq(resolve_index_add_contact(x, &c2), 0);
	ck_assert_int_eq(resolve_index_add_account(x, &a), 0);
	ck_assert_int_eq(resolve_email(x, "pat@acme.example", 16, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003NEW");
	ck_assert_str_eq(mm.method, "email_contact_tie:2");
	ck_assert_int_eq(resolve_email(x, "x@wile.example", 14, &mm), 1);
	ck_assert_str_eq(mm.account_id, "001W");
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_phone(x, "+14155550111", 12, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003NEW");
	ck_assert_str_eq(mm.method, "phone_contact_tie:2");
	ck_assert_int_eq(resolve_index_add_internal_domain(x, "wile.example"),
		0);
	ck_assert_int_eq(resolve_email(x, "x@wile.example", 14, &mm), 0);
	ck_assert_int_eq(mm.is_internal, 1);
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_email(x, "x@wile.example", 14, &mm), 0);
	ck_assert_int_eq(mm.is_internal, 1);
	ck_assert_int_eq(resolve_email(x, "pat@acme.example", 16, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003NEW");
	resolve_index_free(x);
}
END_TEST

/* more domains than the answers kept by domain (2^18): the ones past it
 * are still answered right, each time */
START_TEST(many_domains)
{
	struct resolve_index *x = resolve_index_new();
	struct resolve_account a = { "001LATE", "late.example", NULL, NULL,
		NULL };
	struct resolve_match mm;
	struct buf b = BUF_INIT;
	int i;

	ck_assert_int_eq(resolve_index_add_account(x, &a), 0);
	resolve_index_finish(x);
	for (i = 0; i < (1 << 18) + 100; i++) {
		buf_reset(&b);
		buf_printf(&b, "p@d%d.example", i);
		ck_assert_int_eq(resolve_email(x, b.data, b.len, &mm), 0);
	}
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(resolve_email(x, "p@late.example", 14, &mm),
			1);
		ck_assert_str_eq(mm.account_id, "001LATE");
		ck_assert_int_eq(resolve_email(x, "p@d7.example", 12, &mm), 0);
	}
	buf_release(&b);
	resolve_index_free(x);
}
END_TEST

/* scores print with at most three decimals, always with a point */
START_TEST(score_text)
{
	static const struct { double d; const char *s; } t[] = {
		{ 1.0, "1.0" }, { 0.8, "0.8" }, { 0.72, "0.72" },
		{ 0.5666, "0.567" }, { 0.0, "0.0" }, { 0.05, "0.05" },
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		resolve_score_text(t[i].d, &b);
		ck_assert_str_eq(b.data, t[i].s);
	}
	/* every value of three decimals, against printf's spelling */
	for (i = 0; i <= 1000; i++) {
		char want[16];

		if (i % 1000 == 0)
			snprintf(want, sizeof(want), "%zu.0", i / 1000);
		else if (i % 100 == 0)
			snprintf(want, sizeof(want), "0.%zu", i / 100);
		else if (i % 10 == 0)
			snprintf(want, sizeof(want), "0.%02zu", i / 10);
		else
			snprintf(want, sizeof(want), "0.%03zu", i);
		buf_reset(&b);
		resolve_score_text((double)i / 1000.0, &b);
		ck_assert_str_eq(b.data, want);
	}
	buf_release(&b);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* What a JSONL file of contacts gives, the same read from a file (mapped)
 * and from a pipe (line by line). */
static void
check_lines_loaded(struct resolve_index *x)
{
	struct resolve_match mm;

	resolve_index_finish(x);
	/* CRLF line ends, and a last line without one */
	ck_assert_int_eq(resolve_email(x, "crlf@x.com", 10, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003CR");
	ck_assert_int_eq(resolve_email(x, "last@x.com", 10, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003LAST");
	/* the first member of a name counts, even when it is null */
	ck_assert_int_eq(resolve_email(x, "first@x.com", 11, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003DUP");
	ck_assert_int_eq(resolve_email(x, "second@x.com", 12, &mm), 0);
	ck_assert_int_eq(resolve_phone(x, "+14155550777", 12, &mm), 0);
	/* "email\u0000x" is not "email" */
	ck_assert_int_eq(resolve_email(x, "nul@x.com", 9, &mm), 0);
	ck_assert_int_eq(resolve_email(x, "real@x.com", 10, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "003NUL");
}

static const char lines_text[] =
	"{\"contact_id\":\"003CR\",\"email\":\"crlf@x.com\"}\r\n"
	"\r\n"
	"{\"contact_id\":\"003DUP\",\"email\":\"first@x.com\","
	"\"email\":\"second@x.com\",\"phone\":null,"
	"\"phone\":\"+14155550777\"}\n"
	"{\"contact_id\":\"003NUL\",\"email\\u0000x\":\"nul@x.com\","
	"\"email\":\"real@x.com\"}\n"
	"{\"contact_id\":\"003LAST\",\"email\":\"last@x.com\"}";

START_TEST(load_jsonl_lines)
{
	char dir[] = "/tmp/rsjl.XXXXXX", path[64];
	struct resolve_index *x = resolve_index_new();
	struct err e = ERR_INIT;
	size_t n;
	pid_t pid;
	int status;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.jsonl", dir);
	write_file(path, lines_text);
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_CONTACTS, path, &n, &e),
		0);
	ck_assert_uint_eq(n, 4);
	check_lines_loaded(x);
	resolve_index_free(x);
	unlink(path);
	/* a pipe cannot be mapped: read line by line */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		FILE *f = fopen(path, "w");

		if (f == NULL)
			_exit(1);
		fputs(lines_text, f);
		_exit(fclose(f) == 0 ? 0 : 1);
	}
	x = resolve_index_new();
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_CONTACTS, path, &n, &e),
		0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(n, 4);
	check_lines_loaded(x);
	resolve_index_free(x);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* the warehouse: deleted rows and inactive mappings left out; missing
 * tables and columns are no error */
START_TEST(load_db)
{
	char dir[] = "/tmp/rsdb.XXXXXX", path[64];
	sqlite3 *db;
	struct resolve_index *x = resolve_index_new();
	struct err e = ERR_INIT;
	struct resolve_stats st;
	struct resolve_match mm;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db,
		"CREATE TABLE sf_contacts(contact_id TEXT, account_id TEXT,"
		" email TEXT, phone TEXT, last_modified_date TEXT,"
		" _sdc_deleted_at TEXT);"
		"INSERT INTO sf_contacts VALUES('003A','001A','a@x.com',"
		" '+14155550100','2026-01-01T00:00:00.000Z',NULL);"
		"INSERT INTO sf_contacts VALUES('003B','001A','b@x.com',NULL,"
		" NULL,'2026-02-02T00:00:00.000Z');"
		"CREATE TABLE sf_accounts(account_id TEXT, website TEXT);"
		"INSERT INTO sf_accounts VALUES('001A','https://www.x.com/');"
		"CREATE TABLE sf_leads(lead_id TEXT, email TEXT,"
		" is_converted INTEGER, converted_contact_id TEXT);"
		"INSERT INTO sf_leads VALUES('00QA','c@x.com',1,'003A');"
		"CREATE TABLE manual_mappings(mapping_id TEXT,"
		" email_address TEXT, sf_contact_id TEXT, is_active INTEGER);"
		"INSERT INTO manual_mappings VALUES('m1','d@y.com','003A',1);"
		"INSERT INTO manual_mappings VALUES('m2','e@y.com','003A',0);",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(resolve_load_db(x, path, &e), 0);
	resolve_index_finish(x);
	resolve_index_stats(x, &st);
	ck_assert_uint_eq(st.contacts, 1);
	ck_assert_uint_eq(st.leads, 1);
	ck_assert_uint_eq(st.accounts, 1);
	ck_assert_uint_eq(st.mappings, 1);
	ck_assert_int_eq(resolve_email(x, "c@x.com", 7, &mm), 1);
	ck_assert_str_eq(mm.method, "email_lead_converted");
	ck_assert_str_eq(mm.account_id, "001A");
	ck_assert_int_eq(resolve_email(x, "b@x.com", 7, &mm), 1);
	ck_assert_str_eq(mm.method, "domain");
	ck_assert_int_eq(resolve_email(x, "d@y.com", 7, &mm), 1);
	ck_assert_str_eq(mm.method, "manual_email");
	ck_assert_int_eq(resolve_email(x, "e@y.com", 7, &mm), 0);
	unlink(path);
	ck_assert_int_eq(resolve_load_db(x, path, &e), EX_NOINPUT);
	err_release(&e);
	write_file(path, "not a database, clearly not a database at all\n");
	ck_assert_int_ne(resolve_load_db(x, path, &e), 0);
	err_release(&e);
	unlink(path);
	rmdir(dir);
	resolve_index_free(x);
}
END_TEST

/* JSONL: Singer RECORDs or plain objects; a bad line names file:line */
START_TEST(load_jsonl)
{
	char dir[] = "/tmp/rsjl.XXXXXX", path[64];
	struct resolve_index *x = resolve_index_new();
	struct err e = ERR_INIT;
	struct resolve_match mm;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.jsonl", dir);
	write_file(path,
		"{\"type\":\"SCHEMA\",\"stream\":\"sf_contacts\"}\n"
		"{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":"
		"{\"contact_id\":\"003A\",\"account_id\":\"001A\","
		"\"email\":\"a@x.com\"}}\n"
		"\n"
		"{\"contact_id\":\"003B\",\"email\":\"b@x.com\","
		"\"_sdc_deleted_at\":\"2026-01-01T00:00:00.000Z\"}\n"
		"{\"contact_id\":12345,\"email\":\"n@x.com\"}\n");
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_CONTACTS, path, &n, &e),
		0);
	ck_assert_uint_eq(n, 2);
	snprintf(path, sizeof(path), "%s/m.jsonl", dir);
	write_file(path, "{\"mapping_id\":\"m1\",\"phone_number\":"
		"\"+1 212 555 0000\",\"sf_lead_id\":\"00QZ\",\"is_active\":true}\n"
		"{\"mapping_id\":\"m2\",\"email_address\":\"z@x.com\","
		"\"sf_account_id\":\"001Z\"}\n");
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_MAPPINGS, path, &n, &e),
		0);
	ck_assert_uint_eq(n, 2);
	resolve_index_finish(x);
	ck_assert_int_eq(resolve_email(x, "a@x.com", 7, &mm), 1);
	ck_assert_str_eq(mm.account_id, "001A");
	ck_assert_int_eq(resolve_email(x, "n@x.com", 7, &mm), 1);
	ck_assert_str_eq(mm.contact_id, "12345");
	ck_assert_int_eq(resolve_email(x, "b@x.com", 7, &mm), 0);
	ck_assert_int_eq(resolve_phone(x, "+12125550000", 12, &mm), 1);
	ck_assert_str_eq(mm.lead_id, "00QZ");
	ck_assert_str_eq(mm.method, "manual_phone");
	ck_assert_int_eq(resolve_email(x, "z@x.com", 7, &mm), 1);
	ck_assert_str_eq(mm.account_id, "001Z");
	snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
	write_file(path, "{\"lead_id\":\"00Q1\"}\n[1]\n");
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_LEADS, path, &n, &e),
		EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "bad.jsonl:2: "));
	err_release(&e);
	write_file(path, "{\"lead_id\":\n");
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_LEADS, path, &n, &e),
		EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(e.msg, "bad.jsonl:1: "));
	err_release(&e);
	unlink(path);
	snprintf(path, sizeof(path), "%s/c.jsonl", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m.jsonl", dir);
	unlink(path);
	ck_assert_int_eq(resolve_load_jsonl(x, RESOLVE_LEADS, path, &n, &e),
		EX_NOINPUT);
	err_release(&e);
	rmdir(dir);
	resolve_index_free(x);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *t = tcase_create("keys");
	TCase *r = tcase_create("rules");

	tcase_add_test(t, email_key_folds);
	tcase_add_test(t, email_key_rejects);
	tcase_add_test(t, phone_key_spellings);
	tcase_add_test(t, phone_key_region);
	tcase_add_test(t, website_domain_normalises);
	tcase_add_test(t, resolve_index_many);
	tcase_add_test(t, resolve_read_freemail);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(r, setup, teardown);
	tcase_add_test(r, resolve_manual_email);
	tcase_add_test(r, resolve_manual_phone_inactive);
	tcase_add_test(r, resolve_email_contact);
	tcase_add_test(r, resolve_email_contact_gmail);
	tcase_add_test(r, resolve_tie_modified);
	tcase_add_test(r, resolve_tie_lowest_id);
	tcase_add_test(r, resolve_tie_offsets);
	tcase_add_test(r, resolve_email_lead);
	tcase_add_test(r, resolve_email_lead_converted);
	tcase_add_test(r, resolve_phone_contact);
	tcase_add_test(r, resolve_phone_account_lead);
	tcase_add_test(r, resolve_domain);
	tcase_add_test(r, resolve_domain_tie);
	tcase_add_test(r, resolve_domain_freemail);
	tcase_add_test(r, resolve_internal);
	tcase_add_test(r, resolve_index_counts);
	tcase_add_test(r, record_participant);
	tcase_add_test(r, record_call);
	tcase_add_test(r, record_email_message);
	tcase_add_test(r, record_enrollment);
	tcase_add_test(r, record_plain);
	tcase_add_test(r, record_members_as_set);
	tcase_add_test(r, record_text_as_nodes);
	tcase_add_test(r, ahead_any_text);
	tcase_add_test(r, cached_answers_agree);
	tcase_add_test(t, keys_collide_and_prefix);
	tcase_add_test(t, long_keys_and_ids);
	tcase_add_test(t, add_after_finish);
	tcase_add_test(t, many_domains);
	tcase_add_test(t, score_text);
	tcase_add_test(t, load_db);
	tcase_add_test(t, load_jsonl);
	tcase_add_test(t, load_jsonl_lines);
	suite_add_tcase(s, r);
	return s;
}
