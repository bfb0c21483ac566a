"""People's accounts: create, reset a password, issue a personal token, disable; and check a password.

Every change that must end a user's credentials (a new password, role, scope, college or language,
disabling) bumps the user's generation, records it in review's own `identity_generations` in the
same transaction (review refuses the old credentials at once) and emits `user.changed` or
`user.disabled` through the outbox, so every other service refuses them as soon as its worker has
the event. Passwords are hashed with argon2 (argon2-cffi's defaults, RFC 9106's low-memory profile).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review import messages
from services.review.models import User, metadata
from services.review.operations import audit, scoring
from services.review.rules import audit as actions
from services.review.rules import names
from shared import clock, i18n, identity, outbox, regions
from shared.attributes import dataclass_of
from shared.envelope import Event
from shared.i18n import LANGUAGES

PRODUCER = "review"
#: Shorter passwords are refused; a passphrase of a few words is the advice in the operator's guide.
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
#: Verified against when the email is unknown or disabled, so that such a login costs what a real
#: one costs and its answer's timing does not tell whether the account exists.
_DUMMY_HASH = _hasher.hash("not the password of anyone " + uuid.uuid4().hex)


class AccountError(ValueError):
    """A request the accounts cannot honour (unknown user, duplicate email, invalid role/scope)."""


class NameRefused(AccountError):
    """Parts of a name the rules refuse (`rules.names`): each field with what is wrong with it, in
    the operator's words (English) or a reader's (`words`)."""

    def __init__(self, refusals: names.Refusals) -> None:
        self.refusals = refusals
        super().__init__(self.words("en"))

    def words(self, language: str) -> str:
        """`field: what is wrong` for each refused field, in kk, ru or en."""
        return "; ".join(
            f"{field}: {i18n.translate(messages.NAME_REFUSALS[code], language, params)}"
            for field, (code, params) in self.refusals.items()
        )


def normal_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def find(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normal_email(email))).first()


def _get(session: Session, email: str) -> User:
    user = find(session, email)
    if user is None:
        raise AccountError(f"no user {normal_email(email)}")
    return user


def _checked(role: str, scope: str, language: str) -> None:
    if role not in identity.ROLES:
        raise AccountError(f"unknown role {role!r}; expected one of {', '.join(identity.ROLES)}")
    if not identity.scope_valid(role, scope, (region.code for region in regions.all_regions())):
        expected = "a region code" if role in identity.REGIONAL_ROLES else identity.NATIONAL
        raise AccountError(f"the scope of a {role} is {expected}, not {scope!r}")
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")


def create(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    scope: str,
    name: str | None = None,
    language: str = "ru",
    college: str | None = None,
    last_name: str | None = None,
    first_name: str | None = None,
    patronymic: str | None = None,
) -> User:
    """A new account (generation 1), announced as `user.changed`. Its name is one whole `name` or
    its parts (`rules.names`), the name pages show then made from them; neither is the email's
    local part."""
    known = regions.resolve(scope)
    scope = known.code if known else scope
    _checked(role, scope, language)
    address = normal_email(email)
    if "@" not in address:
        raise AccountError(f"not an email address: {email!r}")
    if find(session, address) is not None:
        raise AccountError(f"a user {address} exists already")
    parts = _parts(name, {"last_name": last_name, "first_name": first_name, "patronymic": patronymic})
    now = clock.utcnow()
    user = User(
        id=str(uuid.uuid4()),
        email=address,
        name=names.whole_name(parts) or (name or "").strip() or address.split("@")[0],
        **parts,
        password_hash=hash_password(password),
        role=role,
        scope=scope,
        language=language,
        college=college or None,
        generation=1,
        disabled=False,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    _announce(session, user)
    audit.record(session, None, actions.USER_CREATED, region=_region(user), user_id=user.id, role=role)
    session.flush()
    scoring.commission_changed(session, role, scope)
    return user


def reset(session: Session, email: str, password: str) -> User:
    """A new password; every session and token of the user ends (a new generation)."""
    user = _get(session, email)
    user.password_hash = hash_password(password)
    _bump(session, user)
    audit.record(session, None, actions.USER_RESET, region=_region(user), user_id=user.id)
    return user


def update(session: Session, email: str, **changes: str | None) -> User:
    """Change a user's name (whole, or any of its parts), role, scope, language or college (the keys
    given); every credential of theirs ends, since it carries the old values."""
    user = _get(session, email)
    unknown = set(changes) - {"name", "role", "scope", "language", "college", *names.PARTS}
    if unknown:
        raise AccountError(f"cannot change {sorted(unknown)}")
    if changes.get("scope"):
        known = regions.resolve(changes["scope"])
        changes["scope"] = known.code if known else changes["scope"]
    role = changes.get("role") or user.role
    scope = changes.get("scope") or user.scope
    language = changes.get("language") or user.language
    _checked(role, scope, language)
    before = (user.role, user.scope)
    _rename(user, changes)
    user.role, user.scope, user.language = role, scope, language
    if "college" in changes:
        user.college = changes["college"] or None
    _bump(session, user)
    audit.record(
        session, None, actions.USER_CHANGED, region=_region(user), user_id=user.id, changed=sorted(changes)
    )
    session.flush()
    for commission in {before, (role, scope)}:
        scoring.commission_changed(session, *commission)
    return user


def _parts(name: str | None, parts: dict[str, str | None]) -> dict[str, str | None]:
    """The parts to keep (each None when the name is one whole `name`); refused with every field at
    fault named (`NameRefused`)."""
    refused = names.check_parts(parts)
    if (name or "").strip() and names.given(parts):
        refused = {"name": ("name_and_parts", {}), **refused}
    if refused:
        raise NameRefused(refused)
    return names.stored_parts(parts)


def _rename(user: User, changes: dict[str, str | None]) -> None:
    """A change of any part keeps the others (an empty one clears it) and makes the name from them; a
    whole `name` alone replaces the parts, which no longer say it."""
    if any(field in changes for field in names.PARTS):
        kept = {field: changes.get(field, getattr(user, field)) for field in names.PARTS}
        parts = _parts(changes.get("name"), kept)
        for field, value in parts.items():
            setattr(user, field, value)
        user.name = names.whole_name(parts) or user.name
    elif changes.get("name"):
        user.name = str(changes["name"]).strip()
        user.last_name = user.first_name = user.patronymic = None


def disable(session: Session, email: str) -> User:
    """The user may no longer sign in; every credential of theirs stops working everywhere."""
    user = _get(session, email)
    user.disabled = True
    _bump(session, user)
    audit.record(session, None, actions.USER_DISABLED, region=_region(user), user_id=user.id)
    session.flush()
    scoring.commission_changed(session, user.role, user.scope)
    return user


def issue_token(session: Session, email: str, secret_key: str, days: int) -> str:
    """A personal API token of the user's current generation (it ends with their next change)."""
    user = _get(session, email)
    if user.disabled:
        raise AccountError(f"user {user.email} is disabled")
    audit.record(session, None, actions.TOKEN_ISSUED, region=_region(user), user_id=user.id, days=days)
    return identity.issue_token(secret_key, identity_of(user, timedelta(days=days)))


