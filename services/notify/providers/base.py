"""The interface every delivery provider implements, and how it reports failure."""

from __future__ import annotations

from abc import ABC, abstractmethod
from email.message import EmailMessage


class DeliveryError(Exception):
    """The provider did not take the message."""


class TemporaryFailure(DeliveryError):
    """Worth another attempt later (connection refused, 4xx from SMTP, gateway 5xx or 429)."""


class PermanentFailure(DeliveryError):
    """No attempt will succeed (address refused, gateway rejects the request)."""


class Mailer(ABC):
    name: str

    @abstractmethod
    def send(self, message: EmailMessage) -> str:
        """Hand `message` over; returns the provider's id for it."""


class SmsSender(ABC):
    name: str

    @abstractmethod
    def send(self, phone: str, text: str, reference: str) -> str:
        """Hand the SMS over; `reference` is ours and stable across retries. Returns the provider's id."""
