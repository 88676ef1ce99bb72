"""Sends webhook deliveries with the standard library's http.client, SSRF-safe.

The host is resolved once per attempt; every address is checked (domain/webhooks.py) and the
connection goes to one of those very addresses, so a DNS answer that changes between the
check and the connection (rebinding) cannot send the request elsewhere. TLS still verifies
the certificate against the host name (SNI). Redirects are not followed (http.client never
does; a 3xx is a failed attempt), timeouts are short, and only a short excerpt of the
response body is read and kept.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl

from elcorp.governance.domain.webhooks import AttemptOutcome, TargetUrl, error_text, refuse_addresses

EXCERPT_BYTES = 512


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with SNI and certificate checks for the real host name."""

    def __init__(self, address: str, server_name: str, port: int, timeout: float, context: ssl.SSLContext):
        super().__init__(address, port, timeout=timeout, context=context)
        self._server_name = server_name
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self._server_name)


class HttpWebhookSender:
    def __init__(self, *, allow_private: bool, timeout_seconds: float = 10.0) -> None:
        self._allow_private = allow_private
        self._timeout = timeout_seconds
        self._tls = ssl.create_default_context()

    def resolve(self, target: TargetUrl) -> list[str]:
        try:
            infos = socket.getaddrinfo(target.host.strip("[]"), target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        seen: list[str] = []
        for info in infos:
            address = str(info[4][0]).split("%", 1)[0]
            if address not in seen:
                seen.append(address)
        return seen

    def check(self, target: TargetUrl) -> list[str]:
        addresses = self.resolve(target)
        refuse_addresses((ipaddress.ip_address(a) for a in addresses), allow_private=self._allow_private)
        return addresses

    def send(
        self, target: TargetUrl, addresses: list[str], headers: dict[str, str], body: str
    ) -> AttemptOutcome:
        last_error = "no address to connect to"
        for address in addresses:
            connection = self._connection(target, address)
            try:
                host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
                connection.putrequest("POST", target.target, skip_host=True, skip_accept_encoding=True)
                connection.putheader("Host", host_header)
                encoded = body.encode()
                for name, value in {**headers, "Content-Length": str(len(encoded))}.items():
                    connection.putheader(name, value)
                connection.endheaders(encoded)
                response = connection.getresponse()
                excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
                return AttemptOutcome(
                    response.status,
                    None if 200 <= response.status < 300 else f"HTTP {response.status}",
                    excerpt or None,
                )
            except (OSError, http.client.HTTPException) as exc:
                last_error = error_text(f"{type(exc).__name__}: {exc}")
            finally:
                connection.close()
        return AttemptOutcome(None, error=last_error)

    def _connection(self, target: TargetUrl, address: str) -> http.client.HTTPConnection:
        if target.scheme == "https":
            return _PinnedHTTPSConnection(address, target.host, target.port, self._timeout, self._tls)
        return http.client.HTTPConnection(address, target.port, timeout=self._timeout)
