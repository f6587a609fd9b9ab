/*
 * The conversation driver with the real IMAP and POP3 probes, driven from
 * memory: a scripted server answers every command the client sends
 * (reading the client's tags), the TLS handshake is simulated, and the
 * endpoint result is checked: status, detail, capabilities and exactly
 * which findings appear (transcripts after checks.md §1, P1-P4). Each
 * conversation runs passive and active where both apply, and is replayed
 * with every server write split at every byte and in several chunk
 * sizes; the results must not change.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/checks/catalog.h"
#include "probes/probe.h"
#include "probes/service.h"
#include "probes/starttls_checks.h"
#include "scanner/core/result.h"
#include "scanner/engine/session.h"
#include "scanner/core/xalloc.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *session_suite(void);

/* Every passing ck_assert is recorded by Check (a write each); the
 * thousands of replays check quietly and fail loudly. */
#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

#define M_PASSIVE 1u
#define M_ACTIVE  2u
#define M_BOTH    (M_PASSIVE | M_ACTIVE)

#define MAXF 6

/* Dovecot 2.3 as seen in the lab (checks.md P1-P4). */
#define DOVECOT_IMAP_CAPS                                                      \
	"IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+"
#define DOVECOT_IMAP_GREETING                                                  \
	"* OK [CAPABILITY " DOVECOT_IMAP_CAPS " STARTTLS LOGINDISABLED] "      \
	"Dovecot (Debian) ready.\r\n"
#define DOVECOT_IMAP_BEFORE                                                    \
	"* CAPABILITY " DOVECOT_IMAP_CAPS " STARTTLS LOGINDISABLED\r\n"
#define DOVECOT_IMAP_AFTER                                                     \
	"* CAPABILITY " DOVECOT_IMAP_CAPS " AUTH=PLAIN AUTH=LOGIN\r\n"
#define PLAIN_IMAP_GREETING "* OK IMAP4rev1 Service Ready\r\n"

#define DOVECOT_POP3_GREETING "+OK Dovecot (Debian) ready.\r\n"
#define DOVECOT_POP3_CAPS                                                      \
	"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-"        \
	"CODE\r\n"
#define DOVECOT_POP3_BEFORE DOVECOT_POP3_CAPS "STLS\r\nSASL\r\n"
#define DOVECOT_POP3_AFTER  DOVECOT_POP3_CAPS "USER\r\nSASL PLAIN LOGIN\r\n"
#define APOP_TS             "<4aee.2.6b0863fc.3PVPMleoMwdhYwEBGwD9XQ==@vm>"

struct scenario {
	const char *name;
	const char *service;
	unsigned modes;
	/* the server */
	const char *greeting;    /* NULL: silent */
	size_t greeting_pad;     /* > 0: one line of this many bytes instead */
	size_t capa_lines;       /* > 0: POP3 CAPA body of this many lines */
	const char *caps_before; /* IMAP untagged lines / POP3 CAPA body, or
	                            "-ERR" for a POP3 server without CAPA */
	const char *caps_after;
	const char *stls_reply;   /* IMAP: after "tag "; POP3: whole line */
	const char *stls_trailer; /* sent in the same write after it */
	bool handshake_fails;
	bool auth_usable; /* AUTHENTICATE / AUTH answered with "+" */
	/* the command the server answers by closing; "-CMD": by silence;
	 * "+CMD": with its reply, then a close */
	const char *close_on;
	bool wrong_tag; /* tagged replies carry another tag */
	/* what must come out */
	enum endpoint_status status;
	const char *detail; /* substring of status_detail, or NULL */
	const char *findings[MAXF];
	const char *evidence_of; /* finding ... */
	const char *evidence;    /* ... whose evidence contains this */
	const char *never_sent;  /* the client never sends this */
	const char *before_has;
	const char *after_has;
	const char *after_lacks;
	bool tls_reached;
	bool split; /* replay at every split point (not for huge lines) */
	/* extra bytes after the STARTTLS OK show in the transcript only
	 * when they arrive after it: compare everything else */
	bool transcript_varies;
};

