"""``atiende staffing``: agents needed, as one JSON line (no stack needed).

E-mail, the workload model:
  atiende staffing --per-day 500 --handle-minutes 10 --productive-hours 7 [--shrinkage 0.3]
Real-time channels, Erlang C (agents before shrinkage in "agents", after in
"scheduled_agents"):
  atiende staffing --arrivals 100 --interval-minutes 30 --aht-seconds 180 \\
      --service-level 0.8 --within-seconds 20 [--max-occupancy 0.85] [--shrinkage 0.3]
An hourly (or any interval's) profile instead of one interval: --hourly FILE, the
arrivals per interval (a JSON list, or numbers separated by spaces, commas or lines:
24 for a day, 168 for a week), with the Erlang C options above, or for e-mail with
--handle-minutes and --response-hours (each interval's mail answered within it).
"""

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from helpdesk.reports.staffing import (
    ErlangCQuestion,
    WorkloadQuestion,
    email_profile,
    erlang_c,
    erlang_c_profile,
    workload,
)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "staffing",
        help="agents needed: Erlang C for chat/WhatsApp/phone, the workload model for e-mail",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--per-day", type=float, help="e-mail: messages a day")
    parser.add_argument("--handle-minutes", type=float, help="e-mail: minutes of work per message")
    parser.add_argument("--productive-hours", type=float, default=7, help="e-mail: hours an agent works on mail a day")
    parser.add_argument("--response-hours", type=float, default=1, help="e-mail profile: the response-time target")
    parser.add_argument("--arrivals", type=float, help="real time: contacts in one interval")
    parser.add_argument("--hourly", type=Path, help="a profile: arrivals per interval, from a file")
    parser.add_argument("--interval-minutes", type=float, default=60, help="the interval's length (default 60)")
    parser.add_argument("--aht-seconds", type=float, help="real time: average handle time")
    parser.add_argument("--service-level", type=float, default=0.8, help="the share answered in time (default 0.8)")
    parser.add_argument("--within-seconds", type=float, default=20, help="the answer-time target (default 20)")
    parser.add_argument("--max-occupancy", type=float, default=1.0, help="the cap on agents' busy share (default 1)")
    parser.add_argument("--shrinkage", type=float, default=0.0, help="share of paid time off the queue (default 0)")


def _refuse(spanish: str, english: str) -> int:
    print(f"{spanish} / {english}", file=sys.stderr)
    return 2


def _profile(path: Path) -> list[float]:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        values = json.loads(text)
        if not isinstance(values, list):
            raise ValueError("not a list")
        return [float(v) for v in values]
    return [float(v) for v in re.split(r"[\s,;]+", text.strip()) if v]


def answer(args: Any) -> BaseModel:
    """The question the options ask, answered; ValueError / ValidationError when they ask none."""
    shared = {"max_occupancy": args.max_occupancy, "shrinkage": args.shrinkage}
    real_time = {
        "interval_minutes": args.interval_minutes, "aht_seconds": args.aht_seconds,
        "service_level": args.service_level, "within_seconds": args.within_seconds, **shared,
    }  # fmt: skip
    if args.hourly is not None:
        arrivals = _profile(args.hourly)
        if args.aht_seconds is not None:
            return erlang_c_profile(arrivals, ErlangCQuestion(arrivals=0, **real_time))
        if args.handle_minutes is None:
            raise ValueError("--hourly needs --aht-seconds (real time) or --handle-minutes (e-mail)")
        return email_profile(
            arrivals, handle_minutes=args.handle_minutes, interval_minutes=args.interval_minutes,
            response_hours=args.response_hours, **shared,
        )  # fmt: skip
    if args.arrivals is not None:
        return erlang_c(ErlangCQuestion(arrivals=args.arrivals, **real_time))
    if args.per_day is not None:
        return workload(
            WorkloadQuestion(
                per_day=args.per_day,
                handle_minutes=args.handle_minutes,
                productive_hours=args.productive_hours,
                **shared,
            )
        )
    raise ValueError("give --per-day (e-mail), --arrivals (real time) or --hourly FILE")


def main(args: Any) -> int:
    try:
        result = answer(args)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors())
        return _refuse("Datos de dotación no válidos", f"Invalid staffing input ({reasons})")
    except OSError as exc:
        return _refuse("No se pudo leer el perfil", f"Could not read the profile ({exc.strerror})")
    except ValueError as exc:
        return _refuse("Datos de dotación no válidos", f"Invalid staffing input ({exc})")
    print(json.dumps(result.model_dump(exclude_none=True), ensure_ascii=False, separators=(",", ":")))
    return 0
