"""AWS Step Functions: start escalation executions, answer the ones waiting
for an acknowledgment."""

import json
from typing import Any


class StepFunctionsFlows:
    def __init__(self, client: Any) -> None:
        self._sfn = client

    def start(self, state_machine_arn: str, name: str, execution_input: dict[str, Any]) -> bool:
        """Start an execution named ``name``; False when one of that name exists
        (names are unique per state machine: that is what makes a start once-only)."""
        try:
            self._sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(execution_input))
        except self._sfn.exceptions.ExecutionAlreadyExists:
            return False
        return True

    def resume(self, task_token: str, output: dict[str, Any]) -> None:
        """Let an execution waiting on ``task_token`` go on."""
        self._sfn.send_task_success(taskToken=task_token, output=json.dumps(output))