static const struct scenario scenarios[] = {
    /* --- IMAP on the cleartext port --- */
    {
        .name = "imap compliant (Dovecot)",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .evidence_of = "INFO-BANNER-DISCLOSURE",
        .evidence = "Dovecot (Debian) ready.",
        .before_has = "LOGINDISABLED",
        .after_has = "AUTH=PLAIN",
        .after_lacks = "STARTTLS",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imap plaintext auth before TLS",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] "
                    "Dovecot ready.\r\n",
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n",
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK Begin TLS negotiation now.",
        .auth_usable = true,
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE",
                     "AUTH-PLAINTEXT-BEFORE-TLS"},
        .evidence_of = "AUTH-PLAINTEXT-BEFORE-TLS",
        .evidence = "AUTH=PLAIN",
        .before_has = "AUTH=PLAIN",
        .after_has = "AUTH=LOGIN",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imap STARTTLS refused with BAD, not advertised",
        .service = "imap",
        .modes = M_ACTIVE,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n",
        .stls_reply = "BAD Error in IMAP command received by server.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-MISSING"},
        .evidence_of = "STARTTLS-MISSING",
        .evidence = "BAD Error in IMAP command",
        .split = true,
    },
    {
        .name = "imap STARTTLS not advertised, passive",
        .service = "imap",
        .modes = M_PASSIVE,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n",
        .stls_reply = "BAD Error in IMAP command received by server.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-MISSING"},
        .never_sent = "STARTTLS",
        .split = true,
    },
    {
        .name = "imap STARTTLS advertised but refused with NO",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n",
        .stls_reply = "NO [UNAVAILABLE] TLS support not configured.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-BROKEN"},
        .evidence_of = "STARTTLS-BROKEN",
        .evidence = "TLS support not configured",
        .split = true,
    },
    {
        .name = "imap STARTTLS OK, then the handshake fails",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n",
        .stls_reply = "OK Begin TLS negotiation now.",
        .handshake_fails = true,
        .status = EP_STATUS_OK,
        .detail = "handshake failed",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-BROKEN"},
        .evidence_of = "STARTTLS-BROKEN",
        .evidence = "wrong version number",
        .split = true,
    },
    {
        /* an OK followed by a close is a failed upgrade, not a protocol
         * error: the same as a handshake that dies at once */
        .name = "imap STARTTLS OK, then the server closes",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n",
        .stls_reply = "OK Begin TLS negotiation now.",
        .close_on = "+STARTTLS",
        .status = EP_STATUS_OK,
        .detail = "STARTTLS",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-BROKEN"},
        .split = true,
    },
    {
        .name = "imap STARTTLS works but is not advertised",
        .service = "imap",
        .modes = M_ACTIVE,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n",
        .caps_after = "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n",
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-NOT-ADVERTISED"},
        .after_has = "AUTH=PLAIN",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imap STARTTLS still advertised after TLS",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = PLAIN_IMAP_GREETING,
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n",
        .caps_after = "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n",
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-STILL-ADVERTISED"},
        .tls_reached = true,
        .split = true,
    },
    {
        /* an empty CAPABILITY reply: the greeting's list stands in */
        .name = "imap capabilities only in the greeting",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = "",
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .before_has = "STARTTLS",
        .after_has = "AUTH=PLAIN",
        .tls_reached = true,
        .split = true,
    },
    {
        /* ... but never after TLS: the cleartext greeting is not
         * authenticated (RFC 9051 6.2.1) */
        .name = "imap empty CAPABILITY reply over TLS",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .caps_after = "",
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .after_lacks = "STARTTLS",
        .tls_reached = true,
        .split = true,
    },
    {
        /* capabilities in the cleartext STARTTLS OK are noted, not used */
        .name = "imap capabilities in the STARTTLS OK",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK [CAPABILITY IMAP4rev1 AUTH=XBOGUS] Begin TLS now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE",
                     "STARTTLS-CAPABILITY-IN-OK"},
        .evidence_of = "STARTTLS-CAPABILITY-IN-OK",
        .evidence = "AUTH=XBOGUS",
        .after_lacks = "AUTH=XBOGUS",
        .tls_reached = true,
        .split = true,
    },
    {
        /* terminal escapes from the peer never reach the result */
        .name = "imap hostile bytes in greeting and capabilities",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] "
                    "\x1b[2J\x1b]0;pwned\x07 Dovecot\x7f ready\r\n",
        .caps_before = "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED "
                       "X-\x1b[31m\r\n",
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .evidence_of = "INFO-BANNER-DISCLOSURE",
        .evidence = "\\x1b[2J",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imap PREAUTH greeting",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = "* PREAUTH [CAPABILITY IMAP4rev1] Logged in as joe\r\n",
        .caps_before = "* CAPABILITY IMAP4rev1\r\n",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "IMAP-PREAUTH-CLEARTEXT"},
        .never_sent = "STARTTLS",
        .before_has = "IMAP4rev1",
        .split = true,
    },
    {
        .name = "imap BYE greeting",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = "* BYE Too many connections from your IP.\r\n",
        .status = EP_STATUS_REJECTED,
        .detail = "Too many connections",
        .never_sent = "CAPABILITY",
        .split = true,
    },
    {
        .name = "imap pipelined bytes after the STARTTLS OK",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .caps_after = DOVECOT_IMAP_AFTER,
        .stls_reply = "OK Begin",
        .stls_trailer = "* CAPABILITY BOGUS\r\n* CAPABILITY BOGUS2\r\n",
        .transcript_varies = true,
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .after_has = "AUTH=PLAIN",
        .after_lacks = "BOGUS",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imap server closes instead of answering CAPABILITY",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .close_on = "CAPABILITY",
        .status = EP_STATUS_PROTOCOL_ERROR,
        .detail = "closed the connection while we waited for the reply to "
                  "CAPABILITY",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .split = true,
    },
    {
        .name = "imap server closes instead of answering STARTTLS",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .close_on = "STARTTLS",
        .status = EP_STATUS_PROTOCOL_ERROR,
        .detail = "reply to STARTTLS",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .split = true,
    },
    {
        .name = "imap silent server",
        .service = "imap",
        .modes = M_BOTH,
        .status = EP_STATUS_TIMEOUT,
        .detail = "no greeting within the timeout",
        .split = true,
    },
    {
        .name = "imap reply with a foreign tag",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_before = DOVECOT_IMAP_BEFORE,
        .wrong_tag = true,
        .status = EP_STATUS_TIMEOUT,
        .detail = "no reply to CAPABILITY within the timeout",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .split = true,
    },
    {
        .name = "imap 100 KB greeting line",
        .service = "imap",
        .modes = M_BOTH,
        .greeting_pad = 100 * 1024,
        .status = EP_STATUS_PROTOCOL_ERROR,
        /* the excerpt is the line's first 32 bytes, however split */
        .detail = "line too long while waiting for the greeting (it "
                  "starts \"* OK AAAAAAAAAAAAAAAAAAAAAAAAAAA\")",
        .never_sent = "CAPABILITY",
        .split = true,
    },
    {
        .name = "imap garbage greeting",
        .service = "imap",
        .modes = M_BOTH,
        .greeting = "+OK this is POP3\r\n",
        .status = EP_STATUS_PROTOCOL_ERROR,
        .detail = "not an IMAP greeting",
        .never_sent = "CAPABILITY",
        .split = true,
    },

    /* --- IMAP with implicit TLS --- */
    {
        .name = "imaps compliant",
        .service = "imaps",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_after = DOVECOT_IMAP_AFTER,
        .status = EP_STATUS_OK,
        .findings = {"INFO-BANNER-DISCLOSURE"},
        .after_has = "AUTH=LOGIN",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imaps passive sends no STARTTLS",
        .service = "imaps",
        .modes = M_PASSIVE,
        .greeting = DOVECOT_IMAP_GREETING,
        .caps_after = DOVECOT_IMAP_AFTER,
        .status = EP_STATUS_OK,
        .findings = {"INFO-BANNER-DISCLOSURE"},
        .never_sent = "STARTTLS",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "imaps handshake fails",
        .service = "imaps",
        .modes = M_BOTH,
        .greeting = DOVECOT_IMAP_GREETING,
        .handshake_fails = true,
        .status = EP_STATUS_TLS_ERROR,
        .detail = "wrong version number",
        .never_sent = "CAPABILITY",
        .split = true,
    },

    /* --- POP3 on the cleartext port --- */
    {
        .name = "pop3 compliant (Dovecot)",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .caps_before = DOVECOT_POP3_BEFORE,
        .caps_after = DOVECOT_POP3_AFTER,
        .stls_reply = "+OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .never_sent = "USER",
        .before_has = "STLS",
        .after_has = "SASL PLAIN LOGIN",
        .after_lacks = "STLS",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "pop3 USER before TLS",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .caps_before = DOVECOT_POP3_CAPS "USER\r\nSTLS\r\nSASL\r\n",
        .caps_after = DOVECOT_POP3_AFTER,
        .stls_reply = "+OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE",
                     "AUTH-PLAINTEXT-BEFORE-TLS"},
        .evidence_of = "AUTH-PLAINTEXT-BEFORE-TLS",
        .evidence = "USER",
        .never_sent = "PASS",
        .before_has = "USER",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "pop3 -ERR to CAPA, then STLS works",
        .service = "pop3",
        .modes = M_ACTIVE,
        .greeting = "+OK POP3 server ready\r\n",
        .caps_before = "-ERR",
        .caps_after = DOVECOT_POP3_AFTER,
        .stls_reply = "+OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-NOT-ADVERTISED"},
        .evidence_of = "STARTTLS-NOT-ADVERTISED",
        .evidence = "lists none",
        .after_has = "USER",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "pop3 -ERR to CAPA, passive",
        .service = "pop3",
        .modes = M_PASSIVE,
        .greeting = "+OK POP3 server ready\r\n",
        .caps_before = "-ERR",
        .stls_reply = "+OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN"},
        .never_sent = "STLS",
        .split = true,
    },
    {
        .name = "pop3 APOP greeting",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = "+OK Dovecot ready. " APOP_TS "\r\n",
        .caps_before = DOVECOT_POP3_BEFORE,
        .caps_after = DOVECOT_POP3_AFTER,
        .stls_reply = "+OK Begin TLS negotiation now.",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE",
                     "AUTH-APOP-OFFERED"},
        .evidence_of = "AUTH-APOP-OFFERED",
        .evidence = APOP_TS,
        .never_sent = "APOP",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "pop3 STLS advertised but refused",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = "+OK POP3 server ready\r\n",
        .caps_before = "TOP\r\nSTLS\r\n",
        .stls_reply = "-ERR TLS not available",
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-BROKEN"},
        .evidence_of = "STARTTLS-BROKEN",
        .evidence = "-ERR TLS not available",
        .split = true,
    },
    {
        .name = "pop3 STLS +OK, then the server closes",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = "+OK POP3 server ready\r\n",
        .caps_before = "TOP\r\nSTLS\r\n",
        .stls_reply = "+OK Begin TLS negotiation now.",
        .close_on = "+STLS",
        .status = EP_STATUS_OK,
        .detail = "STLS",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "STARTTLS-BROKEN"},
        .split = true,
    },
    {
        .name = "pop3 pipelined bytes after the STLS +OK",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .caps_before = DOVECOT_POP3_BEFORE,
        .caps_after = DOVECOT_POP3_AFTER,
        .stls_reply = "+OK Begin TLS negotiation now.",
        .stls_trailer = "+OK\r\nBOGUS\r\n.\r\n",
        .transcript_varies = true,
        .status = EP_STATUS_OK,
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .after_has = "USER",
        .after_lacks = "BOGUS",
        .tls_reached = true,
        .split = true,
    },
    {
        .name = "pop3 endless CAPA",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .capa_lines = 5000,
        .status = EP_STATUS_PROTOCOL_ERROR,
        .detail = "too many lines in one reply",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .never_sent = "STLS",
    },
    {
        .name = "pop3 -ERR greeting",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = "-ERR [SYS/TEMP] Too many connections, try later\r\n",
        .status = EP_STATUS_REJECTED,
        .detail = "SYS/TEMP",
        .never_sent = "CAPA",
        .split = true,
    },
    {
        .name = "pop3 server closes instead of answering CAPA",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .close_on = "CAPA",
        .status = EP_STATUS_PROTOCOL_ERROR,
        .detail = "while we waited for the reply to CAPA",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .split = true,
    },
    {
        .name = "pop3 silent after CAPA",
        .service = "pop3",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .caps_before = DOVECOT_POP3_BEFORE,
        .close_on = "-STLS", /* '-': no answer, no close */
        .status = EP_STATUS_TIMEOUT,
        .detail = "no reply to STLS within the timeout",
        .findings = {"SVC-CLEARTEXT-PORT-OPEN", "INFO-BANNER-DISCLOSURE"},
        .split = true,
    },

    /* --- POP3 with implicit TLS --- */
    {
        .name = "pop3s compliant",
        .service = "pop3s",
        .modes = M_BOTH,
        .greeting = DOVECOT_POP3_GREETING,
        .caps_after = DOVECOT_POP3_AFTER,
        .status = EP_STATUS_OK,
        .findings = {"INFO-BANNER-DISCLOSURE"},
        .after_has = "USER",
        .tls_reached = true,
        .split = true,
    },
};

