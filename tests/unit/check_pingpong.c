/*
 * The line-protocol engine: no rule (one line per reply) and the two
 * protocols' end-of-reply rules (imap_end_tagged, pop3_end_multi), line ends,
 * NUL and control bytes, the caps, and the bytes left pending after a reply.
 * Every parsing case is replayed with the input fed byte by byte, split in two
 * at every offset, and in several chunk sizes, and must give the same reply
 * each time.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/imap_reply.h"
#include "probes/pop3_reply.h"
#include "scanner/engine/pingpong.h"

/* Collected by the Makefile into run_unit (the definition below). */
Suite *pingpong_suite(void);

/* Every passing ck_assert is recorded by Check (a write each); the
 * thousands of replays check quietly and fail loudly. */
#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* A byte string that may hold NULs: pointer and length. */
#define B(s) s, sizeof(s) - 1

#define F_LF  1u /* bare_lf */
#define F_NUL 2u /* has_nul */
#define F_CTL 4u /* has_ctl */

#define MAXL 8

struct exp_line {
	const char *s;
	size_t n;
	unsigned flags;
};

#define L(s, f)                                                                \
	{                                                                      \
		B(s), f                                                        \
	}

struct pp_case {
	const char *name;
	const char *in;
	size_t in_len;
	pp_endofresp expect;
	const char *tag;
	size_t max_line;  /* 0: default */
	size_t max_lines; /* 0: default */
	int rc;           /* pp_next after all input: 1, 0 or -1 */
	const char *error;
	size_t nlines; /* of the reply (rc 1) or of pp_partial (rc 0) */
	struct exp_line lines[MAXL];
	const char *pending; /* raw bytes left after the reply (rc 1) */
	size_t pending_len;
	const char *pending_esc; /* what pp_take_pending returns */
};

