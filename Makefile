# ckpt: top-level build.  `make` builds criu-lite/ckpt, installing missing
# build dependencies with apt-get first (or naming them when it cannot).

PREFIX ?= /usr/local
DEB_BUILD_DEPS = gcc make pkg-config protobuf-c-compiler libprotobuf-c-dev \
		 libcap-dev libnl-3-dev libnl-route-3-dev libnftables-dev libxxhash-dev libzstd-dev \
		 liblz4-dev
DEB_TEST_DEPS  = python3 python3-torch strace
# for the fuzz part of make test, which is skipped (and says so) without them
DEB_FUZZ_DEPS  = clang libclang-rt-14-dev

.PHONY: all deps test-deps ckpt test unit demo bench install clean

all: ckpt

deps:
	@scripts/install-deps.sh $(DEB_BUILD_DEPS)

test-deps: deps
	@scripts/install-deps.sh $(DEB_TEST_DEPS)
	@scripts/install-deps.sh $(DEB_FUZZ_DEPS) || echo "fuzzing will be skipped"


ckpt: deps
	@$(MAKE) -s -C criu-lite PREFIX=$(PREFIX)

unit: ckpt
	@$(MAKE) -s -C test/unit run

test: test-deps ckpt
	@scripts/run-tests.sh

demo: ckpt
	@scripts/demo.sh

bench: test-deps ckpt
	@$(MAKE) -s -C test/bench run

install: ckpt
	install -D -m 0755 criu-lite/ckpt $(DESTDIR)$(PREFIX)/bin/ckpt
	install -D -m 0644 Documentation/ckpt.1 $(DESTDIR)$(PREFIX)/share/man/man1/ckpt.1
	install -D -m 0644 criu-lite/include/ckpt-plugin.h $(DESTDIR)$(PREFIX)/include/ckpt-plugin.h
	install -d -m 0755 $(DESTDIR)$(PREFIX)/lib/ckpt/plugins

clean:
	@$(MAKE) -s -C criu-lite clean
	-@$(MAKE) -s -C test clean