#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* --- a growable byte buffer --- */

struct buf {
	char *p;
	size_t n;
	size_t cap;
};

static void
buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* --- the scripted server --- */

struct server {
	const struct scenario *sc;
	bool imap;
	bool tls;
	bool closed;
	bool close_after;  /* close once the current reply is out */
	char auth_tag[32]; /* tag of the AUTHENTICATE awaiting data */
	struct buf in;     /* client bytes not yet a whole line */
	struct buf reply;  /* what the server writes next */
	struct buf sent;   /* every client line, for the checks */
	char tags[64][32]; /* IMAP tags the client used */
	size_t ntags;
};

static bool
is_cmd(const char *cmd, const char *verb)
{
	size_t n = strlen(verb);

	return strncmp(cmd, verb, n) == 0 && (cmd[n] == '\0' || cmd[n] == ' ');
}

/* The server's answer to "close_on": close; with a '-' prefix say nothing
 * at all; with a '+' prefix answer, then close. Returns true if the
 * command gets no answer. */
static bool
silence(struct server *srv, const char *cmd)
{
	const char *on = srv->sc->close_on;

	if (on == NULL ||
	    !is_cmd(cmd, on[0] == '-' || on[0] == '+' ? on + 1 : on))
		return false;
	if (on[0] == '+') {
		srv->close_after = true;
		return false;
	}
	if (on[0] != '-')
		srv->closed = true;
	return true;
}

