/*
 * The option tables of `scan`, `report` (and `merge`), `diff` and
 * `profiles`: what each command accepts and what its --help says.
 * README.md and mailaudit.1 describe the same options at length.
 */
#include "scanner/cli/options.h"

#include "scanner/cli/commands.h"
#include "scanner/net/dnscheck.h"

static const struct cli_opt scan_opts[] = {
    {
        .id = O_TARGETS_FILE,
        .name = "-iL",
        .arg = "FILE",
        .help = "read targets from FILE, one per line ('-' =\n"
                "stdin); blank lines and '#' comments skipped",
    },
    {
        .id = O_SERVICE,
        .name = "--service",
        .arg = "NAME",
        .help = "service for HOST:PORT targets (imap, imaps,\n"
                "pop3, pop3s)",
    },
    {
        .id = O_CA_FILE,
        .name = "--ca-file",
        .arg = "FILE",
        .help = "extra trust anchors (PEM); self-signed ones\n"
                "are anchors, others known intermediates.\n"
                "The system store is always used",
    },
    {
        .id = O_RESOLVE,
        .name = "--resolve",
        .arg = "HOST:ADDR",
        .help = "connect to ADDR for HOST (no DNS lookup)",
    },
    {
        .id = O_TIMEOUT,
        .name = "--timeout",
        .arg = "SECONDS",
        .help = "per step: connect, greeting, each reply,\n"
                "handshake (default 10); a whole endpoint gets\n"
                "6 times that",
    },
    {
        .id = O_CONCURRENCY,
        .name = "--concurrency",
        .arg = "N",
        .help = "endpoints scanned at once (default 64)",
    },
    {
        .id = O_MAX_PER_HOST,
        .name = "--max-per-host",
        .arg = "N",
        .help = "connections at once to one address (default 4)",
    },
    {
        .id = O_FORMAT,
        .name = "--format",
        .arg = "FMT",
        .help = "text, json, jsonl, sarif, junit or html\n"
                "(default: text on a terminal, json otherwise)",
    },
    {
        .id = O_OUTPUT,
        .name = "-o",
        .arg = "FILE",
        .help = "write the report to FILE (- is stdout; a file\n"
                "is replaced atomically, a symlink followed, a\n"
                "device or FIFO written in place); repeat\n"
                "--format FMT -o FILE for several reports of\n"
                "one scan (a lone -o takes the format from the\n"
                "file name: .json .jsonl .sarif .xml .html)",
    },
    {
        .id = O_PROFILE,
        .name = "--profile",
        .arg = "NAME",
        .help = "gate on profile NAME (repeatable: union); see\n"
                "mailaudit profiles. Default: baseline (a\n"
                "critical or high finding fails)",
    },
    {
        .id = O_FAIL_ON,
        .name = "--fail-on",
        .arg = "SEVERITY",
        .help = "exit 1 if a finding is at or above SEVERITY:\n"
                "info, low, medium, high, critical (adds to\n"
                "the profiles; alone it replaces baseline)",
    },
    {
        .id = O_WAIVERS,
        .name = "--waivers",
        .arg = "FILE",
        .help = "accepted risks (JSON): waived findings do not\n"
                "fail the gate; expired waivers are reported",
    },
    {
        .id = O_ALLOW_INCOMPLETE,
        .name = "--allow-incomplete",
        .help = "endpoints that could not be assessed do not\n"
                "fail the gate (no exit code 3)",
        .record = true,
    },
    {
        .id = O_PASSIVE,
        .name = "--passive",
        .help = "no active probes: no AUTHENTICATE/AUTH\n"
                "probes, NTLM, ID, injection, client\n"
                "renegotiation, early data or extra\n"
                "connections; STARTTLS only if advertised",
        .record = true,
    },
    {
        .id = O_TLS_DEPTH,
        .name = "--tls-depth",
        .arg = "DEPTH",
        .help = "TLS protocol/cipher audit on every TLS\n"
                "endpoint: quick (versions, cipher classes,\n"
                "key exchange, extensions; default), full\n"
                "(also every accepted suite), off",
    },
    {
        .id = O_TLS_BUDGET,
        .name = "--tls-budget",
        .arg = "N",
        .help = "audit connections per endpoint at most\n"
                "(default 20 quick, 80 full)",
    },
    {
        .id = O_THREADS,
        .name = "--threads",
        .arg = "N",
        .help = "event loops, one per thread (default: the\n"
                "number of cores)",
    },
    {
        .id = O_RATE,
        .name = "--rate",
        .arg = "N",
        .help = "new connections per second, all threads\n"
                "together (default: no limit)",
    },
    {
        .id = O_IPV4,
        .name = "-4",
        .label = "-4, -6",
        .help = "only IPv4 / only IPv6 addresses of names",
        .record = true,
    },
    {
        .id = O_IPV6,
        .name = "-6",
        .record = true,
    },
    {
        .id = O_SHARD,
        .name = "--shard",
        .arg = "K/N",
        .help = "scan only shard K (0..N-1) of N: every host\n"
                "lands in exactly one shard, with all its ports",
    },
    {
        .id = O_EXTERNAL,
        .name = "--external",
        .help = "also check what DNS publishes: DANE TLSA\n"
                "records (validated with DNSSEC locally) and\n"
                "RFC 6186 SRV records of each host name; without\n"
                "it no DNS query beyond address lookups is made;\n"
                "implies --fetch-aia",
        .record = true,
    },
    {
        .id = O_DNS_SERVER,
        .name = "--dns-server",
        .arg = "ADDR[:PORT]",
        .help = "send the --external queries to this resolver\n"
                "or authoritative server (default: the servers\n"
                "of /etc/resolv.conf)",
    },
    {
        .id = O_DNS_TRUST_ANCHOR,
        .name = "--dns-trust-anchor",
        .arg = "FILE",
        .help = "DNSSEC trust anchor: DS or DNSKEY records in\n"
                "zone-file format (default: the root key of\n"
                "dns-root-data, " DNSCHECK_ROOT_KEY ")",
    },
    {
        .id = O_FETCH_AIA,
        .name = "--fetch-aia",
        .help = "when the server left out an intermediate,\n"
                "fetch it from the AIA caIssuers URL (http://\n"
                "only, 64 KiB, 2 s per fetch, 10 s and 16 URLs\n"
                "per scan) to tell a trusted-but-incomplete\n"
                "chain from an untrusted one; implied by\n"
                "--external",
        .record = true,
    },
    {
        .id = O_QUIET,
        .name = "--quiet",
        .alias = "-q",
        .label = "-q, --quiet",
        .help = "no progress line on a terminal's stderr",
    },
    {
        .id = O_RETRIES,
        .name = "--retries",
        .arg = "N",
        .help = "new tries, with back-off, after a throttled\n"
                "greeting (BYE, -ERR [IN-USE]; default 2)",
    },
    {
        .id = O_NO_COLOR,
        .name = "--no-color",
        .help = "no ANSI colours even on a terminal",
    },
    {
        .id = O_LIST_CHECKS,
        .name = "--list-checks",
        .help = "print the check catalog (--all: also checks\n"
                "not implemented yet; --remediation: with the\n"
                "fix for each, generic and per product)",
    },
    {
        .id = O_ALL,
        .name = "--all",
    },
    {
        .id = O_REMEDIATION,
        .name = "--remediation",
    },
    {
        .id = O_VERSION,
        .name = "--version",
        .label = "--version, --help",
        .help = "",
    },
    {
        .id = O_HELP,
        .name = "--help",
        .alias = "-h",
    },
    {0},
};

