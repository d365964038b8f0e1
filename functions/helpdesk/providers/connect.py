"""Amazon Connect: an outbound call to a customer who asked to be called back
(``StartOutboundVoiceContact``), placed through the instance's callback flow
from its number or queue. Implements ``channels.phone.callbacks.CallbackDialer``."""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from helpdesk.channels.phone.callbacks import DialerUnavailable
from helpdesk.settings import PhoneSettings


class ConnectDialer:
    def __init__(self, client: Any, settings: PhoneSettings) -> None:
        self._connect = client
        self._settings = settings

    def start_callback(self, number: str, request_id: str, attributes: dict[str, str]) -> str:
        settings = self._settings
        request: dict[str, Any] = {
            "InstanceId": settings.connect_instance_id,
            "ContactFlowId": settings.callback_flow_id,
            "DestinationPhoneNumber": number,
            "ClientToken": request_id[:500],
            "Attributes": attributes,
            "Name": "Atiende callback",
        }
        if settings.callback_source_number:
            request["SourcePhoneNumber"] = settings.callback_source_number
        if settings.callback_queue_id:
            request["QueueId"] = settings.callback_queue_id
        try:
            answer = self._connect.start_outbound_voice_contact(**request)
        except (ClientError, BotoCoreError) as exc:
            code = exc.response["Error"]["Code"] if isinstance(exc, ClientError) else type(exc).__name__
            raise DialerUnavailable(code) from exc
        return str(answer["ContactId"])
