#!/usr/bin/env bash
# Installs the Debian packages the tests drive as real peers, when they are missing:
# Chromium for Playwright (never `playwright install`: there is no internet), swaks as an SMTP client,
# and dkimpy (python3-dkim with dnspython) as an independent DKIM verifier of outbound mail.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v swaks >/dev/null || missing+=(swaks)
/usr/bin/python3 -c 'import dkim, dns.resolver' 2>/dev/null || missing+=(python3-dkim python3-dnspython)
# Operations tests (deploy/, server/metrics/, db/tls): real nginx, Prometheus and promtool, openssl for test CAs.
command -v nginx >/dev/null || missing+=(nginx)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v promtool >/dev/null || missing+=(prometheus)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
