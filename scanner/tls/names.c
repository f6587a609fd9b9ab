/*
 * Names and properties of TLS protocol numbers: versions, alerts, named
 * groups and the extensions the wire layer knows (scanner/tls/tlshello.h),
 * shared by the builder, the server-flight parser and the test servers.
 */
#include "scanner/tls/tlshello.h"

#include "scanner/tls/wire.h"

const char *
tls_version_name(uint16_t version)
{
	switch (version) {
	case TLS_VERSION_SSL2:
		return "SSL2.0";
	case TLS_VERSION_SSL3:
		return "SSL3.0";
	case TLS_VERSION_1_0:
		return "TLS1.0";
	case TLS_VERSION_1_1:
		return "TLS1.1";
	case TLS_VERSION_1_2:
		return "TLS1.2";
	case TLS_VERSION_1_3:
		return "TLS1.3";
	default:
		break;
	}
	if ((version & 0xff00) == 0x7f00)
		return "TLS1.3-draft";
	return "unknown";
}

static const struct {
	uint8_t desc;
	const char *name;
} alert_table[] = {
    {.desc = 0, .name = "close_notify"},
    {.desc = 10, .name = "unexpected_message"},
    {.desc = 20, .name = "bad_record_mac"},
    {.desc = 21, .name = "decryption_failed"},
    {.desc = 22, .name = "record_overflow"},
    {.desc = 30, .name = "decompression_failure"},
    {.desc = 40, .name = "handshake_failure"},
    {.desc = 41, .name = "no_certificate"},
    {.desc = 42, .name = "bad_certificate"},
    {.desc = 43, .name = "unsupported_certificate"},
    {.desc = 44, .name = "certificate_revoked"},
    {.desc = 45, .name = "certificate_expired"},
    {.desc = 46, .name = "certificate_unknown"},
    {.desc = 47, .name = "illegal_parameter"},
    {.desc = 48, .name = "unknown_ca"},
    {.desc = 49, .name = "access_denied"},
    {.desc = 50, .name = "decode_error"},
    {.desc = 51, .name = "decrypt_error"},
    {.desc = 60, .name = "export_restriction"},
    {.desc = 70, .name = "protocol_version"},
    {.desc = 71, .name = "insufficient_security"},
    {.desc = 80, .name = "internal_error"},
    {.desc = 86, .name = "inappropriate_fallback"},
    {.desc = 90, .name = "user_canceled"},
    {.desc = 100, .name = "no_renegotiation"},
    {.desc = 109, .name = "missing_extension"},
    {.desc = 110, .name = "unsupported_extension"},
    {.desc = 111, .name = "certificate_unobtainable"},
    {.desc = 112, .name = "unrecognized_name"},
    {.desc = 113, .name = "bad_certificate_status_response"},
    {.desc = 114, .name = "bad_certificate_hash_value"},
    {.desc = 115, .name = "unknown_psk_identity"},
    {.desc = 116, .name = "certificate_required"},
    {.desc = 120, .name = "no_application_protocol"},
    {.desc = 121, .name = "ech_required"},
};

const char *
tls_alert_name(uint8_t desc)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(alert_table); i++)
		if (alert_table[i].desc == desc)
			return alert_table[i].name;
	return "unknown";
}

