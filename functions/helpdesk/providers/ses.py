"""Amazon SES: sends raw MIME we composed (SendRawEmail keeps our headers)."""

from typing import Any


class SesMailer:
    def __init__(self, client: Any) -> None:
        self._ses = client

    def send(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> str:
        """Send; returns SES's message id. Raises botocore's ClientError on refusal."""
        response = self._ses.send_raw_email(Source=sender, Destinations=list(recipients), RawMessage={"Data": raw})
        return str(response["MessageId"])
