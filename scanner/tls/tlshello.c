/*
 * TLS wire layer: cipher-suite, group and alert tables, ClientHello
 * builders (TLS/SSLv3 and SSLv2), an incremental parser of the server's
 * first flight and a ClientHello parser for test servers. See
 * scanner/tls/tlshello.h for the contracts and the RFCs.
 *
 * Parsing rule: every length read from the peer is checked against the
 * bytes that actually enclose it before it is used; anything that points
 * outside is TLSHELLO_ERROR. The server-flight parser never allocates:
 * handshake messages are streamed, only the first TLSHELLO_BUF bytes of
 * each are kept for decoding, and certificates are counted, not stored.
 */
#include "scanner/tls/tlshello.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cipher suites --------------------------------------------------- */

/* Generated from the IANA registry (PSK/SRP/KRB5/GOST rows dropped) and
 * the flag rules in the header; kept sorted by id for bsearch. */
static const struct tls_suite suite_table[] = {
    {.id = 0x0001,
     .name = "TLS_RSA_WITH_NULL_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0002,
     .name = "TLS_RSA_WITH_NULL_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0003,
     .name = "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0004,
     .name = "TLS_RSA_WITH_RC4_128_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0005,
     .name = "TLS_RSA_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0006,
     .name = "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0007,
     .name = "TLS_RSA_WITH_IDEA_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_NOT_NIST |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0008,
     .name = "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0009,
     .name = "TLS_RSA_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x000A,
     .name = "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x000B,
     .name = "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x000C,
     .name = "TLS_DH_DSS_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x000D,
     .name = "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x000E,
     .name = "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x000F,
     .name = "TLS_DH_RSA_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0010,
     .name = "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0011,
     .name = "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0012,
     .name = "TLS_DHE_DSS_WITH_DES_CBC_SHA",
     .flags =
         TLS_SUITE_DHE | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0013,
     .name = "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0014,
     .name = "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0015,
     .name = "TLS_DHE_RSA_WITH_DES_CBC_SHA",
     .flags =
         TLS_SUITE_DHE | TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0016,
     .name = "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0017,
     .name = "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_EXPORT | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0018,
     .name = "TLS_DH_anon_WITH_RC4_128_MD5",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0019,
     .name = "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_EXPORT |
              TLS_SUITE_DES | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x001A,
     .name = "TLS_DH_anon_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x001B,
     .name = "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x002F,
     .name = "TLS_RSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0030,
     .name = "TLS_DH_DSS_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0031,
     .name = "TLS_DH_RSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0032,
     .name = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0033,
     .name = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0034,
     .name = "TLS_DH_anon_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0035,
     .name = "TLS_RSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0036,
     .name = "TLS_DH_DSS_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0037,
     .name = "TLS_DH_RSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0038,
     .name = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0039,
     .name = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x003A,
     .name = "TLS_DH_anon_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x003B,
     .name = "TLS_RSA_WITH_NULL_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NULL,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x003C,
     .name = "TLS_RSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x003D,
     .name = "TLS_RSA_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x003E,
     .name = "TLS_DH_DSS_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x003F,
     .name = "TLS_DH_RSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x0040,
     .name = "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x0041,
     .name = "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0042,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0043,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0044,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0045,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0046,
     .name = "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0060,
     .name = "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0061,
     .name = "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0062,
     .name = "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0063,
     .name = "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_EXPORT | TLS_SUITE_DES |
              TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0064,
     .name = "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_EXPORT | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0065,
     .name = "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_EXPORT | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0066,
     .name = "TLS_DHE_DSS_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0067,
     .name = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x0068,
     .name = "TLS_DH_DSS_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x0069,
     .name = "TLS_DH_RSA_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x006A,
     .name = "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x006B,
     .name = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x006C,
     .name = "TLS_DH_anon_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x006D,
     .name = "TLS_DH_anon_WITH_AES_256_CBC_SHA256",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x0084,
     .name = "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0085,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0086,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0087,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0088,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0089,
     .name = "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x0096,
     .name = "TLS_RSA_WITH_SEED_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_RSA},
    {.id = 0x0097,
     .name = "TLS_DH_DSS_WITH_SEED_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0098,
     .name = "TLS_DH_RSA_WITH_SEED_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DH},
    {.id = 0x0099,
     .name = "TLS_DHE_DSS_WITH_SEED_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x009A,
     .name = "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x009B,
     .name = "TLS_DH_anon_WITH_SEED_CBC_SHA",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_DHE},
    {.id = 0x009C,
     .name = "TLS_RSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x009D,
     .name = "TLS_RSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x009E,
     .name = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x009F,
     .name = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00A0,
     .name = "TLS_DH_RSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00A1,
     .name = "TLS_DH_RSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00A2,
     .name = "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00A3,
     .name = "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00A4,
     .name = "TLS_DH_DSS_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00A5,
     .name = "TLS_DH_DSS_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00A6,
     .name = "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00A7,
     .name = "TLS_DH_anon_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00BA,
     .name = "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x00BB,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00BC,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00BD,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00BE,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00BF,
     .name = "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00C0,
     .name = "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0x00C1,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00C2,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0x00C3,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00C4,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00C5,
     .name = "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0x00FF,
     .name = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
     .flags = TLS_SUITE_SCSV,
     .min_version = 0x0000,
     .kx = TLS_KX_NONE},
    {.id = 0x1301,
     .name = "TLS_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_TLS13 | TLS_SUITE_AEAD,
     .min_version = 0x0304,
     .kx = TLS_KX_TLS13},
    {.id = 0x1302,
     .name = "TLS_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_TLS13 | TLS_SUITE_AEAD,
     .min_version = 0x0304,
     .kx = TLS_KX_TLS13},
    {.id = 0x1303,
     .name = "TLS_CHACHA20_POLY1305_SHA256",
     .flags = TLS_SUITE_TLS13 | TLS_SUITE_AEAD | TLS_SUITE_NOT_NIST,
     .min_version = 0x0304,
     .kx = TLS_KX_TLS13},
    {.id = 0x1304,
     .name = "TLS_AES_128_CCM_SHA256",
     .flags = TLS_SUITE_TLS13 | TLS_SUITE_AEAD,
     .min_version = 0x0304,
     .kx = TLS_KX_TLS13},
    {.id = 0x1305,
     .name = "TLS_AES_128_CCM_8_SHA256",
     .flags = TLS_SUITE_TLS13 | TLS_SUITE_AEAD,
     .min_version = 0x0304,
     .kx = TLS_KX_TLS13},
    {.id = 0x5600,
     .name = "TLS_FALLBACK_SCSV",
     .flags = TLS_SUITE_SCSV,
     .min_version = 0x0000,
     .kx = TLS_KX_NONE},
    {.id = 0xC001,
     .name = "TLS_ECDH_ECDSA_WITH_NULL_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC002,
     .name = "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC003,
     .name = "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC004,
     .name = "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC005,
     .name = "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC006,
     .name = "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC007,
     .name = "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC008,
     .name = "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC009,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC00A,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC00B,
     .name = "TLS_ECDH_RSA_WITH_NULL_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC00C,
     .name = "TLS_ECDH_RSA_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC00D,
     .name = "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC00E,
     .name = "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC00F,
     .name = "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDH},
    {.id = 0xC010,
     .name = "TLS_ECDHE_RSA_WITH_NULL_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC011,
     .name = "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC012,
     .name = "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_64BIT_BLOCK | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC013,
     .name = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC014,
     .name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC015,
     .name = "TLS_ECDH_anon_WITH_NULL_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_NULL,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC016,
     .name = "TLS_ECDH_anon_WITH_RC4_128_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_RC4,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC017,
     .name = "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_64BIT_BLOCK |
              TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC018,
     .name = "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC019,
     .name = "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
     .flags = TLS_SUITE_ANON | TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0300,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC023,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC024,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC025,
     .name = "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC026,
     .name = "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC027,
     .name = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC028,
     .name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC029,
     .name = "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC02A,
     .name = "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC02B,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC02C,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC02D,
     .name = "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC02E,
     .name = "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC02F,
     .name = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC030,
     .name = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC031,
     .name = "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC032,
     .name = "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC03C,
     .name = "TLS_RSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC03D,
     .name = "TLS_RSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC03E,
     .name = "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC03F,
     .name = "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC040,
     .name = "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC041,
     .name = "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC042,
     .name = "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC043,
     .name = "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC044,
     .name = "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC045,
     .name = "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC046,
     .name = "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC047,
     .name = "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC048,
     .name = "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC049,
     .name = "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC04A,
     .name = "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC04B,
     .name = "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC04C,
     .name = "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC04D,
     .name = "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC04E,
     .name = "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC04F,
     .name = "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC050,
     .name = "TLS_RSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC051,
     .name = "TLS_RSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC052,
     .name = "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC053,
     .name = "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC054,
     .name = "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC055,
     .name = "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC056,
     .name = "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC057,
     .name = "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC058,
     .name = "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC059,
     .name = "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC05A,
     .name = "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC05B,
     .name = "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC05C,
     .name = "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC05D,
     .name = "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC05E,
     .name = "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC05F,
     .name = "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC060,
     .name = "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC061,
     .name = "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC062,
     .name = "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC063,
     .name = "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC072,
     .name = "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC073,
     .name = "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC074,
     .name = "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC075,
     .name = "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC076,
     .name = "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC077,
     .name = "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC078,
     .name = "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC079,
     .name = "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_CBC,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC07A,
     .name = "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC07B,
     .name = "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC07C,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC07D,
     .name = "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC07E,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC07F,
     .name = "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC080,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC081,
     .name = "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC082,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC083,
     .name = "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DH},
    {.id = 0xC084,
     .name = "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC085,
     .name = "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384",
     .flags =
         TLS_SUITE_ANON | TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC086,
     .name = "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC087,
     .name = "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC088,
     .name = "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC089,
     .name = "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC08A,
     .name = "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC08B,
     .name = "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC08C,
     .name = "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC08D,
     .name = "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDH},
    {.id = 0xC09C,
     .name = "TLS_RSA_WITH_AES_128_CCM",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC09D,
     .name = "TLS_RSA_WITH_AES_256_CCM",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC09E,
     .name = "TLS_DHE_RSA_WITH_AES_128_CCM",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC09F,
     .name = "TLS_DHE_RSA_WITH_AES_256_CCM",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC0A0,
     .name = "TLS_RSA_WITH_AES_128_CCM_8",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC0A1,
     .name = "TLS_RSA_WITH_AES_256_CCM_8",
     .flags = TLS_SUITE_NO_FS | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_RSA},
    {.id = 0xC0A2,
     .name = "TLS_DHE_RSA_WITH_AES_128_CCM_8",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC0A3,
     .name = "TLS_DHE_RSA_WITH_AES_256_CCM_8",
     .flags = TLS_SUITE_DHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xC0AC,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC0AD,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC0AE,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xC0AF,
     .name = "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xCC13,
     .name = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xCC14,
     .name = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xCC15,
     .name = "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
    {.id = 0xCCA8,
     .name = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xCCA9,
     .name = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
     .flags = TLS_SUITE_ECDHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_ECDHE},
    {.id = 0xCCAA,
     .name = "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
     .flags = TLS_SUITE_DHE | TLS_SUITE_NOT_NIST | TLS_SUITE_AEAD,
     .min_version = 0x0303,
     .kx = TLS_KX_DHE},
};

const struct tls_suite *
tls_suite_table(size_t *n_r)
{
	*n_r = ARRAY_LEN(suite_table);
	return suite_table;
}

const struct tls_suite *
tls_suite_lookup(uint16_t id)
{
	size_t lo = 0, hi = ARRAY_LEN(suite_table);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (suite_table[mid].id == id)
			return &suite_table[mid];
		if (suite_table[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *
tls_suite_name(uint16_t id)
{
	static _Thread_local char buf[8];
	const struct tls_suite *s = tls_suite_lookup(id);

	if (s)
		return s->name;
	snprintf(buf, sizeof(buf), "0x%04X", (unsigned)id);
	return buf;
}

size_t
tls_suites_select(uint16_t version, unsigned require_flags,
                  unsigned exclude_flags, uint16_t *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_LEN(suite_table); i++) {
		const struct tls_suite *s = &suite_table[i];
		bool is13 = (s->flags & TLS_SUITE_TLS13) != 0;

		if (s->flags & TLS_SUITE_SCSV)
			continue;
		if (is13 != (version >= TLS_VERSION_1_3))
			continue;
		if (s->min_version > version)
			continue;
		if ((s->flags & require_flags) != require_flags ||
		    (s->flags & exclude_flags) != 0)
			continue;
		if (n < cap)
			out[n] = s->id;
		n++;
	}
	return n;
}

/* ---- names ----------------------------------------------------------- */

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

/* TLSHELLO_EXT_* bit of an extension type; OTHER if not in the table. */
static unsigned
ext_bit(uint16_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ext_table); i++)
		if (ext_table[i].type == type)
			return ext_table[i].bit;
	return TLSHELLO_EXT_OTHER;
}

/* ---- byte writer (builder) -------------------------------------------- */

/* Appends stop at cap and set bad, so the builder checks once at the
 * end. Length fields are reserved first and patched with wr_patch*. */
struct wr {
	uint8_t *p;
	size_t cap, len;
	bool bad;
};

static void
wr_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->bad || n > w->cap - w->len) {
		w->bad = true;
		return;
	}
	if (n)
		memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void
wr_u8(struct wr *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	wr_bytes(w, &b, 1);
}

static void
wr_u16(struct wr *w, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	wr_bytes(w, b, 2);
}

static void
wr_u24(struct wr *w, size_t v)
{
	uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	wr_bytes(w, b, 3);
}

/* Patches a length field of width bytes at pos with the bytes written
 * since pos + width; fails if it does not fit the field. */
static void
wr_patch(struct wr *w, size_t pos, unsigned width)
{
	size_t v, i;

	if (w->bad)
		return;
	v = w->len - pos - width;
	if (width < sizeof(size_t) && v >> (8 * width)) {
		w->bad = true;
		return;
	}
	for (i = 0; i < width; i++)
		w->p[pos + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* Starts an extension: type and a reserved length; returns the length
 * position for wr_patch(w, pos, 2). */
static size_t
ext_begin(struct wr *w, uint16_t type)
{
	size_t pos;

	wr_u16(w, type);
	pos = w->len;
	wr_u16(w, 0);
	return pos;
}

/* ---- ClientHello builder ---------------------------------------------- */

static const uint16_t default_groups[] = {
    TLS_GROUP_X25519,    TLS_GROUP_SECP256R1, TLS_GROUP_SECP384R1,
    TLS_GROUP_SECP521R1, TLS_GROUP_FFDHE2048, TLS_GROUP_FFDHE3072,
};

static const uint16_t default_versions[] = {TLS_VERSION_1_3, TLS_VERSION_1_2};

/* Broad on purpose, SHA-1 and DSA included, so that a server is never
 * refused for lack of a signature scheme it could use. */
static const uint16_t sig_algs[] = {
    0x0403, /* ecdsa_secp256r1_sha256 */
    0x0503, /* ecdsa_secp384r1_sha384 */
    0x0603, /* ecdsa_secp521r1_sha512 */
    0x0807, /* ed25519 */
    0x0808, /* ed448 */
    0x0804, /* rsa_pss_rsae_sha256 */
    0x0805, /* rsa_pss_rsae_sha384 */
    0x0806, /* rsa_pss_rsae_sha512 */
    0x0809, /* rsa_pss_pss_sha256 */
    0x080a, /* rsa_pss_pss_sha384 */
    0x080b, /* rsa_pss_pss_sha512 */
    0x081a, /* ecdsa_brainpoolP256r1tls13_sha256 */
    0x081b, /* ecdsa_brainpoolP384r1tls13_sha384 */
    0x081c, /* ecdsa_brainpoolP512r1tls13_sha512 */
    0x0401, /* rsa_pkcs1_sha256 */
    0x0501, /* rsa_pkcs1_sha384 */
    0x0601, /* rsa_pkcs1_sha512 */
    0x0303, /* ecdsa_sha224 */
    0x0301, /* rsa_sha224 */
    0x0302, /* dsa_sha224 */
    0x0402, /* dsa_sha256 */
    0x0502, /* dsa_sha384 */
    0x0602, /* dsa_sha512 */
    0x0203, /* ecdsa_sha1 */
    0x0201, /* rsa_pkcs1_sha1 */
    0x0202, /* dsa_sha1 */
};

/* RFC 6066 §3: no IP literals in server_name. Anything with a colon is
 * IPv6; digits and dots only is IPv4 (or not a host name either). */
static bool
is_ip_literal(const char *s)
{
	const char *c;

	if (strchr(s, ':'))
		return true;
	for (c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.'))
			return false;
	return true;
}

/* Public-key length for a key_share entry of group; 0 if unsupported. */
static size_t
key_share_len(uint16_t group)
{
	switch (group) {
	case TLS_GROUP_X25519:
		return 32;
	case TLS_GROUP_X448:
		return 56;
	case TLS_GROUP_SECP256R1:
		return 65;
	case TLS_GROUP_SECP384R1:
		return 97;
	case TLS_GROUP_SECP521R1:
		return 133;
	default:
		return 0;
	}
}

static void
put_sni(struct wr *w, const char *host, size_t len)
{
	size_t ext = ext_begin(w, 0), list;

	list = w->len;
	wr_u16(w, 0);
	wr_u8(w, 0); /* host_name */
	wr_u16(w, (unsigned)len);
	wr_bytes(w, host, len);
	wr_patch(w, list, 2);
	wr_patch(w, ext, 2);
}

static void
put_u16_list_ext(struct wr *w, uint16_t type, const uint16_t *v, size_t n,
                 unsigned len_width)
{
	size_t ext = ext_begin(w, type), list, i;

	list = w->len;
	if (len_width == 1)
		wr_u8(w, 0);
	else
		wr_u16(w, 0);
	for (i = 0; i < n; i++)
		wr_u16(w, v[i]);
	wr_patch(w, list, len_width);
	wr_patch(w, ext, 2);
}

static void
put_key_share(struct wr *w, uint16_t group, const uint8_t *seed)
{
	size_t ext = ext_begin(w, 51), list, klen = key_share_len(group), i;

	list = w->len;
	wr_u16(w, 0);
	wr_u16(w, group);
	wr_u16(w, (unsigned)klen);
	for (i = 0; i < klen; i++) {
		uint8_t b = seed ? seed[32 + i % 32] : 0;

		/* secp* shares: uncompressed point marker, then seed bytes
		 * (not a valid point: good enough to provoke an HRR) */
		if (group != TLS_GROUP_X25519 && group != TLS_GROUP_X448 &&
		    i == 0)
			b = 4;
		else if (i >= 32)
			b ^= (uint8_t)(i / 32);
		wr_u8(w, b);
	}
	wr_patch(w, list, 2);
	wr_patch(w, ext, 2);
}

static bool
params_valid(const struct tlshello_params *p)
{
	size_t i;

	if (p->client_version < TLS_VERSION_SSL3 ||
	    p->client_version > TLS_VERSION_1_2)
		return false;
	if (!p->suites || p->nsuites == 0 || p->nsuites > 16000)
		return false;
	if ((p->ext & TLSHELLO_EXT_ALPN) && (!p->alpn || p->nalpn == 0))
		return false;
	for (i = 0; (p->ext & TLSHELLO_EXT_ALPN) && i < p->nalpn; i++) {
		size_t l = p->alpn[i] ? strlen(p->alpn[i]) : 0;

		if (l == 0 || l > 255)
			return false;
	}
	if ((p->ext & TLSHELLO_EXT_KEY_SHARE) &&
	    key_share_len(p->key_share_group ? p->key_share_group
	                                     : TLS_GROUP_X25519) == 0)
		return false;
	return true;
}

size_t
tlshello_build(uint8_t *out, size_t cap, const struct tlshello_params *p)
{
	static const uint8_t zero_seed[TLSHELLO_SEED_LEN];
	const uint8_t *seed = p->seed ? p->seed : zero_seed;
	struct wr w = {.p = out, .cap = cap};
	size_t rec, hs, exts_pos, i, sni_len = 0;
	uint16_t rv = p->record_version;
	bool any_ext;

	if (!params_valid(p))
		return 0;
	if (p->sni && p->sni[0] && !is_ip_literal(p->sni)) {
		sni_len = strlen(p->sni);
		if (p->sni[sni_len - 1] ==
		    '.') /* no trailing dot on the wire */
			sni_len--;
		if (sni_len == 0 || sni_len > 255)
			return 0;
	}
	if (rv == 0)
		rv = p->client_version == TLS_VERSION_SSL3 ? TLS_VERSION_SSL3
		                                           : TLS_VERSION_1_0;

	wr_u8(&w, 22);
	wr_u16(&w, rv);
	rec = w.len;
	wr_u16(&w, 0);
	wr_u8(&w, 1);
	hs = w.len;
	wr_u24(&w, 0);
	wr_u16(&w, p->client_version);
	wr_bytes(&w, seed, 32);
	wr_u8(&w, 0); /* no session id */
	wr_u16(&w, (unsigned)(2 * (p->nsuites + p->scsv_renegotiation +
	                           p->scsv_fallback)));
	for (i = 0; i < p->nsuites; i++)
		wr_u16(&w, p->suites[i]);
	if (p->scsv_renegotiation)
		wr_u16(&w, TLS_SUITE_ID_EMPTY_RENEGOTIATION_INFO_SCSV);
	if (p->scsv_fallback)
		wr_u16(&w, TLS_SUITE_ID_FALLBACK_SCSV);
	if (p->compression_deflate) {
		wr_u8(&w, 2);
		wr_u8(&w, 1);
		wr_u8(&w, 0);
	} else {
		wr_u8(&w, 1);
		wr_u8(&w, 0);
	}

	any_ext = sni_len > 0 ||
	          (p->ext & ~(TLSHELLO_EXT_SERVER_NAME | TLSHELLO_EXT_OTHER |
	                      TLSHELLO_EXT_MAX_FRAGMENT_LENGTH)) != 0;
	if (any_ext) {
		exts_pos = w.len;
		wr_u16(&w, 0);
		if (sni_len)
			put_sni(&w, p->sni, sni_len);
		if (p->ext & TLSHELLO_EXT_STATUS_REQUEST) {
			size_t e = ext_begin(&w, 5);

			wr_u8(&w, 1);  /* ocsp */
			wr_u16(&w, 0); /* responder_id_list */
			wr_u16(&w, 0); /* request_extensions */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_SUPPORTED_GROUPS) {
			if (p->groups)
				put_u16_list_ext(&w, 10, p->groups, p->ngroups,
				                 2);
			else
				put_u16_list_ext(&w, 10, default_groups,
				                 ARRAY_LEN(default_groups), 2);
		}
		if (p->ext & TLSHELLO_EXT_EC_POINT_FORMATS) {
			size_t e = ext_begin(&w, 11);

			wr_u8(&w, 3);
			wr_u8(&w, 0); /* uncompressed */
			wr_u8(&w, 1); /* ansiX962_compressed_prime */
			wr_u8(&w, 2); /* ansiX962_compressed_char2 */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_SIGNATURE_ALGORITHMS)
			put_u16_list_ext(&w, 13, sig_algs, ARRAY_LEN(sig_algs),
			                 2);
		if (p->ext & TLSHELLO_EXT_HEARTBEAT) {
			size_t e = ext_begin(&w, 15);

			wr_u8(&w, 1); /* peer_allowed_to_send */
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_ALPN) {
			size_t e = ext_begin(&w, 16), list = w.len;

			wr_u16(&w, 0);
			for (i = 0; i < p->nalpn; i++) {
				size_t l = strlen(p->alpn[i]);

				wr_u8(&w, (unsigned)l);
				wr_bytes(&w, p->alpn[i], l);
			}
			wr_patch(&w, list, 2);
			wr_patch(&w, e, 2);
		}
		if (p->ext & TLSHELLO_EXT_TRUNCATED_HMAC)
			wr_patch(&w, ext_begin(&w, 4), 2);
		if (p->ext & TLSHELLO_EXT_ENCRYPT_THEN_MAC)
			wr_patch(&w, ext_begin(&w, 22), 2);
		if (p->ext & TLSHELLO_EXT_EXTENDED_MASTER_SECRET)
			wr_patch(&w, ext_begin(&w, 23), 2);
		if (p->ext & TLSHELLO_EXT_SESSION_TICKET)
			wr_patch(&w, ext_begin(&w, 35), 2);
		if (p->ext & TLSHELLO_EXT_SUPPORTED_VERSIONS) {
			if (p->versions)
				put_u16_list_ext(&w, 43, p->versions,
				                 p->nversions, 1);
			else
				put_u16_list_ext(&w, 43, default_versions,
				                 ARRAY_LEN(default_versions),
				                 1);
		}
		if (p->ext & TLSHELLO_EXT_KEY_SHARE)
			put_key_share(&w,
			              p->key_share_group ? p->key_share_group
			                                 : TLS_GROUP_X25519,
			              seed);
		/* last, and never empty: some servers choke on an empty
		 * final extension */
		if (p->ext & TLSHELLO_EXT_RENEGOTIATION_INFO) {
			size_t e = ext_begin(&w, 0xff01);

			wr_u8(&w, 0);
			wr_patch(&w, e, 2);
		}
		if ((p->ext & TLSHELLO_EXT_PADDING) && !w.bad) {
			/* handshake message length, header included */
			size_t hlen = w.len - hs + 1;

			if (hlen >= 256 && hlen < 512) {
				size_t pad = 512 - hlen, e;

				pad = pad >= 5 ? pad - 4 : 1;
				e = ext_begin(&w, 21);
				for (i = 0; i < pad; i++)
					wr_u8(&w, 0);
				wr_patch(&w, e, 2);
			}
		}
		wr_patch(&w, exts_pos, 2);
	}
	wr_patch(&w, hs, 3);
	wr_patch(&w, rec, 2);
	if (w.bad || w.len - 5 > 16384)
		return 0;
	return w.len;
}

size_t
tlshello_build_sslv2(uint8_t *out, size_t cap, const uint8_t *seed)
{
	static const uint8_t head[] = {
	    0x80, 0x2e,       /* 2-byte header, 46 bytes follow */
	    0x01,             /* CLIENT-HELLO */
	    0x00, 0x02,       /* version SSL 2.0 */
	    0x00, 0x15,       /* cipher specs length: 7 x 3 */
	    0x00, 0x00,       /* session id length */
	    0x00, 0x10,       /* challenge length */
	    0x01, 0x00, 0x80, /* SSL_CK_RC4_128_WITH_MD5 */
	    0x02, 0x00, 0x80, /* SSL_CK_RC4_128_EXPORT40_WITH_MD5 */
	    0x03, 0x00, 0x80, /* SSL_CK_RC2_128_CBC_WITH_MD5 */
	    0x04, 0x00, 0x80, /* SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5 */
	    0x05, 0x00, 0x80, /* SSL_CK_IDEA_128_CBC_WITH_MD5 */
	    0x06, 0x00, 0x40, /* SSL_CK_DES_64_CBC_WITH_MD5 */
	    0x07, 0x00, 0xc0, /* SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	};

	if (cap < sizeof(head) + 16)
		return 0;
	memcpy(out, head, sizeof(head));
	if (seed)
		memcpy(out + sizeof(head), seed, 16);
	else
		memset(out + sizeof(head), 0, 16);
	return sizeof(head) + 16;
}

/* ---- byte reader (parsers) -------------------------------------------- */

/* Reads past the end set bad and yield zeros/NULL, so a parser can read a
 * whole structure and check once. */
struct rd {
	const uint8_t *p;
	size_t n, off;
	bool bad;
};

static size_t
rd_left(const struct rd *r)
{
	return r->bad ? 0 : r->n - r->off;
}

static const uint8_t *
rd_take(struct rd *r, size_t k)
{
	const uint8_t *b;

	if (r->bad || k > r->n - r->off) {
		r->bad = true;
		return NULL;
	}
	b = r->p + r->off;
	r->off += k;
	return b;
}

static unsigned
rd_u8(struct rd *r)
{
	const uint8_t *b = rd_take(r, 1);

	return b ? b[0] : 0;
}

static unsigned
rd_u16(struct rd *r)
{
	const uint8_t *b = rd_take(r, 2);

	return b ? (unsigned)b[0] << 8 | b[1] : 0;
}

/* The next k bytes as a reader of their own (bad if they are not all
 * there). */
static struct rd
rd_sub(struct rd *r, size_t k)
{
	struct rd s = {.p = rd_take(r, k), .n = k};

	if (!s.p) {
		s.n = 0;
		s.bad = true;
	}
	return s;
}

static size_t
be24(const uint8_t *b)
{
	return (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
}

/* Bit length of a big-endian unsigned integer (leading zeros ignored). */
static unsigned
bn_bits(const uint8_t *b, size_t n)
{
	size_t i = 0;
	unsigned bits = 0, top;

	while (i < n && b[i] == 0)
		i++;
	if (i == n)
		return 0;
	for (top = b[i]; top; top >>= 1)
		bits++;
	return (unsigned)((n - i - 1) * 8) + bits;
}

/* ---- server-flight parser ----------------------------------------------- */

enum { CT_CCS = 20, CT_ALERT, CT_HANDSHAKE, CT_APPDATA, CT_HEARTBEAT };

enum {
	HS_HELLO_REQUEST = 0,
	HS_SERVER_HELLO = 2,
	HS_CERTIFICATE = 11,
	HS_SERVER_KEY_EXCHANGE = 12,
	HS_CERTIFICATE_REQUEST = 13,
	HS_SERVER_HELLO_DONE = 14,
	HS_CERTIFICATE_STATUS = 22,
};

enum { ST_REC_HDR, ST_REC_BODY, ST_SSLV2_BODY };
enum { CW_LIST_LEN, CW_CERT_LEN, CW_CERT_BODY };

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3 */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static const uint8_t downgrade_prefix[7] = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

static void
fail(struct tlshello_parser *p, const char *why)
{
	p->error = why;
	p->status = TLSHELLO_ERROR;
}

static void
done(struct tlshello_parser *p)
{
	p->status = TLSHELLO_DONE;
}

void
tlshello_parser_init(struct tlshello_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = ST_REC_HDR;
	p->status = TLSHELLO_NEED_MORE;
	p->cert_state = CW_LIST_LEN;
}

/* One ServerHello extension, already bounded to its own bytes. */
static bool
server_ext(struct tlshello_parser *p, unsigned type, struct rd *e)
{
	struct tlshello_result *res = &p->r;
	const uint8_t *b;
	size_t l;

	res->ext_seen |= ext_bit((uint16_t)type);
	res->n_ext++;
	switch (type) {
	case 11: /* ec_point_formats */
		l = rd_u8(e);
		b = rd_take(e, l);
		if (!b || l == 0 || rd_left(e)) {
			fail(p, "malformed ec_point_formats extension");
			return false;
		}
		while (l--)
			if (b[l] < 8)
				res->ec_point_formats |= (uint8_t)(1u << b[l]);
		break;
	case 15: /* heartbeat */
		res->heartbeat_mode = (uint8_t)rd_u8(e);
		if (e->bad || rd_left(e)) {
			fail(p, "malformed heartbeat extension");
			return false;
		}
		break;
	case 16: /* ALPN: exactly one protocol name */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e)) {
			fail(p, "malformed ALPN extension");
			return false;
		}
		l = rd_u8(e);
		b = rd_take(e, l);
		if (!b || l == 0 || rd_left(e)) {
			fail(p, "malformed ALPN extension");
			return false;
		}
		memcpy(res->alpn, b, l);
		res->alpn[l] = '\0';
		res->alpn_len = (uint8_t)l;
		break;
	case 43: /* supported_versions: the selected version */
		res->version = (uint16_t)rd_u16(e);
		if (e->bad || rd_left(e)) {
			fail(p, "malformed supported_versions extension");
			return false;
		}
		break;
	case 51: /* key_share: group, then the key unless HRR */
		res->key_share_group = (uint16_t)rd_u16(e);
		if (e->bad) {
			fail(p, "malformed key_share extension");
			return false;
		}
		if (rd_left(e)) {
			l = rd_u16(e);
			if (e->bad || l == 0 || l != rd_left(e)) {
				fail(p, "malformed key_share extension");
				return false;
			}
		}
		break;
	case 0xff01: /* renegotiation_info */
		l = rd_u8(e);
		if (e->bad || l != rd_left(e)) {
			fail(p, "malformed renegotiation_info extension");
			return false;
		}
		res->reneg_info_len = (uint8_t)l;
		break;
	default:
		break;
	}
	return true;
}

static void
parse_server_hello(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	struct rd r = {.p = p->msg, .n = p->hs_len};
	const uint8_t *rnd;
	size_t sid, total;

	res->legacy_version = (uint16_t)rd_u16(&r);
	rnd = rd_take(&r, 32);
	sid = rd_u8(&r);
	if (sid > 32) {
		fail(p, "ServerHello session_id longer than 32 bytes");
		return;
	}
	rd_take(&r, sid);
	res->cipher_suite = (uint16_t)rd_u16(&r);
	res->compression = (uint8_t)rd_u8(&r);
	if (r.bad || !rnd) {
		fail(p, "ServerHello truncated");
		return;
	}
	if (res->legacy_version >> 8 != 3) {
		fail(p, "ServerHello version is not 3.x");
		return;
	}
	res->session_id_len = (uint8_t)sid;
	memcpy(res->server_random, rnd, 32);
	res->hello_retry = memcmp(rnd, hrr_random, 32) == 0;
	if (memcmp(rnd + 24, downgrade_prefix, 7) == 0 && rnd[31] <= 1)
		res->downgrade_sentinel = rnd[31] == 1 ? 1 : 2;
	if (rd_left(&r)) {
		total = rd_u16(&r);
		if (r.bad || total != rd_left(&r)) {
			fail(p, "ServerHello extensions length does not match "
			        "the message");
			return;
		}
		while (rd_left(&r)) {
			unsigned type = rd_u16(&r);
			size_t len = rd_u16(&r);
			struct rd e;

			if (r.bad || len > rd_left(&r)) {
				fail(p, "extension length beyond the "
				        "ServerHello");
				return;
			}
			e = rd_sub(&r, len);
			if (!server_ext(p, type, &e))
				return;
		}
	}
	if (!(res->ext_seen & TLSHELLO_EXT_SUPPORTED_VERSIONS))
		res->version = res->legacy_version;
	res->kind = TLSHELLO_KIND_SERVER_HELLO;
	p->tls13 = res->hello_retry || res->version >= TLS_VERSION_1_3;
	if (p->tls13)
		done(p);
}

static void
parse_server_key_exchange(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	const struct tls_suite *s = tls_suite_lookup(res->cipher_suite);
	struct rd r = {.p = p->msg, .n = p->hs_len};
	const uint8_t *b;
	size_t l;

	res->ske_seen = true;
	if (!s)
		return;
	switch (s->kx) {
	case TLS_KX_DHE:
		l = rd_u16(&r);
		b = rd_take(&r, l);
		if (!b || l == 0) {
			fail(p, "DH p length beyond the ServerKeyExchange");
			return;
		}
		res->dh_bits = bn_bits(b, l);
		res->dh_g_len = rd_u16(&r);
		rd_take(&r, res->dh_g_len);
		res->dh_ys_len = rd_u16(&r);
		rd_take(&r, res->dh_ys_len);
		if (r.bad || res->dh_g_len == 0 || res->dh_ys_len == 0) {
			fail(p, "DH g or Ys length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	case TLS_KX_ECDHE:
		res->ecdh_curve_type = (uint8_t)rd_u8(&r);
		if (res->ecdh_curve_type == 1 || res->ecdh_curve_type == 2) {
			/* explicit curve: nothing further is needed */
			res->ecdh_explicit = true;
			return;
		}
		if (res->ecdh_curve_type != 3) {
			fail(p, r.bad ? "ServerKeyExchange truncated"
			              : "unknown ECCurveType");
			return;
		}
		res->ecdh_curve = (uint16_t)rd_u16(&r);
		l = rd_u8(&r);
		if (!rd_take(&r, l) || l == 0) {
			fail(p, "ECDH point length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	case TLS_KX_RSA: /* RSA_EXPORT: temporary RSA key */
		l = rd_u16(&r);
		b = rd_take(&r, l);
		if (!b || l == 0) {
			fail(p, "RSA modulus length beyond the "
			        "ServerKeyExchange");
			return;
		}
		res->rsa_export_bits = bn_bits(b, l);
		l = rd_u16(&r);
		if (!rd_take(&r, l)) {
			fail(p, "RSA exponent length beyond the "
			        "ServerKeyExchange");
			return;
		}
		break;
	default:
		return;
	}
	if (s->flags & TLS_SUITE_ANON)
		return;
	/* digitally-signed: TLS 1.2 names the algorithm first */
	if (res->version >= TLS_VERSION_1_2)
		res->ske_sig_alg = (uint16_t)rd_u16(&r);
	l = rd_u16(&r);
	if (!rd_take(&r, l))
		fail(p, "signature length beyond the ServerKeyExchange");
}

static void
parse_certificate_status(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	/* only the prefix is kept: type and the 24-bit response length */
	if (p->hs_len < 4 || be24(p->msg + 1) != p->hs_len - 4) {
		fail(p, "CertificateStatus length does not match the message");
		return;
	}
	res->cert_status_seen = true;
	res->cert_status_type = p->msg[0];
	res->cert_status_len = (uint32_t)(p->hs_len - 4);
}

static void
hs_message_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	switch (p->hs_type) {
	case HS_SERVER_HELLO:
		parse_server_hello(p);
		break;
	case HS_CERTIFICATE:
		res->certificate_seen = true;
		break;
	case HS_CERTIFICATE_STATUS:
		parse_certificate_status(p);
		break;
	case HS_SERVER_KEY_EXCHANGE:
		parse_server_key_exchange(p);
		break;
	case HS_CERTIFICATE_REQUEST:
		res->cert_request_seen = true;
		break;
	case HS_SERVER_HELLO_DONE:
		res->server_hello_done = true;
		done(p);
		break;
	default: /* HelloRequest, anything unknown: skipped */
		break;
	}
	p->hs_hdr_got = 0;
	p->hs_got = 0;
}

static void
hs_header_done(struct tlshello_parser *p)
{
	bool have_hello = p->r.kind == TLSHELLO_KIND_SERVER_HELLO;

	p->hs_type = p->hs_hdr[0];
	p->hs_len = be24(p->hs_hdr + 1);
	p->hs_got = 0;
	if (!have_hello && p->hs_type != HS_SERVER_HELLO &&
	    p->hs_type != HS_HELLO_REQUEST) {
		fail(p, "expected a ServerHello");
		return;
	}
	switch (p->hs_type) {
	case HS_HELLO_REQUEST:
		if (p->hs_len != 0)
			fail(p, "HelloRequest is not empty");
		break;
	case HS_SERVER_HELLO:
		if (have_hello)
			fail(p, "second ServerHello");
		else if (p->hs_len < 38)
			fail(p, "ServerHello too short");
		else if (p->hs_len > TLSHELLO_BUF)
			fail(p, "ServerHello longer than 16 KiB");
		break;
	case HS_CERTIFICATE:
		if (p->hs_len < 3)
			fail(p, "Certificate message too short");
		else if (p->hs_len > TLSHELLO_MAX_CERT_LIST + 3)
			fail(p, "Certificate message longer than 128 KiB");
		p->cert_state = CW_LIST_LEN;
		p->cert_num_got = 0;
		break;
	case HS_SERVER_KEY_EXCHANGE:
		if (p->hs_len > TLSHELLO_BUF)
			fail(p, "ServerKeyExchange longer than 16 KiB");
		break;
	case HS_CERTIFICATE_STATUS:
		if (p->hs_len < 4)
			fail(p, "CertificateStatus too short");
		else if (p->hs_len > TLSHELLO_MAX_MSG)
			fail(p, "handshake message too long");
		break;
	case HS_SERVER_HELLO_DONE:
		if (p->hs_len != 0)
			fail(p, "ServerHelloDone is not empty");
		break;
	default:
		if (p->hs_len > TLSHELLO_MAX_MSG)
			fail(p, "handshake message too long");
		break;
	}
	if (p->status == TLSHELLO_NEED_MORE && p->hs_len == 0)
		hs_message_done(p);
}

/* Keeps the first TLSHELLO_BUF bytes of the current message. */
static void
keep_prefix(struct tlshello_parser *p, const uint8_t *d, size_t k)
{
	if (p->hs_got >= TLSHELLO_BUF)
		return;
	if (k > TLSHELLO_BUF - p->hs_got)
		k = TLSHELLO_BUF - p->hs_got;
	memcpy(p->msg + p->hs_got, d, k);
}

/* Counts certificates as the Certificate body streams by, checking every
 * length against the bytes that enclose it. Returns the bytes used: all n,
 * or fewer when a length is wrong, so that the consumed count does not
 * depend on how the input was split. */
static size_t
cert_walk(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	struct tlshello_result *res = &p->r;
	size_t i = 0, k, l;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		switch (p->cert_state) {
		case CW_LIST_LEN:
			p->cert_num[p->cert_num_got++] = d[i++];
			if (p->cert_num_got < 3)
				break;
			l = be24(p->cert_num);
			p->cert_num_got = 0;
			if (l > TLSHELLO_MAX_CERT_LIST) {
				fail(p, "certificate_list longer than 128 KiB");
				return i;
			}
			if (l != p->hs_len - 3) {
				fail(p, "certificate_list length does not "
				        "match the message");
				return i;
			}
			res->cert_list_len = (uint32_t)l;
			p->cert_list_left = l;
			p->cert_state = CW_CERT_LEN;
			break;
		case CW_CERT_LEN:
			if (p->cert_num_got == 0 && p->cert_list_left < 3) {
				fail(p, "truncated certificate entry");
				return i;
			}
			p->cert_num[p->cert_num_got++] = d[i++];
			p->cert_list_left--;
			if (p->cert_num_got < 3)
				break;
			l = be24(p->cert_num);
			p->cert_num_got = 0;
			if (l == 0 || l > p->cert_list_left) {
				fail(p, "certificate length beyond the "
				        "certificate_list");
				return i;
			}
			if (res->cert_count++ == 0)
				res->first_cert_len = (uint32_t)l;
			p->cert_left = l;
			p->cert_state = CW_CERT_BODY;
			break;
		default: /* CW_CERT_BODY */
			k = n - i < p->cert_left ? n - i : p->cert_left;
			i += k;
			p->cert_left -= k;
			p->cert_list_left -= k;
			if (p->cert_left == 0)
				p->cert_state = CW_CERT_LEN;
			break;
		}
	}
	return i;
}

/* Handshake-protocol bytes of the current record; messages may span
 * records and a record may hold several messages. */
static size_t
handshake_bytes(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t i = 0, k;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		if (p->hs_hdr_got < 4) {
			p->hs_hdr[p->hs_hdr_got++] = d[i++];
			if (p->hs_hdr_got == 4)
				hs_header_done(p);
			continue;
		}
		k = p->hs_len - p->hs_got;
		if (k > n - i)
			k = n - i;
		if (p->hs_type == HS_CERTIFICATE)
			k = cert_walk(p, d + i, k);
		keep_prefix(p, d + i, k);
		p->hs_got += k;
		i += k;
		if (p->status == TLSHELLO_NEED_MORE && p->hs_got == p->hs_len)
			hs_message_done(p);
	}
	return i;
}

static void
alert_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;

	if (p->alert[0] != TLS_ALERT_WARNING &&
	    p->alert[0] != TLS_ALERT_FATAL) {
		fail(p, "bad alert level");
		return;
	}
	res->has_alert = true;
	res->alert_level = p->alert[0];
	res->alert_desc = p->alert[1];
	/* a warning (Apache's unrecognized_name) does not end the flight */
	if (p->alert[0] == TLS_ALERT_WARNING &&
	    p->alert[1] != TLS_ALERT_CLOSE_NOTIFY)
		return;
	if (res->kind == TLSHELLO_KIND_NONE)
		res->kind = TLSHELLO_KIND_ALERT;
	done(p);
}

static size_t
alert_bytes(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		p->alert[p->alert_got++] = d[i++];
		if (p->alert_got == 2) {
			p->alert_got = 0;
			alert_done(p);
		}
	}
	return i;
}

static void
not_tls(struct tlshello_parser *p)
{
	p->r.kind = TLSHELLO_KIND_NOT_TLS;
	done(p);
}

static void
sslv2_done(struct tlshello_parser *p)
{
	struct tlshello_result *res = &p->r;
	struct rd r = {.p = p->msg,
	               .n =
	                   p->hs_len < TLSHELLO_BUF ? p->hs_len : TLSHELLO_BUF};
	size_t cert, specs, conn, off, j;

	if (rd_u8(&r) == 0) { /* ERROR */
		res->sslv2_error = (uint16_t)rd_u16(&r);
		if (p->hs_len != 3) {
			fail(p, "malformed SSLv2 ERROR message");
			return;
		}
		res->kind = TLSHELLO_KIND_SSLV2_ERROR;
		done(p);
		return;
	}
	if (p->hs_len < 11) {
		fail(p, "SSLv2 SERVER-HELLO too short");
		return;
	}
	res->sslv2_session_id_hit = rd_u8(&r) != 0;
	rd_u8(&r); /* certificate type */
	res->sslv2_version = (uint16_t)rd_u16(&r);
	cert = rd_u16(&r);
	specs = rd_u16(&r);
	conn = rd_u16(&r);
	if (11 + cert + specs + conn != p->hs_len) {
		fail(p, "SSLv2 SERVER-HELLO lengths do not add up");
		return;
	}
	if (specs % 3) {
		fail(p, "SSLv2 cipher specs length is not a multiple of 3");
		return;
	}
	res->sslv2_cert_len = (uint16_t)cert;
	res->sslv2_cipher_specs = (unsigned)(specs / 3);
	off = 11 + cert;
	for (j = 0; j < specs / 3 && j < TLSHELLO_MAX_SSLV2_SPECS; j++) {
		if (off + 3 * j + 3 > TLSHELLO_BUF)
			break;
		res->sslv2_specs[j] = (uint32_t)be24(p->msg + off + 3 * j);
	}
	res->kind = TLSHELLO_KIND_SSLV2_SERVER_HELLO;
	done(p);
}

/* After 3 bytes with the high bit of the first set: an SSLv2 2-byte
 * record header and the message type. */
static void
sslv2_start(struct tlshello_parser *p)
{
	size_t len = (size_t)(p->hdr[0] & 0x7f) << 8 | p->hdr[1];
	uint8_t type = p->hdr[2];

	if (type != 4 && type != 0) {
		not_tls(p);
		return;
	}
	if (len == 0) {
		fail(p, "empty SSLv2 record");
		return;
	}
	p->records = 1;
	p->r.record_version = TLS_VERSION_SSL2;
	p->hs_type = type;
	p->hs_len = len;
	p->msg[0] = type;
	p->hs_got = 1;
	p->state = ST_SSLV2_BODY;
	if (len == 1)
		sslv2_done(p);
}

static size_t
sslv2_body(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t k = p->hs_len - p->hs_got;

	if (k > n)
		k = n;
	keep_prefix(p, d, k);
	p->hs_got += k;
	if (p->hs_got == p->hs_len)
		sslv2_done(p);
	return k;
}

static void
record_header_done(struct tlshello_parser *p)
{
	size_t len = (size_t)p->hdr[3] << 8 | p->hdr[4];

	p->hdr_got = 0;
	if (p->records++ == 0)
		p->r.record_version = (uint16_t)(p->hdr[1] << 8 | p->hdr[2]);
	p->rec_type = p->hdr[0];
	if (len == 0) {
		fail(p, "empty record");
		return;
	}
	if (len > TLSHELLO_MAX_RECORD) {
		fail(p, "record longer than 16 KiB + 2048");
		return;
	}
	switch (p->rec_type) {
	case CT_HANDSHAKE:
		if (p->alert_got) {
			fail(p, "alert split by a handshake record");
			return;
		}
		break;
	case CT_ALERT:
		break;
	case CT_CCS:
		fail(p, "unexpected ChangeCipherSpec");
		return;
	case CT_APPDATA:
		fail(p, "unexpected application_data record");
		return;
	default:
		fail(p, "unexpected heartbeat record");
		return;
	}
	p->rec_left = len;
	p->state = ST_REC_BODY;
}

static void
record_header_byte(struct tlshello_parser *p, uint8_t b)
{
	bool first = p->records == 0;

	p->hdr[p->hdr_got++] = b;
	if (first && (p->hdr[0] & 0x80)) {
		if (p->hdr_got == 3)
			sslv2_start(p);
		return;
	}
	switch (p->hdr_got) {
	case 1:
		if (b < CT_CCS || b > CT_HEARTBEAT) {
			if (first)
				not_tls(p);
			else
				fail(p, "unknown record type");
		}
		break;
	case 2:
		if (b != 3) {
			if (first)
				not_tls(p);
			else
				fail(p, "record version is not 3.x");
		}
		break;
	case 5:
		record_header_done(p);
		break;
	default:
		break;
	}
}

static size_t
record_body(struct tlshello_parser *p, const uint8_t *d, size_t n)
{
	size_t k = n < p->rec_left ? n : p->rec_left, used;

	if (p->rec_type == CT_HANDSHAKE)
		used = handshake_bytes(p, d, k);
	else
		used = alert_bytes(p, d, k);
	p->rec_left -= used;
	if (p->rec_left == 0)
		p->state = ST_REC_HDR;
	return used;
}

int
tlshello_parser_feed(struct tlshello_parser *p, const uint8_t *data, size_t n)
{
	struct tlshello_result *res = &p->r;
	size_t i = 0, avail, used;

	if (p->status != TLSHELLO_NEED_MORE || n == 0)
		return p->status;
	if (res->prefix_len < sizeof(res->prefix)) {
		size_t k = sizeof(res->prefix) - res->prefix_len;

		if (k > n)
			k = n;
		memcpy(res->prefix + res->prefix_len, data, k);
		res->prefix_len = (uint8_t)(res->prefix_len + k);
	}
	while (i < n && p->status == TLSHELLO_NEED_MORE) {
		if (p->total >= TLSHELLO_MAX_INPUT) {
			fail(p, "server flight longer than 256 KiB");
			break;
		}
		avail = n - i;
		if (avail > TLSHELLO_MAX_INPUT - p->total)
			avail = TLSHELLO_MAX_INPUT - p->total;
		switch (p->state) {
		case ST_REC_HDR:
			record_header_byte(p, data[i]);
			used = 1;
			break;
		case ST_REC_BODY:
			used = record_body(p, data + i, avail);
			break;
		default:
			used = sslv2_body(p, data + i, avail);
			break;
		}
		i += used;
		p->total += used;
	}
	return p->status;
}

/* ---- ClientHello parser ------------------------------------------------ */

static int
ch_fail(struct tlshello_client_hello *ch, const char *why)
{
	ch->error = why;
	return TLSHELLO_ERROR;
}

/* A vector of 16-bit values with a length prefix of width 1 or 2 that
 * must fill e exactly; stores up to cap values. */
static bool
u16_vector(struct rd *e, unsigned width, uint16_t *out, size_t cap, size_t *n_r)
{
	size_t l = width == 1 ? rd_u8(e) : rd_u16(e);

	if (e->bad || l != rd_left(e) || l % 2)
		return false;
	*n_r = 0;
	while (rd_left(e)) {
		uint16_t v = (uint16_t)rd_u16(e);

		if (*n_r < cap)
			out[(*n_r)++] = v;
	}
	return true;
}

static bool
client_ext(struct tlshello_client_hello *ch, unsigned type, struct rd *e)
{
	const uint8_t *b;
	size_t l;

	ch->ext_seen |= ext_bit((uint16_t)type);
	switch (type) {
	case 0: /* server_name: first host_name entry */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			unsigned t = rd_u8(e);

			l = rd_u16(e);
			b = rd_take(e, l);
			if (!b)
				return false;
			if (t == 0 && !ch->sni[0]) {
				if (l > sizeof(ch->sni) - 1)
					l = sizeof(ch->sni) - 1;
				memcpy(ch->sni, b, l);
				ch->sni[l] = '\0';
			}
		}
		return true;
	case 10:
		return u16_vector(e, 2, ch->groups, TLSHELLO_CH_MAX_LIST,
		                  &ch->ngroups);
	case 13:
		l = rd_u16(e);
		if (e->bad || l != rd_left(e) || l % 2)
			return false;
		ch->nsig_algs = l / 2;
		return true;
	case 15:
		ch->heartbeat_mode = (uint8_t)rd_u8(e);
		return !e->bad;
	case 16: /* ALPN: count, keep the first */
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			l = rd_u8(e);
			b = rd_take(e, l);
			if (!b || l == 0)
				return false;
			if (ch->nalpn++ == 0) {
				memcpy(ch->alpn_first, b, l);
				ch->alpn_first[l] = '\0';
			}
		}
		return true;
	case 43:
		return u16_vector(e, 1, ch->versions, TLSHELLO_CH_MAX_LIST,
		                  &ch->nversions);
	case 51:
		l = rd_u16(e);
		if (e->bad || l != rd_left(e))
			return false;
		while (rd_left(e)) {
			uint16_t g = (uint16_t)rd_u16(e);

			l = rd_u16(e);
			if (!rd_take(e, l))
				return false;
			if (ch->nkey_shares < TLSHELLO_CH_MAX_LIST)
				ch->key_share_groups[ch->nkey_shares++] = g;
		}
		return true;
	default:
		return true;
	}
}

static int
parse_client_hello_body(struct tlshello_client_hello *ch, size_t len)
{
	struct rd r = {.p = ch->body + 4, .n = len};
	const uint8_t *b;
	size_t l, i;

	ch->client_version = (uint16_t)rd_u16(&r);
	b = rd_take(&r, 32);
	if (b)
		memcpy(ch->random, b, 32);
	l = rd_u8(&r);
	if (l > 32)
		return ch_fail(ch, "session_id longer than 32 bytes");
	ch->session_id_len = (uint8_t)l;
	rd_take(&r, l);
	l = rd_u16(&r);
	b = rd_take(&r, l);
	if (!b || l < 2 || l % 2)
		return ch_fail(ch, "malformed cipher_suites");
	for (i = 0; i < l / 2; i++) {
		if (ch->nsuites < TLSHELLO_CH_MAX_SUITES)
			ch->suites[ch->nsuites++] =
			    (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
		else
			ch->truncated = true;
	}
	l = rd_u8(&r);
	b = rd_take(&r, l);
	if (!b || l < 1)
		return ch_fail(ch, "malformed compression_methods");
	for (i = 0; i < l; i++) {
		ch->comp_null |= b[i] == 0;
		ch->comp_deflate |= b[i] == 1;
	}
	if (rd_left(&r)) {
		l = rd_u16(&r);
		if (r.bad || l != rd_left(&r))
			return ch_fail(ch, "extensions length does not match "
			                   "the ClientHello");
		while (rd_left(&r)) {
			unsigned type = rd_u16(&r);
			struct rd e;

			l = rd_u16(&r);
			if (r.bad || l > rd_left(&r))
				return ch_fail(ch, "extension length beyond "
				                   "the ClientHello");
			e = rd_sub(&r, l);
			if (!client_ext(ch, type, &e))
				return ch_fail(ch, "malformed extension");
		}
	}
	ch->max_version = ch->client_version;
	if (ch->nversions) {
		ch->max_version = 0;
		for (i = 0; i < ch->nversions; i++)
			if (ch->versions[i] >= TLS_VERSION_SSL3 &&
			    ch->versions[i] <= TLS_VERSION_1_3 &&
			    ch->versions[i] > ch->max_version)
				ch->max_version = ch->versions[i];
		if (ch->max_version == 0)
			ch->max_version = ch->client_version;
	}
	ch->length = len;
	return TLSHELLO_DONE;
}

static int
parse_sslv2_client_hello(const uint8_t *data, size_t n,
                         struct tlshello_client_hello *ch)
{
	struct rd r;
	const uint8_t *specs, *chal;
	size_t len, sl, il, cl, i;

	if (n < 2)
		return TLSHELLO_NEED_MORE;
	len = (size_t)(data[0] & 0x7f) << 8 | data[1];
	if (n - 2 < len)
		return TLSHELLO_NEED_MORE;
	r = (struct rd){.p = data + 2, .n = len};
	if (rd_u8(&r) != 1)
		return ch_fail(ch, "not an SSLv2 CLIENT-HELLO");
	ch->client_version = (uint16_t)rd_u16(&r);
	sl = rd_u16(&r);
	il = rd_u16(&r);
	cl = rd_u16(&r);
	specs = rd_take(&r, sl);
	rd_take(&r, il);
	chal = rd_take(&r, cl);
	if (r.bad || rd_left(&r) || !specs || !chal)
		return ch_fail(ch, "SSLv2 CLIENT-HELLO lengths do not add up");
	if (sl == 0 || sl % 3 || cl < 16 || cl > 32 || (il != 0 && il != 16))
		return ch_fail(ch, "malformed SSLv2 CLIENT-HELLO");
	ch->sslv2 = true;
	ch->record_version = TLS_VERSION_SSL2;
	ch->max_version = ch->client_version;
	ch->session_id_len = (uint8_t)il;
	memcpy(ch->random + 32 - cl, chal, cl);
	for (i = 0; i < sl / 3; i++) {
		uint32_t v = (uint32_t)be24(specs + 3 * i);

		if (v >> 16 == 0) {
			if (ch->nsuites < TLSHELLO_CH_MAX_SUITES)
				ch->suites[ch->nsuites++] = (uint16_t)v;
			else
				ch->truncated = true;
		} else if (ch->nsslv2_specs < TLSHELLO_CH_MAX_LIST) {
			ch->sslv2_specs[ch->nsslv2_specs++] = v;
		}
	}
	ch->comp_null = true;
	ch->length = len;
	ch->consumed = 2 + len;
	return TLSHELLO_DONE;
}

int
tlshello_parse_client_hello(const uint8_t *data, size_t n,
                            struct tlshello_client_hello *ch)
{
	size_t off = 0, have = 0, rl, hl = 0, k;

	memset(ch, 0, sizeof(*ch));
	if (n == 0)
		return TLSHELLO_NEED_MORE;
	if (data[0] & 0x80)
		return parse_sslv2_client_hello(data, n, ch);
	for (;;) {
		if (n - off < 5)
			return TLSHELLO_NEED_MORE;
		if (data[off] != CT_HANDSHAKE)
			return ch_fail(ch, "not a handshake record");
		if (data[off + 1] != 3)
			return ch_fail(ch, "record version is not 3.x");
		if (off == 0)
			ch->record_version = (uint16_t)(data[1] << 8 | data[2]);
		rl = (size_t)data[off + 3] << 8 | data[off + 4];
		if (rl == 0 || rl > 16384)
			return ch_fail(ch, "bad record length");
		if (n - off - 5 < rl)
			return TLSHELLO_NEED_MORE;
		k = rl < sizeof(ch->body) - have ? rl : sizeof(ch->body) - have;
		memcpy(ch->body + have, data + off + 5, k);
		have += k;
		off += 5 + rl;
		if (have < 4)
			continue;
		if (ch->body[0] != 1)
			return ch_fail(ch, "not a ClientHello");
		hl = be24(ch->body + 1);
		if (hl > sizeof(ch->body) - 4)
			return ch_fail(ch, "ClientHello longer than 16 KiB");
		if (have >= 4 + hl)
			break;
	}
	ch->consumed = off;
	return parse_client_hello_body(ch, hl);
}
