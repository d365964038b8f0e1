"""API Gateway's Management API for the WebSocket API: post to one connection.

In AWS the endpoint is the API's stage (``https://{api}.execute-api.{region}
.amazonaws.com/{stage}``); the local stack serves the same protocol
(``POST {endpoint}/@connections/{id}``) in front of its WebSocket server.
A connection that is gone answers 410 GoneException: ``post`` says False.
"""

from typing import Any

from botocore.exceptions import ClientError


class ManagementApiPoster:
    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, connection_id: str, body: bytes) -> bool:
        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=body)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GoneException":
                return False
            raise
        return True
