# mailaudit — POP3/IMAP compliance scanner.
# Targets: all (default), check, asan, demo, lint, format, format-check,
# fuzz, fuzz-replay, bench, deps, install, deb, deb-test, clean; the parts of check: unit,
# integration, hostile, shard, formats, dns, tls-extras, aia, output, same-json,
# quiet-build, completion. make V=1 prints the whole commands.
# See README.md (use) and HACKING.md (the layers).

PKGS    := gnutls libcjson libcurl
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wwrite-strings -Wpointer-arith \
           -Wno-missing-field-initializers
WERROR  ?= -Werror
OPT     ?= -O2 -g
B       ?= build/release
PREFIX  ?= /usr/local
VERSION := 0.1.0

# Quiet build (issue #14): each step prints one "  CC      FILE" line, as
# Linux, git and curl do, and make V=1 prints the whole commands instead.
# A recipe line begins with $(call quiet,TAG,WHAT) (a step with a tag) or
# $(Q) (no line of its own); compiler warnings and errors show either way.
V ?= 0
ifeq ($(V),1)
quiet =
Q =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
Q = @
MAKEFLAGS += --no-print-directory
endif

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
        same-json aia quiet-build completion deb deb-test asan demo lint format format-check fuzz bench install clean deps

all: $(B)/mailaudit $(SRV_BIN) $(B)/run_unit $(if $(INT_SRC),$(B)/run_integration) \
	$(B)/completion/mailaudit $(B)/man/mailaudit.1 \
	$(B)/bench/delay_proxy

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libmailaudit.a: $(LIB_OBJ)
	@rm -f $@
	$(call quiet,AR,$@)$(AR) rcs $@ $^

$(B)/mailaudit: $(B)/scanner/main.o $(B)/libmailaudit.a
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
	@cp $@ mailaudit 2>/dev/null || true

# bash completion, written by the binary from its option tables
$(B)/completion/mailaudit: $(B)/mailaudit
	@mkdir -p $(@D)
	$(call quiet,GEN,$@)$(B)/mailaudit completion bash > $@.tmp
	$(Q)mv $@.tmp $@

# the man page with this VERSION in its title line (installed, packaged)
$(B)/man/mailaudit.1: mailaudit.1 Makefile
	@mkdir -p $(@D)
	$(call quiet,GEN,$@)sed '/^\.TH /s/"mailaudit [^"]*"/"mailaudit $(VERSION)"/' $< > $@

# Each tests/unit/*.c file exports "Suite *NAME_suite(void)"; the list of
# suites is generated so adding a file is all it takes.
$(B)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(@D)
	$(call quiet,GEN,$@)sed -n 's/^\(\w*_suite\)(void)$$/SUITE(\1)/p' $(filter-out tests/unit/run_unit.c,$^) > $@.tmp
	$(Q)mv $@.tmp $@

$(B)/tests/unit/run_unit.o: $(B)/tests/unit/suites.h
$(B)/tests/unit/run_unit.o: CFLAGS += -I$(B)/tests/unit

$(B)/run_unit: $(UNIT_OBJ) $(HELLO_PARSE_OBJ) $(B)/libmailaudit.a
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

$(B)/run_integration: $(INT_OBJ) $(B)/libmailaudit.a
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

# the bench's latency relay (issue #13), a test tool like the servers
$(B)/bench/delay_proxy: tests/bench/delay_proxy.c
	@mkdir -p $(@D)
	$(call quiet,CCLD,$@)$(CC) $(CFLAGS) -o $@ $<

$(B)/servers/%: tests/servers/%.c tests/servers/daemon.c tests/servers/daemon.h
	@mkdir -p $(@D)
	$(call quiet,CCLD,$@)$(CC) $(CFLAGS) -o $@ $< tests/servers/daemon.c $(LDLIBS)

# the TLS stub uses the wire layer's tables and the ClientHello parser
$(B)/servers/tls_stub_server: tests/servers/tls_stub_server.c \
		tests/servers/daemon.c tests/servers/daemon.h \
		$(HELLO_PARSE_OBJ) $(B)/libmailaudit.a
	@mkdir -p $(@D)
	$(call quiet,CCLD,$@)$(CC) $(CFLAGS) -o $@ $< tests/servers/daemon.c $(HELLO_PARSE_OBJ) \
		$(B)/libmailaudit.a $(LDLIBS)

