"""Verifies the DKIM signature of the message on stdin with dkimpy (Debian's python3-dkim),
asking the DNS server on 127.0.0.1:<port> for the key. Prints pass or fail; exit code 0 or 1."""
import sys

import dkim
import dns.resolver

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = int(sys.argv[1])


def dnsfunc(name, timeout=5):
    try:
        answer = resolver.resolve(name.decode("ascii").rstrip("."), "TXT", lifetime=timeout)
    except Exception:
        return None
    return b"".join(answer[0].strings)


ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=dnsfunc)
print("pass" if ok else "fail")
sys.exit(0 if ok else 1)
