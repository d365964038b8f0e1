"""Quality reviews: coordinators (the ``quality`` right, ``helpdesk.access``)
score solved conversations on the team's scorecard; the reviewed agent reads
the scores and comments and replies once.

- ``scorecards``: the criteria and weights (versioned; a review keeps the one
  it was scored on) and the share of solved tickets sampled; the scoring math.
- ``sampling``: which solved or reopened tickets get a review (deterministic per
  ticket; a duplicate stream record never samples twice).
- ``reviews``: the review's life: opened, scored, reopened, replied to.
- ``trends``: scores per agent and criterion by week or month (for the KPIs).
"""
