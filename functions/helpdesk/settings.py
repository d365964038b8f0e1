"""Settings read once from the environment.

Each model names the environment variables it needs (the ``validation_alias`` of a
field); ``infra/template.yaml`` sets exactly those on the functions, and
``tests/unit/test_template_agreement.py`` proves the two agree. A missing variable
fails at start with its name.
"""

import os
from functools import lru_cache
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class _FromEnvironment(BaseModel):
    """Fields name their variables with ``validation_alias``. (A plain model over
    ``os.environ`` does what pydantic-settings would here, and keeps ~45 ms of
    imports off every cold start.)"""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_environment(cls) -> Self:
        return cls.model_validate(dict(os.environ))


class StoreSettings(_FromEnvironment):
    """Where the help desk table lives."""

    table_name: str = Field(validation_alias="TABLE_NAME", min_length=3)
    region: str = Field(validation_alias="AWS_REGION")
    # Unset in AWS; the local stack points it at the embedded moto server.
    endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")


class AuthSettings(_FromEnvironment):
    """The Cognito user pool whose ID tokens the agent API accepts."""

    user_pool_id: str = Field(validation_alias="USER_POOL_ID")
    user_pool_client_id: str = Field(validation_alias="USER_POOL_CLIENT_ID")
    region: str = Field(validation_alias="AWS_REGION")
    # Unset in AWS (the pool's public JWKS is used); the local stack sets moto's.
    jwks_url_override: str | None = Field(default=None, validation_alias="COGNITO_JWKS_URL")

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return self.jwks_url_override or f"{self.issuer}/.well-known/jwks.json"


@lru_cache(maxsize=1)
def store_settings() -> StoreSettings:
    return StoreSettings.from_environment()  # values come from the environment


@lru_cache(maxsize=1)
def auth_settings() -> AuthSettings:
    return AuthSettings.from_environment()


def forget_settings() -> None:
    """Drop cached settings (tests and the local stack change the environment)."""
    store_settings.cache_clear()
    auth_settings.cache_clear()
