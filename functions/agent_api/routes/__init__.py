"""The agent API's routes, one module per area of the help desk: each holds an
``Area`` (``agent_api.routing``) with its routes, their query and body models
and their OpenAPI descriptions side by side.

To add an area (knowledge base, chat, reports…): write ``routes/<area>.py``
with ``area = Area("<area>")`` and its routes (``@area.route(...)``), then add
it to ``AREAS`` in ``agent_api/app.py``; the app registers its blueprint, and
the OpenAPI document and the role × route test pick its routes up from there.
"""