static void
tagged(struct server *srv, const char *tag, const char *text)
{
	buf_str(&srv->reply, srv->sc->wrong_tag ? "ZZ9" : tag);
	buf_str(&srv->reply, " ");
	buf_str(&srv->reply, text);
	buf_str(&srv->reply, "\r\n");
}

static void
imap_answer(struct server *srv, const char *line)
{
	const struct scenario *sc = srv->sc;
	char tag[32];
	const char *sp = strchr(line, ' ');
	const char *cmd;

	if (strcmp(line, "*") == 0 && srv->auth_tag[0]) {
		tagged(srv, srv->auth_tag,
		       "BAD Authentication aborted by client.");
		srv->auth_tag[0] = '\0';
		return;
	}
	EXPECT(sp != NULL && sp > line && (size_t)(sp - line) < 32,
	       "%s: client line without a tag: '%s'", sc->name, line);
	memcpy(tag, line, (size_t)(sp - line));
	tag[sp - line] = '\0';
	cmd = sp + 1;
	/* a fresh tag for every command */
	for (size_t i = 0; i < srv->ntags; i++)
		EXPECT(strcmp(srv->tags[i], tag) != 0, "%s: tag %s used twice",
		       sc->name, tag);
	for (const char *p = tag; *p; p++)
		EXPECT((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'),
		       "%s: odd tag '%s'", sc->name, tag);
	EXPECT(srv->ntags < 64, "%s: too many commands", sc->name);
	snprintf(srv->tags[srv->ntags++], sizeof(srv->tags[0]), "%s", tag);
	EXPECT(!is_cmd(cmd, "LOGIN"), "%s: client sent LOGIN", sc->name);

	if (silence(srv, cmd))
		return;
	if (is_cmd(cmd, "CAPABILITY")) {
		const char *caps = srv->tls ? sc->caps_after : sc->caps_before;

		if (caps)
			buf_str(&srv->reply, caps);
		tagged(srv, tag,
		       "OK Pre-login capabilities listed, post-login "
		       "capabilities have more.");
	} else if (is_cmd(cmd, "STARTTLS")) {
		if (srv->tls) {
			tagged(srv, tag, "BAD TLS is already active.");
			return;
		}
		tagged(srv, tag, sc->stls_reply ? sc->stls_reply : "BAD ?");
		if (sc->stls_trailer)
			buf_str(&srv->reply, sc->stls_trailer);
	} else if (is_cmd(cmd, "AUTHENTICATE")) {
		if (sc->auth_usable && !srv->tls) {
			snprintf(srv->auth_tag, sizeof(srv->auth_tag), "%s",
			         tag);
			buf_str(&srv->reply, "+ \r\n");
		} else {
			tagged(srv, tag,
			       "NO [PRIVACYREQUIRED] Plaintext authentication "
			       "disabled.");
		}
	} else if (is_cmd(cmd, "ID")) {
		buf_str(&srv->reply, "* ID NIL\r\n");
		tagged(srv, tag, "OK ID completed.");
	} else if (is_cmd(cmd, "NOOP")) {
		tagged(srv, tag, "OK NOOP completed.");
	} else if (is_cmd(cmd, "LOGOUT")) {
		buf_str(&srv->reply, "* BYE Logging out\r\n");
		tagged(srv, tag, "OK Logout completed.");
	} else {
		tagged(srv, tag,
		       "BAD Error in IMAP command received by server.");
	}
}

static void
pop3_answer(struct server *srv, const char *line)
{
	const struct scenario *sc = srv->sc;

	EXPECT(!is_cmd(line, "USER") && !is_cmd(line, "PASS") &&
	           !is_cmd(line, "APOP"),
	       "%s: client sent credentials: '%s'", sc->name, line);
	if (silence(srv, line))
		return;
	if (is_cmd(line, "CAPA")) {
		const char *caps = srv->tls ? sc->caps_after : sc->caps_before;

		if (caps && strcmp(caps, "-ERR") == 0) {
			buf_str(&srv->reply, "-ERR Unknown command: CAPA\r\n");
			return;
		}
		buf_str(&srv->reply, "+OK\r\n");
		if (caps)
			buf_str(&srv->reply, caps);
		for (size_t i = 0; i < sc->capa_lines && !srv->tls; i++) {
			char l[32];

			snprintf(l, sizeof(l), "X-CAP-%zu\r\n", i);
			buf_str(&srv->reply, l);
		}
		buf_str(&srv->reply, ".\r\n");
	} else if (is_cmd(line, "STLS")) {
		if (srv->tls) {
			buf_str(&srv->reply, "-ERR TLS is already active.\r\n");
			return;
		}
		buf_str(&srv->reply, sc->stls_reply ? sc->stls_reply
		                                    : "-ERR Unknown command");
		buf_str(&srv->reply, "\r\n");
		if (sc->stls_trailer)
			buf_str(&srv->reply, sc->stls_trailer);
	} else if (is_cmd(line, "AUTH")) {
		buf_str(&srv->reply,
		        sc->auth_usable && !srv->tls
		            ? "+ \r\n"
		            : "-ERR [AUTH] Plaintext authentication "
		              "disabled.\r\n");
	} else if (strcmp(line, "*") == 0) {
		buf_str(&srv->reply, "-ERR Authentication aborted\r\n");
	} else {
		buf_str(&srv->reply, "-ERR Unknown command\r\n");
	}
}

/* Takes client bytes; answers each whole line. */
static void
server_input(struct server *srv, const char *p, size_t n)
{
	char *lf;

	buf_add(&srv->in, p, n);
	while (!srv->closed && (lf = memchr(srv->in.p, '\n', srv->in.n))) {
		size_t len = (size_t)(lf - srv->in.p);
		char *line = xmalloc(len + 1);

		memcpy(line, srv->in.p, len);
		line[len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		buf_str(&srv->sent, srv->tls ? "C(tls): " : "C: ");
		buf_str(&srv->sent, line);
		buf_str(&srv->sent, "\n");
		if (srv->imap)
			imap_answer(srv, line);
		else
			pop3_answer(srv, line);
		free(line);
		memmove(srv->in.p, lf + 1, srv->in.n - len - 1);
		srv->in.n -= len + 1;
	}
}

/* --- delivery in chunks --- */

struct chunking {
	size_t first; /* size of the first piece of every server write */
	size_t rest;  /* size of the following pieces */
};

/* Delivers one server write in pieces while the session reads; what is
 * left when it asks for TLS would have gone to the TLS layer. */
static void
deliver(struct session *s, const char *p, size_t n, const struct chunking *ck)
{
	size_t off = 0;
	bool first = true;

	while (off < n && !s->finished && s->want == SESSION_WANT_IO) {
		size_t k = first ? ck->first : ck->rest;

		first = false;
		if (k > n - off)
			k = n - off;
		if (k > 0)
			session_receive(s, p + off, k);
		off += k;
	}
}

/* --- one conversation --- */

struct outcome {
	char *summary;    /* everything observable, for comparing runs */
	char *transcript; /* the result's transcript */
	size_t max_write; /* longest server write */
};

static void
append_list(struct buf *b, const char *label, const struct strlist *l)
{
	buf_str(b, label);
	for (size_t i = 0; i < l->n; i++) {
		buf_str(b, " [");
		buf_str(b, l->items[i]);
		buf_str(b, "]");
	}
	buf_str(b, "\n");
}

static bool
list_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

static void
assert_printable(const struct scenario *sc, const char *what, const char *s)
{
	for (const char *p = s; p && *p; p++)
		EXPECT((*p >= 0x20 && *p < 0x7f) || *p == '\n',
		       "%s: %s holds byte 0x%02x", sc->name, what,
		       (unsigned char)*p);
}

/* Does any item contain s? */
static bool
list_has_sub(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->items[i], s))
			return true;
	return false;
}

