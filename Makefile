# mailaudit — POP3/IMAP compliance scanner.
# Targets: all (default), check, asan, demo, lint, format, format-check,
# fuzz, fuzz-replay, bench, deps, install, clean; the parts of check: unit,
# integration, hostile, shard, formats, dns, tls-extras, output, same-json.
# See README.md (use) and HACKING.md (the layers).

PKGS    := gnutls libcjson
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wwrite-strings -Wpointer-arith \
           -Wno-missing-field-initializers
WERROR  ?= -Werror
OPT     ?= -O2 -g
B       ?= build/release
PREFIX  ?= /usr/local
VERSION := 0.1.0

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(WERROR) -MMD -MP -I. \
           -DMAILAUDIT_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)
# libunbound.pc requires libevent's .pc, which its -dev package lacks
LDLIBS  += $(PKG_LIBS) -lunbound -lpthread -lanl

# every layer folder, recursively (a one-level glob would silently skip
# the subfolders)
LIB_SRC  := $(filter-out scanner/main.c,$(sort $(shell find scanner probes reports -name '*.c')))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)
INT_SRC  := $(wildcard tests/integration/*.c)
INT_OBJ  := $(INT_SRC:%.c=$(B)/%.o)
# every tests/servers/*.c is one server, but daemon.c, which they share,
# and hello_parse.c (tls_stub_server's, the unit tests' and the fuzz
# harness's ClientHello parser)
SRV_SHARED := tests/servers/daemon.c tests/servers/hello_parse.c
SRV_SRC  := $(filter-out $(SRV_SHARED),$(wildcard tests/servers/*.c))
HELLO_PARSE_OBJ := $(B)/tests/servers/hello_parse.o
SRV_BIN  := $(SRV_SRC:tests/servers/%.c=$(B)/servers/%)

.PHONY: all check unit integration formats dns tls-extras output hostile shard \
        same-json asan demo lint format format-check fuzz bench install clean deps

all: $(B)/mailaudit $(SRV_BIN) $(B)/run_unit $(if $(INT_SRC),$(B)/run_integration) \
     $(B)/bench/delay_proxy

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libmailaudit.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/mailaudit: $(B)/scanner/main.o $(B)/libmailaudit.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
	@cp $@ mailaudit 2>/dev/null || true

# Each tests/unit/*.c file exports "Suite *NAME_suite(void)"; the list of
# suites is generated so adding a file is all it takes.
$(B)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(@D)
	@sed -n 's/^\(\w*_suite\)(void)$$/SUITE(\1)/p' $(filter-out tests/unit/run_unit.c,$^) > $@.tmp
	@mv $@.tmp $@

$(B)/tests/unit/run_unit.o: $(B)/tests/unit/suites.h
$(B)/tests/unit/run_unit.o: CFLAGS += -I$(B)/tests/unit

$(B)/run_unit: $(UNIT_OBJ) $(HELLO_PARSE_OBJ) $(B)/libmailaudit.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

$(B)/run_integration: $(INT_OBJ) $(B)/libmailaudit.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

# the bench's latency relay (issue #13), a test tool like the servers
$(B)/bench/delay_proxy: tests/bench/delay_proxy.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(B)/servers/%: tests/servers/%.c tests/servers/daemon.c tests/servers/daemon.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< tests/servers/daemon.c $(LDLIBS)

# the TLS stub uses the wire layer's tables and the ClientHello parser
$(B)/servers/tls_stub_server: tests/servers/tls_stub_server.c \
		tests/servers/daemon.c tests/servers/daemon.h \
		$(HELLO_PARSE_OBJ) $(B)/libmailaudit.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< tests/servers/daemon.c $(HELLO_PARSE_OBJ) \
		$(B)/libmailaudit.a $(LDLIBS)

deps:
	@tests/install-deps.sh

unit: $(B)/run_unit
	$(B)/run_unit

integration: all
	tests/integration/run.sh $(B)

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) integration
	$(MAKE) hostile
	$(MAKE) shard
	$(MAKE) formats
	$(MAKE) dns
	$(MAKE) tls-extras
	$(MAKE) output
	$(MAKE) same-json

# The house rebuild (issue #11) changes no behaviour: fixture-fleet scans
# by this tree and by SAME_JSON_BASE (the last commit before it) give the
# same JSON, timings aside, and the same rendered reports.
SAME_JSON_BASE ?= 4835fd8
same-json: all
	tests/integration/same_json.sh $(B) $(SAME_JSON_BASE)

# -o never replaces what it writes to: FIFO, symlink, mode, a full tmpfs
# (root), a closed pipe, for scan, report, merge and diff
output: all
	tests/integration/output.sh $(B)

# --external DNS checks: NSD serving a DNSSEC-signed test zone on
# 127.0.0.201:5301, a fake IMAPS server on 127.0.0.202 (needs nsd,
# ldnsutils; root for port 993)
dns: all
	tests/integration/dns.sh $(B)

# TLS-CLIENT-RENEGOTIATION and TLS-0RTT-ACCEPTED against fake servers on
# 127.0.0.220-229 (root for the standard ports)
tls-extras: all
	tests/integration/tls_extras.sh $(B)

# Every report format from a real scan of the fixture fleet, checked
# against reports/schema/ (JSON, JSON Lines, diff, SARIF subset), parsed
# as XML (JUnit) and HTML. Needs python3-jsonschema.
# Hostile servers (issue #7): expectations, one scan of all under valgrind
hostile: all
	tests/integration/hostile.sh $(B)

# --shard K/N with GNU parallel, merged, equals an unsharded scan
shard: all
	tests/integration/shard.sh $(B)

formats: all
	tests/formats/validate.sh $(B)
	tests/formats/html_render.sh $(B)

asan: deps
	$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" all
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 build/asan/run_unit
	ASAN_OPTIONS=detect_leaks=1 tests/integration/run.sh build/asan
	ASAN_OPTIONS=detect_leaks=1 tests/integration/hostile.sh build/asan
	ASAN_OPTIONS=detect_leaks=1 tests/formats/validate.sh build/asan
	ASAN_OPTIONS=detect_leaks=1 tests/integration/dns.sh build/asan
	ASAN_OPTIONS=detect_leaks=1 tests/integration/tls_extras.sh build/asan
	ASAN_OPTIONS=detect_leaks=1 tests/integration/output.sh build/asan

demo: deps
	$(MAKE) all
	tests/demo.sh $(B)

FORMAT_SRC = $(sort $(shell find scanner probes reports tests -name '*.[ch]'))

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

lint: $(B)/tests/unit/suites.h
	@tests/install-deps.sh --dev
	tests/lint.sh $(B)

# Scale benchmark, not a test (root; bounded at 15 min): one Dovecot on N
# loopback addresses x 4 ports, mailaudit vs nmap and sslscan. Results in
# build/bench/results.txt. BENCH_ARGS e.g. "--n 250 --big 0 --skip-peers".
bench: deps
	$(MAKE) $(B)/mailaudit $(B)/bench/delay_proxy
	BUILD_DIR=$(B) tests/bench/run.sh $(BENCH_ARGS)

install: $(B)/mailaudit
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/mailaudit $(DESTDIR)$(PREFIX)/bin/mailaudit
	install -m 0644 mailaudit.1 $(DESTDIR)$(PREFIX)/share/man/man1/mailaudit.1

clean:
	rm -rf build mailaudit

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(INT_OBJ:.o=.d) $(B)/scanner/main.d \
	$(HELLO_PARSE_OBJ:.o=.d)

# libFuzzer harnesses (tests/fuzz/); replayed by `make check` through run_unit.
-include tests/fuzz/fuzz.mk
