"""`make deploy` and `make destroy`: the packaged stack into an AWS account.

``deploy`` validates the template (``sam validate --lint``), deploys `make
package`'s zips with the SAM CLI and samconfig.toml (``--guided`` the first time a
stage's stack is created, to ask for its parameters and secrets), uploads the
console to its bucket, invalidates CloudFront and prints what the operator does
next: the console's address, the webhook URL to paste into Meta and the DNS
records SES needs. ``destroy`` deletes the stack and says what stays (the
resources the template retains). Everything is read from the stack's outputs and
parameters, never assumed.

The SAM CLI lives in its own virtualenv (.venv-deploy, requirements-deploy.lock):
it pins boto3, botocore and click to versions other than the development ones.
"""

import mimetypes
import os
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from local.provision import ROOT, TEMPLATE_PATH, load_template

SAM = ROOT / ".venv-deploy" / "bin" / "sam"
SAMCONFIG = ROOT / "samconfig.toml"
CONSOLE = ROOT / "frontend"
# What frontend/ holds that is not the console agents load.
_NOT_CONSOLE = {"node_modules", "package.json", "package-lock.json"}
# The stack outputs the console's hosting publishes.
CONSOLE_BUCKET_OUTPUT = "ConsoleBucketName"
CONSOLE_DISTRIBUTION_OUTPUT = "ConsoleDistributionId"
CONSOLE_URL_OUTPUT = "ConsoleUrl"
CONSOLE_URL_PARAMETER = "ConsoleUrl"
API_URL_OUTPUT = "AgentApiUrl"
WEBHOOK_URL_OUTPUT = "WhatsAppWebhookUrl"
SES_IDENTITY_OUTPUT = "SesIdentityToVerify"
SES_MX_OUTPUT = "SesReceivingMxRecord"
SES_RULE_SET_OUTPUT = "SesReceiptRuleSetName"
WEBHOOK_FUNCTION = "WhatsAppWebhookFunction"


def stack_name(stage: str) -> str:
    """The stage's stack as samconfig.toml names it (``atiende-<stage>`` otherwise)."""
    config = tomllib.loads(SAMCONFIG.read_text(encoding="utf-8")) if SAMCONFIG.exists() else {}
    name: str = config.get(stage, {}).get("deploy", {}).get("parameters", {}).get("stack_name", f"atiende-{stage}")
    return name


def _sam(*arguments: str) -> None:
    if not SAM.exists():
        raise FileNotFoundError(f"{SAM} is missing: `make deploy` installs it (requirements-deploy.lock)")
    environment = os.environ | {"SAM_CLI_TELEMETRY": "0"}
    # the project's pinned SAM CLI with arguments this module builds: nothing from outside
    subprocess.run([str(SAM), *arguments], check=True, cwd=ROOT, env=environment)  # noqa: S603 # nosec B603


def _stack(cloudformation: Any, name: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError

    try:
        stacks: list[dict[str, Any]] = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks[0]["StackStatus"] != "REVIEW_IN_PROGRESS" else None


def console_files(root: Path = CONSOLE) -> Iterator[tuple[str, Path]]:
    """Bucket key → file, for every file of the console."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in _NOT_CONSOLE:
            yield relative.as_posix(), path


def upload_console(s3: Any, bucket: str) -> int:
    """Every console file into the bucket, and files no longer in frontend/ out of it."""
    published = set()
    for key, path in console_files():
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix in {".js", ".mjs"}:
            content_type = "text/javascript"
        # As CloudFront answers them: fingerprinted files for a year, the rest revalidated.
        cache = "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type, CacheControl=cache)
        published.add(key)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for gone in [o["Key"] for o in page.get("Contents", []) if o["Key"] not in published]:
            s3.delete_object(Bucket=bucket, Key=gone)
    return len(published)


def publish_console(session: Any, outputs: dict[str, str]) -> str:
    """frontend/ into the stack's console bucket, then a CloudFront invalidation (the
    page and scripts are revalidated anyway; edge copies of anything else are not)."""
    if CONSOLE_BUCKET_OUTPUT not in outputs:
        return f"(no {CONSOLE_BUCKET_OUTPUT} output: the console was not published)"
    count = upload_console(session.client("s3"), outputs[CONSOLE_BUCKET_OUTPUT])
    if CONSOLE_DISTRIBUTION_OUTPUT in outputs:
        session.client("cloudfront").create_invalidation(
            DistributionId=outputs[CONSOLE_DISTRIBUTION_OUTPUT],
            InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time_ns())},
        )
    return f"{count} files to {outputs[CONSOLE_BUCKET_OUTPUT]}, CloudFront invalidated"


def webhook_path(template: dict[str, Any] | None = None) -> str:
    """The WhatsApp webhook's path, as the template routes it."""
    events = (template or load_template())["Resources"][WEBHOOK_FUNCTION]["Properties"]["Events"]
    (path,) = {event["Properties"]["Path"] for event in events.values() if event["Type"] == "Api"}
    return str(path)


def mail_records(sesv2: Any, outputs: dict[str, str], region: str) -> list[str]:
    """The DNS records SES needs for the support address's domain: the MX record
    for receiving (the stack's output), DKIM CNAMEs for sending (once the identity
    exists in SES)."""
    domain = outputs.get(SES_IDENTITY_OUTPUT, "")
    records = [outputs.get(SES_MX_OUTPUT, f"{domain} MX 10 inbound-smtp.{region}.amazonaws.com")]
    try:
        identity = sesv2.get_email_identity(EmailIdentity=domain)
    except sesv2.exceptions.NotFoundException:
        records.append(
            f"(SES has no identity for {domain} yet: create it — `aws sesv2 create-email-identity "
            f"--email-identity {domain}` — and run `make deploy` again to see its DKIM records)"
        )
        return records
    for token in identity.get("DkimAttributes", {}).get("Tokens", []):
        records.append(f"{token}._domainkey.{domain} CNAME {token}.dkim.amazonses.com")
    return records