deps:
	@tests/install-deps.sh

unit: $(B)/run_unit
	$(call quiet,TEST,$(B)/run_unit)$(B)/run_unit

integration: all
	$(call quiet,TEST,tests/integration/run.sh)tests/integration/run.sh $(B)

check: deps
	$(Q)$(MAKE) all
	$(Q)$(MAKE) quiet-build
	$(Q)$(MAKE) completion
	$(Q)$(MAKE) unit
	$(Q)$(MAKE) fuzz-replay
	$(Q)$(MAKE) integration
	$(Q)$(MAKE) hostile
	$(Q)$(MAKE) shard
	$(Q)$(MAKE) formats
	$(Q)$(MAKE) dns
	$(Q)$(MAKE) tls-extras
	$(Q)$(MAKE) aia
	$(Q)$(MAKE) output
	$(Q)$(MAKE) same-json

# The quiet build: CC/AR/LD lines, V=1 commands, diagnostics shown (one
# touched file rebuilt)
quiet-build:
	$(call quiet,TEST,tests/build/quiet.sh)tests/build/quiet.sh $(B)

# The bash completion script, driven through COMP_WORDS in bash
completion: $(B)/completion/mailaudit
	$(call quiet,TEST,tests/build/completion.sh)tests/build/completion.sh $(B)

# The house rebuild (issue #11) changes no behaviour: fixture-fleet scans
# by this tree and by SAME_JSON_BASE (the last commit before it) give the
# same JSON, timings aside, and the same rendered reports.
SAME_JSON_BASE ?= 4835fd8
same-json: all
	$(call quiet,TEST,tests/integration/same_json.sh)tests/integration/same_json.sh $(B) $(SAME_JSON_BASE)

# -o never replaces what it writes to: FIFO, symlink, mode, a full tmpfs
# (root), a closed pipe, for scan, report, merge and diff
output: all
	$(call quiet,TEST,tests/integration/output.sh)tests/integration/output.sh $(B)

# --external DNS checks: NSD serving a DNSSEC-signed test zone on
# 127.0.0.201:5301, a fake IMAPS server on 127.0.0.202 (needs nsd,
# ldnsutils; root for port 993)
dns: all
	$(call quiet,TEST,tests/integration/dns.sh)tests/integration/dns.sh $(B)

# TLS-CLIENT-RENEGOTIATION and TLS-0RTT-ACCEPTED against fake servers on
# 127.0.0.220-229 (root for the standard ports)
tls-extras: all
	$(call quiet,TEST,tests/integration/tls_extras.sh)tests/integration/tls_extras.sh $(B)

# Incomplete chains and --fetch-aia (issue #12): leaves served alone on
# 127.0.0.230-245, the intermediate over HTTP on 127.0.0.246:8080
aia: all
	$(call quiet,TEST,tests/integration/aia.sh)tests/integration/aia.sh $(B)

# Every report format from a real scan of the fixture fleet, checked
# against reports/schema/ (JSON, JSON Lines, diff, SARIF subset), parsed
# as XML (JUnit) and HTML. Needs python3-jsonschema.
# Hostile servers (issue #7): expectations, one scan of all under valgrind
hostile: all
	$(call quiet,TEST,tests/integration/hostile.sh)tests/integration/hostile.sh $(B)

# --shard K/N with GNU parallel, merged, equals an unsharded scan
shard: all
	$(call quiet,TEST,tests/integration/shard.sh)tests/integration/shard.sh $(B)

formats: all
	$(call quiet,TEST,tests/formats/validate.sh)tests/formats/validate.sh $(B)
	$(call quiet,TEST,tests/formats/html_render.sh)tests/formats/html_render.sh $(B)

