# libFuzzer harnesses (included from the Makefile).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_NAMES="session target"]
#       builds every tests/fuzz/fuzz_NAME.c with clang and
#       -fsanitize=fuzzer,address,undefined against the library sources
#       (compiled again into build/fuzz/obj, never the release objects) and
#       runs each for FUZZ_SECONDS on build/fuzz/corpus/NAME, seeded from
#       fixtures/fuzz/NAME/seeds, with fixtures/fuzz/NAME.dict if present.
#       Crash inputs go to build/fuzz/artifacts/NAME/, logs to
#       build/fuzz/logs/NAME.log. Fails if any harness crashed. `make -j2
#       fuzz` runs two harnesses at a time.
#   make fuzz-replay
#       builds each harness with $(CC) $(CFLAGS) and tests/fuzz/replay_main.c
#       into $(B)/fuzz-replay/NAME and replays fixtures/fuzz/NAME/seeds and
#       fixtures/fuzz/NAME/repro (no libFuzzer, no clang needed).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# per-input limit; a timeout that does not reproduce is reported as flaky
FUZZ_TIMEOUT ?= 30
FUZZ_DIR     ?= build/fuzz
# extra libFuzzer flags, e.g. FUZZ_FLAGS=-jobs=2 or -max_len=65536
FUZZ_FLAGS   ?=
FUZZ_NAMES   ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
# No -Werror here: warnings are the release build's and lint's business,
# and a clang-only warning must not stop a fuzzing run.
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
                $(WARN) -MMD -MP -I. -DMAILAUDIT_VERSION='"$(VERSION)"' \
                $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-replay $(FUZZ_NAMES:%=fuzz-run-%)

# Library code: coverage instrumentation without libFuzzer's main().
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(call quiet,LD,$@)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS)

# the tlshello harness also reads its input as a ClientHello, with the
# test servers' parser
$(FUZZ_DIR)/fuzz_tlshello: $(FUZZ_DIR)/obj/tests/servers/hello_parse.o

fuzz-build: $(FUZZ_BINS)

# objects are built through pattern chains: keep them (not intermediate)
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_DIR)/obj/tests/servers/hello_parse.o \
	$(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o) \
	$(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%.o) $(B)/tests/fuzz/replay_main.o

# One run per harness (tests/fuzz/run-fuzzer.sh). A run never fails make
# by itself, so -j and the other harnesses carry on; it leaves its verdict
# in $(FUZZ_DIR)/status/NAME, which the fuzz target collects.
$(FUZZ_NAMES:%=fuzz-run-%): fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	$(call quiet,FUZZ,$*)FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) tests/fuzz/run-fuzzer.sh $* \
		$(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ_FLAGS)

fuzz: $(FUZZ_NAMES:%=fuzz-run-%)
	@echo; echo "fuzz summary ($(FUZZ_SECONDS)s per harness):"
	@fail=0; for n in $(FUZZ_NAMES); do \
		if [ -f $(FUZZ_DIR)/status/$$n ]; then \
			sed 's/^/  /' $(FUZZ_DIR)/status/$$n; \
			grep -q ' CRASH ' $(FUZZ_DIR)/status/$$n && fail=1; \
		else \
			echo "  $$n: no result"; fail=1; \
		fi; \
	done; \
	if [ $$fail -ne 0 ]; then \
		echo "fuzz: FAILED. Copy each reproducer into" \
			"fixtures/fuzz/NAME/repro/ so that 'make fuzz-replay'" \
			"keeps replaying it, then fix the bug."; \
		exit 1; \
	fi; \
	echo "fuzz: no crashes"

# --- replay with the ordinary compiler ---------------------------------

FUZZ_REPLAY_BINS := $(FUZZ_NAMES:%=$(B)/fuzz-replay/%)

# objects first: an extra object (below) may need the archive's members
$(B)/fuzz-replay/%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_main.o \
		$(B)/libmailaudit.a
	@mkdir -p $(@D)
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

$(B)/fuzz-replay/tlshello: $(B)/tests/servers/hello_parse.o

fuzz-replay: $(FUZZ_REPLAY_BINS)
	@fail=""; for n in $(FUZZ_NAMES); do \
		if $(B)/fuzz-replay/$$n fixtures/fuzz/$$n/seeds \
			fixtures/fuzz/$$n/repro 2>$(B)/fuzz-replay/$$n.log; then :; \
		else \
			tail -n 25 $(B)/fuzz-replay/$$n.log; \
			echo "fuzz-replay: $$n FAILED on the last input above" \
				"(log: $(B)/fuzz-replay/$$n.log)"; \
			fail="$$fail $$n"; \
		fi; \
	done; \
	if [ -n "$$fail" ]; then echo "fuzz-replay: failed:$$fail"; exit 1; fi

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.d) \
	$(FUZZ_DIR)/obj/tests/servers/hello_parse.d
-include $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%.d) $(B)/tests/fuzz/replay_main.d
