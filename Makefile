# salesintel: see README.md.  `make`, `make check`, `make install`, `make demo`.
.SUFFIXES:
.SECONDARY:
MAKEFLAGS += --no-print-directory

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/salesintel
DESTDIR ?=
VERSION := 1.0.0

# SAN=1 builds everything with AddressSanitizer and UBSan into build-san/.
B := build$(if $(SAN),-san)
SANFLAGS_ON := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SANFLAGS := $(if $(SAN),$(SANFLAGS_ON))

PKGS := libcurl libcjson sqlite3 openssl libidn2 libpsl zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSI_VERSION='"$(VERSION)"' -Ilib -I$(B)/gen $(WARN) $(PKG_CFLAGS) \
	$(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS = -Wl,--as-needed $(PKG_LIBS) -lm -lpthread

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
LIBA := $(B)/libsalesintel.a
TOOLS := $(sort $(notdir $(basename $(wildcard tools/*.c))))
TOOL_BIN := $(TOOLS:%=$(B)/bin/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FAKE_SRC := $(sort $(wildcard tests/fake-api/*.c))
FAKE_BIN := $(if $(FAKE_SRC),$(B)/bin/fake-api)

all: $(TOOL_BIN) $(FAKE_BIN) generated

# Other makefile fragments (generated files, fuzzing, bench) add rules here.
include $(sort $(wildcard mk/*.mk))

$(B)/%.o: %.c $(wildcard lib/*.h) $(wildcard tests/fake-api/*.h) $(GEN_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/bin/%: $(B)/tools/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

$(B)/bin/fake-api: $(FAKE_SRC:%.c=$(B)/%.o) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(FAKE_SRC:%.c=$(B)/%.o) $(LIBA) $(LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LIBS) $(CHECK_LIBS)

tests: all $(UNIT_BIN)

# One pass of the whole suite in this build mode.
test: tests
	B=$(B) sh tests/run.sh $(T)

# The whole test suite: the normal build, a short fuzz, the sanitizer build
# (last, so its count is the closing line).
check:
	$(MAKE) test
	$(MAKE) fuzz-smoke
	$(MAKE) SAN=1 test

demo: all
	B=$(B) sh pipelines/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)
	cp $(TOOL_BIN) $(DESTDIR)$(BINDIR)/
	for f in man/*.[157]; do \
		s=$${f##*.}; cp "$$f" $(DESTDIR)$(MANDIR)/man$$s/; done
	cp -R schema pipelines queries $(DESTDIR)$(SHAREDIR)/

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests test check demo install clean generated fuzz fuzz-smoke bench