static const struct pp_case cases[] = {
    /* --- no rule: one line --- */
    {
        .name = "line CRLF",
        .in = B("* OK ready\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("* OK ready", 0)},
    },
    {
        .name = "line bare LF",
        .in = B("+OK hi\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("+OK hi", F_LF)},
    },
    {
        .name = "line empty",
        .in = B("\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("", 0)},
    },
    {
        .name = "line empty bare LF",
        .in = B("\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("", F_LF)},
    },
    {
        .name = "line then pending line",
        .in = B("+OK a\r\n+OK b\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("+OK a", 0)},
        .pending = B("+OK b\r\n"),
        .pending_esc = "+OK b\\r\\n",
    },
    {
        .name = "line then partial pending",
        .in = B("+OK a\nrest \x01 without end"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("+OK a", F_LF)},
        .pending = B("rest \x01 without end"),
        .pending_esc = "rest \\x01 without end",
    },
    {
        .name = "line incomplete",
        .in = B("* OK no line end yet"),
        .expect = NULL,
        .rc = 0,
        .nlines = 0,
    },
    {
        .name = "line CR without LF is no line end",
        .in = B("* OK a\rb\r"),
        .expect = NULL,
        .rc = 0,
        .nlines = 0,
    },
    {
        .name = "line empty input",
        .in = B(""),
        .expect = NULL,
        .rc = 0,
        .nlines = 0,
    },

    /* --- NUL and control bytes --- */
    {
        .name = "NUL flagged",
        .in = B("+OK a\0b\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("+OK a\0b", F_NUL)},
    },
    {
        .name = "escape sequence flagged",
        .in = B("* OK \x1b[2Jred\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("* OK \x1b[2Jred", F_CTL)},
    },
    {
        .name = "DEL flagged",
        .in = B("* OK \x7f\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("* OK \x7f", F_CTL)},
    },
    {
        .name = "inner CR flagged",
        .in = B("* OK a\rb\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("* OK a\rb", F_CTL)},
    },
    {
        .name = "CR CR LF keeps one CR",
        .in = B("+OK\r\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("+OK\r", F_CTL)},
    },
    {
        .name = "NUL and control both flagged",
        .in = B("\0\x01\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("\0\x01", F_LF | F_NUL | F_CTL)},
    },
    {
        .name = "TAB and 8-bit are not control",
        .in = B("* OK\tcaf\xc3\xa9 \xff\x80\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("* OK\tcaf\xc3\xa9 \xff\x80", 0)},
    },

    /* --- imap_end_tagged --- */
    {
        .name = "imap untagged then tagged",
        .in = B("* CAPABILITY IMAP4rev1 STARTTLS\r\n"
                "* OK [ALERT] hi\r\n"
                "A1 OK CAPABILITY completed\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 1,
        .nlines = 3,
        .lines = {L("* CAPABILITY IMAP4rev1 STARTTLS", 0),
                  L("* OK [ALERT] hi", 0), L("A1 OK CAPABILITY completed", 0)},
    },
    {
        .name = "imap tagged only, bare LF",
        .in = B("A1 NO nope\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 1,
        .nlines = 1,
        .lines = {L("A1 NO nope", F_LF)},
    },
    {
        .name = "imap other tags do not end the reply",
        .in = B("A10 OK not mine\r\n"
                "A1x OK not mine\r\n"
                "XA1 OK not mine\r\n"
                "A1\r\n"
                "A1 BAD mine\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 1,
        .nlines = 5,
        .lines = {L("A10 OK not mine", 0), L("A1x OK not mine", 0),
                  L("XA1 OK not mine", 0), L("A1", 0), L("A1 BAD mine", 0)},
    },
    {
        .name = "imap continuation ends the reply",
        .in = B("* 3 EXISTS\r\n+ go ahead\r\nA1 OK done\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 1,
        .nlines = 2,
        .lines = {L("* 3 EXISTS", 0), L("+ go ahead", 0)},
        .pending = B("A1 OK done\r\n"),
        .pending_esc = "A1 OK done\\r\\n",
    },
    {
        .name = "imap bare plus",
        .in = B("+\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 1,
        .nlines = 1,
        .lines = {L("+", 0)},
    },
    {
        .name = "imap pipelined bytes after the tagged OK stay pending",
        .in = B("A7 OK Begin TLS negotiation now.\r\n"
                "* CAPABILITY BOGUS\r\n\x16\x03\x01"),
        .expect = imap_end_tagged,
        .tag = "A7",
        .rc = 1,
        .nlines = 1,
        .lines = {L("A7 OK Begin TLS negotiation now.", 0)},
        .pending = B("* CAPABILITY BOGUS\r\n\x16\x03\x01"),
        .pending_esc = "* CAPABILITY BOGUS\\r\\n\\x16\\x03\\x01",
    },
    {
        .name = "imap incomplete, partial lines visible",
        .in = B("* a\r\n* b\r\nA1 O"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .rc = 0,
        .nlines = 2,
        .lines = {L("* a", 0), L("* b", 0)},
    },

    /* --- pop3_end_multi --- */
    {
        .name = "pop3 multi with dot-stuffing",
        .in = B("+OK capability list follows\r\n"
                "TOP\r\n"
                "..x\r\n"
                "..\r\n"
                "...\r\n"
                "USER\r\n"
                ".\r\n"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 7,
        .lines = {L("+OK capability list follows", 0), L("TOP", 0), L(".x", 0),
                  L(".", 0), L("..", 0), L("USER", 0), L(".", 0)},
    },
    {
        .name = "pop3 multi stuffed dot is not the end",
        .in = B("+OK\r\n..\r\n"),
        .expect = pop3_end_multi,
        .rc = 0,
        .nlines = 2,
        .lines = {L("+OK", 0), L(".", 0)},
    },
    {
        .name = "pop3 multi lowercase, bare LF",
        .in = B("+ok\nA\n.\n"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 3,
        .lines = {L("+ok", F_LF), L("A", F_LF), L(".", F_LF)},
    },
    {
        .name = "pop3 multi empty body",
        .in = B("+OK\r\n.\r\nleft"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 2,
        .lines = {L("+OK", 0), L(".", 0)},
        .pending = B("left"),
        .pending_esc = "left",
    },
    {
        .name = "pop3 multi -ERR is one line",
        .in = B("-ERR nope\r\n+OK\r\n.\r\n"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 1,
        .lines = {L("-ERR nope", 0)},
        .pending = B("+OK\r\n.\r\n"),
        .pending_esc = "+OK\\r\\n.\\r\\n",
    },
    {
        .name = "pop3 multi leading dot in status line is not stuffing",
        .in = B(".\r\n"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 1,
        .lines = {L(".", 0)},
    },
    {
        .name = "pop3 multi dot with trailing space is a body line",
        .in = B("+OK\r\n. \r\n.\r\n"),
        .expect = pop3_end_multi,
        .rc = 1,
        .nlines = 3,
        .lines = {L("+OK", 0), L(" ", 0), L(".", 0)},
    },

    /* --- no rule: unsolicited lines --- */
    {
        .name = "none returns one line",
        .in = B("unsolicited\r\nsecond\r\n"),
        .expect = NULL,
        .rc = 1,
        .nlines = 1,
        .lines = {L("unsolicited", 0)},
        .pending = B("second\r\n"),
        .pending_esc = "second\\r\\n",
    },

    /* --- caps --- */
    {
        .name = "line too long with LF",
        .in = B("123456789\r\n"),
        .expect = NULL,
        .max_line = 8,
        .rc = -1,
        .error = "line too long",
    },
    {
        .name = "line too long with bare LF",
        .in = B("123456789\n"),
        .expect = NULL,
        .max_line = 8,
        .rc = -1,
        .error = "line too long",
    },
    {
        .name = "line too long without LF",
        .in = B("123456789"),
        .expect = NULL,
        .max_line = 8,
        .rc = -1,
        .error = "line too long",
    },
    {
        .name = "line at the cap with bare LF",
        .in = B("12345678\n"),
        .expect = NULL,
        .max_line = 8,
        .rc = 1,
        .nlines = 1,
        .lines = {L("12345678", F_LF)},
    },
    {
        .name = "line at the cap without LF waits",
        .in = B("12345678"),
        .expect = NULL,
        .max_line = 8,
        .rc = 0,
    },
    {
        .name = "second line too long",
        .in = B("* ok\r\n* 456789\r\nA1 OK\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .max_line = 6,
        .rc = -1,
        .error = "line too long",
    },
    {
        .name = "too many lines",
        .in = B("* a\r\n* b\r\n* c\r\nA1 OK\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .max_lines = 3,
        .rc = -1,
        .error = "too many lines in one reply",
    },
    {
        .name = "lines at the cap",
        .in = B("* a\r\n* b\r\nA1 OK\r\n"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .max_lines = 3,
        .rc = 1,
        .nlines = 3,
        .lines = {L("* a", 0), L("* b", 0), L("A1 OK", 0)},
    },
    {
        .name = "too many pop3 body lines",
        .in = B("+OK\r\nA\r\nB\r\n.\r\n"),
        .expect = pop3_end_multi,
        .max_lines = 3,
        .rc = -1,
        .error = "too many lines in one reply",
    },
    {
        .name = "line caps do not look past the reply",
        .in = B("A1 OK\r\n0123456789abcdef"),
        .expect = imap_end_tagged,
        .tag = "A1",
        .max_line = 8,
        .rc = 1,
        .nlines = 1,
        .lines = {L("A1 OK", 0)},
        .pending = B("0123456789abcdef"),
        .pending_esc = "0123456789abcdef",
    },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
check_lines(const struct pp_case *c, const struct pp_reply *r, const char *how)
{
	EXPECT(r->nlines == c->nlines, "%s [%s]: %zu lines, want %zu", c->name,
	       how, r->nlines, c->nlines);
	for (size_t i = 0; i < c->nlines; i++) {
		const struct pp_line *l = &r->lines[i];
		const struct exp_line *e = &c->lines[i];
		unsigned flags = (l->bare_lf ? F_LF : 0) |
		                 (l->has_nul ? F_NUL : 0) |
		                 (l->has_ctl ? F_CTL : 0);

		EXPECT(l->len == e->n && memcmp(l->text, e->s, e->n) == 0,
		       "%s [%s]: line %zu is '%.*s', want '%s'", c->name, how,
		       i, (int)l->len, l->text, e->s);
		EXPECT(l->text[l->len] == '\0',
		       "%s [%s]: line %zu not NUL-terminated", c->name, how, i);
		EXPECT(flags == e->flags, "%s [%s]: line %zu flags %u, want %u",
		       c->name, how, i, flags, e->flags);
	}
}

/*
 * Feeds c->in in chunks whose sizes cycle through sizes[], calling pp_next
 * after every chunk as the engine does, then checks the outcome. Once a
 * reply is complete it must stay complete and unchanged while the rest
 * arrives.
 */
static void
replay(const struct pp_case *c, const size_t *sizes, size_t nsizes,
       const char *how)
{
	struct pp_limits lim = pp_default_limits;
	struct pingpong pp;
	const struct pp_reply *reply = NULL;
	size_t off = 0, k = 0;
	int rc = 0;

	if (c->max_line)
		lim.max_line = c->max_line;
	if (c->max_lines)
		lim.max_lines = c->max_lines;
	pp_init(&pp, &lim);
	pp_expect(&pp, c->expect, c->tag);
	do {
		size_t n = sizes[k++ % nsizes];
		const struct pp_reply *r = NULL;
		int got;

		if (n > c->in_len - off)
			n = c->in_len - off;
		/* pp_feed with 0 bytes is covered by its own test */
		EXPECT(n == 0 || pp_feed(&pp, c->in + off, n) == 0,
		       "%s [%s]: pp_feed failed at offset %zu", c->name, how,
		       off);
		off += n;
		got = pp_next(&pp, &r);
		EXPECT(rc != 1 || (got == 1 && r == reply),
		       "%s [%s]: complete reply changed to rc %d at offset %zu",
		       c->name, how, got, off);
		if (got == 1)
			reply = r;
		rc = got;
	} while (off < c->in_len && rc >= 0);

	EXPECT(rc == c->rc, "%s [%s]: rc %d, want %d (%s)", c->name, how, rc,
	       c->rc, rc < 0 ? pp.error : "no error");
	if (rc < 0) {
		EXPECT(strcmp(pp.error, c->error) == 0,
		       "%s [%s]: error '%s', want '%s'", c->name, how, pp.error,
		       c->error);
	} else if (rc == 0) {
		check_lines(c, pp_partial(&pp), how);
	} else {
		char *esc;

		check_lines(c, reply, how);
		EXPECT(pp_pending(&pp) == c->pending_len &&
		           (c->pending_len == 0 ||
		            memcmp(pp.buf, c->pending, c->pending_len) == 0),
		       "%s [%s]: %zu bytes pending, want %zu", c->name, how,
		       pp_pending(&pp), c->pending_len);
		esc = pp_take_pending(&pp, 256);
		EXPECT(c->pending_len ? esc && strcmp(esc, c->pending_esc) == 0
		                      : esc == NULL,
		       "%s [%s]: pending taken as '%s', want '%s'", c->name,
		       how, esc ? esc : "(null)",
		       c->pending_len ? c->pending_esc : "(null)");
		free(esc);
		EXPECT(pp_pending(&pp) == 0 &&
		           pp_take_pending(&pp, 256) == NULL,
		       "%s [%s]: bytes pending after pp_take_pending", c->name,
		       how);
		/* the reply survives the pending bytes being dropped */
		EXPECT(pp_next(&pp, &reply) == 1,
		       "%s [%s]: reply lost with the pending bytes", c->name,
		       how);
		check_lines(c, reply, how);
	}
	pp_free(&pp);
}

START_TEST(test_whole)
{
	const size_t all[] = {SIZE_MAX};

	replay(&cases[_i], all, 1, "one chunk");
}
END_TEST

START_TEST(test_byte_by_byte)
{
	const size_t one[] = {1};

	replay(&cases[_i], one, 1, "byte by byte");
}
END_TEST

START_TEST(test_two_way_splits)
{
	const struct pp_case *c = &cases[_i];

	for (size_t k = 0; k <= c->in_len; k++) {
		const size_t sizes[] = {k, SIZE_MAX};
		char how[64];

		snprintf(how, sizeof(how), "split at %zu", k);
		replay(c, sizes, 2, how);
	}
}
END_TEST

START_TEST(test_chunk_sizes)
{
	static const size_t chunk[] = {2, 3, 5, 7, 16, 64};
	static const size_t mixed[] = {1, 4, 2, 9};

	for (size_t i = 0; i < sizeof(chunk) / sizeof(chunk[0]); i++) {
		char how[64];

		snprintf(how, sizeof(how), "chunks of %zu", chunk[i]);
		replay(&cases[_i], &chunk[i], 1, how);
	}
	replay(&cases[_i], mixed, 4, "chunks 1,4,2,9");
}
END_TEST

/*
 * A conversation in one buffer: greeting, CAPA reply, STLS reply. The
 * bytes pending after each reply must become the next reply once the
 * next expectation is set, however the buffer was split.
 */
static const char convo[] = "+OK Dovecot ready.\r\n"
                            "+OK\r\nCAPA\r\n..dot\r\nSTLS\r\nSASL\r\n.\r\n"
                            "+OK Begin TLS negotiation now.\r\n"
                            "\x16\x03\x01\x02\x00";
static const struct {
	pp_endofresp expect;
	size_t nlines;
	const char *first;
	const char *last;
} convo_replies[] = {
    {NULL, 1, "+OK Dovecot ready.", "+OK Dovecot ready."},
    {pop3_end_multi, 6, "+OK", "."},
    {NULL, 1, "+OK Begin TLS negotiation now.",
     "+OK Begin TLS negotiation now."},
};
#define NCONVO (sizeof(convo_replies) / sizeof(convo_replies[0]))

static void
replay_convo(size_t first_chunk, size_t chunk, const char *how)
{
	struct pingpong pp;
	size_t off = 0, done = 0, len = sizeof(convo) - 1;
	bool first = true;
	char *esc;

	pp_init(&pp, NULL);
	pp_expect(&pp, convo_replies[0].expect, NULL);
	while (off < len || done < NCONVO) {
		size_t n = first ? first_chunk : chunk;
		const struct pp_reply *r;
		int rc = 0;

		first = false;
		if (n > len - off)
			n = len - off;
		if (n > 0)
			ck_assert_int_eq(pp_feed(&pp, convo + off, n), 0);
		off += n;
		while (done < NCONVO && (rc = pp_next(&pp, &r)) == 1) {
			ck_assert_msg(r->nlines == convo_replies[done].nlines,
			              "[%s] reply %zu: %zu lines", how, done,
			              r->nlines);
			ck_assert_str_eq(r->lines[0].text,
			                 convo_replies[done].first);
			ck_assert_str_eq(r->lines[r->nlines - 1].text,
			                 convo_replies[done].last);
			if (done == 1)
				ck_assert_str_eq(r->lines[2].text, ".dot");
			if (++done < NCONVO)
				pp_expect(&pp, convo_replies[done].expect,
				          NULL);
		}
		if (done < NCONVO)
			ck_assert_int_eq(rc, 0);
		if (off == len)
			break;
	}
	ck_assert_msg(done == NCONVO, "[%s] only %zu replies", how, done);
	ck_assert_uint_eq(pp_pending(&pp), 5);
	esc = pp_take_pending(&pp, 100);
	ck_assert_str_eq(esc, "\\x16\\x03\\x01\\x02\\x00");
	free(esc);
	pp_free(&pp);
}

START_TEST(test_conversation_splits)
{
	char how[64];

	for (size_t k = 0; k <= sizeof(convo) - 1; k++) {
		snprintf(how, sizeof(how), "split at %zu", k);
		replay_convo(k, SIZE_MAX, how);
	}
	for (size_t c = 1; c <= 17; c++) {
		snprintf(how, sizeof(how), "chunks of %zu", c);
		replay_convo(c, c, how);
	}
}
END_TEST

START_TEST(test_byte_cap)
{
	struct pp_limits lim = pp_default_limits;
	struct pingpong pp;
	const struct pp_reply *r;

	lim.max_bytes = 16;
	pp_init(&pp, &lim);
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_feed(&pp, "+OK a\r\n", 7), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	/* consumed bytes still count against the session */
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_feed(&pp, "+OK bcd\r", 8), 0);
	ck_assert_int_eq(pp_feed(&pp, "\n", 1), 0); /* exactly 16 */
	ck_assert_ptr_null(pp.error);
	ck_assert_int_eq(pp_feed(&pp, "x", 1), -1);
	ck_assert_str_eq(pp.error, "session byte limit exceeded");
	ck_assert_uint_eq(pp_pending(&pp), 9); /* nothing was appended */
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	ck_assert_str_eq(r->lines[0].text, "+OK bcd");
	ck_assert_int_eq(pp_feed(&pp, "y", 1), -1);
	pp_free(&pp);

	/* one chunk over the cap appends nothing */
	pp_init(&pp, &lim);
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_feed(&pp, "0123456789abcdefg", 17), -1);
	ck_assert_str_eq(pp.error, "session byte limit exceeded");
	ck_assert_uint_eq(pp_pending(&pp), 0);
	ck_assert_int_eq(pp_feed(&pp, "0123456789abcdef", 16), 0);
	ck_assert_uint_eq(pp_pending(&pp), 16);
	pp_free(&pp);
}
END_TEST

START_TEST(test_default_limits)
{
	struct pingpong pp;

	pp_init(&pp, NULL);
	ck_assert_uint_eq(pp.lim.max_line, pp_default_limits.max_line);
	ck_assert_uint_eq(pp.lim.max_lines, pp_default_limits.max_lines);
	ck_assert_uint_eq(pp.lim.max_bytes, pp_default_limits.max_bytes);
	ck_assert_uint_ge(pp_default_limits.max_line, 1000); /* RFC 2683 */
	ck_assert_uint_gt(pp_default_limits.max_bytes,
	                  pp_default_limits.max_line);
	pp_free(&pp);
}
END_TEST

START_TEST(test_expect_resets_reply_keeps_bytes)
{
	struct pingpong pp;
	const struct pp_reply *r;

	pp_init(&pp, NULL);
	pp_expect(&pp, imap_end_tagged, "T1");
	ck_assert_int_eq(pp_feed(&pp, B("* x\r\nT1 OK\r\n* y\r\nT2 O")), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	ck_assert_uint_eq(r->nlines, 2);
	ck_assert_int_eq(pp_next(&pp, &r), 1); /* stays complete */
	ck_assert_uint_eq(r->nlines, 2);
	pp_expect(&pp, imap_end_tagged, "T2");
	ck_assert_uint_eq(pp_partial(&pp)->nlines, 0);
	ck_assert_uint_eq(pp_pending(&pp), 9);
	ck_assert_int_eq(pp_next(&pp, &r), 0);
	ck_assert_uint_eq(pp_partial(&pp)->nlines, 1);
	ck_assert_str_eq(pp_partial(&pp)->lines[0].text, "* y");
	ck_assert_int_eq(pp_feed(&pp, B("K\r\n")), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	ck_assert_uint_eq(r->nlines, 2);
	ck_assert_str_eq(r->lines[1].text, "T2 OK");
	ck_assert_uint_eq(pp_pending(&pp), 0);
	pp_free(&pp);

	/* the old tag no longer ends a reply */
	pp_init(&pp, NULL);
	pp_expect(&pp, imap_end_tagged, "T1");
	pp_expect(&pp, imap_end_tagged, "T2");
	ck_assert_int_eq(pp_feed(&pp, B("T1 OK\r\n")), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 0);
	pp_free(&pp);
}
END_TEST

START_TEST(test_take_pending_bounded)
{
	struct pingpong pp;
	const struct pp_reply *r;
	char junk[500];
	char *esc;

	memset(junk, 'j', sizeof(junk));
	pp_init(&pp, NULL);
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_feed(&pp, B("+OK\r\n")), 0);
	ck_assert_int_eq(pp_feed(&pp, junk, sizeof(junk)), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	ck_assert_uint_eq(pp_pending(&pp), 500);
	esc = pp_take_pending(&pp, 100);
	ck_assert_uint_le(strlen(esc), 100);
	ck_assert_ptr_nonnull(strstr(esc, "bytes]"));
	ck_assert_uint_eq(strspn(esc, "j") + strlen(strstr(esc, "...[+")),
	                  strlen(esc));
	free(esc);
	ck_assert_uint_eq(pp_pending(&pp), 0);
	pp_free(&pp);
}
END_TEST

START_TEST(test_line_escaped)
{
	struct pingpong pp;
	const struct pp_reply *r;
	char *esc;

	pp_init(&pp, NULL);
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_feed(&pp, B("+OK \\ \0\x1b\t\xff\r\n")), 0);
	ck_assert_int_eq(pp_next(&pp, &r), 1);
	esc = pp_line_escaped(&r->lines[0], 100);
	ck_assert_str_eq(esc, "+OK \\\\ \\x00\\x1b\\t\\xff");
	free(esc);
	pp_free(&pp);
}
END_TEST

START_TEST(test_free_twice_and_empty)
{
	struct pingpong pp;
	const struct pp_reply *r;

	pp_init(&pp, NULL);
	pp_expect(&pp, NULL, NULL);
	ck_assert_int_eq(pp_next(&pp, &r), 0);
	ck_assert_uint_eq(pp_pending(&pp), 0);
	ck_assert_ptr_null(pp_take_pending(&pp, 100));
	pp_free(&pp);
	pp_free(&pp);
}
END_TEST

/* Regression tests of bugs found when these tests were written. */
START_TEST(test_bug_cap_line_crlf_split)
{
	/* A line of exactly max_line bytes plus CRLF is accepted in one
	 * chunk; it must be accepted when the CR and the LF arrive apart. */
	static const struct pp_case c = {
	    .name = "line at the cap with CRLF",
	    .in = B("12345678\r\n"),
	    .expect = NULL,
	    .max_line = 8,
	    .rc = 1,
	    .nlines = 1,
	    .lines = {L("12345678", 0)},
	};
	const size_t all[] = {SIZE_MAX}, one[] = {1}, nine[] = {9, 1};

	replay(&c, all, 1, "one chunk");
	replay(&c, nine, 2, "split before LF");
	replay(&c, one, 1, "byte by byte");
}
END_TEST

START_TEST(test_bug_feed_zero_bytes)
{
	/* memcpy(NULL, data, 0) on a fresh pingpong: undefined behaviour,
	 * fatal under -fsanitize=undefined */
	struct pingpong pp;

	pp_init(&pp, NULL);
	ck_assert_int_eq(pp_feed(&pp, "", 0), 0);
	ck_assert_uint_eq(pp_pending(&pp), 0);
	pp_free(&pp);
}
END_TEST

Suite *
pingpong_suite(void)
{
	Suite *s = suite_create("pingpong");
	TCase *tc = tcase_create("split");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_whole, 0, (int)NCASES);
	tcase_add_loop_test(tc, test_byte_by_byte, 0, (int)NCASES);
	tcase_add_loop_test(tc, test_two_way_splits, 0, (int)NCASES);
	tcase_add_loop_test(tc, test_chunk_sizes, 0, (int)NCASES);
	tcase_add_test(tc, test_conversation_splits);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_test(tc, test_byte_cap);
	tcase_add_test(tc, test_default_limits);
	tcase_add_test(tc, test_expect_resets_reply_keeps_bytes);
	tcase_add_test(tc, test_take_pending_bounded);
	tcase_add_test(tc, test_line_escaped);
	tcase_add_test(tc, test_free_twice_and_empty);
	suite_add_tcase(s, tc);

	{ /* regression tests of fixed bugs */
		tc = tcase_create("regressions");
		tcase_add_test(tc, test_bug_cap_line_crlf_split);
		tcase_add_test(tc, test_bug_feed_zero_bytes);
		suite_add_tcase(s, tc);
	}
	return s;
}
