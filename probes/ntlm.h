/*
 * MS-NLMP messages for the NTLM information probe (checks.md P10,
 * AUTH-NTLM-INFO-DISCLOSURE): the NEGOTIATE_MESSAGE nmap's
 * imap-ntlm-info/pop3-ntlm-info send, and a parser for the server's
 * CHALLENGE_MESSAGE (TargetName, flags, server challenge, the TargetInfo
 * AV_PAIR list and the Version field). The parser trusts no offset or
 * length in the message; names come out as escaped printable ASCII.
 * Pure functions over byte buffers; no I/O.
 */
#ifndef MAILAUDIT_PROBES_NTLM_H
#define MAILAUDIT_PROBES_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* NegotiateFlags (MS-NLMP 2.2.2.5) used here. */
#define NTLM_FLAG_UNICODE                  0x00000001u
#define NTLM_FLAG_OEM                      0x00000002u
#define NTLM_FLAG_REQUEST_TARGET           0x00000004u
#define NTLM_FLAG_NTLM                     0x00000200u
#define NTLM_FLAG_ALWAYS_SIGN              0x00008000u
#define NTLM_FLAG_EXTENDED_SESSIONSECURITY 0x00080000u /* "NTLM2" */
#define NTLM_FLAG_TARGET_INFO              0x00800000u
#define NTLM_FLAG_VERSION                  0x02000000u
#define NTLM_FLAG_128                      0x20000000u
#define NTLM_FLAG_56                       0x80000000u

/* What nmap's imap-ntlm-info sends: Unicode|OEM|RequestTarget|NTLM|
 * AlwaysSign|NTLM2|128|56. */
#define NTLM_NEGOTIATE_FLAGS 0xA0088207u
/* Signature, type, flags, empty DomainName and Workstation fields. */
#define NTLM_NEGOTIATE_LEN 32

/* AV_PAIR ids (MS-NLMP 2.2.2.1). */
enum ntlm_av_id {
	NTLM_AV_EOL = 0,
	NTLM_AV_NB_COMPUTER = 1,
	NTLM_AV_NB_DOMAIN = 2,
	NTLM_AV_DNS_COMPUTER = 3,
	NTLM_AV_DNS_DOMAIN = 4,
	NTLM_AV_DNS_TREE = 5,
	NTLM_AV_FLAGS = 6,
	NTLM_AV_TIMESTAMP = 7,
	NTLM_AV_SINGLE_HOST = 8,
	NTLM_AV_TARGET_NAME = 9,
	NTLM_AV_CHANNEL_BINDINGS = 10,
};

/* Characters kept of each name after escaping, "...[+N bytes]" marker
 * included; the buffers hold one more for the NUL. */
#define NTLM_STR_MAX 256
/* AV_PAIRs read before the list is abandoned as hostile. */
#define NTLM_MAX_AV_PAIRS 64
/* Size of the notes buffer (see struct ntlm_challenge). */
#define NTLM_NOTES_MAX 512

/* One decoded name. UTF-16LE text keeps printable ASCII, writes a
 * backslash as \\, CR, LF and TAB as \r \n \t, and every other code unit
 * (controls, non-ASCII, each half of a surrogate pair) as \uXXXX, as
 * JSON does. OEM text goes through escape_bytes (\xHH). */
struct ntlm_str {
	bool present; /* the field was in the message and well formed */
	char text[NTLM_STR_MAX + 1];
};

