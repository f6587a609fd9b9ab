/*
 * One mail conversation, two dialects (curl's struct SASLproto and
 * pingpong endofresp). IMAP and POP3 walk the same steps: greeting,
 * capabilities, mechanism probes, NTLM, STARTTLS, capabilities again over
 * TLS, and the follow-up passes. The shared walk lives in mail.c,
 * sasl.c and starttls_passes.c; a protocol supplies a struct mail_dialect
 * with its words, its reply shapes and the few steps that are its own
 * (imap.c: PREAUTH, ID, LOGINDISABLED; pop3.c: APOP, IMPLEMENTATION).
 */
#ifndef MAILAUDIT_PROBES_MAIL_H
#define MAILAUDIT_PROBES_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/checks/auth_checks.h"
#include "probes/imap_id.h"
#include "probes/ntlm.h"
#include "probes/probe.h"
#include "probes/starttls_checks.h"
#include "scanner/core/strlist.h"

#define MAIL_MAX_MECHS 10

/* What a reply is due for; a dialect numbers its own phases from
 * MAIL_PHASE_DIALECT on. */
enum mail_phase {
	MAIL_PHASE_GREETING,
	MAIL_PHASE_CAPA,
	MAIL_PHASE_AUTH,        /* AUTHENTICATE/AUTH <mech> */
	MAIL_PHASE_AUTH_CANCEL, /* "*" sent after "+" */
	MAIL_PHASE_NTLM,        /* NEGOTIATE sent after "+" */
	MAIL_PHASE_STARTTLS,
	MAIL_PHASE_TLS_CAPA,
	MAIL_PHASE_IMPLICIT_STARTTLS,
	MAIL_PHASE_INJECT_STARTTLS,
	MAIL_PHASE_INJECT_LISTEN, /* quiet wait inside TLS */
	MAIL_PHASE_INJECT_CHECK,  /* the command sent after the wait */
	MAIL_PHASE_EXTRA_STARTTLS,
	MAIL_PHASE_EXTRA_LISTEN,
	MAIL_PHASE_PLAIN_GREETING,
	MAIL_PHASE_PREAMBLE_STARTTLS,
	MAIL_PHASE_STARTTLS_SETTLE, /* a moment for bytes after the OK */
	MAIL_PHASE_PREAMBLE_SETTLE,
	MAIL_PHASE_CARRY_STARTTLS, /* a carrier's STARTTLS, hello behind */
	MAIL_PHASE_DIALECT,
};

/* The conversation state both dialects share; the first member of each
 * probe's state, so probe_state() points at it. */
struct mail_conv {
	const struct mail_dialect *d;
	int phase; /* enum mail_phase or a dialect's own */
	char tag[16];
	bool greeted;
	bool no_starttls; /* already authenticated (IMAP PREAUTH) */
	struct starttls_outcome starttls;
	struct auth_probes auth;
	struct strlist mechs_before; /* before TLS (or implicit TLS) */
	struct strlist mechs_after;
	const char *to_probe[MAIL_MAX_MECHS];
	size_t nprobe;
	size_t next_probe;
	struct mech_probe *current;
	bool ntlm_done;
	bool implicit_checked;
	char *implicit_reply;
	bool implicit_ok;
	bool implicit_bad;
	/* what names the server software (probes/impl.c) */
	bool id_parsed;
	struct imap_id id;
	bool ntlm_parsed;
	struct ntlm_challenge ntlm;
};

/* A dialect's words, in commands, finding texts and timeout messages. */
struct mail_words {
	const char *name;         /* "IMAP" */
	const char *ok;           /* "OK", "+OK" */
	const char *starttls;     /* "STARTTLS", "STLS" */
	const char *capa;         /* "CAPABILITY", "CAPA" */
	const char *authenticate; /* "AUTHENTICATE", "AUTH" */
	const char *caps_list;    /* where STARTTLS-MISSING looked */
};

