"""The one declarative bus topology, used by the services, the relay, the CLI and `deploy/`.

- `top100.events` (topic): every event, routing key `<aggregate>.<event>.<region>`.
- A queue per consuming service and region, `<service>.<region>`, bound by the aggregates the
  service follows (`nomination.*.<region>`...), so a busy region gets its own workers.
- Photo work has a lane of its own: media's `nomination.*` events (each a photo to decode, check
  and derive, a second of CPU) go to `media.photos.<region>`, the rest of what media follows stays
  on `media.<region>`. A worker consumes one lane or both (`top100 worker media --queues photos`),
  so a backlog of photos on deadline night never holds up a decision's banners or a logout, and
  photo workers scale on their queue's length alone (KEDA, `deploy/k8s`). Ordering needs nothing
  more: a nomination's events are all on one queue still, in the order they were published, and
  every handler is idempotent through the inbox, whichever lane's worker runs it. A broker whose
  `media.<region>` still has the old `nomination.*` binding loses it when a worker declares
  (`QueueSpec.unbindings`); what that queue already holds is handled there, by the same handlers.
- Retries: a failed message is published to `top100.wait` with key `<wait>s.<queue>`; it sits in
  the service's wait queue for that long (queue TTL), is dead-lettered to `top100.retry` with the
  same key and lands back in `<queue>` only (bound there by `*.<queue>`). RabbitMQ 3.10 has no
  delayed-retry feature of its own, so TTL wait queues and a dead-letter exchange build it.
- Jitter: each retry delay has a few wait queues, at `JITTER` times the delay (±20% in steps of
  10%), and a retry picks one at random, so a burst of failures comes back spread out rather than
  all at once. Each wait queue has one TTL for all its messages, so they expire in the order they
  arrived. Per-message expiration on one queue per delay would not do: RabbitMQ expires a message
  only when it reaches the head of its queue, so a short wait queued behind a long one would wait
  as long, and the jitter would bunch up again behind the longest wait.
- Parking: after the last retry, or at once for a malformed message, `<service>.parked` (bound on
  `top100.parking` by the service name) keeps it with the reason until an operator replays it.
- A message delivered `DELIVERY_LIMIT` times without an ack (a worker that dies or hangs in its
  handler every time) is dead-lettered by RabbitMQ itself to the same parking queue. Quorum queues
  dead-letter at most once by default (the message is dropped if the parking queue does not
  confirm it); the work queues ask for `at-least-once`, which RabbitMQ (3.10+) allows only with
  `x-overflow: reject-publish` (nothing sets a length limit, so nothing is ever rejected). Queue
  arguments cannot change on an existing queue (a redeclare fails with PRECONDITION_FAILED): work
  queues declared before this must be drained and deleted before they are declared again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from shared.config import DEFAULT_RETRY_DELAYS
from shared.regions import region_codes

EVENTS_EXCHANGE = "top100.events"
WAIT_EXCHANGE = "top100.wait"
RETRY_EXCHANGE = "top100.retry"
PARKING_EXCHANGE = "top100.parking"

#: What each consuming service follows, by aggregate (the first part of the routing key).
#: Every service follows `user` (`shared.identity`: credentials revoked by review's events), and
#: every service that takes session cookies follows `session` (`shared.sessions`: logouts); review
#: follows `audit` (`shared.audit`: media's and notify's entries join its audit log); notify follows
#: `vote` (the public vote's one-time codes, sent by SMS).
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "intake": ("review", "media", "candidate", "notification", "user"),
    "review": ("nomination", "media", "notification", "user", "session", "audit"),
    "media": ("nomination", "review", "candidate", "winners", "user", "session"),
    "notify": ("nomination", "review", "media", "candidate", "stage", "winners", "user", "session", "vote"),
}

#: The aggregates a service handles on its photo lane (`<service>.photos.<region>`); see the docstring.
PHOTO_AGGREGATES: dict[str, tuple[str, ...]] = {"media": ("nomination",)}
#: The lanes a worker may consume: `events` (`<service>.<region>`) and `photos`.
LANES: tuple[str, ...] = ("events", "photos")

#: Deliveries of one message before the broker itself parks it (a worker that dies mid-handler).
DELIVERY_LIMIT = 10
#: A retry waits its delay times one of these (one wait queue each; see the module's docstring).
JITTER: tuple[float, ...] = (0.8, 0.9, 1.0, 1.1, 1.2)


@dataclass(frozen=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    bindings: tuple[tuple[str, str], ...] = ()  # (exchange, routing key)
    #: Bindings an older topology had and this one drops (removed when a worker declares).
    unbindings: tuple[tuple[str, str], ...] = ()


def queue_name(service: str, region: str) -> str:
    return f"{service}.{region}"


def photo_queue(service: str, region: str) -> str:
    return f"{service}.photos.{region}"


def parking_queue(service: str) -> str:
    return f"{service}.parked"


def wait_queue(service: str, wait: int) -> str:
    return f"{service}.wait.{wait}s"


def wait_routing_key(queue: str, wait: int) -> str:
    return f"{wait}s.{queue}"


def jittered_waits(delay: int) -> tuple[int, ...]:
    """The waits (whole seconds, at least one) a retry of `delay` seconds may get."""
    return tuple(sorted({max(1, round(delay * factor)) for factor in JITTER}))


def pick_wait(delay: int) -> int:
    """A wait for a retry of `delay` seconds, at random among its wait queues."""
    return random.choice(jittered_waits(delay))


def replay_routing_key(queue: str) -> str:
    """Send a parked message back to its own queue only, through the retry exchange."""
    return f"replay.{queue}"


def _work_queue(service: str, name: str, aggregates: tuple[str, ...], region: str) -> QueueSpec:
    bindings = tuple((EVENTS_EXCHANGE, f"{aggregate}.*.{region}") for aggregate in aggregates)
    return QueueSpec(
        name=name,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": PARKING_EXCHANGE,
            "x-dead-letter-routing-key": service,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        },
        bindings=(*bindings, (RETRY_EXCHANGE, f"*.{name}")),
    )


def service_queues(
    service: str, regions: tuple[str, ...] | None = None, lanes: tuple[str, ...] = LANES
) -> list[QueueSpec]:
    """The work queues of `service` for `regions` (all by default) and `lanes`, with their bindings."""
    photos = PHOTO_AGGREGATES.get(service, ())
    events = tuple(aggregate for aggregate in SUBSCRIPTIONS[service] if aggregate not in photos)
    specs = []
    for region in regions or region_codes():
        if "events" in lanes:
            spec = _work_queue(service, queue_name(service, region), events, region)
            moved = tuple((EVENTS_EXCHANGE, f"{aggregate}.*.{region}") for aggregate in photos)
            specs.append(QueueSpec(spec.name, spec.arguments, spec.bindings, unbindings=moved))
        if "photos" in lanes and photos:
            specs.append(_work_queue(service, photo_queue(service, region), photos, region))
    return specs


def support_queues(service: str, retry_delays: tuple[int, ...]) -> list[QueueSpec]:
    """The wait queues (per jittered delay, shared by the service's regions) and the parking queue."""
    waits = sorted({wait for delay in retry_delays for wait in jittered_waits(delay)})
    specs = [
        QueueSpec(
            name=wait_queue(service, wait),
            arguments={"x-message-ttl": wait * 1000, "x-dead-letter-exchange": RETRY_EXCHANGE},
            # `#`: a photo lane's key has one word more (`5s.media.photos.almaty`)
            bindings=((WAIT_EXCHANGE, f"{wait}s.{service}.#"),),
        )
        for wait in waits
    ]
    specs.append(
        QueueSpec(
            name=parking_queue(service),
            arguments={"x-queue-type": "quorum"},
            bindings=((PARKING_EXCHANGE, service),),
        )
    )
    return specs


EXCHANGES: tuple[tuple[str, str], ...] = (
    (EVENTS_EXCHANGE, "topic"),
    (WAIT_EXCHANGE, "topic"),
    (RETRY_EXCHANGE, "topic"),
    (PARKING_EXCHANGE, "direct"),
)


def rabbitmq_definitions(
    retry_delays: tuple[int, ...] = DEFAULT_RETRY_DELAYS, vhost: str = "/"
) -> dict[str, Any]:
    """The whole topology as a RabbitMQ definitions document (`deploy/rabbitmq/definitions.json`)."""
    exchanges = [
        {
            "name": name,
            "vhost": vhost,
            "type": kind,
            "durable": True,
            "auto_delete": False,
            "internal": False,
            "arguments": {},
        }
        for name, kind in EXCHANGES
    ]
    queues: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    for service in SUBSCRIPTIONS:
        for spec in service_queues(service) + support_queues(service, retry_delays):
            queues.append(
                {
                    "name": spec.name,
                    "vhost": vhost,
                    "durable": True,
                    "auto_delete": False,
                    "arguments": spec.arguments,
                }
            )
            bindings.extend(
                {
                    "source": exchange,
                    "vhost": vhost,
                    "destination": spec.name,
                    "destination_type": "queue",
                    "routing_key": key,
                    "arguments": {},
                }
                for exchange, key in spec.bindings
            )
    return {"exchanges": exchanges, "queues": queues, "bindings": bindings}