struct ntlm_challenge {
	uint32_t flags; /* NegotiateFlags */
	uint8_t server_challenge[8];
	struct ntlm_str target;       /* TargetName from the header */
	struct ntlm_str nb_computer;  /* AV 1 MsvAvNbComputerName */
	struct ntlm_str nb_domain;    /* AV 2 MsvAvNbDomainName */
	struct ntlm_str dns_computer; /* AV 3 MsvAvDnsComputerName */
	struct ntlm_str dns_domain;   /* AV 4 MsvAvDnsDomainName */
	struct ntlm_str dns_tree;     /* AV 5 MsvAvDnsTreeName */
	struct ntlm_str av_target;    /* AV 9 MsvAvTargetName */
	bool has_av_flags;            /* AV 6 MsvAvFlags */
	uint32_t av_flags;
	bool has_timestamp;        /* AV 7 MsvAvTimestamp */
	uint64_t filetime;         /* 100 ns units since 1601-01-01 UTC */
	time_t timestamp;          /* the same as Unix time (floored) */
	bool has_single_host;      /* AV 8 seen (content not decoded) */
	bool has_channel_bindings; /* AV 10 seen (content not decoded) */
	bool has_target_info;      /* a TargetInfo list was walked */
	bool av_eol;               /* the list ended with MsvAvEOL */
	unsigned av_pairs;         /* AV_PAIRs read, EOL excluded */
	bool has_version;          /* the 8-byte Version field */
	uint8_t ver_major;
	uint8_t ver_minor;
	uint16_t ver_build;
	uint8_t ntlm_revision; /* 15 = NTLMSSP_REVISION_W2K3 */
	/* Problems that made the parser drop a field or stop the AV list,
	 * "; "-separated and truncated to fit; "" when the message was
	 * clean. nnotes counts them all, including ones that did not fit. */
	unsigned nnotes;
	char notes[NTLM_NOTES_MAX];
};

/* Writes the 32-byte NEGOTIATE_MESSAGE (flags NTLM_NEGOTIATE_FLAGS, no
 * domain, no workstation, no version) to out. Returns
 * NTLM_NEGOTIATE_LEN, or 0 when cap is smaller (nothing written). */
size_t ntlm_negotiate(uint8_t *out, size_t cap);

/* The same message in base64 (44 characters, static storage), ready to
 * be sent after the server's "+" continuation. */
const char *ntlm_negotiate_base64(void);

/* Parses a CHALLENGE_MESSAGE of len bytes (already base64-decoded) into
 * *out, which is fully overwritten.
 *
 * Returns -1 when msg is not a CHALLENGE_MESSAGE at all: shorter than
 * the 32-byte fixed part, wrong signature or MessageType != 2. Otherwise
 * returns 0, with every field that could be read safely: a security
 * buffer that points outside the message or into its fixed header, an
 * odd-length UTF-16 string, an AV_PAIR that runs past TargetInfo, a
 * list without MsvAvEOL or with more than NTLM_MAX_AV_PAIRS entries, a
 * Timestamp or Flags pair of the wrong size: each drops the field
 * concerned (or the rest of the AV list) and adds a note. Duplicate
 * AV ids keep the first value. Nothing outside msg[0..len) is read.
 *
 * The fixed header is 32 bytes (old servers), 48 with TargetInfoFields,
 * 56 with Version; the longer forms are used only when len allows and
 * no payload starts inside them. Version is read only with
 * NTLM_FLAG_VERSION set. */
int ntlm_parse_challenge(const uint8_t *msg, size_t len,
                         struct ntlm_challenge *out);

/* True if the challenge names a NetBIOS or DNS computer, domain or tree
 * (AV ids 1-5, present and non-empty) or carries a Version other than
 * all zeros: the AUTH-NTLM-INFO-DISCLOSURE condition. TargetName alone
 * does not count (it only repeats what the other fields say). */
bool ntlm_discloses(const struct ntlm_challenge *c);

/* Formats the disclosed values as one evidence string into out (n
 * bytes, always NUL-terminated, cut with "..." when too small), e.g.
 * "target CORP; NetBIOS computer MAIL01; NetBIOS domain CORP; DNS
 * computer mail01.corp.example.com; DNS domain corp.example.com; DNS
 * tree corp.example.com; OS version 10.0 build 17763". Absent or empty
 * names and an all-zero version are left out ("" when nothing remains).
 * Returns the length written. */
size_t ntlm_describe(const struct ntlm_challenge *c, char *out, size_t n);

#endif
