/*
 * fake_dir.h: the shared seeded directory of companies and people that
 * every fake-api module draws from, so that the same person shows up as a
 * Salesforce contact or lead, in Gmail mail, in Dialpad calls and in HubSpot
 * enrollments, written the many ways real people write names, addresses and
 * phone numbers.  Built on first use, deterministically from --seed and the
 * sizes (--companies, --people, --reps); read-only afterwards.  The strings
 * belong to the directory and live until exit.  See directory.c.
 */
#ifndef FAKE_DIR_H
#define FAKE_DIR_H

#include <stddef.h>

struct fake_company {
	size_t index;
	const char *name;        /* "Globex Ltd" */
	const char *domain;      /* mail domain, "globex.co.uk" */
	const char *website;     /* as a CRM holds it: "https://www.globex.co.uk/",
	                            "globex.co.uk", ... or NULL (missing) */
	const char *phone;       /* switchboard as written locally, or NULL */
	const char *phone_e164;
	const char *country;     /* ISO 3166 alpha-2 */
	const char *industry;
	long long revenue;       /* AnnualRevenue, 0 = none */
	int employees;
	int shares_domain;       /* another company has the same domain (tie) */
};

enum fake_sf_role {
	FAKE_SF_NONE,            /* not in Salesforce at all */
	FAKE_SF_CONTACT,
	FAKE_SF_LEAD,            /* an open lead */
	FAKE_SF_CONVERTED        /* a lead converted to a contact: both exist */
};

struct fake_person {
	size_t index;
	const char *first, *last;    /* may hold non-ASCII (UTF-8) */
	const char *email;           /* as the CRM stores it (lower case) */
	const char *phone;           /* as written: "(415) 867-2301", ... */
	const char *phone_e164;      /* NULL when phone is NULL */
	const char *mobile;          /* as written, or NULL */
	const char *mobile_e164;
	const char *title;
	const struct fake_company *company; /* NULL: free-mail person */
	const char *country;
	enum fake_sf_role sf_role;
	int sf_dup;          /* a second Salesforce contact has the same email */
	int in_mail;         /* writes and gets mail with the reps */
	int in_calls;        /* talks on the phone with the reps */
	int in_hubspot;      /* is enrolled in a HubSpot sequence */
	size_t rep;          /* index of the rep who owns the relationship */
};

struct fake_rep {
	size_t index;
	const char *first, *last;
	const char *email;           /* "rosa.imbert@northwind.example" */
	const char *phone_e164;      /* the rep's Dialpad number */
	const char *title;
};

size_t fake_dir_companies(void);
const struct fake_company *fake_dir_company(size_t i);
size_t fake_dir_people(void);
const struct fake_person *fake_dir_person(size_t i);
size_t fake_dir_reps(void);
const struct fake_rep *fake_dir_rep(size_t i);
/* Our own company's mail domain. */
const char *fake_dir_internal_domain(void);

/*
 * The person's address the way variant k writes it (malloc'd; k any number,
 * deterministic): 0 as stored; 1 mixed case ("Asha.Raman@Globex.co.UK");
 * 2 with a display name ("Asha Raman <asha.raman@globex.co.uk>");
 * 3 quoted "Last, First" display name and upper-case domain;
 * 4 a sub-address ("asha.raman+crm@..."); for gmail.com also dots moved.
 * Variants 1..4 are the same mailbox as variant 0 for a careful normaliser.
 */
char *fake_dir_email_variant(const struct fake_person *p, unsigned k);
/* The bare address inside a variant (malloc'd): strips a display name. */
char *fake_dir_email_bare(const char *written);

#endif
