"""``atiende admin create``: a help desk's first administrator (or any agent),
from the operator's terminal.

It does what ``POST /api/agents`` does (``helpdesk.team.agents.invite_agent``):
the Cognito user, who gets the pool's invitation with a temporary password, in
their role's group, and their agent record with an audit entry. The stack is
found by its CloudFormation outputs (``UserPoolId``, ``HelpdeskTableName``), so
the same code serves a deployed stack (``--stack NAME``, the operator's AWS
credentials) and the local one (the default, in the embedded AWS of `make run`).
"""

from dataclasses import dataclass
from typing import Any

import boto3

from helpdesk.access import Role
from helpdesk.models import Actor, ActorKind, Agent
from helpdesk.providers.cognito import CognitoDirectory
from helpdesk.settings import StoreSettings
from helpdesk.store import HelpdeskStore
from helpdesk.team.agents import AgentInvite, invite_agent

# The outputs of infra/template.yaml this command reads.
USER_POOL_OUTPUT = "UserPoolId"
TABLE_OUTPUT = "HelpdeskTableName"
# Who the audit log says did it.
OPERATOR = Actor(kind=ActorKind.SYSTEM, name="atiende admin create")


class StackNotFound(LookupError):
    pass


class StackOutputs:
    """Adapter: a CloudFormation stack's outputs (DescribeStacks)."""

    def __init__(self, cloudformation: Any) -> None:
        self._cloudformation = cloudformation

    def of(self, stack_name: str) -> dict[str, str]:
        try:
            (stack,) = self._cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        except self._cloudformation.exceptions.ClientError as exc:
            raise StackNotFound(f"no stack {stack_name}: {exc.response['Error'].get('Message', '')}") from exc
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


@dataclass(frozen=True)
class HelpdeskStack:
    """Where a help desk's agents and records live."""

    user_pool_id: str
    table_name: str
    region: str
    endpoint_url: str | None

    @classmethod
    def found(cls, session: boto3.Session, stack_name: str, endpoint_url: str | None = None) -> "HelpdeskStack":
        outputs = StackOutputs(session.client("cloudformation", endpoint_url=endpoint_url)).of(stack_name)
        missing = {USER_POOL_OUTPUT, TABLE_OUTPUT} - set(outputs)
        if missing:
            raise StackNotFound(f"stack {stack_name} has no outputs {sorted(missing)}: is it an Atiende stack?")
        region = session.region_name
        if not region:
            raise StackNotFound("no AWS region: pass --region or set AWS_REGION")
        return cls(outputs[USER_POOL_OUTPUT], outputs[TABLE_OUTPUT], region, endpoint_url)


def create_agent(session: boto3.Session, stack: HelpdeskStack, email: str, name: str, role: Role) -> Agent:
    """Invite ``email`` into the stack's pool in ``role``'s group and record them."""
    settings = StoreSettings.model_validate(
        {"TABLE_NAME": stack.table_name, "AWS_REGION": stack.region, "AWS_ENDPOINT_URL": stack.endpoint_url}
    )
    directory = CognitoDirectory(session.client("cognito-idp", endpoint_url=stack.endpoint_url), stack.user_pool_id)
    invite = AgentInvite(email=email, name=name, role=role)
    return invite_agent(HelpdeskStore(settings), directory, invite, OPERATOR)
