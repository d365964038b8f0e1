"""Real event samples, one JSON file each, loaded by name (as Powertools' own
tests do). Where each shape comes from:

- ``ses_receipt_lambda_action.json``, ``s3_object_created_through_sqs.json``:
  Powertools for AWS Lambda (Python)'s ``tests/events`` (MIT-0), as AWS documents
  an SES receipt rule's Lambda action and an S3 notification delivered by SQS;
- ``whatsapp_webhook_text_message.json``: a customer's text message as Meta's
  WhatsApp Cloud API webhook reference shows it;
- ``api_gateway_whatsapp_post.json``, ``api_gateway_whatsapp_verification.json``:
  API Gateway's REST proxy event (payload format 1.0) carrying Meta's delivery
  of that webhook, and Meta's subscription check; the signature headers are
  placeholders a test replaces with its own HMAC;
- ``sns_social_messaging_whatsapp.json``: the same entry as AWS End User
  Messaging Social publishes it to SNS (its documented event header, the entry
  as a JSON string in ``whatsAppWebhookEntry``), delivered to Lambda by SNS;
- ``meta_messenger_webhook.json``, ``meta_messenger_receipts.json``,
  ``meta_instagram_webhook.json``: Meta's Messenger Platform webhook events as
  its webhook reference describes them (``entry[].messaging[]``: messages with
  quick replies and attachments, postbacks, reactions, echoes, unsupported
  messages; deliveries with ``mids`` and ``watermark``; Messenger's read
  watermark; Instagram's story replies, story mentions and read ``mid``);
  ``CDN/…`` stands for Meta's attachment links (tests point it at their CDN);
- ``meta_send_api_response.json``, ``meta_send_api_outside_window.json``: the
  Send API's answer to a reply (``recipient_id``, ``message_id``) and its
  refusal outside the messaging window (code 10, subcode 2018278).
- ``connect_contact_event_*.json``: one inbound call's Amazon Connect contact
  events as EventBridge delivers them (INITIATED, CONNECTED_TO_SYSTEM, QUEUED,
  CONNECTED_TO_AGENT, DISCONNECTED, COMPLETED; and a chat's INITIATED), their
  fields as Connect's contact events data model documents them, the values ours;
- ``connect_contact_flow_event.json``: the ``ContactFlowEvent`` a contact flow's
  "Invoke AWS Lambda function" block sends, as Connect's administrator guide
  documents it (``Details.ContactData``, ``Details.Parameters``);
- ``connect_start_outbound_voice_contact.json``: the request and answer of
  Connect's ``StartOutboundVoiceContact`` as its API reference documents them;
- ``s3_voicemail_transcript_created.json``: S3's ObjectCreated notification for
  a voicemail's transcript, delivered by SQS; ``transcribe_voicemail_transcript.json``:
  that transcript as Amazon Transcribe writes its output (``jobName``,
  ``results.transcripts``, ``results.items``).
"""

import json
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent


def load_event(name: str) -> dict[str, Any]:
    """The sample ``name`` (with or without ``.json``), fresh for each call."""
    path = FOLDER / (name if name.endswith(".json") else f"{name}.json")
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return event
