"""Redis where `REDIS_URL` is configured: counters and caches that spare the database, never the truth.

Every caller has the database to fall back on, so a Redis that is absent, slow or down is answered
by `Unavailable` within `TIMEOUT` and the caller reads PostgreSQL instead (it fails open to the
database, never closed on the public). After a failure the store is left alone for `PAUSE` seconds,
so an outage costs each request nothing rather than a timeout. The keys of one service share a
prefix (`top100:review:`); each command touches one key, so a Redis Cluster serves them as well.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import redis

log = logging.getLogger(__name__)

#: Seconds a command may take (connecting included) before Redis counts as unreachable.
TIMEOUT = 0.25
#: Seconds Redis is not asked again after it failed.
PAUSE = 5.0

#: At most ARGV[3] members of the sorted set KEYS[1] scored within (now - window, now]: 0 and the
#: member added when one more fits (and ARGV[5] is "1"), else the milliseconds until one does.
#: The same rule as the database's count of instants (`rules.votes.wait_for`), atomic in Redis.
_WITHIN_LIMIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local since = '(' .. (now - window)
local count = redis.call('ZCOUNT', KEYS[1], since, now)
if count >= limit then
  local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], since, now, 'WITHSCORES', 'LIMIT', count - limit, 1)
  return tonumber(oldest[2]) + window - now
end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
end
return 0
"""


class Unavailable(Exception):
    """Redis did not answer (or is resting after a failure): the caller reads the database."""


def _milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Store:
    """One Redis, its keys under `prefix`; connected on first use."""

    def __init__(self, url: str, prefix: str) -> None:
        self.url, self.prefix = url, prefix
        self._client = redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        self._script = self._client.register_script(_WITHIN_LIMIT)
        self._resting_until = 0.0

    def _run(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._resting_until:
            raise Unavailable("resting after a failure")
        try:
            return command(*args, **kwargs)
        except (redis.RedisError, OSError) as error:
            self._resting_until = time.monotonic() + PAUSE
            log.warning("redis unavailable, the database answers for %.0f s: %s", PAUSE, type(error).__name__)
            raise Unavailable(str(error)) from error

    def within_limit(
        self, key: str, count: int, window: timedelta, now: datetime, member: str, admit: bool
    ) -> timedelta | None:
        """How long until one more fits `count` per `window` on `key` (None: now, and `member` is
        counted when `admit`)."""
        window_ms = int(window.total_seconds() * 1000)
        args = [_milliseconds(now), window_ms, count, member, "1" if admit else "0"]
        wait = int(self._run(self._script, keys=[self.prefix + key], args=args))
        return timedelta(milliseconds=wait) if wait > 0 else None

    def release(self, key: str, member: str) -> None:
        """Take back a member counted by `within_limit` (its request was refused after all)."""
        with contextlib.suppress(Unavailable):  # else the window's end takes it back
            self._run(self._client.zrem, self.prefix + key, member)

    def get_json(self, key: str) -> Any | None:
        found = self._run(self._client.get, self.prefix + key)
        return None if found is None else json.loads(found)

    def set_json(self, key: str, value: Any, seconds: int) -> None:
        self._run(self._client.set, self.prefix + key, json.dumps(value, ensure_ascii=False), ex=seconds)

    def close(self) -> None:
        self._client.close()


def open_store(url: str, prefix: str) -> Store | None:
    """The store `url` names, or None when there is none (the embedded mode, or `REDIS_URL` unset)."""
    return Store(url, prefix) if url else None
