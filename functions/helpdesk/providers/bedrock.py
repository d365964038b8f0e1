"""The assistant's ``Phrasing`` (``assistant.answers``) through Amazon Bedrock
Runtime's Converse API: one system prompt, one user message, no tools, no
history. The client is built on the first answer (``connections`` hands a
builder): a deployment that never phrases never imports Bedrock's client.

Any failure (throttling, access denied, a timeout, an answer cut at the token
limit or filtered) is ``PhrasingFailed`` with its code only: the customer's
words and the model's never reach a log from here.
"""

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from helpdesk.assistant.answers import PhrasingFailed

# Why the model stopped, when its answer is whole
_FINISHED = ("end_turn", "stop_sequence")


class BedrockConverse:
    def __init__(self, client: Callable[[], Any], model_id: str, max_tokens: int, temperature: float) -> None:
        self.client = client
        self.model_id = model_id
        self.max_tokens = max_tokens
        self.temperature = temperature

    def phrase(self, system: str, user: str) -> str:
        try:
            answer = self.client().converse(
                modelId=self.model_id,
                system=[{"text": system}],
                messages=[{"role": "user", "content": [{"text": user}]}],
                inferenceConfig={"maxTokens": self.max_tokens, "temperature": self.temperature},
            )
        except ClientError as error:
            raise PhrasingFailed(str(error.response.get("Error", {}).get("Code", "ClientError"))) from None
        except BotoCoreError as error:  # a timeout, a connection that failed
            raise PhrasingFailed(type(error).__name__) from None
        stop = str(answer.get("stopReason", ""))
        if stop not in _FINISHED:
            raise PhrasingFailed(stop or "no_stop_reason")
        blocks = answer.get("output", {}).get("message", {}).get("content", [])
        return "".join(str(block["text"]) for block in blocks if "text" in block)