const struct cli_help cli_scan_help = {
    .head =
        "usage: mailaudit scan [options] TARGET...\n"
        "       mailaudit report [options] IN.json    (re-render a saved "
        "scan)\n"
        "       mailaudit diff [options] OLD.json NEW.json\n"
        "       mailaudit profiles [NAME...]          (the CI gate profiles)\n"
        "       mailaudit completion bash             (the completion script)\n"
        "       mailaudit --list-checks [--all] [--remediation]\n"
        "       mailaudit --version | --help\n"
        "\n"
        "Audits POP3 and IMAP endpoints: STARTTLS, implicit TLS, plaintext\n"
        "authentication exposure and certificates. Sends no credentials and\n"
        "changes no server state.\n"
        "\n"
        "TARGET is one of:\n"
        "  HOST | ADDRESS | [IPV6]   the four standard services: pop3 110,\n"
        "                            imap 143, imaps 993, pop3s 995\n"
        "  ADDRESS/PREFIX            every address of a CIDR block (IPv4 up\n"
        "                            to /16, IPv6 up to /112), four services\n"
        "  HOST:PORT | [IPV6]:PORT   one port; its service from the port\n"
        "                            number or --service\n"
        "  imap://HOST[:PORT]        also imaps://, pop3://, pop3s://\n"
        "  -                         read targets from standard input\n"
        "\n"
        "options:\n",
    .opts = scan_opts,
    .tail =
        "\n"
        "exit codes: 0 the gate passes; 1 a finding fails the gate; 2 usage\n"
        "or configuration error; 3 nothing fails, but an endpoint was\n"
        "reachable and could not be assessed (timeout, protocol or TLS\n"
        "error) and --allow-incomplete was not given.\n",
};