static void
check_result(const struct scenario *sc, const char *mode,
             const struct endpoint_result *res, const struct server *srv)
{
	size_t nwant = 0;
	struct buf got = {0};

	EXPECT(res->status == sc->status, "%s (%s): status %s, want %s (%s)",
	       sc->name, mode, endpoint_status_name(res->status),
	       endpoint_status_name(sc->status),
	       res->status_detail ? res->status_detail : "no detail");
	if (sc->detail)
		EXPECT(res->status_detail &&
		           strstr(res->status_detail, sc->detail),
		       "%s (%s): detail '%s' lacks '%s'", sc->name, mode,
		       res->status_detail ? res->status_detail : "",
		       sc->detail);
	if (sc->status != EP_STATUS_OK)
		EXPECT(res->status_detail != NULL, "%s (%s): no status detail",
		       sc->name, mode);

	for (size_t i = 0; i < res->nfindings; i++) {
		buf_str(&got, " ");
		buf_str(&got, res->findings[i].check->id);
	}
	while (nwant < MAXF && sc->findings[nwant])
		nwant++;
	EXPECT(res->nfindings == nwant, "%s (%s): findings%s, want %zu",
	       sc->name, mode, got.p ? got.p : " none", nwant);
	for (size_t k = 0; k < nwant; k++)
		EXPECT(result_has_finding(res, sc->findings[k]),
		       "%s (%s): no %s among%s", sc->name, mode,
		       sc->findings[k], got.p ? got.p : " none");
	buf_free(&got);
	if (sc->evidence_of) {
		bool found = false;

		for (size_t i = 0; i < res->nfindings; i++)
			if (strcmp(res->findings[i].check->id,
			           sc->evidence_of) == 0)
				found = strstr(res->findings[i].evidence,
				               sc->evidence) != NULL;
		EXPECT(found, "%s (%s): %s evidence lacks '%s'", sc->name, mode,
		       sc->evidence_of, sc->evidence);
	}
	if (sc->never_sent)
		EXPECT(srv->sent.p == NULL ||
		           strstr(srv->sent.p, sc->never_sent) == NULL,
		       "%s (%s): client sent %s:\n%s", sc->name, mode,
		       sc->never_sent, srv->sent.p);
	if (sc->before_has)
		EXPECT(list_has(&res->caps_before_tls, sc->before_has),
		       "%s (%s): no %s before TLS", sc->name, mode,
		       sc->before_has);
	if (sc->after_has)
		EXPECT(list_has(&res->caps_after_tls, sc->after_has),
		       "%s (%s): no %s after TLS", sc->name, mode,
		       sc->after_has);
	if (sc->after_lacks)
		EXPECT(!list_has_sub(&res->caps_after_tls, sc->after_lacks),
		       "%s (%s): %s after TLS", sc->name, mode,
		       sc->after_lacks);
	EXPECT(res->tls_reached == sc->tls_reached, "%s (%s): tls_reached %d",
	       sc->name, mode, res->tls_reached);
	/* peer bytes reach the result only escaped */
	assert_printable(sc, "banner", res->banner);
	assert_printable(sc, "status detail", res->status_detail);
	assert_printable(sc, "transcript", res->transcript);
	for (size_t i = 0; i < res->nfindings; i++)
		assert_printable(sc, res->findings[i].check->id,
		                 res->findings[i].evidence);
	/* implicit TLS: nothing was ever said in cleartext */
	if (service_by_name(sc->service)->tls == TLS_MODE_IMPLICIT)
		EXPECT(res->caps_before_tls.n == 0,
		       "%s (%s): capabilities before TLS on an implicit port",
		       sc->name, mode);
	if (res->nfindings > 0 || res->tls_reached)
		EXPECT(res->transcript != NULL, "%s (%s): no transcript",
		       sc->name, mode);
}

static void
run(const struct scenario *sc, unsigned mode, const struct chunking *ck,
    struct outcome *out)
{
	const struct service *svc = service_by_name(sc->service);
	struct probe_options opts = {
	    .passive = mode == M_PASSIVE,
	    .quiet_wait_s = 1,
	};
	const char *mode_name = mode == M_PASSIVE ? "passive" : "active";
	struct endpoint_result res;
	struct session s;
	struct server srv;
	struct buf sum = {0};
	char *greeting = NULL;
	size_t greeting_len = 0;
	char line[128];
	int rounds;

