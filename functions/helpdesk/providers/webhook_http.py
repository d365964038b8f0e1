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


class _PinnedHttp(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHttps(http.client.HTTPSConnection):
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
        kind = _PinnedHttps if target.scheme == "https" else _PinnedHttp
        connection = kind(target.host, target.port, target.addresses[0], timeout)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(1024)  # the start of the answer only; its content is the receiver's
            return response.status
        except TimeoutError as exc:
            raise Unreachable(f"no answer within {timeout:g} s") from exc
        except ssl.SSLError as exc:
            raise Unreachable(f"TLS failed: {exc.reason or 'handshake'}") from exc
        except ConnectionRefusedError as exc:
            raise Unreachable("connection refused") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise Unreachable(f"connection failed: {type(exc).__name__}") from exc
        finally:
            connection.close()