def listing(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.scope, User.email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The enabled user with this email and password, or None; the same work either way.

    A hash made with older parameters is replaced on a successful login.
    """
    user = find(session, email)
    stored = user.password_hash if user is not None and not user.disabled else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def identity_of(user: User, lifetime: timedelta, via: str = "session") -> identity.Identity:
    """What `user`'s credentials carry, for `lifetime` from now (the account's columns of the same names)."""
    expires_at = clock.utcnow() + lifetime
    return dataclass_of(identity.Identity, user, user_id=user.id, expires_at=expires_at, via=via)


def _region(user: User) -> str | None:
    return None if user.scope == identity.NATIONAL else user.scope


def _bump(session: Session, user: User) -> None:
    user.generation += 1
    user.updated_at = clock.utcnow()
    _announce(session, user)


def _announce(session: Session, user: User) -> None:
    """Record the user's generation here and tell the other services, in this transaction."""
    identity.record_generation(
        session, metadata.tables[identity.GENERATIONS], user.id, user.generation, user.disabled
    )
    payload: dict[str, Any]
    if user.disabled:
        event_type, payload = "user.disabled", {"user_id": user.id, "generation": user.generation}
    else:
        event_type = "user.changed"
        payload = {
            "user_id": user.id,
            "generation": user.generation,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "scope": user.scope,
            "language": user.language,
            "college": user.college,
            **{field: getattr(user, field) for field in names.PARTS},
        }
    region = identity.event_region(user.scope)
    outbox.emit(session, Event(type=event_type, version=1, region=region, producer=PRODUCER, payload=payload))
