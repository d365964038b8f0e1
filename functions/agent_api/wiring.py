"""The one place the agent API builds its store and provider adapters.

Each is built on first use and kept for the life of the process (a Lambda
container, or the local server), never at import: ``/health`` and the OpenAPI
document cost no client. Routes ask for them by calling these functions;
tests drop them between stacks through each function's ``cache_clear``.
"""

import functools
from typing import TYPE_CHECKING

from helpdesk.channels.outbound import OutboundQueue, SqsOutboundQueue
from helpdesk.providers.cognito import CognitoDirectory
from helpdesk.providers.files import S3FileStore
from helpdesk.settings import auth_settings, outbound_settings, store_settings
from helpdesk.store import HelpdeskStore

if TYPE_CHECKING:
    from helpdesk.admin.dead_letters import SqsDeadLetters
    from helpdesk.providers.step_functions import StepFunctionsFlows


@functools.lru_cache(maxsize=1)
def store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


@functools.lru_cache(maxsize=1)
def outbound_queue() -> OutboundQueue:
    import boto3

    client = boto3.client("sqs", region_name=store_settings().region)
    return SqsOutboundQueue(client, outbound_settings().outbound_queue_url)


@functools.lru_cache(maxsize=1)
def directory() -> CognitoDirectory:
    import boto3

    settings = auth_settings()
    client = boto3.client("cognito-idp", region_name=settings.region, endpoint_url=settings.endpoint_override)
    return CognitoDirectory(client, settings.user_pool_id)


@functools.lru_cache(maxsize=1)
def file_store() -> S3FileStore:
    import boto3

    return S3FileStore(boto3.client("s3", region_name=store_settings().region))


@functools.lru_cache(maxsize=1)
def flows() -> "StepFunctionsFlows":
    import boto3

    from helpdesk.providers.step_functions import StepFunctionsFlows

    return StepFunctionsFlows(boto3.client("stepfunctions", region_name=store_settings().region))


@functools.lru_cache(maxsize=1)
def dead_letter_queues() -> "SqsDeadLetters":
    import boto3

    from helpdesk.admin.dead_letters import SqsDeadLetters
    from helpdesk.settings import DeadLetterSettings

    client = boto3.client("sqs", region_name=store_settings().region)
    return SqsDeadLetters(client, DeadLetterSettings.from_environment().urls)


FACTORIES = (store, outbound_queue, directory, file_store, flows, dead_letter_queues)


def forget_connections() -> None:
    """Drop every client built so far (tests: each stack has its own ports)."""
    for factory in FACTORIES:
        factory.cache_clear()