	EXPECT(svc != NULL, "%s: unknown service", sc->name);
	memset(&srv, 0, sizeof(srv));
	srv.sc = sc;
	srv.imap = svc->protocol == PROTO_IMAP;
	endpoint_result_init(&res);
	res.endpoint.host = xstrdup("mail.example.org");
	res.endpoint.address = xstrdup("192.0.2.10");
	res.endpoint.port = svc->default_port;
	res.endpoint.service = svc;

	if (sc->greeting_pad) {
		greeting_len = sc->greeting_pad + 2;
		greeting = xmalloc(greeting_len);
		memset(greeting, 'A', sc->greeting_pad);
		memcpy(greeting, "* OK ", 5);
		memcpy(greeting + sc->greeting_pad, "\r\n", 2);
	} else if (sc->greeting) {
		greeting = xstrdup(sc->greeting);
		greeting_len = strlen(greeting);
	}
	out->max_write = greeting_len;

	session_init(&s, &res, 0x5eed, PROBE_PASS_MAIN, &opts);
	if (svc->tls == TLS_MODE_IMPLICIT) {
		/* the engine runs the handshake first; it starts the session */
		if (sc->handshake_fails) {
			session_tls_done(&s, false,
			                 "TLS handshake failed: wrong "
			                 "version number");
		} else {
			srv.tls = true;
			res.tls.handshake_done = true;
			res.tls.version = xstrdup("TLS1.3");
			session_tls_done(&s, true, NULL);
		}
	} else {
		session_start(&s);
	}
	if (greeting && !s.finished)
		deliver(&s, greeting, greeting_len, ck);

	for (rounds = 0; rounds < 100 && !s.finished; rounds++) {
		const char *p;
		size_t n;

		if (s.want == SESSION_WANT_TLS) {
			/* nothing may go out in cleartext before the
			 * handshake */
			session_output(&s, &n);
			EXPECT(n == 0,
			       "%s (%s): %zu bytes queued before the "
			       "handshake",
			       sc->name, mode_name, n);
			if (sc->handshake_fails) {
				session_tls_done(&s, false,
				                 "TLS handshake failed: wrong "
				                 "version number");
			} else {
				srv.tls = true;
				res.tls.handshake_done = true;
				free(res.tls.version);
				res.tls.version = xstrdup("TLS1.3");
				session_tls_done(&s, true, NULL);
			}
			continue;
		}
		p = session_output(&s, &n);
		if (n > 0) {
			char *copy = xmalloc(n);

			memcpy(copy, p, n);
			session_output_consumed(&s, n);
			server_input(&srv, copy, n);
			free(copy);
			if (srv.closed) {
				session_eof(&s);
				break;
			}
			if (srv.reply.n > 0) {
				char *w = xmalloc(srv.reply.n);
				size_t wn = srv.reply.n;

				memcpy(w, srv.reply.p, wn);
				srv.reply.n = 0;
				if (wn > out->max_write)
					out->max_write = wn;
				deliver(&s, w, wn, ck);
				free(w);
			}
			if (srv.close_after && !s.finished) {
				/* the close reaches whatever reads next */
				if (s.want == SESSION_WANT_TLS)
					session_tls_done(
					    &s, false,
					    "connection closed "
					    "during the handshake");
				else
					session_eof(&s);
				break;
			}
			continue;
		}
		if (s.quiet_wait > 0) {
			session_quiet(&s);
			continue;
		}
		/* the client waits and the server has nothing to say */
		session_timeout(&s);
	}
	EXPECT(s.finished, "%s (%s): conversation did not end", sc->name,
	       mode_name);
	EXPECT(s.want == SESSION_WANT_CLOSE, "%s (%s): finished but want %d",
	       sc->name, mode_name, (int)s.want);
	/* events after the end change nothing */
	session_eof(&s);
	session_timeout(&s);
	session_receive(&s, "* BYE late\r\n", 12);

	check_result(sc, mode_name, &res, &srv);

	/* everything observable, in a stable order */
	snprintf(line, sizeof(line), "status %s\n",
	         endpoint_status_name(res.status));
	buf_str(&sum, line);
	buf_str(&sum, res.status_detail ? res.status_detail : "(no detail)");
	buf_str(&sum, "\nbanner ");
	buf_str(&sum, res.banner ? res.banner : "(none)");
	buf_str(&sum, "\n");
	append_list(&sum, "before", &res.caps_before_tls);
	append_list(&sum, "after", &res.caps_after_tls);
	for (size_t i = 0; i < res.nfindings; i++) {
		snprintf(line, sizeof(line),
		         "finding %s %s: ", res.findings[i].check->id,
		         severity_name(res.findings[i].severity));
		buf_str(&sum, line);
		buf_str(&sum, res.findings[i].evidence);
		buf_str(&sum, "\n");
	}
	buf_str(&sum, "client\n");
	buf_str(&sum, srv.sent.p ? srv.sent.p : "");
	out->summary = sum.p;
	out->transcript = xstrdup(res.transcript ? res.transcript : "");

	session_free(&s);
	endpoint_result_free(&res);
	buf_free(&srv.in);
	buf_free(&srv.reply);
	buf_free(&srv.sent);
	free(greeting);
}

static void
replay(const struct scenario *sc, unsigned mode, const struct outcome *base,
       const struct chunking *ck, const char *how)
{
	const char *mode_name = mode == M_PASSIVE ? "passive" : "active";
	struct outcome o;

	run(sc, mode, ck, &o);
	EXPECT(strcmp(o.summary, base->summary) == 0,
	       "%s (%s) [%s] differs from one-chunk delivery:\n"
	       "--- one chunk\n%s--- %s\n%s",
	       sc->name, mode_name, how, base->summary, how, o.summary);
	if (!sc->transcript_varies)
		EXPECT(strcmp(o.transcript, base->transcript) == 0,
		       "%s (%s) [%s]: transcript differs from one-chunk "
		       "delivery:\n--- one chunk\n%s--- %s\n%s",
		       sc->name, mode_name, how, base->transcript, how,
		       o.transcript);
	free(o.summary);
	free(o.transcript);
}