def _session_and_stack(stage: str) -> tuple[Any, str, dict[str, Any] | None]:
    import boto3

    session = boto3.session.Session()
    name = stack_name(stage)
    return session, name, _stack(session.client("cloudformation"), name)


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def remember_console_url(config: Path, stage: str, url: str) -> None:
    """Add ``ConsoleUrl=<url>`` to the stage's parameters in samconfig.toml, so
    Cognito's invitation carries the console's address. (The template cannot
    hand the distribution's address to the pool: the pool would wait for the
    distribution, which waits for the API, whose function reads the pool.)"""
    text = config.read_text(encoding="utf-8")
    section = f"[{stage}.deploy.parameters]"
    if section not in text:
        text = text.rstrip("\n") + f"\n\n{section}\n"
    start = text.index(section) + len(section)
    end = text.find("\n[", start)
    end = len(text) if end < 0 else end
    body = text[start:end]
    setting = f'ConsoleUrl=\\"{url}\\"'
    found = re.search(r'^parameter_overrides = "(.*)"$', body, re.MULTILINE)
    if found is None:
        body = body.rstrip("\n") + f'\nparameter_overrides = "{setting}"\n'
    else:
        kept = re.sub(r'\s*ConsoleUrl=\\"[^"\\]*\\"', "", found.group(1)).strip()
        body = body[: found.start()] + f'parameter_overrides = "{(kept + " " + setting).strip()}"' + body[found.end() :]
    config.write_text(text[:start] + body + text[end:], encoding="utf-8")


def _console_url_to_remember(stack: dict[str, Any]) -> str | None:
    """The distribution's address when the stack was deployed without ``ConsoleUrl``."""
    given = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    url = _outputs(stack).get(CONSOLE_URL_OUTPUT)
    return url if url and not given.get(CONSOLE_URL_PARAMETER) else None


def deploy(stage: str) -> int:
    _sam("validate", "--lint", "--template-file", str(TEMPLATE_PATH.relative_to(ROOT)))
    session, name, stack = _session_and_stack(stage)
    arguments = ["deploy", "--config-file", str(SAMCONFIG), "--config-env", stage]
    arguments += ["--template-file", str(TEMPLATE_PATH.relative_to(ROOT)), "--stack-name", name]
    # The first deploy of a stage asks for its parameters (address, WhatsApp secrets)
    # and saves them to samconfig.toml; later ones reuse them.
    if stack is None:
        print(f"Primer despliegue de / First deploy of {name}: answer Stage={stage} and the parameters SAM asks for")
    _sam(*arguments, *(["--guided"] if stack is None else []))
    session, name, stack = _session_and_stack(stage)
    if stack is None:
        print(f"{name} was not created", file=sys.stderr)
        return 1
    url = _console_url_to_remember(stack)
    if url is not None:
        print(f"La invitación de Cognito llevará / Cognito's invitation will carry {url}: one more deploy")
        remember_console_url(SAMCONFIG, stage, url)
        _sam(*arguments)
        session, name, stack = _session_and_stack(stage)
        assert stack is not None  # noqa: S101 - it was there a moment ago
    outputs = _outputs(stack)
    published = publish_console(session, outputs)
    width = max(map(len, outputs), default=0)
    lines = [
        "", f"Atiende desplegado / deployed: {name} ({session.region_name})",
        f"  Consola publicada / Console published: {published}", "",
        *(f"  {key:<{width}}  {value}" for key, value in sorted(outputs.items())), "",
        f"Consola / Console: {outputs.get(CONSOLE_URL_OUTPUT, '(no ConsoleUrl output)')}", "",
        "WhatsApp (Meta: App > WhatsApp > Configuration > Webhook):",
        f"  Callback URL  {outputs.get(WEBHOOK_URL_OUTPUT) or outputs.get(API_URL_OUTPUT, '') + webhook_path()}",
        "  Verify token  the WhatsAppVerifyToken parameter / el parámetro WhatsAppVerifyToken", "",
        f"SES, registros DNS / DNS records ({outputs.get(SES_IDENTITY_OUTPUT, '')}):",
        *(f"  {record}" for record in mail_records(session.client("sesv2"), outputs, session.region_name)),
    ]  # fmt: skip
    if SES_RULE_SET_OUTPUT in outputs:
        lines.append(
            "  then, once / luego, una vez: aws ses set-active-receipt-rule-set "
            f"--rule-set-name {outputs[SES_RULE_SET_OUTPUT]}"
        )
    print("\n".join(lines))
    return 0


def publish(stage: str) -> int:
    """`make publish-console`: the console alone, into a deployed stage."""
    session, name, stack = _session_and_stack(stage)
    if stack is None:
        print(f"{name} does not exist: `make deploy STAGE={stage}` first", file=sys.stderr)
        return 1
    print(publish_console(session, _outputs(stack)))
    return 0


def retained_resources(template: dict[str, Any] | None = None) -> list[str]:
    """What `make destroy` leaves behind: the template's retained resources."""
    resources = (template or load_template())["Resources"]
    return [f"{name} ({r['Type']})" for name, r in resources.items() if r.get("DeletionPolicy") == "Retain"]


def destroy(stage: str) -> int:
    name = stack_name(stage)
    _sam("delete", "--config-file", str(SAMCONFIG), "--config-env", stage, "--stack-name", name)
    print("Se conservan / Kept (delete them by hand if you mean to):")
    for resource in retained_resources():
        print(f"  {resource}")
    return 0
