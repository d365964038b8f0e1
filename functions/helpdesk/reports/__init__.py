"""Reports: the team measured and sized.

- ``staffing``: agents needed per interval: Erlang C for the real-time channels
  (service level, occupancy cap, shrinkage), the workload model for e-mail; pure,
  used by ``atiende staffing`` (``local/staffing_cli.py``).
"""
