#!/usr/bin/env bash
# Installs the Debian packages tern needs to build and test, only those that are
# missing; runs `apt-get update` only when something must be installed.
# Usage: scripts/deps.sh [build|test|bench|fuzz]
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake ninja-build pkg-config ccache node-llhttp libgtest-dev googletest curl
      python3 libpcre2-dev zlib1g-dev libssl-dev libcrypt-dev liburing-dev)
case "$what" in
  # chromium: tests/integration/status_test.cpp renders server-status in a headless browser.
  # apache2-bin: tests/integration/apache_harness.h runs Debian's httpd + mod_cgid as the
  # reference tern's CGI responses are compared with. apache2: Debian's /etc/apache2 tree,
  # which tests/integration/debian_tree_test.cpp copies and loads unmodified (its service
  # is not started: policy-rc.d below).
  # ssl-cert: the snakeoil certificate Debian's default-ssl.conf names (debian_tree_test).
  test) pkgs+=(wrk apache2-utils apache2-bin apache2 nghttp2-client clang-format chromium
               ssl-cert) ;;
  # Peers for bench/run.sh. apache2-bin, not apache2: the benchmark runs httpd from its
  # own config, and apache2-bin carries the binary and modules but no system service.
  # slowhttptest: the attack part's slowloris, slow body and slow read.
  # testssl.sh: the TLS report on tern's defaults; openssl: the tls part's certificates and s_time.
  bench) pkgs+=(wrk apache2-utils nginx-light h2o lighttpd apache2-bin util-linux procps valgrind binutils
                slowhttptest testssl.sh openssl) ;;
  # make fuzz / fuzz-smoke: clang, and libFuzzer's runtime (with clang's ASan/UBSan runtimes
  # and FuzzedDataProvider.h), which Debian 12 ships in libclang-rt-14-dev (clang only
  # recommends it).
  fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# ssl-cert's postinst makes the snakeoil pair, but not where that failed (no hostname while
# the image was built): make it then.
snakeoil() {
  [ "$what" = test ] && [ ! -e /etc/ssl/certs/ssl-cert-snakeoil.pem ] && [ "$(id -u)" -eq 0 ] &&
    make-ssl-cert generate-default-snakeoil
  return 0
}
[ ${#missing[@]} -eq 0 ] && { snakeoil; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
# Peers installed for benchmarks must not start system services on port 80.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q "${missing[@]}" || { apt-get update -q && apt-get install -y -q "${missing[@]}"; }
snakeoil
