/*
 * IMAP ID response parser (RFC 2971 §3.2, strings per RFC 9051 §4.3).
 * The engine hands over whole lines; a literal's octets are rebuilt from
 * the lines that follow its "{n}" with the line ends put back.
 */
#include "probes/imap_id.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/escape.h"
#include "scanner/core/xalloc.h"

/* Position in the reply: a byte of a line, possibly its end. */
struct cursor {
	const struct pp_reply *r;
	size_t line;
	size_t pos;
	size_t used; /* bytes of the lines entered so far, line ends too */
};

/* A string as received (may hold NULs and line ends). */
struct rawstr {
	char *p;
	size_t n;
};

static const struct pp_line *
cur_line(const struct cursor *c)
{
	return &c->r->lines[c->line];
}

/* Next byte of the current line, or -1 at its end. */
static int
peek(const struct cursor *c)
{
	const struct pp_line *l = cur_line(c);

	return c->pos < l->len ? (unsigned char)l->text[c->pos] : -1;
}

static size_t
line_end_len(const struct pp_line *l)
{
	return l->bare_lf ? 1 : 2;
}

/* Accounts for the whole of line i; false past IMAP_ID_MAX_BYTES. */
static bool
enter_line(struct cursor *c, size_t i)
{
	const struct pp_line *l = &c->r->lines[i];
	size_t add = l->len + line_end_len(l);

	if (l->len > IMAP_ID_MAX_BYTES || add > IMAP_ID_MAX_BYTES - c->used)
		return false;
	c->used += add;
	c->line = i;
	c->pos = 0;
	return true;
}

static size_t
skip_spaces(struct cursor *c)
{
	size_t n = 0;

	while (peek(c) == ' ') {
		c->pos++;
		n++;
	}
	return n;
}