/* STARTTLS-COMMAND-INJECTION: the command pipelined behind STARTTLS,
 * the tag that marks its answer (NULL: the answer is the first reply
 * inside TLS, or a second reply to check), and what is sent inside TLS
 * after a quiet wait (its reply ends like the capability list's). */
struct mail_injection {
	const char *command;
	const char *tag;
	const char *check;
};

struct mail_dialect {
	struct mail_words words;
	struct mail_injection inject;
	bool tagged;             /* commands carry a fresh tag */
	pp_endofresp reply_end;  /* how a reply to a command ends */
	pp_endofresp capa_end;   /* ... to the capability command */
	pp_endofresp cancel_end; /* ... to a SASL "*" cancel (NULL:
	                            reply_end) */
	const char *const *phase_names;

	/* the reply (to a command) says OK / +OK */
	bool (*reply_ok)(const struct pp_reply *r);
	/* the reply is a refusal of the command (NULL: not asked) */
	bool (*reply_bad)(const struct pp_reply *r);
	/* a "+" continuation; *text_off is where its text starts */
	bool (*continuation)(const struct pp_line *l, size_t *text_off);
	/* a line that greets in this protocol (IMPLICIT-TLS-PLAINTEXT) */
	bool (*greets)(const struct pp_line *l);
	/* the SASL mechanisms and a capability of a capability list */
	void (*mechs)(const struct strlist *caps, struct strlist *out);
	bool (*caps_has)(const struct strlist *caps, const char *name);

	/* the dialect's own steps; the greeting is already the main
	 * pass's banner */
	enum probe_step (*on_greeting)(struct probe_ctx *c,
	                               const struct pp_line *l);
	enum probe_step (*on_capa)(struct probe_ctx *c,
	                           const struct pp_reply *r);
	enum probe_step (*on_own_reply)(struct probe_ctx *c,
	                                const struct pp_reply *r);
	/* after the shared steps (NULL: the end) */
	enum probe_step (*more)(struct probe_ctx *c);
	/* the STARTTLS reply was OK (NULL: nothing to note) */
	void (*starttls_ok)(struct probe_ctx *c, const struct pp_reply *r,
	                    const char *evidence);
	/* judgement of the main pass, around the shared parts */
	void (*judge_greeting)(struct probe_ctx *c, bool cleartext);
	void (*judge_caps)(struct probe_ctx *c, bool cleartext,
	                   struct auth_context *actx);
	void (*judge_tail)(struct probe_ctx *c, bool cleartext);
	/* frees the dialect's own state, after the judgement */
	void (*release)(struct probe_ctx *c);
};

/* The names of the shared phases, for timeout messages ("reply to
 * CAPA"), from the dialect's words: capability command, SASL command,
 * STARTTLS command, its OK and the injection check command. */
#define MAIL_PHASE_NAMES(capa, auth, starttls, ok, check)                      \
	[MAIL_PHASE_GREETING] = "greeting",                                    \
	[MAIL_PHASE_CAPA] = "reply to " capa,                                  \
	[MAIL_PHASE_AUTH] = "reply to " auth,                                  \
	[MAIL_PHASE_AUTH_CANCEL] = "reply to the " auth " cancel",             \
	[MAIL_PHASE_NTLM] = "NTLM challenge",                                  \
	[MAIL_PHASE_STARTTLS] = "reply to " starttls,                          \
	[MAIL_PHASE_TLS_CAPA] = "reply to " capa " over TLS",                  \
	[MAIL_PHASE_IMPLICIT_STARTTLS] = "reply to " starttls " over TLS",     \
	[MAIL_PHASE_INJECT_STARTTLS] = "reply to a pipelined " starttls,       \
	[MAIL_PHASE_INJECT_LISTEN] = "unsolicited data",                       \
	[MAIL_PHASE_INJECT_CHECK] = "reply to " check,                         \
	[MAIL_PHASE_EXTRA_STARTTLS] = "reply to " starttls,                    \
	[MAIL_PHASE_EXTRA_LISTEN] = "bytes after the " starttls " " ok,        \
	[MAIL_PHASE_PLAIN_GREETING] = "cleartext greeting",                    \
	[MAIL_PHASE_PREAMBLE_STARTTLS] = "reply to " starttls,                 \
	[MAIL_PHASE_STARTTLS_SETTLE] = "bytes after the " starttls " " ok,     \
	[MAIL_PHASE_CARRY_STARTTLS] = "reply to a pipelined " starttls,        \
	[MAIL_PHASE_PREAMBLE_SETTLE] = "bytes after the " starttls " " ok

