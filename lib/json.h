/*
 * json.h: the suite's own JSON parser, tree and writer (owner: core).
 *
 * Why not cJSON: numbers must stay exact text (64-bit Salesforce ids, money),
 * object member order must survive a round trip, and the streaming tools
 * parse hundreds of thousands of lines a second, so the steady state must not
 * call malloc per node.
 *
 * Ownership.  Every node and every string of a parse lives in a struct
 * json_doc (an arena).  json_parse() first resets the doc, which invalidates
 * every node and string handed out before (parsed or built).  The doc keeps
 * its memory across parses, so parsing line after line into one doc does no
 * malloc once it has warmed up.  Nodes never point into the parsed text: the
 * input buffer may be reused as soon as json_parse() returns.
 *
 * Strictness (RFC 8259): exactly one value, surrounded by optional white
 * space (space, tab, CR, LF), nothing after it; strings must be valid UTF-8
 * (no overlong forms, no encoded surrogates, nothing above U+10FFFF), no raw
 * control characters, \u escapes must pair surrogates correctly (a lone
 * surrogate is an error); numbers follow the JSON grammar (no leading zeros,
 * no "+", no NaN) and are kept as written, of any length.  Nesting deeper than
 * the doc's depth limit (JSON_MAX_DEPTH by default) is an error, not a stack
 * overflow: the parser and the writer do not recurse.  Duplicate member names
 * are kept (in order); json_get() finds the first.
 *
 * Errors: json_parse() returns NULL and fills the struct err with EX_DATAERR
 * and a message like "invalid JSON at byte 17: expected ':'" (byte offsets
 * are 1-based), or "JSON nesting deeper than 1000 levels".
 */
#ifndef SI_JSON_H
#define SI_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json {
	enum json_type type;
	/*
	 * JSON_PLAIN_STR: s (a STRING) holds no byte the writer must escape;
	 * JSON_PLAIN_KEY: the same for key.  Set by the parser and the
	 * builders so that json_write can copy such strings as they are.  Code
	 * that changes s or key of a node in place must clear the flag (or use
	 * json_set_str).
	 */
	unsigned flags : 8;
	/*
	 * Parsed nodes: 1 + the offset in the parsed text where the value
	 * starts (json_src_end finds where it ends); 0 for built nodes, for
	 * nodes changed in place (json_set_str) and past JSON_SRC_MAX.
	 */
	unsigned src : 24;
	/*
	 * STRING: the decoded UTF-8, NUL-terminated (it may also hold NUL
	 * bytes from "\u0000"; n counts them).  NUMBER: the text exactly as
	 * written, NUL-terminated.  Other types: "" and 0.
	 */
	const char *s;
	size_t n;
	/* Member name when the node is inside an object (decoded, NUL-
	 * terminated); NULL (and 0) otherwise. */
	const char *key;
	size_t key_n;
	/* ARRAY/OBJECT: first element or member; NULL when empty. */
	struct json *child;
	/* Next sibling inside the parent container; NULL for the last. */
	struct json *next;
	/* ARRAY/OBJECT: number of children (a document holds fewer than
	 * JSON_MAX_BYTES nodes). */
	uint32_t count;
	/* Parsed ARRAY/OBJECT: 1 + the offset just after its closing bracket
	 * in the parsed text; 0 otherwise (see src). */
	uint32_t end;
};

#define JSON_PLAIN_STR 1
#define JSON_PLAIN_KEY 2

#define JSON_SRC_MAX (((size_t)1 << 24) - 2)

#define JSON_MAX_DEPTH 1000
/* Most bytes of nodes and strings one document may use (a 64 MiB line of
 * "[0,0,0,..." would otherwise need about 2 GiB of nodes). */
#define JSON_MAX_BYTES ((size_t)1 << 30)

struct json_block;

/* The arena.  Treat the fields as private. */
struct json_doc {
	struct json_block *first;   /* standard blocks, kept across resets */
	struct json_block *cur;     /* the block being filled */
	struct json_block *big;     /* oversized blocks, freed at reset */
	size_t used;                /* bytes handed out since the reset */
	size_t max_bytes;
	size_t max_depth;
	void *stack;                /* parser stack, kept across parses */
	size_t stack_cap;
	/*
	 * Set by json_parse: 1 when the text was exactly what json_write
	 * writes for the tree (no white space outside strings, no backslash
	 * escape anywhere, under JSON_SRC_MAX bytes), so that untouched parts
	 * of the text can be copied instead of re-serialised.
	 */
	int canonical;
};

