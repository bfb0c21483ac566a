"""Connections to the one broker and the declaration of its topology, on RabbitMQ or on disk.

Two transports, one code path (kombu):
- `amqp://...` RabbitMQ: heartbeats (a lost broker is noticed instead of hanging), a connect timeout
  and publisher confirms on the kombu connection (used for the worker's retries and parking, which
  are rare; the relay's bulk publishing uses pika's asynchronous confirms, see `shared.relay`).
- `filesystem://<absolute path>` (embedded): kombu's filesystem transport, every process of the
  system sharing the same folders, so a topic exchange routes across processes as long as each
  process declares its queues and bindings (the bindings live in files under `control/`). It has no
  TTL, dead-lettering, confirms or redelivery after a crash; queues are declared plain.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from time import monotonic
from typing import Any
from urllib.parse import unquote

import kombu
from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.json import dumps

from shared import topology
from shared.config import DEFAULT_RETRY_DELAYS, bus_regions

HEARTBEAT = 30
CONNECT_TIMEOUT = 10
CONFIRM_TIMEOUT = 15
AMQP_SCHEMES = ("amqp://", "amqps://", "pyamqp://")
FILESYSTEM_SCHEME = "filesystem://"


def is_embedded(url: str) -> bool:
    """True for the server-less transport (no TTL, dead-lettering, confirms or crash redelivery)."""
    return not url.startswith(AMQP_SCHEMES)


def is_embedded_connection(conn: kombu.Connection) -> bool:
    return conn.transport.driver_type != "amqp"


def filesystem_root(url: str) -> Path:
    """The broker folder of a `filesystem://<absolute path>` URL."""
    if not url.startswith(FILESYSTEM_SCHEME):
        raise ValueError(f"not a filesystem broker URL: {url!r}")
    root = Path(unquote(url[len(FILESYSTEM_SCHEME) :])).expanduser()
    if not root.is_absolute():
        raise ValueError(f"the filesystem broker needs an absolute path, got {url!r}")
    return root


def filesystem_options(root: Path) -> dict[str, Any]:
    """Transport options that make every process use the same folders (created here)."""
    folders = {name: root / name for name in ("data", "control", "processed")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["data"]),
        "data_folder_out": str(folders["data"]),
        "control_folder": str(folders["control"]),
        "processed_folder": str(folders["processed"]),
        "store_processed": False,
        "polling_interval": 0.1,
    }


class _AtomicChannel(filesystem.Channel):
    """kombu's filesystem channel, with each message file appearing whole.

    Stock kombu creates `<time>_<uuid>.<queue>.msg` and then writes it; a consumer polling in between
    moves the empty file away, fails to parse it and the message is lost (seen here: a parked message
    listed while the worker was parking it). Writing a hidden temporary file and renaming it into
    place makes the message appear atomically (rename is atomic within one folder).
    """

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        folder = Path(self.data_folder_out)
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        temporary = folder / f".{uuid.uuid4()}.tmp"  # matches no queue: consumers skip it
        try:
            temporary.write_bytes(dumps(payload).encode("utf-8"))
            os.replace(temporary, folder / name)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise ChannelError(f"cannot add {name!r} to the broker folder {folder}") from exc


class _FilesystemTransport(filesystem.Transport):
    """kombu's filesystem transport with its in-memory state kept per broker folder.

    Stock kombu keeps one process-wide state; a binding remembered for one folder would then never be
    written to another folder's control files (two data dirs in one process, e.g. in tests).
    """

    Channel = _AtomicChannel
    _states: dict[str, virtual.BrokerState] = {}  # noqa: RUF012 - deliberately process-wide

    def __init__(self, client: kombu.Connection, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        key = str(client.transport_options.get("control_folder", ""))
        self.state = self._states.setdefault(key, virtual.BrokerState())


def connection(url: str, heartbeat: int = HEARTBEAT) -> kombu.Connection:
    """A (lazy) kombu connection to the broker at `url`.

    `heartbeat=0` is for a connection that is only written to now and then (the worker's retries and
    parking): nothing reads it between publishes to answer heartbeats, so the broker would drop it;
    a broker gone away is noticed by the publish's confirm timeout instead.
    """
    if url.startswith(FILESYSTEM_SCHEME):
        return kombu.Connection(
            transport=_FilesystemTransport, transport_options=filesystem_options(filesystem_root(url))
        )
    if url.startswith(AMQP_SCHEMES):
        return kombu.Connection(
            url,
            heartbeat=heartbeat,
            connect_timeout=CONNECT_TIMEOUT,
            transport_options={"confirm_publish": True, "max_retries": 1},
        )
    if url.startswith("memory://"):
        return kombu.Connection(url)
    raise ValueError(f"unsupported broker URL {url!r}: use amqp://... or filesystem://<absolute path>")


def _channel(channel_or_conn: Any) -> Any:
    if isinstance(channel_or_conn, kombu.Connection):
        return channel_or_conn.default_channel
    return channel_or_conn


def _embedded_channel(channel: Any) -> bool:
    return isinstance(channel, virtual.Channel)


def declare_exchanges(channel_or_conn: Any) -> None:
    channel = _channel(channel_or_conn)
    for name, kind in topology.EXCHANGES:
        kombu.Exchange(name, type=kind, durable=True)(channel).declare()


def declare_specs(channel_or_conn: Any, specs: list[topology.QueueSpec]) -> None:
    """Declare queues and their bindings; on the embedded transport without broker arguments."""
    channel = _channel(channel_or_conn)
    embedded = _embedded_channel(channel)
    for spec in specs:
        arguments = None if embedded else dict(spec.arguments)
        queue = kombu.Queue(spec.name, durable=True, queue_arguments=arguments, no_declare=False)
        bound = queue(channel)
        bound.queue_declare()
        for exchange, key in spec.bindings:
            bound.bind_to(exchange=exchange, routing_key=key)
        if not embedded:  # kombu's filesystem transport cannot unbind: a copy there is an inbox duplicate
            for exchange, key in spec.unbindings:
                bound.unbind_from(exchange=kombu.Exchange(exchange), routing_key=key)


def declare(
    channel_or_conn: Any,
    service: str,
    regions: tuple[str, ...] | None,
    retry_delays: tuple[int, ...],
    lanes: tuple[str, ...] = topology.LANES,
) -> list[str]:
    """Declare what one service's worker needs; returns the names of the work queues of `lanes`.

    Every lane's queues are declared, whichever the worker consumes: a photo worker not started yet
    must not mean that the broker drops media's photo events for want of a bound queue.
    """
    declare_exchanges(channel_or_conn)
    chosen = tuple(regions) if regions else None
    work = topology.service_queues(service, chosen)
    support = topology.support_queues(service, tuple(retry_delays))
    channel = _channel(channel_or_conn)
    if _embedded_channel(channel):
        support = [spec for spec in support if spec.name == topology.parking_queue(service)]
    declare_specs(channel, work + support)
    return [spec.name for spec in topology.service_queues(service, chosen, lanes)]


def declare_all(channel_or_conn: Any, retry_delays: tuple[int, ...] = DEFAULT_RETRY_DELAYS) -> None:
    """Declare the whole topology (every service, each region the bus carries, `config.bus_regions`):
    `top100`, the relay and tests."""
    for service in topology.SUBSCRIPTIONS:
        declare(channel_or_conn, service, bus_regions(), retry_delays)
