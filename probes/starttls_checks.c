/* STARTTLS/STLS outcome judgement shared by IMAP and POP3. */
#include "probes/starttls_checks.h"

#include <stdlib.h>

void
starttls_outcome_free(struct starttls_outcome *o)
{
	free(o->reply);
	free(o->handshake_error);
	o->reply = NULL;
	o->handshake_error = NULL;
}

void
starttls_judge(struct endpoint_result *r, const struct starttls_outcome *o)
{
	const char *cmd = o->command;
	const char *reply = o->reply ? o->reply : "(no reply)";

	if (!o->attempted)
		return;
	if (!o->accepted) {
		if (o->advertised)
			result_add_findingf(r, "STARTTLS-BROKEN",
					    "%s advertised, but the command "
					    "was refused: %s",
					    cmd, reply);
		else
			result_add_findingf(
				r, "STARTTLS-MISSING",
				"%s not in the capabilities%s, and the "
				"command was refused: %s",
				cmd, o->caps_known ? "" : " (none were listed)",
				reply);
		return;
	}
	if (!o->handshake_done) {
		result_add_findingf(r, "STARTTLS-BROKEN",
				    "%s answered \"%s\", then the TLS "
				    "handshake failed: %s",
				    cmd, reply,
				    o->handshake_error ? o->handshake_error
						       : "unknown error");
		return;
	}
	if (!o->advertised)
		result_add_findingf(r, "STARTTLS-NOT-ADVERTISED",
				    "%s works (\"%s\") but is not listed in "
				    "the capabilities before TLS%s",
				    cmd, reply,
				    o->caps_known ? ""
						  : " (the server lists none)");
	if (o->still_advertised)
		result_add_findingf(r, "STARTTLS-STILL-ADVERTISED",
				    "%s is still listed in the capabilities "
				    "after TLS was established",
				    cmd);
}