static const struct cli_opt report_opts[] = {
    {
        .id = O_HELP,
        .name = "--help",
        .alias = "-h",
    },
    {
        .id = O_FORMAT,
        .name = "--format",
        .arg = "FMT",
        .help = "text, json, jsonl, sarif, junit or html\n"
                "(default: from the -o name: .html, .sarif,\n"
                ".xml (junit), .jsonl, .json, .txt; else text\n"
                "on a terminal, json otherwise)",
    },
    {
        .id = O_OUTPUT,
        .name = "-o",
        .arg = "FILE",
        .help = "write to FILE (replaced atomically; a symlink\n"
                "is followed, a device or FIFO written in\n"
                "place); default or -: stdout",
    },
    {
        .id = O_PROFILE,
        .name = "--profile",
        .arg = "NAME",
        .help = "gate on profile NAME (repeatable; union)",
    },
    {
        .id = O_FAIL_ON,
        .name = "--fail-on",
        .arg = "SEVERITY",
        .help = "also fail on every finding at or above it",
    },
    {
        .id = O_WAIVERS,
        .name = "--waivers",
        .arg = "FILE",
        .help = "waiver file (JSON)",
    },
    {
        .id = O_ALLOW_INCOMPLETE,
        .name = "--allow-incomplete",
        .help = "unassessed endpoints do not fail the gate",
    },
    {
        .id = O_NO_COLOR,
        .name = "--no-color",
        .help = "no ANSI colours in the text report",
    },
    {0},
};

const struct cli_help cli_report_help = {
    .head =
        "usage: mailaudit report [options] IN.json\n"
        "\n"
        "Renders a saved JSON scan (mailaudit scan --format json) in any "
        "format.\n"
        "Without gate options the saved gate decisions are kept; with any of\n"
        "them the gate is applied again to the saved findings.\n"
        "\n"
        "options:\n",
    .opts = report_opts,
    .tail =
        "\n"
        "exit codes: the gate's (0 pass, 1 a finding fails, 3 not assessed),\n"
        "2 usage or input error.\n",
};

static const struct cli_opt diff_opts[] = {
    {
        .id = O_HELP,
        .name = "--help",
        .alias = "-h",
    },
    {
        .id = O_FAIL_ON,
        .name = "--fail-on",
        .arg = "SEVERITY",
        .help = "exit 1 if a finding is new at or above it\n"
                "(default high)",
    },
    {
        .id = O_FORMAT,
        .name = "--format",
        .arg = "FMT",
        .help = "text (default) or json",
    },
    {
        .id = O_OUTPUT,
        .name = "-o",
        .arg = "FILE",
        .help = "write to FILE (replaced atomically; a symlink\n"
                "is followed, a device or FIFO written in\n"
                "place); default or -: stdout",
    },
    {0},
};

const struct cli_help cli_diff_help = {
    .head =
        "usage: mailaudit diff [options] OLD.json NEW.json\n"
        "\n"
        "Compares two saved JSON scans finding by finding (key: host, "
        "address,\n"
        "port, service, check): new, resolved, unchanged, and unverified (the\n"
        "endpoint was not assessed or not scanned in NEW).\n"
        "\n"
        "options:\n",
    .opts = diff_opts,
    .tail = "\n"
            "exit codes: 0 nothing new at or above --fail-on, 1 something is,\n"
            "2 usage or input error.\n",
};

static const struct cli_opt profiles_opts[] = {
    {
        .id = O_HELP,
        .name = "--help",
        .alias = "-h",
    },
    {0},
};

const struct cli_help cli_profiles_help = {
    .head =
        "usage: mailaudit profiles [NAME...]\n"
        "\n"
        "Lists the CI gate profiles (--profile NAME): the clauses each one\n"
        "implements, the checks that fail it, and what mailaudit cannot check\n"
        "for it yet.\n",
    .opts = profiles_opts,
    .tail = "",
};

static const struct cli_opt completion_opts[] = {
    {
        .id = O_HELP,
        .name = "--help",
        .alias = "-h",
    },
    {0},
};

const struct cli_help cli_completion_help = {
    .head = "usage: mailaudit completion bash\n"
            "\n"
            "Prints the bash completion script for mailaudit: subcommands,\n"
            "options and their values (formats, profiles, severities, TLS\n"
            "depths, services, file names). Try it with\n"
            "  source <(mailaudit completion bash)\n"
            "or install it as\n"
            "/usr/share/bash-completion/completions/mailaudit.\n",
    .opts = completion_opts,
    .tail = "",
};

const struct cli_subcommand cli_subcommands[] = {
    {"report", cmd_report, &cli_report_help},
    {"diff", cmd_diff, &cli_diff_help},
    {"merge", cmd_merge, &cli_report_help},
    {"profiles", cmd_profiles, &cli_profiles_help},
    {"completion", cmd_completion, &cli_completion_help},
    {NULL, NULL, NULL},
};