/* The hooks every dialect defines, under these names. */
#define MAIL_DIALECT_HOOKS                                                     \
	.phase_names = phase_names, .reply_ok = reply_ok,                      \
	.continuation = continuation, .greets = greets,                        \
	.on_greeting = on_greeting, .on_capa = on_capa,                        \
	.judge_greeting = judge_greeting, .judge_caps = judge_caps,            \
	.judge_tail = judge_tail, .release = release

/* A dialect's probe module; early_data: see probe_module. */
#define MAIL_PROBE_MODULE(var, pname, state, startfn, early)                   \
	const struct probe_module var = {                                      \
	    .name = (pname),                                                   \
	    .state_size = sizeof(state),                                       \
	    .start = (startfn),                                                \
	    .on_reply = mail_on_reply,                                         \
	    .on_tls_ready = mail_on_tls_ready,                                 \
	    .on_tls_failed = mail_on_tls_failed,                               \
	    .finish = mail_finish,                                             \
	    .on_quiet = mail_on_quiet,                                         \
	    .next_pass = starttls_next_pass,                                   \
	    .carries_hello = starttls_carries_hello,                           \
	    .early_data = (early),                                             \
	}

static inline struct mail_conv *
mail_conv(struct probe_ctx *c)
{
	return probe_state(c);
}

/* mail.c: the conversation */
enum probe_step mail_start(struct probe_ctx *c, const struct mail_dialect *d);
char *mail_evidence(const struct pp_line *l);
/* Sends a command (tagged if the dialect tags) and waits for its reply. */
enum probe_step mail_command(struct probe_ctx *c, int phase, const char *cmd,
                             pp_endofresp end);
/* Sends a line inside the exchange of the last command (a "+"
 * continuation's answer). */
enum probe_step mail_send_line(struct probe_ctx *c, int phase,
                               const char *line);
enum probe_step mail_listen(struct probe_ctx *c, int phase, double seconds);
void mail_set_phase(struct probe_ctx *c, int phase);
/* The active steps on the connection as it is now, then STARTTLS or
 * the end. */
enum probe_step mail_next_step(struct probe_ctx *c);
/* The capabilities are in res (caps_known: the list was read). */
enum probe_step mail_after_caps(struct probe_ctx *c, bool caps_known);
enum probe_step mail_on_reply(struct probe_ctx *c, const struct pp_reply *r);
enum probe_step mail_on_tls_ready(struct probe_ctx *c);
enum probe_step mail_on_tls_failed(struct probe_ctx *c, const char *why);
enum probe_step mail_on_quiet(struct probe_ctx *c);
/* Judges the main pass and frees the state (probe_module.finish). */
void mail_finish(struct probe_ctx *c, enum probe_end how);

/* sasl.c: mechanism probes and NTLM */
enum probe_step sasl_next_mechanism(struct probe_ctx *c);
enum probe_step sasl_after_mechanism(struct probe_ctx *c);
enum probe_step sasl_on_auth(struct probe_ctx *c, const struct pp_reply *r);
enum probe_step sasl_on_ntlm(struct probe_ctx *c, const struct pp_reply *r);

/* starttls_passes.c: the follow-up passes */
/* After a valid greeting: starts the pass's own exchange and returns
 * true, or false on the main pass. */
bool starttls_pass_greeted(struct probe_ctx *c, enum probe_step *step);
enum probe_step starttls_pass_on_reply(struct probe_ctx *c,
                                       const struct pp_reply *r);
enum probe_step starttls_preamble_settle(struct probe_ctx *c);

#endif
