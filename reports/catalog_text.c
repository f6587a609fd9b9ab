/*
 * Prints the check catalog for --list-checks. Text is wrapped by display
 * columns, not bytes, because references contain "§" (two bytes in UTF-8).
 */
#include "reports/catalog_text.h"

#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"

#define PRINT_WIDTH 100
#define REF_INDENT  4
#define SEV_WIDTH   8 /* strlen("critical") */
#define NOT_IMPL    "(not implemented yet)"
#define FIX_INDENT  (REF_INDENT + 2) /* continuation of an advice line */

/* Display columns of UTF-8 text: continuation bytes take none. */
static size_t
text_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/*
 * Writes the words of text at column col, breaking lines before a word
 * that would cross PRINT_WIDTH and indenting continuation lines to
 * indent. When after_word, text continues a line that already ends in a
 * word, so a separating space (or a line break) comes first. A word wider
 * than a whole line is printed uncut. Returns the column reached.
 */
static size_t
put_wrapped(FILE *out, const char *text, size_t col, size_t indent,
            bool after_word)
{
	const char *p = text;

	for (;;) {
		size_t len, w;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " ");
		w = text_width(p, len);
		if (after_word && col + 1 + w > PRINT_WIDTH) {
			fputc('\n', out);
			pad(out, indent);
			col = indent;
		} else if (after_word) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += w;
		p += len;
		after_word = true;
	}
	return col;
}

/* The references as one "; "-separated list. Breaks prefer the gaps
 * between references; a reference is split only if it does not fit on a
 * line of its own. */
static void
put_refs(FILE *out, const struct check *c)
{
	size_t col = REF_INDENT;

	pad(out, REF_INDENT);
	for (size_t i = 0; i < CHECK_MAX_REFS && c->refs[i] != NULL; i++) {
		bool last = i + 1 == CHECK_MAX_REFS || c->refs[i + 1] == NULL;
		size_t w =
		    text_width(c->refs[i], strlen(c->refs[i])) + (last ? 0 : 1);

		if (i > 0 && col + 1 + w > PRINT_WIDTH) {
			fputc('\n', out);
			pad(out, REF_INDENT);
			col = REF_INDENT;
		}
		col = put_wrapped(out, c->refs[i], col, REF_INDENT + 2,
		                  col > REF_INDENT);
		if (!last) {
			fputc(';', out);
			col++;
		}
	}
	fputc('\n', out);
}

/* Writes "label text" at column at, wrapped, continuation lines at
 * indent. */
static void
put_labelled(FILE *out, size_t at, const char *label, const char *text,
             size_t indent)
{
	size_t col;

	pad(out, at);
	col = put_wrapped(out, label, at, indent, false);
	put_wrapped(out, text, col, indent, true);
	fputc('\n', out);
}

/* The generic fix, then each product's own setting with its source. */
static void
put_remediation(FILE *out, const struct check *c)
{
	struct remediation rem;

	if (!remediation_for(c, NULL, &rem))
		return;
	put_labelled(out, REF_INDENT, "fix:", rem.generic, FIX_INDENT);
	for (size_t i = 0; remediation_next_product(c, &i, &rem);) {
		char label[64];

		snprintf(label, sizeof(label),
		         "%s:", remediation_product_label(rem.product));
		put_labelled(out, REF_INDENT, label, rem.product_text,
		             FIX_INDENT);
		put_labelled(out, FIX_INDENT, "source:", rem.product_cite,
		             FIX_INDENT + 2);
	}
}

void
catalog_print(FILE *out, bool all, bool remediation)
{
	const struct check *checks;
	size_t n, id_width = 0, title_col, col;
	bool first = true;

	checks = catalog_all(&n);
	for (size_t i = 0; i < n; i++)
		if ((all || checks[i].issue != NULL) &&
		    strlen(checks[i].id) > id_width)
			id_width = strlen(checks[i].id);
	title_col = id_width + 2 + SEV_WIDTH + 2;

	for (size_t i = 0; i < n; i++) {
		const struct check *c = &checks[i];
		const char *sev = severity_name(c->severity);

		if (!all && c->issue == NULL)
			continue;
		if (!first)
			fputc('\n', out);
		first = false;

		fprintf(out, "%s", c->id);
		pad(out, id_width - strlen(c->id) + 2);
		fprintf(out, "%s", sev);
		pad(out, SEV_WIDTH - strlen(sev) + 2);
		col = put_wrapped(out, c->title, title_col, title_col, false);
		if (c->issue == NULL) {
			/* the mark is kept in one piece so it reads as one */
			if (col + 1 + strlen(NOT_IMPL) > PRINT_WIDTH) {
				fputc('\n', out);
				pad(out, title_col);
			} else {
				fputc(' ', out);
			}
			fputs(NOT_IMPL, out);
		}
		fputc('\n', out);
		put_refs(out, c);
		if (remediation)
			put_remediation(out, c);
	}
}