static const struct {
	uint16_t id;
	const char *name;
	unsigned bits;
	enum tls_group_kind kind;
} group_table[] = {
    {.id = 1, .name = "sect163k1", .bits = 163, .kind = TLS_GROUP_EC_BINARY},
    {.id = 2, .name = "sect163r1", .bits = 163, .kind = TLS_GROUP_EC_BINARY},
    {.id = 3, .name = "sect163r2", .bits = 163, .kind = TLS_GROUP_EC_BINARY},
    {.id = 4, .name = "sect193r1", .bits = 193, .kind = TLS_GROUP_EC_BINARY},
    {.id = 5, .name = "sect193r2", .bits = 193, .kind = TLS_GROUP_EC_BINARY},
    {.id = 6, .name = "sect233k1", .bits = 233, .kind = TLS_GROUP_EC_BINARY},
    {.id = 7, .name = "sect233r1", .bits = 233, .kind = TLS_GROUP_EC_BINARY},
    {.id = 8, .name = "sect239k1", .bits = 239, .kind = TLS_GROUP_EC_BINARY},
    {.id = 9, .name = "sect283k1", .bits = 283, .kind = TLS_GROUP_EC_BINARY},
    {.id = 10, .name = "sect283r1", .bits = 283, .kind = TLS_GROUP_EC_BINARY},
    {.id = 11, .name = "sect409k1", .bits = 409, .kind = TLS_GROUP_EC_BINARY},
    {.id = 12, .name = "sect409r1", .bits = 409, .kind = TLS_GROUP_EC_BINARY},
    {.id = 13, .name = "sect571k1", .bits = 571, .kind = TLS_GROUP_EC_BINARY},
    {.id = 14, .name = "sect571r1", .bits = 571, .kind = TLS_GROUP_EC_BINARY},
    {.id = 15, .name = "secp160k1", .bits = 160, .kind = TLS_GROUP_EC_PRIME},
    {.id = 16, .name = "secp160r1", .bits = 160, .kind = TLS_GROUP_EC_PRIME},
    {.id = 17, .name = "secp160r2", .bits = 160, .kind = TLS_GROUP_EC_PRIME},
    {.id = 18, .name = "secp192k1", .bits = 192, .kind = TLS_GROUP_EC_PRIME},
    {.id = 19, .name = "secp192r1", .bits = 192, .kind = TLS_GROUP_EC_PRIME},
    {.id = 20, .name = "secp224k1", .bits = 224, .kind = TLS_GROUP_EC_PRIME},
    {.id = 21, .name = "secp224r1", .bits = 224, .kind = TLS_GROUP_EC_PRIME},
    {.id = 22, .name = "secp256k1", .bits = 256, .kind = TLS_GROUP_EC_PRIME},
    {.id = 23, .name = "secp256r1", .bits = 256, .kind = TLS_GROUP_EC_PRIME},
    {.id = 24, .name = "secp384r1", .bits = 384, .kind = TLS_GROUP_EC_PRIME},
    {.id = 25, .name = "secp521r1", .bits = 521, .kind = TLS_GROUP_EC_PRIME},
    {.id = 26,
     .name = "brainpoolP256r1",
     .bits = 256,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 27,
     .name = "brainpoolP384r1",
     .bits = 384,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 28,
     .name = "brainpoolP512r1",
     .bits = 512,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 29, .name = "x25519", .bits = 255, .kind = TLS_GROUP_ECX},
    {.id = 30, .name = "x448", .bits = 448, .kind = TLS_GROUP_ECX},
    {.id = 31,
     .name = "brainpoolP256r1tls13",
     .bits = 256,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 32,
     .name = "brainpoolP384r1tls13",
     .bits = 384,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 33,
     .name = "brainpoolP512r1tls13",
     .bits = 512,
     .kind = TLS_GROUP_EC_PRIME},
    {.id = 256, .name = "ffdhe2048", .bits = 2048, .kind = TLS_GROUP_FFDHE},
    {.id = 257, .name = "ffdhe3072", .bits = 3072, .kind = TLS_GROUP_FFDHE},
    {.id = 258, .name = "ffdhe4096", .bits = 4096, .kind = TLS_GROUP_FFDHE},
    {.id = 259, .name = "ffdhe6144", .bits = 6144, .kind = TLS_GROUP_FFDHE},
    {.id = 260, .name = "ffdhe8192", .bits = 8192, .kind = TLS_GROUP_FFDHE},
    {.id = 0x11EB,
     .name = "SecP256r1MLKEM768",
     .bits = 256,
     .kind = TLS_GROUP_HYBRID},
    {.id = 0x11EC,
     .name = "X25519MLKEM768",
     .bits = 255,
     .kind = TLS_GROUP_HYBRID},
    {.id = 0x11ED,
     .name = "SecP384r1MLKEM1024",
     .bits = 384,
     .kind = TLS_GROUP_HYBRID},
    {.id = 0x6399,
     .name = "X25519Kyber768Draft00",
     .bits = 255,
     .kind = TLS_GROUP_HYBRID},
    {.id = 0xFF01,
     .name = "arbitrary_explicit_prime_curves",
     .bits = 0,
     .kind = TLS_GROUP_EXPLICIT},
    {.id = 0xFF02,
     .name = "arbitrary_explicit_char2_curves",
     .bits = 0,
     .kind = TLS_GROUP_EXPLICIT},
};

