"""The knowledge base: articles (``articles.py``), their Markdown made safe HTML
(``rendering.py``), the compact search index built on publish (``indexing.py``)
and read by the help center, the agents and the bot (``finding.py``), and
what publishing does (``publishing.py``)."""
