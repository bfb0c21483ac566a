"""The interface every delivery provider implements, and how it reports failure."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from email.message import EmailMessage


class DeliveryError(Exception):
    """The provider did not take the message."""


class TemporaryFailure(DeliveryError):
    """Worth another attempt later (connection refused, 4xx from SMTP, gateway 5xx, 429 or a timeout)."""


class PermanentFailure(DeliveryError):
    """No attempt will succeed (address refused, gateway rejects the request)."""


class ProviderUnusable(TemporaryFailure):
    """This provider cannot take anything now (refused our token, unknown address): try the next one."""


@dataclass(frozen=True)
class Taken:
    """Which provider took a message, and its id there (the key of its delivery receipts)."""

    provider: str
    id: str


class Mailer(ABC):
    name: str

    @abstractmethod
    def send(self, message: EmailMessage) -> str:
        """Hand `message` over; returns the provider's id for it."""


class SmsSender(ABC):
    name: str

    @abstractmethod
    def send(self, phone: str, text: str, reference: str) -> Taken:
        """Hand the SMS over; `reference` is ours and stable across retries."""