static int
group_index(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(group_table); i++)
		if (group_table[i].id == id)
			return (int)i;
	return -1;
}

const char *
tls_group_name(uint16_t id)
{
	int i = group_index(id);

	return i < 0 ? "unknown" : group_table[i].name;
}

unsigned
tls_group_bits(uint16_t id)
{
	int i = group_index(id);

	return i < 0 ? 0 : group_table[i].bits;
}

enum tls_group_kind
tls_group_kind(uint16_t id)
{
	int i = group_index(id);

	return i < 0 ? TLS_GROUP_UNKNOWN : group_table[i].kind;
}

/* ---- extensions ------------------------------------------------------ */

static const struct {
	unsigned bit;
	uint16_t type;
	const char *name;
} ext_table[] = {
    {.bit = TLSHELLO_EXT_SERVER_NAME, .type = 0, .name = "server_name"},
    {.bit = TLSHELLO_EXT_MAX_FRAGMENT_LENGTH,
     .type = 1,
     .name = "max_fragment_length"},
    {.bit = TLSHELLO_EXT_TRUNCATED_HMAC, .type = 4, .name = "truncated_hmac"},
    {.bit = TLSHELLO_EXT_STATUS_REQUEST, .type = 5, .name = "status_request"},
    {.bit = TLSHELLO_EXT_SUPPORTED_GROUPS,
     .type = 10,
     .name = "supported_groups"},
    {.bit = TLSHELLO_EXT_EC_POINT_FORMATS,
     .type = 11,
     .name = "ec_point_formats"},
    {.bit = TLSHELLO_EXT_SIGNATURE_ALGORITHMS,
     .type = 13,
     .name = "signature_algorithms"},
    {.bit = TLSHELLO_EXT_HEARTBEAT, .type = 15, .name = "heartbeat"},
    {.bit = TLSHELLO_EXT_ALPN,
     .type = 16,
     .name = "application_layer_protocol_negotiation"},
    {.bit = TLSHELLO_EXT_PADDING, .type = 21, .name = "padding"},
    {.bit = TLSHELLO_EXT_ENCRYPT_THEN_MAC,
     .type = 22,
     .name = "encrypt_then_mac"},
    {.bit = TLSHELLO_EXT_EXTENDED_MASTER_SECRET,
     .type = 23,
     .name = "extended_master_secret"},
    {.bit = TLSHELLO_EXT_SESSION_TICKET, .type = 35, .name = "session_ticket"},
    {.bit = TLSHELLO_EXT_SUPPORTED_VERSIONS,
     .type = 43,
     .name = "supported_versions"},
    {.bit = TLSHELLO_EXT_KEY_SHARE, .type = 51, .name = "key_share"},
    {.bit = TLSHELLO_EXT_RENEGOTIATION_INFO,
     .type = 0xff01,
     .name = "renegotiation_info"},
};

int
tlshello_ext_type(unsigned bit)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ext_table); i++)
		if (ext_table[i].bit == bit)
			return ext_table[i].type;
	return -1;
}

const char *
tlshello_ext_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ext_table); i++)
		if (ext_table[i].bit == bit)
			return ext_table[i].name;
	return "unknown";
}

unsigned
tlshello_ext_bit(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ext_table); i++)
		if (ext_table[i].type == type)
			return ext_table[i].bit;
	return TLSHELLO_EXT_OTHER;
}
