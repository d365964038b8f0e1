"""The outbound HTTP call of outgoing webhooks (``helpdesk.webhooks.delivery.Poster``).

The host is resolved by ``resolve``; the delivery then connects to one of the
addresses that were checked (not to the name again: a name cannot be
re-pointed at a private address between the check and the call), with TLS
verified against the host's name. A short timeout bounds the whole call, and
redirects are never followed: a 3xx is a failed delivery like any non-2xx.
Only the status code is read; the receiver's body is not kept.
"""

import http.client
import socket
import ssl
from collections.abc import Sequence

from helpdesk.webhooks.addresses import Target
from helpdesk.webhooks.delivery import Unreachable


class PinnedHttp(http.client.HTTPConnection):
    """A connection to one checked address, asking for the host by name (also
    what ``meta_graph`` fetches customers' files with)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHttps(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class WebhookHttp:
    """POSTs signed deliveries; resolves hosts for the address checks."""

    def resolve(self, host: str, port: int) -> Sequence[str]:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return ()
        return tuple(str(info[4][0]) for info in found)

    def post(self, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
        kind = PinnedHttps if target.scheme == "https" else PinnedHttp
        unreachable = Unreachable("no address")
        for address in target.addresses:  # the checked ones only, in the resolver's order
            connection = kind(target.host, target.port, address, timeout)
            try:
                try:
                    connection.connect()
                except ssl.SSLError:
                    raise
                except OSError as exc:  # e.g. localhost's ::1 when the receiver listens on 127.0.0.1 only
                    unreachable = _unreachable(exc, timeout)
                    continue
                return self._send(connection, target.path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                raise _unreachable(exc, timeout) from exc
            finally:
                connection.close()
        raise unreachable

    @staticmethod
    def _send(connection: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]) -> int:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(1024)  # the start of the answer only; its content is the receiver's
        return response.status


def _unreachable(exc: Exception, timeout: float) -> Unreachable:
    """How a failed call is told in the delivery log (never the receiver's own words)."""
    if isinstance(exc, TimeoutError):
        return Unreachable(f"no answer within {timeout:g} s")
    if isinstance(exc, ssl.SSLError):
        return Unreachable(f"TLS failed: {exc.reason or 'handshake'}")
    if isinstance(exc, ConnectionRefusedError):
        return Unreachable("connection refused")
    return Unreachable(f"connection failed: {type(exc).__name__}")