START_TEST(test_conversation)
{
	const struct scenario *sc = &scenarios[_i];
	static const struct chunking whole = {SIZE_MAX, SIZE_MAX};

	for (unsigned mode = M_PASSIVE; mode <= M_ACTIVE; mode <<= 1) {
		struct outcome base;

		if (!(sc->modes & mode))
			continue;
		run(sc, mode, &whole, &base);
		free(base.summary);
		free(base.transcript);
	}
}
END_TEST

START_TEST(test_split_delivery)
{
	const struct scenario *sc = &scenarios[_i];
	static const struct chunking whole = {SIZE_MAX, SIZE_MAX};
	static const size_t sizes[] = {1, 2, 3, 5, 7, 13, 64};

	for (unsigned mode = M_PASSIVE; mode <= M_ACTIVE; mode <<= 1) {
		struct outcome base;
		char how[64];

		if (!(sc->modes & mode))
			continue;
		run(sc, mode, &whole, &base);
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct chunking ck = {sizes[i], sizes[i]};

			snprintf(how, sizeof(how), "chunks of %zu", sizes[i]);
			replay(sc, mode, &base, &ck, how);
		}
		/* every write split in two at the same offset k */
		for (size_t k = 0; sc->split && k <= base.max_write; k++) {
			struct chunking ck = {k, SIZE_MAX};

			snprintf(how, sizeof(how), "split at %zu", k);
			replay(sc, mode, &base, &ck, how);
		}
		free(base.summary);
		free(base.transcript);
	}
}
END_TEST

/* The tags: unpredictable prefix, fresh per command, and two sessions
 * with different seeds do not share them. */
START_TEST(test_tags_depend_on_seed)
{
	const struct service *svc = service_by_name("imap");
	struct probe_options opts = {.passive = true, .quiet_wait_s = 1};
	char first[2][32];

	for (int k = 0; k < 2; k++) {
		struct endpoint_result res;
		struct session s;
		const char *p;
		size_t n;

		endpoint_result_init(&res);
		res.endpoint.host = xstrdup("mail.example.org");
		res.endpoint.address = xstrdup("192.0.2.10");
		res.endpoint.port = 143;
		res.endpoint.service = svc;
		session_init(&s, &res, k == 0 ? 1 : 987654321, PROBE_PASS_MAIN,
		             &opts);
		session_start(&s);
		session_receive(&s, DOVECOT_IMAP_GREETING,
		                sizeof(DOVECOT_IMAP_GREETING) - 1);
		p = session_output(&s, &n);
		ck_assert_uint_gt(n, 0);
		ck_assert_ptr_nonnull(memchr(p, ' ', n));
		snprintf(first[k], sizeof(first[k]), "%.*s",
		         (int)((const char *)memchr(p, ' ', n) - p), p);
		ck_assert_msg(
		    strncmp(p + strlen(first[k]), " CAPABILITY\r\n", 13) == 0,
		    "first command: %.*s", (int)n, p);
		session_timeout(&s);
		session_free(&s);
		endpoint_result_free(&res);
	}
	ck_assert_str_ne(first[0], first[1]);
}
END_TEST

/* Output written in parts: the client's bytes stay queued until the I/O
 * layer reports them written. */
START_TEST(test_output_consumed_in_parts)
{
	const struct service *svc = service_by_name("pop3");
	struct probe_options opts = {.passive = true, .quiet_wait_s = 1};
	struct endpoint_result res;
	struct session s;
	const char *p;
	size_t n;

	endpoint_result_init(&res);
	res.endpoint.host = xstrdup("mail.example.org");
	res.endpoint.address = xstrdup("192.0.2.10");
	res.endpoint.port = 110;
	res.endpoint.service = svc;
	session_init(&s, &res, 7, PROBE_PASS_MAIN, &opts);
	session_start(&s);
	p = session_output(&s, &n);
	ck_assert_uint_eq(n, 0);
	session_receive(&s, "+OK ready\r\n", 11);
	p = session_output(&s, &n);
	ck_assert_uint_eq(n, 6);
	ck_assert(memcmp(p, "CAPA\r\n", 6) == 0);
	session_output_consumed(&s, 2);
	p = session_output(&s, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(p, "PA\r\n", 4) == 0);
	session_output_consumed(&s, 100); /* more than queued is clamped */
	session_output(&s, &n);
	ck_assert_uint_eq(n, 0);
	session_eof(&s);
	ck_assert_int_eq(res.status, EP_STATUS_PROTOCOL_ERROR);
	ck_assert_ptr_nonnull(strstr(res.status_detail, "reply to CAPA"));
	session_free(&s);
	endpoint_result_free(&res);
}
END_TEST

/* An I/O error ends the conversation with its reason; later events are
 * ignored and the probe's judgement still runs once. */
START_TEST(test_io_error)
{
	const struct service *svc = service_by_name("imap");
	struct probe_options opts = {.passive = false, .quiet_wait_s = 1};
	struct endpoint_result res;
	struct session s;
	size_t n;

	endpoint_result_init(&res);
	res.endpoint.host = xstrdup("mail.example.org");
	res.endpoint.address = xstrdup("192.0.2.10");
	res.endpoint.port = 143;
	res.endpoint.service = svc;
	session_init(&s, &res, 3, PROBE_PASS_MAIN, &opts);
	session_start(&s);
	session_receive(&s, DOVECOT_IMAP_GREETING,
	                sizeof(DOVECOT_IMAP_GREETING) - 1);
	session_output(&s, &n);
	ck_assert_uint_gt(n, 0);
	session_io_error(&s, "Connection reset by peer");
	ck_assert(s.finished);
	ck_assert_int_eq(s.want, SESSION_WANT_CLOSE);
	ck_assert_int_eq(res.status, EP_STATUS_PROTOCOL_ERROR);
	ck_assert_str_eq(res.status_detail, "Connection reset by peer");
	ck_assert(result_has_finding(&res, "SVC-CLEARTEXT-PORT-OPEN"));
	ck_assert_uint_eq(res.nfindings, 2);
	session_timeout(&s);
	session_eof(&s);
	session_io_error(&s, "again");
	ck_assert_str_eq(res.status_detail, "Connection reset by peer");
	ck_assert_uint_eq(res.nfindings, 2);
	session_free(&s);
	endpoint_result_free(&res);
}
END_TEST

