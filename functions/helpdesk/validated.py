"""The base of every model the help desk validates with pydantic.

A pydantic model builds its validator and serializer when its class is created
unless told to wait; across the help desk that is a few hundred milliseconds of
every Lambda's cold start, mostly for models the invocation never touches (the
API's request bodies in a stream handler, the knowledge base's in a mail
handler). ``Validated`` defers the build to the model's first validation or
serialization, so a function pays only for the models it uses. Subclasses add
their own settings (``frozen``, ``extra``…); pydantic merges them with these.
"""

from pydantic import BaseModel, ConfigDict


class Validated(BaseModel):
    model_config = ConfigDict(defer_build=True)
