"""The local stack's AWS survives a restart: moto's backends, saved to a file.

moto keeps every table, object, queue message and Cognito user in plain Python
objects and has no persistence of its own. This module pickles the backends in
use (``BackendDict._instances``) into one file, atomically (temporary file, then
rename), and loads them back at start:

- ``StateKeeper.mark_changed`` is called by the embedded server after each
  request that may have changed something; a thread saves while changes keep
  coming, at most every ``SAVE_EVERY_SECONDS`` and never holding the request lock
  more than ``MOST_SHARE_SAVING`` of the time (a save of a grown state takes
  longer, so the saves space out: a stack under load answers instead of waiting
  on pickles), and ``save`` runs once more when the stack stops (SIGTERM or
  Ctrl-C: the acceptance check and a service manager give it seconds before SIGKILL).
- The pickle is taken under the embedded server's request lock, so it never
  sees half of a request.
- A few moto objects do not pickle as they are (locks, RSA keys, weak
  dictionaries, a ``defaultdict`` with a lambda); ``_StatePickler`` writes them
  in a form that loads back.

The file is the local stack's own, under ``.atiende/state/`` in the checkout
(``ATIENDE_STATE_DIR`` moves it: each e2e stack gets its own). It is loaded
only by the same moto version that wrote it, else the stack starts clean.
"""

import contextlib
import importlib
import io
import json
import os
import pickle  # nosec B403
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import __version__ as moto_version
from moto.core.base_backend import BackendDict

from local.atomic_moto import request_lock

# Only our own file is unpickled: written by this user, under the checkout (or ATIENDE_STATE_DIR).

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE_DIR = ROOT / ".atiende" / "state"
SAVE_EVERY_SECONDS = 1.0
MOST_SHARE_SAVING = 0.1  # of the stack's time, pickling under the request lock
STATE_FILE = "aws.pickle"
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def state_dir() -> Path:
    return Path(os.environ.get("ATIENDE_STATE_DIR") or DEFAULT_STATE_DIR)


def _private_key(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


def _nested_dicts() -> defaultdict[Any, dict[Any, Any]]:
    return defaultdict(dict)


class _StatePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPES):
            return (type(threading.RLock()) if "RLock" in type(obj).__name__ else threading.Lock, ())
        if isinstance(obj, rsa.RSAPrivateKey):
            pem = obj.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return (_private_key, (pem,))
        if isinstance(obj, weakref.WeakValueDictionary):
            return (weakref.WeakValueDictionary, ())  # a cache of live objects: rebuilt as they are used
        if isinstance(obj, defaultdict) and (_is_local(obj.default_factory) or type(obj) is not defaultdict):
            # a lambda for a factory, or a subclass whose __init__ takes other arguments (SSM's parameters)
            factory = _factory_like(obj.default_factory) if _is_local(obj.default_factory) else obj.default_factory
            return (_rebuilt_defaultdict, (type(obj), factory, getattr(obj, "__dict__", {}), dict(obj)))
        return NotImplemented


def _is_local(factory: Callable[[], Any] | None) -> bool:
    qualified = getattr(factory, "__qualname__", "")
    return factory is not None and ("<locals>" in qualified or "<lambda>" in qualified)


def _factory_like(factory: Callable[[], Any] | None) -> Callable[[], Any]:
    """A module-level factory making what the local lambda makes (only the shapes moto uses)."""
    assert factory is not None  # noqa: S101 - checked by _is_local
    made = factory()
    if isinstance(made, defaultdict) and made.default_factory is dict:
        return _nested_dicts
    if isinstance(made, dict | list | set):
        return type(made)
    raise pickle.PicklingError(f"cannot save a defaultdict made by {factory!r}")


def _rebuilt_defaultdict(
    kind: type[defaultdict[Any, Any]], factory: Callable[[], Any], attributes: dict[str, Any], items: dict[Any, Any]
) -> defaultdict[Any, Any]:
    rebuilt = defaultdict.__new__(kind)
    defaultdict.__init__(rebuilt, factory)
    if attributes:
        rebuilt.__dict__.update(attributes)
    rebuilt.update(items)
    return rebuilt


def _in_use() -> list[Any]:
    """moto's own list of the backends in use (what its reset clears)."""
    instances: list[Any] = BackendDict._instances  # type: ignore[misc]
    return instances


def _backend_address(backends: BackendDict) -> tuple[str, str] | None:
    """Where a backend dict lives (module, attribute), to find it again after a restart."""
    module = importlib.import_module(backends.backend.__module__)
    for name, value in vars(module).items():
        if value is backends:
            return module.__name__, name
    return None


def snapshot() -> bytes:
    """Every backend in use, pickled (under the request lock: no request half applied)."""
    with request_lock():
        state = {}
        for backends in list(_in_use()):
            address = _backend_address(backends)
            if address is not None and len(backends):
                state[address] = dict(backends)
        buffer = io.BytesIO()
        _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump({"moto": moto_version, "backends": state})
        return buffer.getvalue()


def restore(data: bytes) -> bool:
    """Put saved backends back in place; False (and nothing changed) if the file
    was written by another moto version or cannot be read."""
    try:
        saved = pickle.loads(data)  # noqa: S301  # nosec B301
    except Exception:  # noqa: BLE001 - a damaged or foreign file: start clean
        return False
    if not isinstance(saved, dict) or saved.get("moto") != moto_version:
        return False
    with request_lock():
        for (module_name, attribute), accounts in saved["backends"].items():
            backends = getattr(importlib.import_module(module_name), attribute)
            backends.clear()
            backends.update(accounts)
            if backends not in _in_use():
                _in_use().append(backends)
    return True


class StateKeeper:
    """Saves the embedded AWS to ``directory`` shortly after it changes, and on stop."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / STATE_FILE
        self._changed = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> bool:
        """Restore the saved state, if there is one; whether it was."""
        if not self.path.is_file():
            return False
        return restore(self.path.read_bytes())

    def mark_changed(self) -> None:
        self._changed.set()

    def start(self) -> "StateKeeper":
        self._thread = threading.Thread(target=self._save_while_running, name="state-keeper", daemon=True)
        self._thread.start()
        return self

    def _save_while_running(self) -> None:
        while not self._stopping.is_set():
            if self._changed.wait(timeout=SAVE_EVERY_SECONDS) and not self._stopping.is_set():
                self._changed.clear()
                started = time.monotonic()
                self.save()
                self._stopping.wait(pause_after_save(time.monotonic() - started))

    def save(self) -> None:
        data = snapshot()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, self.path)

    def stop(self) -> None:
        """Save what changed last and stop the saving thread."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save()


def pause_after_save(took: float) -> float:
    """How long to wait before the next save, after one that took ``took`` seconds."""
    return max(SAVE_EVERY_SECONDS, took * (1 - MOST_SHARE_SAVING) / MOST_SHARE_SAVING)


def forget(directory: Path) -> None:
    """``atiende reset``: the next start is clean."""
    for name in (STATE_FILE, DEPLOYMENT_FILE):
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()


DEPLOYMENT_FILE = "deployment.json"


def save_deployment(directory: Path, deployment: dict[str, Any]) -> None:
    """What ``deploy`` made (names, ids, the functions' environment), beside the state."""
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f"{DEPLOYMENT_FILE}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(deployment, indent=1), encoding="utf-8")
    os.replace(temporary, directory / DEPLOYMENT_FILE)


def saved_deployment(directory: Path) -> dict[str, Any] | None:
    path = directory / DEPLOYMENT_FILE
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