asan: deps
	$(call quiet,MAKE,build/asan)$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" all
	$(call quiet,TEST,build/asan/run_unit)CK_FORK=no ASAN_OPTIONS=detect_leaks=1 build/asan/run_unit
	$(call quiet,TEST,tests/integration/run.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/run.sh build/asan
	$(call quiet,TEST,tests/integration/hostile.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/hostile.sh build/asan
	$(call quiet,TEST,tests/formats/validate.sh)ASAN_OPTIONS=detect_leaks=1 tests/formats/validate.sh build/asan
	$(call quiet,TEST,tests/integration/dns.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/dns.sh build/asan
	$(call quiet,TEST,tests/integration/tls_extras.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/tls_extras.sh build/asan
	$(call quiet,TEST,tests/integration/aia.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/aia.sh build/asan
	$(call quiet,TEST,tests/integration/output.sh)ASAN_OPTIONS=detect_leaks=1 tests/integration/output.sh build/asan

demo: deps
	$(Q)$(MAKE) all
	$(call quiet,TEST,tests/demo.sh)tests/demo.sh $(B)

FORMAT_SRC = $(sort $(shell find scanner probes reports tests -name '*.[ch]'))

format:
	$(call quiet,FORMAT,$(words $(FORMAT_SRC)) files)clang-format -i $(FORMAT_SRC)

format-check:
	$(call quiet,FORMAT,$(words $(FORMAT_SRC)) files)clang-format --dry-run --Werror $(FORMAT_SRC)

lint: $(B)/tests/unit/suites.h
	@tests/install-deps.sh --dev
	$(call quiet,TEST,tests/lint.sh)tests/lint.sh $(B)

# Scale benchmark, not a test (root; bounded at 15 min): one Dovecot on N
# loopback addresses x 4 ports, mailaudit vs nmap and sslscan. Results in
# build/bench/results.txt. BENCH_ARGS e.g. "--n 250 --big 0 --skip-peers".
bench: deps
	$(Q)$(MAKE) $(B)/mailaudit $(B)/bench/delay_proxy
	$(call quiet,TEST,tests/bench/run.sh)BUILD_DIR=$(B) tests/bench/run.sh $(BENCH_ARGS)

install: $(B)/mailaudit $(B)/man/mailaudit.1 $(B)/completion/mailaudit
	$(call quiet,INSTALL,$(DESTDIR)$(PREFIX))install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 0755 $(B)/mailaudit $(DESTDIR)$(PREFIX)/bin/mailaudit
	$(Q)install -m 0644 $(B)/man/mailaudit.1 $(DESTDIR)$(PREFIX)/share/man/man1/mailaudit.1
	$(Q)install -m 0644 $(B)/completion/mailaudit \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mailaudit

# Debian package (issue #14): dpkg-buildpackage with debian/ in a copy of
# the tree under build/deb/src (it writes next to the tree it builds),
# debian/changelog written there from VERSION; the .deb is copied to
# build/. deb-test builds it, runs lintian, installs it with dpkg -i,
# checks it and removes it (dpkg -r): only the mailaudit package.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = build/mailaudit_$(VERSION)_$(DEB_ARCH).deb
DEB_LOG  = $(if $(filter 1,$(V)),,> ../build.log 2>&1 || { tail -n 40 ../build.log; \
	echo "make deb: dpkg-buildpackage failed (log: build/deb/build.log)"; exit 1; })

deb:
	@tests/install-deps.sh --deb
	$(call quiet,COPY,build/deb/src)rm -rf build/deb && mkdir -p build/deb/src && \
		tar -cf - --exclude=./build --exclude=./.git --exclude=./mailaudit . | \
		tar -xf - -C build/deb/src
	$(call quiet,GEN,build/deb/src/debian/changelog)tests/deb/changelog.sh $(VERSION) \
		> build/deb/src/debian/changelog
	$(call quiet,DPKG,$(DEB_FILE))cd build/deb/src && DEB_BUILD_OPTIONS="parallel=2 $$DEB_BUILD_OPTIONS" \
		dpkg-buildpackage -us -uc $(DEB_LOG)
	$(Q)cp build/deb/mailaudit_$(VERSION)_$(DEB_ARCH).deb $(DEB_FILE)

deb-test: deb
	$(call quiet,TEST,tests/deb/deb_test.sh)tests/deb/deb_test.sh $(VERSION) $(DEB_FILE) \
		build/deb/mailaudit_$(VERSION)_$(DEB_ARCH).changes

clean:
	$(call quiet,CLEAN,build)rm -rf build mailaudit

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(INT_OBJ:.o=.d) $(B)/scanner/main.d \
	$(HELLO_PARSE_OBJ:.o=.d)

# libFuzzer harnesses (tests/fuzz/); replayed by `make check` through run_unit.
-include tests/fuzz/fuzz.mk
