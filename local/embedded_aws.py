"""moto's server, in this process, on 127.0.0.1: the local stack's AWS.

Step Functions executions run for real (moto's interpreter); their service
tasks (DynamoDB, SQS) call back into this server, found through ``MOTO_PORT``.
"""

import contextlib
import os
from collections.abc import Callable
from threading import Thread
from typing import Any

import requests
from moto.core.config import default_user_config
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from local import cognito_mail, cognito_revocation
from local.atomic_moto import AtomicRequests


class EmbeddedAWS:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 4566, on_change: Callable[[str], None] | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.on_change = on_change  # after each request that may have changed something: its service
        self._server: BaseWSGIServer | None = None
        self._thread: Thread | None = None
        self._moto_config: Any = None  # moto's Step Functions setting before this started

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "EmbeddedAWS":
        cognito_mail.install()  # what Cognito would e-mail goes to the outbox
        cognito_revocation.install()  # RevokeToken, which moto lacks
        app = AtomicRequests(DomainDispatcherApplication(create_backend_app), self.on_change)
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self._moto_config = default_user_config.get("stepfunctions")
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        os.environ["MOTO_PORT"] = str(self.port)
        self._thread = Thread(target=self._server.serve_forever, name="embedded-aws", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and forget every resource: moto keeps its backends per
        process, so the next EmbeddedAWS in this process starts empty."""
        if self._server is not None:
            with contextlib.suppress(requests.RequestException):
                requests.post(f"{self.url}/moto-api/reset", timeout=10)
            cognito_mail.forget_sent_mail()
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._moto_config is not None:  # moto's setting is the whole process's: give it back
            default_user_config["stepfunctions"] = self._moto_config
            self._moto_config = None