void json_doc_init(struct json_doc *doc);
void json_doc_release(struct json_doc *doc);
/* Change the limits (0 keeps the current one). */
void json_doc_set_limits(struct json_doc *doc, size_t max_depth,
    size_t max_bytes);
/* Forget every node of the doc (json_parse does this itself). */
void json_doc_reset(struct json_doc *doc);

/*
 * Parse text[0..n) (need not be NUL-terminated) into doc, after resetting
 * it.  Returns the root node, owned by doc, or NULL with e filled
 * (EX_DATAERR; EX_DATAERR too when the doc's size limit is reached).
 */
struct json *json_parse(struct json_doc *doc, const char *text, size_t n,
    struct err *e);

/*
 * Where the value of parsed node v ends in text[0..n) (the text it was
 * parsed from, which must have been canonical, see json_doc): the offset
 * just after it; 0 when unknown (v->src is 0).  The value starts at
 * v->src - 1.
 */
size_t json_src_end(const char *text, size_t n, const struct json *v);

/* Lookups.  NULL when obj is NULL or not an object, or the key is absent. */
struct json *json_get(const struct json *obj, const char *key);
struct json *json_get_n(const struct json *obj, const char *key, size_t n);
/* The string value of member key; NULL unless it is present and a string. */
const char *json_get_str(const struct json *obj, const char *key);
/* Element i of an array (or member i of an object); NULL if out of range. */
struct json *json_at(const struct json *arr, size_t i);
static inline int
json_is_str(const struct json *v)
{
	return v != NULL && v->type == JSON_STRING;
}

/*
 * Writers.  json_write appends v compactly (no white space), members in
 * their order, numbers as their text, strings escaped minimally: '"', '\\'
 * and control characters below 0x20 (as \b \f \n \r \t or \u00XX);
 * everything else, including non-ASCII, is written as UTF-8.  So a compact,
 * minimally escaped input round-trips byte for byte.  Members are written
 * with their key.  A failed buf (over its maximum) stays failed: check
 * buf_failed() once at the end.
 */
void json_write(struct buf *out, const struct json *v);
/* Append member m of an object as "key":value. */
void json_write_member(struct buf *out, const struct json *m);
/* Append s[0..n) as a quoted, escaped JSON string. */
void json_write_str(struct buf *out, const char *s, size_t n);

/*
 * Builders: new nodes inside doc (they live until the doc's next reset).
 * Strings are copied.  json_new_number_text returns NULL when the text is
 * not a valid JSON number.  A node belongs to at most one container.
 */
struct json *json_new_null(struct json_doc *doc);
struct json *json_new_bool(struct json_doc *doc, int value);
struct json *json_new_str(struct json_doc *doc, const char *s, size_t n);
struct json *json_new_cstr(struct json_doc *doc, const char *s);
struct json *json_new_number_text(struct json_doc *doc, const char *s,
    size_t n);
struct json *json_new_int(struct json_doc *doc, int64_t v);
struct json *json_new_object(struct json_doc *doc);
struct json *json_new_array(struct json_doc *doc);
/* Make v a STRING holding a copy of s[0..n) (in doc), in place. */
void json_set_str(struct json_doc *doc, struct json *v, const char *s,
    size_t n);
/* Does s[0..n) hold no byte json_write_str must escape? */
int json_str_plain(const char *s, size_t n);
/* Append v (not in another container) to array arr. */
void json_array_append(struct json *arr, struct json *v);
/*
 * Set member key of obj to value: the first member with that name is
 * replaced in place (the order of members is kept), else value is appended.
 * The key is copied into doc.  Returns value.
 */
struct json *json_object_set(struct json_doc *doc, struct json *obj,
    const char *key, struct json *value);
struct json *json_object_set_n(struct json_doc *doc, struct json *obj,
    const char *key, size_t key_n, struct json *value);
/* Remove the first member named key; returns it, or NULL if absent. */
struct json *json_object_remove(struct json *obj, const char *key);
/* Deep copy of v into doc (v may belong to another doc); key not copied. */
struct json *json_copy(struct json_doc *doc, const struct json *v);

/* Is s[0..n) a valid JSON number?  (The grammar only.) */
int json_number_valid(const char *s, size_t n);
/* Is s[0..n) valid UTF-8 (strict, as above)?  Returns 1 or 0; on 0, *bad
 * (when not NULL) is the offset of the first bad byte. */
int json_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
