/* SARIF rule help text and Markdown (see sarif_help.h). */
#include "reports/sarif_help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/checks/catalog_remediation.h"

/* Catalog text is ours, but advice quotes configuration ("ssl_cert =
 * </path/<name>/fullchain.pem"): without escapes a Markdown renderer
 * would take "<name>" for HTML and "*" or "_" for emphasis. */
static void
put_md(FILE *out, const char *s)
{
	for (; *s; s++) {
		/* a URL as an autolink: escapes would become part of it */
		if (strncmp(s, "https://", 8) == 0 ||
		    strncmp(s, "http://", 7) == 0) {
			size_t n = strcspn(s, " <>");

			while (n > 0 && strchr(".,;)", s[n - 1]))
				n--;
			fprintf(out, "<%.*s>", (int)n, s);
			s += n - 1;
			continue;
		}
		if (strchr("\\`*_{}[]<>#|!", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* open_memstream sets *buf only when the stream is flushed or closed */
static char *
finish(FILE *m, char **buf)
{
	if (fclose(m) != 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

char *
sarif_help_text(const struct check *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct remediation rem;

	if (m == NULL)
		return NULL;
	fputs(c->description, m);
	for (size_t k = 0; k < CHECK_MAX_REFS && c->refs[k]; k++)
		fprintf(m, "%s\n- %s", k ? "" : "\n\nReferences:", c->refs[k]);
	if (remediation_for(c, NULL, &rem)) {
		fprintf(m, "\n\nRemediation: %s", rem.generic);
		for (size_t i = 0; remediation_next_product(c, &i, &rem);)
			fprintf(m, "\n- %s: %s (source: %s)",
			        remediation_product_label(rem.product),
			        rem.product_text, rem.product_cite);
	}
	return finish(m, &buf);
}

char *
sarif_help_markdown(const struct check *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct remediation rem;

	if (m == NULL)
		return NULL;
	put_md(m, c->description);
	for (size_t k = 0; k < CHECK_MAX_REFS && c->refs[k]; k++) {
		fputs(k ? "\n- " : "\n\n**References**\n\n- ", m);
		put_md(m, c->refs[k]);
	}
	if (remediation_for(c, NULL, &rem)) {
		bool first = true;

		fputs("\n\n**Remediation**\n\n", m);
		put_md(m, rem.generic);
		for (size_t i = 0; remediation_next_product(c, &i, &rem);) {
			/* a blank line before the list starts it */
			fputs(first ? "\n\n- **" : "\n- **", m);
			first = false;
			put_md(m, remediation_product_label(rem.product));
			fputs("**: ", m);
			put_md(m, rem.product_text);
			fputs(" *Source:* ", m);
			put_md(m, rem.product_cite);
		}
	}
	return finish(m, &buf);
}
