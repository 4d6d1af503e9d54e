/*
 * fake_dir.h: the shared seeded directory of companies and people that
 * every fake-api module draws from, so that the same person shows up as a
 * Salesforce contact or lead, in Gmail mail, in Dialpad calls and in HubSpot
 * enrollments.  Built once (deterministically from --seed and the sizes)
 * before the modules' init; read-only afterwards.  See directory.c.
 */
#ifndef FAKE_DIR_H
#define FAKE_DIR_H

#include <stddef.h>

struct fake_company {
	size_t index;
	const char *name;        /* "Globex Ltd" */
	const char *domain;      /* "globex.co.uk": the mail domain */
	const char *website;     /* as a CRM holds it: "https://www.globex.co.uk/",
	                            "globex.co.uk", or NULL (missing) */
	const char *phone;       /* switchboard, written locally; may be NULL */
	const char *phone_e164;
	const char *country;     /* ISO 3166 alpha-2 */
	const char *industry;
};

struct fake_person {
	size_t index;
	const char *first, *last;    /* may hold non-ASCII */
	const char *email;           /* canonical: lower case */
	const char *email_written;   /* as people write it: mixed case,
	                                sometimes with a display name */
	const char *phone;           /* as written: "(415) 555-0132", ... */
	const char *phone_e164;      /* NULL when the person has no phone */
	const char *mobile;          /* as written, or NULL */
	const char *mobile_e164;
	const char *title;
	const struct fake_company *company; /* NULL for a free-mail person */
	int internal;                /* works for our company (a rep) */
};

size_t fake_dir_companies(void);
const struct fake_company *fake_dir_company(size_t i);
size_t fake_dir_people(void);
const struct fake_person *fake_dir_person(size_t i);
/* Our own company's reps (internal people). */
size_t fake_dir_reps(void);
const struct fake_person *fake_dir_rep(size_t i);
/* Our company's mail domain ("northwind.example" style). */
const char *fake_dir_internal_domain(void);

#endif
