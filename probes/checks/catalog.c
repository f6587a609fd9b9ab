/*
 * The check catalog (../shared/checks.md section 2, in its order). Only
 * references checks.md marks as verified keep their section numbers; where
 * only the document is certain it is cited without a section, and claims
 * left unverified there are not cited at all, because whatever is here ends
 * up in reports.
 */
#include "probes/checks/catalog.h"

#include <string.h>

/* References used by several checks, spelled once. */
#define REF_USENIX21 "USENIX Security 2021: Why TLS is better without STARTTLS"
#define REF_PCI_421  "PCI DSS v4.0 Req. 4.2.1"
#define REF_BSI_01M  "BSI TR-03108 §4.1.1 (TR-03108-01-M)"
#define REF_BSI_02R  "BSI TR-03108 §4.1.2 (TR-03108-02-R)"
#define REF_CABF_BR  "CA/Browser Forum Baseline Requirements"
#define REF_NIST     "NIST SP 800-52r2"
#define REF_OPS      "Operational check; no normative source"

/* issue of the checks mailaudit implements today */
#define CORE "core"

const struct check catalog_checks[CHECK_COUNT] = {
    /* 2.A Endpoint / transport exposure */
    [CHK_SVC_CLEARTEXT_PORT_OPEN] =
        {
            .id = "SVC-CLEARTEXT-PORT-OPEN",
            .severity = SEV_INFO,
            .title = "Cleartext mail port open",
            .description = "The IMAP or POP3 cleartext port answered with a "
                           "greeting. Even with working STARTTLS this is the "
                           "precondition for stripping attacks, and RFC 8314 "
                           "deprecates cleartext access in favour of implicit "
                           "TLS.",
            .refs = {"RFC 9051 §11.2", "RFC 8314", REF_BSI_02R, REF_USENIX21},
            .issue = "core",
        },
    [CHK_IMPLICIT_TLS_MISSING] =
        {
            .id = "IMPLICIT-TLS-MISSING",
            .severity = SEV_MEDIUM,
            .title = "No implicit-TLS port (IMAPS 993 / POP3S 995)",
            .description =
                "The host answers on its cleartext port but not with "
                "a TLS handshake on the implicit-TLS port. Clients "
                "cannot use the preferred implicit-TLS mode; only the "
                "fragile STARTTLS path remains.",
            .refs = {"RFC 9051 §11.2", "RFC 8314 §3.2", REF_BSI_01M},
            .issue = "core",
        },
    [CHK_IMPLICIT_TLS_PLAINTEXT] =
        {
            .id = "IMPLICIT-TLS-PLAINTEXT",
            .issue = "mail",
            .severity = SEV_HIGH,
            .title = "Cleartext protocol on an implicit-TLS port",
            .description = "The port users configure as \"SSL/TLS\" sent a "
                           "cleartext greeting or answered the ClientHello in "
                           "cleartext. Clients fail, or users downgrade their "
                           "settings to get mail.",
            .refs = {"RFC 8314 §3.2"},
        },

    /* 2.B STARTTLS behaviour (cleartext ports) */
    [CHK_STARTTLS_MISSING] =
        {
            .id = "STARTTLS-MISSING",
            .severity = SEV_HIGH,
            .title = "STARTTLS not offered on a cleartext port",
            .description = "STARTTLS (POP3: STLS) is neither advertised nor "
                           "accepted, so everything on the port, credentials "
                           "included, travels in cleartext. The IMAP standard "
                           "makes STARTTLS mandatory on cleartext ports.",
            .refs = {"RFC 9051 §6.1.1, §11.2", "RFC 3501 §6.1.1",
                     "RFC 2595 §3.1", "RFC 8314", REF_BSI_02R,
                     "PCI DSS v4.0 Req. 4.2.1, 8.3.2"},
            .issue = "core",
        },
    [CHK_STARTTLS_NOT_ADVERTISED] =
        {
            .id = "STARTTLS-NOT-ADVERTISED",
            .severity = SEV_LOW,
            .title = "STARTTLS works but is not advertised",
            .description =
                "The capability list lacks STARTTLS/STLS although the "
                "command succeeds. Clients that go by the capability "
                "list never upgrade, and the server looks exactly like "
                "one behind a STARTTLS-stripping attacker.",
            .refs = {"RFC 9051 §6.1.1", "RFC 2595 §3.1"},
            .issue = "core",
        },
    [CHK_STARTTLS_BROKEN] =
        {
            .id = "STARTTLS-BROKEN",
            .severity = SEV_HIGH,
            .title = "STARTTLS advertised but failing",
            .description =
                "STARTTLS/STLS is advertised, but the command is "
                "refused or every modern TLS handshake after it fails. "
                "Opportunistic clients fall back to cleartext and "
                "strict ones cannot connect.",
            .refs = {"RFC 2595 §2.5", "RFC 9051 §11.1"},
            .issue = "core",
        },
    [CHK_STARTTLS_COMMAND_INJECTION] =
        {
            .id = "STARTTLS-COMMAND-INJECTION",
            .issue = "mail",
            .severity = SEV_HIGH,
            .title = "Commands pipelined before STARTTLS run inside TLS",
            .description =
                "A command sent in cleartext right after STARTTLS/STLS "
                "was answered inside the TLS session. An on-path "
                "attacker can inject commands that execute in the "
                "victim's encrypted session, enabling credential and "
                "mail theft.",
            .refs = {"RFC 9051 §6.2.1", REF_USENIX21,
                     "CVE-2011-0411 (Postfix SMTP, origin of the class)",
                     "CVE-2011-1926 (Cyrus IMAP)",
                     "CVE-2021-38084 (Courier POP3)",
                     "CVE-2021-38542, CVE-2022-28220 (Apache James)",
                     "CVE-2021-33487, CVE-2020-29547, CVE-2020-29548, "
                     "CVE-2021-37844"},
        },
    [CHK_STARTTLS_EXTRA_PLAINTEXT] =
        {
            .id = "STARTTLS-EXTRA-PLAINTEXT",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "Cleartext bytes after the STARTTLS reply",
            .description =
                "The server sent more data after its positive "
                "STARTTLS/STLS reply, before the TLS handshake began. "
                "This feeds cleartext into the TLS transition and "
                "enables response injection against buffering "
                "clients.",
            .refs = {"RFC 9051 §6.2.1", "RFC 2595 §3.1", REF_USENIX21},
        },
    [CHK_STARTTLS_CAPABILITY_IN_OK] =
        {
            .id = "STARTTLS-CAPABILITY-IN-OK",
            .issue = "mail",
            .severity = SEV_INFO,
            .title = "Capabilities in the STARTTLS OK response",
            .description =
                "The tagged OK answering STARTTLS carries a CAPABILITY "
                "response code. Capabilities sent in cleartext just "
                "before TLS are unauthenticated and must be discarded, "
                "so this invites unsafe client caching.",
            .refs = {"RFC 9051 §6.2.1, §7.1"},
        },
    [CHK_STARTTLS_STILL_ADVERTISED] =
        {
            .id = "STARTTLS-STILL-ADVERTISED",
            .severity = SEV_LOW,
            .title = "STARTTLS still offered after TLS is active",
            .description =
                "After a successful upgrade the capability list still "
                "offers STARTTLS/STLS, or a second STARTTLS/STLS is "
                "accepted. This points to a sloppy state machine and "
                "risks double-TLS confusion.",
            .refs = {"RFC 9051 §6.2.1", "RFC 2595"},
            .issue = "core",
        },
    [CHK_STARTTLS_ON_IMPLICIT_PORT] =
        {
            .id = "STARTTLS-ON-IMPLICIT-PORT",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "STARTTLS on an implicit-TLS port not rejected",
            .description = "STARTTLS sent inside an implicit-TLS session got "
                           "something other than a tagged BAD, which the IMAP "
                           "standard requires.",
            .refs = {"RFC 9051 §6.2.1"},
        },
    [CHK_STARTTLS_SESSION_FIXATION] =
        {
            .id = "STARTTLS-SESSION-FIXATION",
            .severity = SEV_HIGH,
            .title = "STARTTLS accepted after a cleartext login",
            .description =
                "After logging in over cleartext with the operator's "
                "test account, STARTTLS/STLS was still accepted and "
                "the session stayed authenticated. An attacker can "
                "log a victim's client into the attacker's mailbox "
                "and harvest what the client stores there.",
            .refs = {"RFC 9051 §6.2", "RFC 2595", "CVE-2021-37845 (Citadel)",
                     "CVE-2021-37846 (Ipswitch IMail)", REF_USENIX21},
        },
    [CHK_IMAP_PREAUTH_CLEARTEXT] =
        {
            .id = "IMAP-PREAUTH-CLEARTEXT",
            .severity = SEV_HIGH,
            .title = "IMAP PREAUTH greeting on a cleartext port",
            .description =
                "The cleartext IMAP port greets with PREAUTH: anyone "
                "reaching the port is authenticated, and STARTTLS can "
                "no longer be issued on the connection, so the whole "
                "session stays in cleartext.",
            .refs = {"RFC 9051 §7.1.4, §11.3", REF_USENIX21},
            .issue = "core",
        },
    [CHK_CLEARTEXT_AUTH_ALLOWED] =
        {
            .id = "CLEARTEXT-AUTH-ALLOWED",
            .issue = "mail",
            .severity = SEV_MEDIUM,
            .title = "Authentication possible before TLS",
            .description =
                "A non-plaintext SASL mechanism can be started on the "
                "cleartext connection, so users can log in and read "
                "mail without TLS. The password may be protected, but "
                "the session content is not (for bearer-token "
                "mechanisms the token is exposed too).",
            .refs = {REF_BSI_01M, "RFC 8314", "RFC 2595 §2.2",
                     "Microsoft Exchange Set-ImapSettings/Set-PopSettings "
                     "-LoginType SecureLogin"},
        },

    /* 2.C Authentication exposure */
    [CHK_AUTH_PLAINTEXT_BEFORE_TLS] =
        {
            .id = "AUTH-PLAINTEXT-BEFORE-TLS",
            .severity = SEV_HIGH,
            .title = "Plaintext password login offered before TLS",
            .description =
                "Before TLS the server offers or accepts a plaintext "
                "login (IMAP LOGIN without LOGINDISABLED, AUTH=PLAIN or "
                "LOGIN, POP3 USER/PASS). Any passive eavesdropper reads "
                "the password whenever a client does not upgrade, or "
                "is tricked into not upgrading.",
            .refs = {"RFC 9051 §6.2.2, §6.2.3, §11.7", "RFC 3501 §6.1.1",
                     "RFC 2595 §2.3, §3.2", "RFC 1939 §13",
                     "PCI DSS v4.0 Req. 8.3.2",
                     "Microsoft Exchange Set-ImapSettings/Set-PopSettings "
                     "-LoginType PlainTextLogin"},
            .issue = "core",
        },
    [CHK_AUTH_LOGINDISABLED_INCONSISTENT] =
        {
            .id = "AUTH-LOGINDISABLED-INCONSISTENT",
            .severity = SEV_MEDIUM,
            .title = "Plaintext login accepted despite LOGINDISABLED",
            .description =
                "The server says plaintext login is disabled "
                "(LOGINDISABLED, or no POP3 USER) but still offers or "
                "processes one. Compliant clients are safe; "
                "non-compliant ones silently leak passwords.",
            .refs = {"RFC 9051 §6.2.3, §11.7"},
            .issue = "core",
        },
    [CHK_AUTH_ADVERTISED_BUT_REJECTED] =
        {
            .id = "AUTH-ADVERTISED-BUT-REJECTED",
            .issue = "mail",
            .severity = SEV_INFO,
            .title = "Mechanisms advertised before TLS but refused",
            .description =
                "Authentication mechanisms are advertised before TLS "
                "but refused until TLS is active. This confuses "
                "clients and invites them to send passwords in "
                "cleartext.",
            .refs = {REF_USENIX21},
        },
    [CHK_AUTH_NO_USABLE_MECHANISM_AFTER_TLS] =
        {
            .id = "AUTH-NO-USABLE-MECHANISM-AFTER-TLS",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "No usable login method after TLS",
            .description =
                "Even inside TLS the server offers no way to "
                "authenticate (IMAP: LOGINDISABLED and no AUTH=; POP3: "
                "neither USER nor SASL). Users are pushed towards "
                "cleartext alternatives.",
            .refs = {"RFC 9051 §6.1.1"},
        },
    [CHK_AUTH_WEAK_MECHANISM] =
        {
            .id = "AUTH-WEAK-MECHANISM",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "Weak SASL mechanism offered",
            .description =
                "CRAM-MD5, DIGEST-MD5 or NTLM is offered. A captured "
                "challenge and response allows an offline dictionary "
                "attack on the password, which matters most when the "
                "mechanism is usable before TLS.",
            .refs = {"RFC 9051 §6.2.2", "draft-ietf-sasl-crammd5-to-historic"},
        },
    [CHK_AUTH_APOP_OFFERED] =
        {
            .id = "AUTH-APOP-OFFERED",
            .severity = SEV_LOW,
            .title = "POP3 APOP offered",
            .description =
                "The POP3 greeting carries an APOP timestamp. APOP is "
                "an MD5 challenge-response open to offline cracking, "
                "and the timestamp often leaks the server's host name.",
            .refs = {"RFC 1939 §7, §13", "RFC 2449 §6"},
            .issue = "core",
        },
    [CHK_AUTH_NTLM_INFO_DISCLOSURE] =
        {
            .id = "AUTH-NTLM-INFO-DISCLOSURE",
            .issue = "mail",
            .severity = SEV_MEDIUM,
            .title = "NTLM challenge discloses internal names",
            .description =
                "An NTLM challenge obtained without credentials "
                "reveals Windows domain and computer names, internal "
                "DNS names or the OS version: reconnaissance for "
                "password spraying and targeted attacks.",
            .refs = {"nmap NSE imap-ntlm-info, pop3-ntlm-info",
                     "Microsoft Exchange Set-ImapSettings/Set-PopSettings "
                     "-EnableGSSAPIAndNTLMAuth",
                     "MS-NLMP",
                     "Dovecot lib-ntlm (its challenge names the host)"},
        },
    [CHK_AUTH_ANONYMOUS_OFFERED] =
        {
            .id = "AUTH-ANONYMOUS-OFFERED",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "Anonymous login offered",
            .description = "SASL ANONYMOUS is advertised and can be started. "
                           "Anyone can open a session; the risk grows if "
                           "mailboxes are readable that way.",
            .refs = {"RFC 9051 §6.2"},
        },
    [CHK_AUTH_USER_ENUMERATION] =
        {
            .id = "AUTH-USER-ENUMERATION",
            .severity = SEV_INFO,
            .title = "Valid user names distinguishable",
            .description =
                "Replies or timing differ between a known-valid and an "
                "invalid user name, which tells attackers which "
                "accounts exist.",
            .refs = {"RFC 1939 §13", "RFC 9051 §11.7"},
        },

    /* 2.D Certificates */
    [CHK_CERT_CHAIN_UNTRUSTED] =
        {
            .id = "CERT-CHAIN-UNTRUSTED",
            .severity = SEV_HIGH,
            .title = "Certificate chain not trusted",
            .description = "No path leads from the server certificate to an "
                           "anchor in the trust store. Clients cannot "
                           "authenticate the server, users learn to click "
                           "warnings away, and a man-in-the-middle is trivial.",
            .refs = {"RFC 8314 §3.2, §5", REF_PCI_421,
                     "BSI TR-03108 §4.1.12 (TR-03108-12-R)",
                     "Courier mkimapdcert(8)"},
            .issue = "core",
        },
    [CHK_CERT_SELF_SIGNED] =
        {
            .id = "CERT-SELF-SIGNED",
            .severity = SEV_HIGH,
            .title = "Self-signed server certificate",
            .description =
                "The server certificate is signed by its own key, the "
                "out-of-the-box state of many mail server packages. "
                "Clients cannot authenticate the server, exactly as "
                "with an untrusted chain.",
            .refs = {"RFC 8314 §3.2, §5", REF_PCI_421,
                     "BSI TR-03108 §4.1.12 (TR-03108-12-R)",
                     "Courier mkimapdcert(8)"},
            .issue = "core",
        },
    [CHK_CERT_CHAIN_INCOMPLETE] =
        {
            .id = "CERT-CHAIN-INCOMPLETE",
            .severity = SEV_MEDIUM,
            .title = "Certificate chain incomplete or out of order",
            .description =
                "A trust path exists only with intermediates the "
                "server did not send, or the chain is out of order. "
                "Many mail clients do not fetch missing intermediates, "
                "so validation fails for some clients only.",
            .refs = {"RFC 8446", "RFC 5246"},
            .issue = "core",
        },
    [CHK_CERT_HOSTNAME_MISMATCH] =
        {
            .id = "CERT-HOSTNAME-MISMATCH",
            .severity = SEV_HIGH,
            .title = "Certificate does not match the host name",
            .description =
                "The certificate's identities do not cover the name or "
                "address the scan targeted. Clients that check cannot "
                "connect; clients that do not accept any certificate, "
                "an attacker's included.",
            .refs = {"RFC 2595 §2.4", "RFC 9051 §11.1", "RFC 8314 §3.2",
                     "RFC 7817", "RFC 9525",
                     "Microsoft Exchange Set-ImapSettings/Set-PopSettings "
                     "-X509CertificateName"},
            .issue = "core",
        },
    [CHK_CERT_NO_SAN] =
        {
            .id = "CERT-NO-SAN",
            .severity = SEV_MEDIUM,
            .title = "Certificate without subjectAltName DNS names",
            .description = "The server's identity is only in the subject CN. "
                           "Current clients and CAs no longer accept CN-only "
                           "identities, so name checks fail or rely on legacy "
                           "fallbacks.",
            .refs = {"RFC 2595 §2.4", "RFC 9525", REF_CABF_BR},
            .issue = "core",
        },
    [CHK_CERT_EXPIRED] =
        {
            .id = "CERT-EXPIRED",
            .severity = SEV_HIGH,
            .title = "Certificate expired",
            .description =
                "The server certificate or a chain certificate is past "
                "its notAfter date. Strict clients fail; lax ones "
                "train users to accept bad certificates.",
            .refs = {REF_PCI_421, "RFC 5280"},
            .issue = "core",
        },
    [CHK_CERT_NOT_YET_VALID] =
        {
            .id = "CERT-NOT-YET-VALID",
            .severity = SEV_HIGH,
            .title = "Certificate not yet valid",
            .description =
                "The server certificate or a chain certificate has a "
                "notBefore date in the future. Strict clients fail; "
                "lax ones train users to accept bad certificates.",
            .refs = {REF_PCI_421, "RFC 5280"},
            .issue = "core",
        },
    [CHK_CERT_EXPIRING_SOON] =
        {
            .id = "CERT-EXPIRING-SOON",
            .severity = SEV_MEDIUM,
            .title = "Certificate expires soon",
            .description =
                "The server certificate expires in less than 14 days "
                "(less than 30 days: low; both thresholds are "
                "configurable). An operational early warning, so a CI "
                "gate catches a missed renewal before clients fail.",
            .refs = {REF_OPS},
            .issue = "core",
        },
    [CHK_CERT_VALIDITY_TOO_LONG] =
        {
            .id = "CERT-VALIDITY-TOO-LONG",
            .issue = "cert",
            .severity = SEV_LOW,
            .title = "Certificate lifetime above the current limit",
            .description = "A publicly trusted certificate's validity period "
                           "exceeds the maximum in force on its issuance date. "
                           "Clients may reject it, and long-lived keys stay "
                           "exposed longer.",
            .refs = {REF_CABF_BR,
                     "Mozilla root store policy issue #204 (398 days)",
                     "CA/Browser Forum ballot SC-081",
                     "Mozilla Server Side TLS: maximum_certificate_lifespan"},
        },
    [CHK_CERT_KEY_WEAK] =
        {
            .id = "CERT-KEY-WEAK",
            .severity = SEV_HIGH,
            .title = "Weak certificate key",
            .description =
                "A certificate in the chain has an RSA/DSA key under "
                "2048 bits or an EC key under 256 bits, which is "
                "within reach of factoring or discrete-log attacks.",
            .refs = {"BSI TR-02102-2 §3.6.1",
                     "Mozilla Server Side TLS: rsa_key_size, ecdh_param_size",
                     "RFC 9325 §4.5", REF_NIST, REF_CABF_BR},
            .issue = "core",
        },
    [CHK_CERT_SIGNATURE_WEAK] =
        {
            .id = "CERT-SIGNATURE-WEAK",
            .severity = SEV_HIGH,
            .title = "Certificate signed with MD5 or SHA-1",
            .description =
                "A certificate other than the trust anchor is signed "
                "with MD5 or SHA-1, which allows collision forgeries. "
                "Current TLS libraries reject such signatures.",
            .refs = {"Mozilla Server Side TLS: certificate_signatures",
                     "BSI TR-02102-2 §3.3.3", REF_CABF_BR, REF_NIST},
            .issue = "core",
        },
    [CHK_CERT_REVOKED] =
        {
            .id = "CERT-REVOKED",
            .issue = "cert",
            .severity = SEV_HIGH,
            .title = "Certificate revoked",
            .description = "OCSP or the CRL reports the server certificate as "
                           "revoked: its issuer no longer vouches for it, "
                           "typically because the key was compromised. "
                           "mailaudit reads the OCSP response the server "
                           "staples and believes it only when the issuer's "
                           "signature verifies; it does not contact OCSP "
                           "responders or fetch CRLs.",
            .refs = {REF_PCI_421},
        },
    [CHK_CERT_OCSP_STAPLING_MISSING] =
        {
            .id = "CERT-OCSP-STAPLING-MISSING",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "No stapled OCSP response",
            .description =
                "The server sent no OCSP response although the client "
                "asked for one. Advisory only, since OCSP is becoming "
                "optional for CAs.",
            .refs = {"Mozilla Server Side TLS: ocsp_staple", REF_NIST,
                     "CA/Browser Forum servercert PR #402 (make OCSP "
                     "optional)"},
        },
    [CHK_CERT_EKU_INVALID] =
        {
            .id = "CERT-EKU-INVALID",
            .issue = "cert",
            .severity = SEV_MEDIUM,
            .title = "Certificate key usage unfit for a TLS server",
            .description = "The server certificate's extended key usage lacks "
                           "serverAuth, its key usage does not fit the key "
                           "exchange, or it is marked as a CA. Strict clients "
                           "reject it.",
            .refs = {"RFC 5280"},
        },
    [CHK_CERT_INTERNAL_NAME] =
        {
            .id = "CERT-INTERNAL-NAME",
            .issue = "cert",
            .severity = SEV_LOW,
            .title = "Certificate names internal hosts",
            .description =
                "The certificate lists single-label or internal-only "
                "names or private addresses. This leaks internal "
                "naming, and such names cannot be publicly certified.",
            .refs = {REF_CABF_BR},
        },
    [CHK_CERT_INCONSISTENT_ACROSS_ENDPOINTS] =
        {
            .id = "CERT-INCONSISTENT-ACROSS-ENDPOINTS",
            .issue = "cert",
            .severity = SEV_INFO,
            .title = "Different certificates on the same host",
            .description =
                "The STARTTLS and implicit-TLS ports (or the IPv4 and "
                "IPv6 addresses) present different certificates, "
                "typically a renewal applied to one listener only.",
            .refs = {REF_OPS},
        },
    [CHK_CERT_SNI_DIFFERENT] =
        {
            .id = "CERT-SNI-DIFFERENT",
            .issue = "cert",
            .severity = SEV_INFO,
            .title = "Different certificate without SNI",
            .description =
                "The certificate presented without SNI differs from "
                "the one presented for the host name, so clients that "
                "do not send SNI see the default certificate.",
            .refs = {REF_OPS},
        },

    /* 2.E TLS protocol and cipher hygiene */
    [CHK_TLS_VERSION_SSL] =
        {
            .id = "TLS-VERSION-SSL",
            .issue = "tls",
            .severity = SEV_CRITICAL,
            .title = "SSL 2.0 or SSL 3.0 accepted",
            .description = "The server completes an SSLv2 or SSLv3 handshake. "
                           "Both protocols are broken; an on-path attacker can "
                           "recover plaintext.",
            .refs = {"RFC 6176", "RFC 7568", "RFC 9325 §3.1.1",
                     "NIST SP 800-52r2 §3.1", "BSI TR-02102-2 §3.2",
                     REF_PCI_421},
        },
    [CHK_TLS_VERSION_LEGACY] =
        {
            .id = "TLS-VERSION-LEGACY",
            .issue = "tls",
            .severity = SEV_HIGH,
            .title = "TLS 1.0 or TLS 1.1 accepted",
            .description = "The server negotiates TLS 1.0 or 1.1, which are "
                           "deprecated. Mail standards now require TLS 1.2 or "
                           "newer.",
            /* Mozilla's tls_versions guidance is left out: 7 is the
             * most refs a check can hold with its NULL terminator. */
            .refs = {"RFC 8996", "RFC 8997 §3", "RFC 9051 §11.1",
                     "RFC 9325 §3.1.1", "NIST SP 800-52r2 §3.1",
                     "BSI TR-02102-2 §3.2", REF_PCI_421},
        },
    [CHK_TLS_NO_MODERN_VERSION] =
        {
            .id = "TLS-NO-MODERN-VERSION",
            .issue = "tls",
            .severity = SEV_HIGH,
            .title = "Neither TLS 1.2 nor TLS 1.3 supported",
            .description =
                "Only protocol versions older than TLS 1.2 complete a "
                "handshake. IMAP requires TLS 1.2 or newer, and "
                "current clients refuse to connect.",
            .refs = {"RFC 9051 §11.1", "RFC 9325 §3.1.1"},
        },
    [CHK_TLS_1_3_UNSUPPORTED] =
        {
            .id = "TLS-1.3-UNSUPPORTED",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "TLS 1.3 not supported",
            .description = "A TLS 1.3-only handshake fails. TLS 1.3 is "
                           "recommended for IMAP and required by some profiles "
                           "(NIST SP 800-52r2, Mozilla modern).",
            .refs = {"RFC 9051 §11.1", "NIST SP 800-52r2 §3.1",
                     "BSI TR-02102-2 §3.2", "Mozilla Server Side TLS: modern"},
        },
    [CHK_TLS_CIPHER_NULL_ANON_EXPORT] =
        {
            .id = "TLS-CIPHER-NULL-ANON-EXPORT",
            .issue = "tls",
            .severity = SEV_CRITICAL,
            .title = "NULL, anonymous or EXPORT cipher suite accepted",
            .description =
                "The server negotiates a suite without encryption, "
                "without server authentication or with export-grade "
                "keys. An on-path attacker reads or forges the session "
                "with little or no effort.",
            .refs = {"RFC 9325 §4.1", REF_PCI_421, "BSI TR-02102-2 §3.3.1"},
        },
    [CHK_TLS_CIPHER_RC4] =
        {
            .id = "TLS-CIPHER-RC4",
            .issue = "tls",
            .severity = SEV_HIGH,
            .title = "RC4 cipher suite accepted",
            .description = "The server negotiates an RC4 suite. RC4 keystream "
                           "biases make plaintext recovery practical.",
            .refs = {"RFC 9325 §4.1", "RFC 7465"},
        },
    [CHK_TLS_CIPHER_64BIT_BLOCK] =
        {
            .id = "TLS-CIPHER-64BIT-BLOCK",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "64-bit block cipher suite accepted",
            .description =
                "The server negotiates a 3DES, DES, IDEA or RC2 suite. "
                "64-bit blocks allow birthday attacks on long sessions "
                "(the SWEET32 class).",
            .refs = {"RFC 9325 §4.1",
                     "Mozilla Server Side TLS (3DES only in 'old')",
                     "BSI TR-02102-2 §3.3.1"},
        },
    [CHK_TLS_CIPHER_NO_FORWARD_SECRECY] =
        {
            .id = "TLS-CIPHER-NO-FORWARD-SECRECY",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "Cipher suite without forward secrecy accepted",
            .description =
                "The server negotiates static RSA key transport or "
                "static (EC)DH. Whoever obtains the server key later "
                "can decrypt recorded sessions.",
            .refs = {"RFC 9325 §4.1, §7.3", "BSI TR-02102-2 §3.3.1.1, §3.3.1.2",
                     "BSI TR-03108 §4.1.3",
                     "Mozilla Server Side TLS: intermediate"},
        },
    [CHK_TLS_CIPHER_CBC] =
        {
            .id = "TLS-CIPHER-CBC",
            .issue = "tls",
            .severity = SEV_LOW,
            .title = "CBC-mode cipher suite accepted",
            .description =
                "The server negotiates a CBC-mode suite, the class "
                "behind padding-oracle attacks such as Lucky 13. AEAD "
                "suites avoid the problem.",
            .refs = {"Mozilla Server Side TLS: intermediate",
                     "BSI TR-02102-2 §3.3.1, §3.3.4.4"},
        },
    [CHK_TLS_ETM_MISSING] =
        {
            .id = "TLS-ETM-MISSING",
            .issue = "tls",
            .severity = SEV_LOW,
            .title = "CBC suite without Encrypt-then-MAC",
            .description =
                "A CBC suite was negotiated without the "
                "encrypt_then_mac extension although the client "
                "offered it, so the record layer keeps MAC-then-encrypt "
                "and its padding-oracle risks.",
            .refs = {"BSI TR-02102-2 §3.3.4.5"},
        },
    [CHK_TLS_CIPHER_NOT_NIST_APPROVED] =
        {
            .id = "TLS-CIPHER-NOT-NIST-APPROVED",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "Cipher suite outside the NIST-approved lists",
            .description = "The server accepts suites not composed entirely of "
                           "NIST-approved algorithms (e.g. CHACHA20-POLY1305, "
                           "CAMELLIA, ARIA, SEED). Matters only where NIST SP "
                           "800-52r2 applies.",
            .refs = {"NIST SP 800-52r2 §3.3.1"},
        },
    [CHK_TLS_WEAK_CIPHER_PREFERRED] =
        {
            .id = "TLS-WEAK-CIPHER-PREFERRED",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "Weak cipher suite preferred over a strong one",
            .description =
                "Offered both legacy and AEAD/forward-secret suites, "
                "the server picks a legacy one. Clients get weaker "
                "protection than both sides support.",
            .refs = {"BSI TR-03108 §4.3.2",
                     "Mozilla Server Side TLS: server_preferred_order"},
        },
    [CHK_TLS_DH_WEAK] =
        {
            .id = "TLS-DH-WEAK",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "Weak Diffie-Hellman group",
            .description =
                "The server's DHE prime is shorter than 2048 bits; at "
                "1024 bits or less the key exchange is within reach "
                "of Logjam-class attacks.",
            .refs = {"RFC 9325 §4.5", "Mozilla Server Side TLS: dh_param_size",
                     "BSI TR-02102-2 §3.3.2, §3.6.1"},
        },
    [CHK_TLS_ECDH_CURVE_WEAK] =
        {
            .id = "TLS-ECDH-CURVE-WEAK",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "Weak or explicit elliptic curve",
            .description =
                "The server selects an elliptic curve under 256 bits "
                "or explicit curve parameters instead of a named "
                "curve, weakening the key exchange.",
            .refs = {"BSI TR-02102-2 §3.3.2, §3.6.1, §3.6.2",
                     "Mozilla Server Side TLS: tls_curves",
                     "NIST SP 800-52r2 §3.4.2.2"},
        },
    [CHK_TLS_COMPRESSION] =
        {
            .id = "TLS-COMPRESSION",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "TLS compression enabled",
            .description =
                "The server accepts TLS-level compression, which leaks "
                "secrets through compressed lengths (the CRIME class).",
            .refs = {"RFC 9325 §3.3", "BSI TR-02102-2 §3.3.4.3", REF_NIST},
        },
    [CHK_TLS_RENEGOTIATION_INSECURE] =
        {
            .id = "TLS-RENEGOTIATION-INSECURE",
            .issue = "tls",
            .severity = SEV_MEDIUM,
            .title = "Secure renegotiation not supported",
            .description = "The server does not confirm renegotiation_info "
                           "although the client signalled it, leaving "
                           "renegotiation open to prefix-injection attacks.",
            .refs = {"RFC 5746", "RFC 9325 §3.5", "BSI TR-02102-2 §3.3.4.1",
                     REF_NIST},
        },
    [CHK_TLS_CLIENT_RENEGOTIATION] =
        {
            .id = "TLS-CLIENT-RENEGOTIATION",
            .issue = "tls",
            .severity = SEV_LOW,
            .title = "Client-initiated renegotiation accepted",
            .description =
                "The server completes a renegotiation the client "
                "started, which lets a client make the server repeat "
                "expensive handshakes (denial-of-service "
                "amplification).",
            .refs = {"BSI TR-02102-2 §3.3.4.1"},
        },
    [CHK_TLS_EMS_MISSING] =
        {
            .id = "TLS-EMS-MISSING",
            .issue = "tls",
            .severity = SEV_LOW,
            .title = "Extended master secret not supported",
            .description = "The server does not use the extended_master_secret "
                           "extension although the client offered it, so "
                           "sessions stay open to triple-handshake attacks.",
            .refs = {"BSI TR-02102-2 §3.3.4.7", REF_NIST},
        },
    [CHK_TLS_HEARTBEAT_ENABLED] =
        {
            .id = "TLS-HEARTBEAT-ENABLED",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "TLS heartbeat extension enabled",
            .description =
                "The server echoes the heartbeat extension. It serves "
                "no purpose for mail and was the attack surface of "
                "Heartbleed.",
            .refs = {"BSI TR-02102-2 §3.3.4.6, §3.4.5.1"},
        },
    [CHK_TLS_TRUNCATED_HMAC] =
        {
            .id = "TLS-TRUNCATED-HMAC",
            .issue = "tls",
            .severity = SEV_LOW,
            .title = "Truncated HMAC accepted",
            .description = "The server accepts the truncated_hmac extension, "
                           "which shortens record MACs to 80 bits and weakens "
                           "integrity protection.",
            .refs = {"RFC 9325 §4.6", "BSI TR-02102-2 §3.3.4.2"},
        },
    [CHK_TLS_ALPN_NOT_ENFORCED] =
        {
            .id = "TLS-ALPN-NOT-ENFORCED",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "Foreign ALPN protocol not rejected",
            .description =
                "A handshake offering only the http/1.1 ALPN protocol "
                "completes. Where certificates are shared with web "
                "servers this allows cross-protocol attacks (ALPACA).",
            .refs = {"ALPACA: Brinkmann et al., USENIX Security 2021",
                     "RFC 9325"},
        },
    [CHK_TLS_0RTT_ACCEPTED] =
        {
            .id = "TLS-0RTT-ACCEPTED",
            .issue = "tls",
            .severity = SEV_INFO,
            .title = "TLS 1.3 early data accepted",
            .description = "The server accepts 0-RTT early data on resumption. "
                           "Early data can be replayed by an attacker.",
            .refs = {"BSI TR-02102-2 §3.4.1"},
        },

    /* 2.F Information disclosure */
    [CHK_INFO_BANNER_DISCLOSURE] =
        {
            .id = "INFO-BANNER-DISCLOSURE",
            .severity = SEV_INFO,
            .title = "Greeting discloses product or version",
            .description =
                "The greeting names the server product, its version "
                "or a host name. It helps attackers pick exploits and "
                "is usually configurable.",
            .refs = {"Microsoft Exchange Set-ImapSettings/Set-PopSettings "
                     "-Banner",
                     "Dovecot login_greeting setting"},
            .issue = "core",
        },
    [CHK_INFO_EXCHANGE_BACKEND_FQDN] =
        {
            .id = "INFO-EXCHANGE-BACKEND-FQDN",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "Greeting discloses an Exchange back-end name",
            .description =
                "The greeting ends with a base64 text that decodes to "
                "an internal Exchange server name, revealing internal "
                "names and topology.",
            .refs = {"RFC 9051 §7.1",
                     "Exchange Online greetings in public transcripts"},
        },
    [CHK_INFO_IMAP_ID_DISCLOSURE] =
        {
            .id = "INFO-IMAP-ID-DISCLOSURE",
            .issue = "mail",
            .severity = SEV_LOW,
            .title = "IMAP ID response discloses software details",
            .description = "The answer to IMAP ID reveals version, operating "
                           "system or similar details, which make it easier to "
                           "exploit known security holes.",
            .refs = {"RFC 2971 (Security Considerations)",
                     "Dovecot imap_id_send setting"},
        },
    [CHK_INFO_POP3_IMPLEMENTATION] =
        {
            .id = "INFO-POP3-IMPLEMENTATION",
            .issue = "mail",
            .severity = SEV_INFO,
            .title = "POP3 CAPA names the implementation",
            .description = "The POP3 capability list carries an IMPLEMENTATION "
                           "line naming the server software.",
            .refs = {"RFC 2449"},
        },

    /* 2.G DNS-based (optional) */
    [CHK_DANE_TLSA_MISMATCH] =
        {
            .id = "DANE-TLSA-MISMATCH",
            .issue = "dns",
            .severity = SEV_HIGH,
            .title = "DANE TLSA records do not match the certificate",
            .description =
                "A DNSSEC-validated TLSA record set exists for the "
                "port, but no record matches the presented chain. "
                "DANE-aware clients refuse to connect, or an attacker "
                "is presenting a different certificate.",
            .refs = {"RFC 6698", "RFC 7671", "RFC 7673",
                     "BSI TR-03108 §4.1.5, §4.1.6 (DANE required between MTAs "
                     "only)"},
        },
    [CHK_DANE_TLSA_ABSENT] =
        {
            .id = "DANE-TLSA-ABSENT",
            .issue = "dns",
            .severity = SEV_INFO,
            .title = "No DANE TLSA records",
            .description =
                "No TLSA record set is published for the port, or the "
                "zone is unsigned, so clients cannot pin the "
                "certificate through DNSSEC.",
            .refs = {"RFC 6698", "RFC 7671", "RFC 7673",
                     "BSI TR-03108 §4.1.5, §4.1.6 (DANE required between MTAs "
                     "only)"},
        },
    [CHK_DNS_SRV_IMPLICIT_TLS_MISSING] =
        {
            .id = "DNS-SRV-IMPLICIT-TLS-MISSING",
            .issue = "dns",
            .severity = SEV_INFO,
            .title = "SRV records do not point to implicit TLS",
            .description =
                "SRV records advertise the cleartext service but not "
                "the implicit-TLS one, or rank cleartext higher, "
                "steering auto-configuring clients to STARTTLS.",
            .refs = {"BSI TR-03108 §4.1.1", "RFC 8314", "RFC 6186"},
        },
};

const struct check *
catalog_find(const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < CHECK_COUNT; i++)
		if (strcmp(catalog_checks[i].id, id) == 0)
			return &catalog_checks[i];
	return NULL;
}

const struct check *
catalog_all(size_t *n_r)
{
	*n_r = CHECK_COUNT;
	return catalog_checks;
}