/* Silence on a cleartext session to 993/995 says what was probably
 * meant; on 143 it says only what happened. */
START_TEST(test_timeout_on_implicit_port)
{
	static const struct {
		const char *service;
		uint16_t port;
		const char *detail;
	} cases[] = {
	    {"imap", 993,
	     "no greeting within the timeout; 993 is the IMAPS port: "
	     "imaps:// speaks TLS first"},
	    {"pop3", 995,
	     "no greeting within the timeout; 995 is the POP3S port: "
	     "pop3s:// speaks TLS first"},
	    {"imap", 143, "no greeting within the timeout"},
	};
	struct probe_options opts = {.passive = false, .quiet_wait_s = 1};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct endpoint_result res;
		struct session s;

		endpoint_result_init(&res);
		res.endpoint.host = xstrdup("mail.example.org");
		res.endpoint.address = xstrdup("192.0.2.10");
		res.endpoint.port = cases[i].port;
		res.endpoint.service = service_by_name(cases[i].service);
		session_init(&s, &res, 3, PROBE_PASS_MAIN, &opts);
		session_start(&s);
		session_timeout(&s);
		ck_assert_int_eq(res.status, EP_STATUS_TIMEOUT);
		ck_assert_str_eq(res.status_detail, cases[i].detail);
		session_free(&s);
		endpoint_result_free(&res);
	}
}
END_TEST

/* A carrier's preamble (issue #13): STARTTLS in the injection pass's
 * shape with the first flight behind it, then the bytes that followed
 * the STARTTLS reply are handed over as they came. */
START_TEST(test_carrier_preamble)
{
	static const unsigned char hello[] = {0x16, 0x03, 0x01,
	                                      0x00, 0x01, 0x01};
	static const char answer[] = "\x16\x03\x03\x00\x02\x02\x00";
	static const struct {
		const char *service;
		int pass;
		const char *greeting, *starttls, *ok;
		bool second_write;
	} cases[] = {
	    {"pop3", PASS_INJECT_CRLF, "+OK ready\r\n", "STLS\r\n",
	     "+OK Begin TLS\r\n", false},
	    {"pop3", PASS_INJECT_LF, "+OK ready\r\n", "STLS\n",
	     "+OK Begin TLS\r\n", false},
	    {"pop3", PASS_INJECT_SPLIT, "+OK ready\r\n", "STLS\r\n",
	     "+OK Begin TLS\r\n", true},
	    {"pop3", 0, "+OK ready\r\n", "STLS\r\n", "+OK Begin TLS\r\n",
	     false},
	    {"imap", PASS_INJECT_LF, "* OK ready\r\n", " STARTTLS\n",
	     " OK Begin TLS\r\n", false},
	};
	struct probe_options opts = {.passive = false, .quiet_wait_s = 1};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct endpoint_result res;
		struct session s;
		const char *p;
		char tag[16] = "", reply[64];
		unsigned char *rest;
		size_t n, k = 0, want = strlen(cases[i].starttls);

		endpoint_result_init(&res);
		res.endpoint.host = xstrdup("mail.example.org");
		res.endpoint.address = xstrdup("192.0.2.10");
		res.endpoint.port = cases[i].service[0] == 'p' ? 110 : 143;
		res.endpoint.service = service_by_name(cases[i].service);
		session_init(&s, &res, 5,
		             PROBE_PASS_PREAMBLE | PROBE_PASS_CARRY |
		                 cases[i].pass,
		             &opts);
		s.first_flight = hello;
		s.first_flight_len = sizeof(hello);
		session_start(&s);
		session_receive(&s, cases[i].greeting,
		                strlen(cases[i].greeting));
		p = session_output(&s, &n);
		if (cases[i].service[0] == 'i') {
			while (k < n && p[k] != ' ')
				k++;
			snprintf(tag, sizeof(tag), "%.*s", (int)k, p);
		}
		ck_assert_msg(memcmp(p + k, cases[i].starttls, want) == 0,
		              "case %zu: %.*s", i, (int)n, p);
		if (cases[i].second_write) {
			/* the hello waits for a write of its own */
			ck_assert_uint_eq(n, k + want);
			session_output_consumed(&s, n);
			p = session_output(&s, &n);
			k = want = 0;
		}
		ck_assert_uint_eq(n, k + want + sizeof(hello));
		ck_assert(memcmp(p + k + want, hello, sizeof(hello)) == 0);
		session_output_consumed(&s, n);
		/* the reply and the start of the TLS answer in one read */
		snprintf(reply, sizeof(reply), "%s%s%s", tag, cases[i].ok,
		         answer);
		session_receive(&s, reply, strlen(reply));
		ck_assert_int_eq(s.want, SESSION_WANT_TLS);
		n = session_take_input(&s, &rest);
		ck_assert_uint_eq(n, strlen(answer));
		ck_assert(memcmp(rest, answer, n) == 0);
		free(rest);
		ck_assert_uint_eq(session_take_input(&s, &rest), 0);
		ck_assert_ptr_null(rest);
		session_io_error(&s, "connection ended");
		/* an injection test's carrier is in the transcript */
		if (cases[i].pass)
			ck_assert_ptr_nonnull(strstr(
			    res.transcript, "<TLS ClientHello, 6 bytes"));
		else
			ck_assert_ptr_null(res.transcript);
		session_free(&s);
		endpoint_result_free(&res);
	}
}
END_TEST

Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("conversation");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_conversation, 0, (int)NSCENARIOS);
	tcase_add_test(tc, test_tags_depend_on_seed);
	tcase_add_test(tc, test_output_consumed_in_parts);
	tcase_add_test(tc, test_io_error);
	tcase_add_test(tc, test_timeout_on_implicit_port);
	tcase_add_test(tc, test_carrier_preamble);
	suite_add_tcase(s, tc);

	tc = tcase_create("split");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_split_delivery, 0, (int)NSCENARIOS);
	suite_add_tcase(s, tc);
	return s;
}