static char
upper(int ch)
{
	return (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : (char)ch;
}

/* Consumes the keyword kw (case-insensitive) if it is the whole atom at
 * the cursor (followed by a space, ')' or the line end). */
static bool
keyword(struct cursor *c, const char *kw)
{
	const struct pp_line *l = cur_line(c);
	size_t k = strlen(kw), end;

	if (l->len - c->pos < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (upper((unsigned char)l->text[c->pos + i]) != kw[i])
			return false;
	end = c->pos + k;
	if (end < l->len && l->text[end] != ' ' && l->text[end] != ')')
		return false;
	c->pos = end;
	return true;
}

static bool
quoted(struct cursor *c, struct rawstr *s)
{
	const struct pp_line *l = cur_line(c);
	size_t o = 0;

	c->pos++; /* the opening quote */
	s->p = xmalloc(l->len - c->pos + 1);
	for (;;) {
		int ch = peek(c);

		if (ch < 0)
			return false; /* unterminated: quoted strings are one
			                 line */
		c->pos++;
		if (ch == '"')
			break;
		if (ch == '\\') {
			ch = peek(c);
			if (ch != '"' && ch != '\\')
				return false;
			c->pos++;
		}
		s->p[o++] = (char)ch;
	}
	s->n = o;
	return true;
}

/* "{n}" at the end of the line, then n octets from the next lines. */
static bool
literal(struct cursor *c, struct rawstr *s)
{
	const struct pp_reply *r = c->r;
	size_t n = 0, digits = 0, got = 0;
	int ch;

	c->pos++; /* '{' */
	while ((ch = peek(c)) >= '0' && ch <= '9') {
		n = n * 10 + (size_t)(ch - '0');
		if (n > IMAP_ID_MAX_BYTES)
			return false;
		digits++;
		c->pos++;
	}
	/* "{n+}" is for clients only (RFC 7888); servers send "{n}" */
	if (digits == 0 || peek(c) != '}')
		return false;
	c->pos++;
	if (peek(c) != -1 || c->line + 1 >= r->nlines ||
	    !enter_line(c, c->line + 1))
		return false;
	s->p = xmalloc(n + 1);
	while (got < n) {
		const struct pp_line *l = cur_line(c);
		size_t take = l->len - c->pos, sep = line_end_len(l);

		if (take > n - got)
			take = n - got;
		memcpy(s->p + got, l->text + c->pos, take);
		got += take;
		c->pos += take;
		if (got == n)
			break;
		/* the octets go on past this line: put its line end back */
		if (n - got < sep)
			return false; /* the literal would end inside CRLF */
		memcpy(s->p + got, l->bare_lf ? "\n" : "\r\n", sep);
		got += sep;
		if (c->line + 1 >= r->nlines || !enter_line(c, c->line + 1))
			return false;
	}
	s->n = n;
	return true;
}

static bool
string(struct cursor *c, struct rawstr *s)
{
	switch (peek(c)) {
	case '"':
		return quoted(c, s);
	case '{':
		return literal(c, s);
	default:
		return false;
	}
}

static void
push_pair(struct imap_id *id, size_t *cap, const struct rawstr *f,
          const struct rawstr *v)
{
	struct imap_id_pair *p;

	if (id->npairs == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		id->pairs = xreallocarray(id->pairs, *cap, sizeof(*id->pairs));
	}
	p = &id->pairs[id->npairs++];
	p->field = escape_bytes(f->p, f->n, IMAP_ID_FIELD_MAX);
	p->value = v ? escape_bytes(v->p, v->n, IMAP_ID_VALUE_MAX) : NULL;
}

/* The parenthesised list; the cursor is on '('. */
static bool
pair_list(struct cursor *c, struct imap_id *id)
{
	size_t cap = 0;

	c->pos++;
	skip_spaces(c);
	if (peek(c) == ')') {
		c->pos++;
		return true;
	}
	for (;;) {
		struct rawstr f = {0}, v = {0};
		bool nil = false, ok;
		size_t sp;

		ok = id->npairs < IMAP_ID_MAX_PAIRS && string(c, &f) &&
		     skip_spaces(c) > 0 &&
		     ((nil = keyword(c, "NIL")) || string(c, &v));
		if (ok)
			push_pair(id, &cap, &f, nil ? NULL : &v);
		free(f.p);
		free(v.p);
		if (!ok)
			return false;
		sp = skip_spaces(c);
		if (peek(c) == ')') {
			c->pos++;
			return true;
		}
		if (sp == 0)
			return false;
	}
}

static bool
is_id_line(const struct pp_line *l)
{
	return l->len >= 4 && l->text[0] == '*' && l->text[1] == ' ' &&
	       upper((unsigned char)l->text[2]) == 'I' &&
	       upper((unsigned char)l->text[3]) == 'D' &&
	       (l->len == 4 || l->text[4] == ' ');
}

enum imap_id_status
imap_id_parse(const struct pp_reply *reply, struct imap_id *id_r)
{
	struct cursor c = {.r = reply};
	size_t i;
	bool ok;

	if (id_r == NULL)
		return IMAP_ID_MALFORMED;
	memset(id_r, 0, sizeof(*id_r));
	if (reply == NULL)
		return IMAP_ID_ABSENT;
	for (i = 0; i < reply->nlines; i++)
		if (is_id_line(&reply->lines[i]))
			break;
	if (i == reply->nlines)
		return IMAP_ID_ABSENT;
	if (!enter_line(&c, i))
		return IMAP_ID_MALFORMED;
	c.pos = 4;
	if (skip_spaces(&c) == 0)
		return IMAP_ID_MALFORMED;
	if (keyword(&c, "NIL")) {
		id_r->nil = true;
		ok = true;
	} else {
		ok = peek(&c) == '(' && pair_list(&c, id_r);
	}
	if (ok) {
		skip_spaces(&c);
		ok = peek(&c) == -1;
	}
	if (!ok) {
		imap_id_free(id_r);
		return IMAP_ID_MALFORMED;
	}
	return IMAP_ID_PARSED;
}

void
imap_id_free(struct imap_id *id)
{
	if (id == NULL)
		return;
	for (size_t i = 0; i < id->npairs; i++) {
		free(id->pairs[i].field);
		free(id->pairs[i].value);
	}
	free(id->pairs);
	memset(id, 0, sizeof(*id));
}

static bool
field_is(const char *f, const char *name)
{
	size_t k = strlen(name);

	if (strlen(f) != k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (upper((unsigned char)f[i]) != upper((unsigned char)name[i]))
			return false;
	return true;
}

static bool
disclosing(const struct imap_id_pair *p)
{
	static const char *const fields[] = {
	    "version", "os",        "os-version",  "vendor",      "date",
	    "command", "arguments", "environment", "support-url",
	};

	if (p->value == NULL || p->value[0] == '\0')
		return false;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (field_is(p->field, fields[i]))
			return true;
	return false;
}

struct sbuf {
	char *p;
	size_t n; /* capacity, NUL included */
	size_t o;
	bool full;
};

/* The first piece that does not fit is cut and the text ends in "...". */
static void
sbuf_put(struct sbuf *b, const char *s)
{
	size_t k = strlen(s), room;

	if (b->p == NULL || b->full || b->n == 0)
		return;
	room = b->n - 1 - b->o;
	if (k <= room) {
		memcpy(b->p + b->o, s, k);
		b->o += k;
		b->p[b->o] = '\0';
		return;
	}
	b->full = true;
	memcpy(b->p + b->o, s, room);
	b->o += room;
	if (b->o >= 3)
		memcpy(b->p + b->o - 3, "...", 3);
	b->p[b->o] = '\0';
}

bool
imap_id_discloses(const struct imap_id *id, char *evidence, size_t n)
{
	struct sbuf b = {.p = evidence, .n = n};
	bool found = false;

	if (evidence != NULL && n > 0)
		evidence[0] = '\0';
	if (id == NULL)
		return false;
	for (size_t i = 0; i < id->npairs; i++) {
		const struct imap_id_pair *p = &id->pairs[i];

		if (!disclosing(p))
			continue;
		if (found)
			sbuf_put(&b, "; ");
		found = true;
		sbuf_put(&b, p->field);
		sbuf_put(&b, " \"");
		sbuf_put(&b, p->value);
		sbuf_put(&b, "\"");
	}
	return found;
}
