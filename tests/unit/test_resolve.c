#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolve.h"
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
	struct resolve_mapping m = { id, email, phone, cid, aid, active,
		"2026-01-01T00:00:00.000Z" };

	resolve_index_add_mapping(ix, &m);
}

/* A small CRM with one trap per rule. */
static void
setup(void)
{
	ix = resolve_index_new();
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
		"bob@localhost", "Bob <bob@x.com", "a b@x.com", "bob@x..com",
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
	};
	static const char *const bad[] = { "", "555-0100", "+0123456789",
		"+1234567", "+1234567890123456", "call me", "020 7946 0000",
		"+1 415 555 0100 1 2 3 4 5" };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ck_assert_int_eq(resolve_phone_key(in[i][0], strlen(in[i][0]),
			&b), 0);
		ck_assert_str_eq(buf_cstr(&b), in[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(resolve_phone_key(bad[i], strlen(bad[i]), &b) ==
			-1, "%s", bad[i]);
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
	ck_assert_uint_eq(st.freemail, 2);
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

/* the free-mail file: comments, blanks, and a missing file */
START_TEST(resolve_read_freemail)
{
	char path[] = "/tmp/fm.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct err e = ERR_INIT;
	struct resolve_stats st;
	struct resolve_index *x = resolve_index_new();

	fputs("# list\n\nproton.me\n  Tuta.IO  # a comment\n", f);
	fclose(f);
	ck_assert_int_eq(resolve_index_read_freemail(x, path, &e), 0);
	unlink(path);
	resolve_index_stats(x, &st);
	ck_assert_uint_eq(st.freemail, 2);
	ck_assert_int_eq(resolve_index_read_freemail(x, path, &e), EX_NOINPUT);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	err_release(&e);
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
	tcase_add_test(r, resolve_email_lead);
	tcase_add_test(r, resolve_email_lead_converted);
	tcase_add_test(r, resolve_phone_contact);
	tcase_add_test(r, resolve_phone_account_lead);
	tcase_add_test(r, resolve_domain);
	tcase_add_test(r, resolve_domain_tie);
	tcase_add_test(r, resolve_domain_freemail);
	tcase_add_test(r, resolve_internal);
	tcase_add_test(r, resolve_index_counts);
	suite_add_tcase(s, r);
	return s;
}
