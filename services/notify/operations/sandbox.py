"""Jinja's sandbox with a bill: what an administrator's template may cost to render.

`SandboxedEnvironment` keeps a template away from Python's internals, not from the CPU or memory: a
`{{ 'x' * 10**9 }}`, a `range` of a billion or ten nested loops over a name would stall the worker or
the editor's preview. So every way a template can make something big is bounded where Jinja lets us:
- the operators (`intercepted_binops`, `call_binop`): a string or list repeated past `MAX_REPEAT`
  characters or items, a power or product past `MAX_BITS`, a `%` format whose width is past
  `MAX_REPEAT`, a `+` past `MAX_OUTPUT`;
- `range` of at most `MAX_RANGE` numbers, and at most `MAX_ITERATIONS` loop turns in one rendering
  (every `for` is counted, whatever it loops over);
- `~` (concatenation), calls of string methods and the filters that can grow a string (`center`,
  `indent`, `format`, `replace`, `join`): no width past `MAX_REPEAT`, no result past `MAX_OUTPUT`;
- the output, read as it is generated: past `MAX_OUTPUT` bytes the rendering stops.
A template that crosses a limit raises `TooCostly`; saving it is refused (`template_too_costly`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

#: The most a message may weigh once rendered (UTF-8 bytes): letters are a few KB.
MAX_OUTPUT = 64 * 1024
#: The most numbers one `range` may give.
MAX_RANGE = 10_000
#: The longest string (characters) or list (items) `*` may make, and the widest a format may pad.
MAX_REPEAT = 10_000
#: The most loop turns in one rendering, over every loop of the template.
MAX_ITERATIONS = 100_000
#: The largest number (in bits) `*` and `**` may make.
MAX_BITS = 100_000
#: The widths of a `%` format (`%100s`, `%-*s` takes its width from the arguments) and of a
#: `str.format` field (`{:>100}`, `{0:100.2f}`).
_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\d+)?(?:\.(\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_DIGITS = re.compile(r"\d+")
_turns: ContextVar[list[int]] = ContextVar("notify_template_turns")


class TooCostly(SecurityError):
    """Rendering the template would cost more than a message may."""


def _check_size(value: Any) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > MAX_OUTPUT:
        raise TooCostly(f"too costly: a value of over {MAX_OUTPUT} characters")
    return value


def _check_numbers(*values: Any) -> None:
    """No number argument (a width, a fill) past `MAX_REPEAT`."""
    for value in values:
        if isinstance(value, int) and value > MAX_REPEAT:
            raise TooCostly(f"too costly: {value} is over {MAX_REPEAT}")


def _check_format(text: Any, style: str) -> None:
    """No field of a `%` (`style` "%") or `str.format` ("{") format wider than `MAX_REPEAT`."""
    if not isinstance(text, str):
        return
    if style == "%":
        widths = [n for match in _PERCENT_WIDTH.finditer(text) for n in match.groups() if n]
    else:
        widths = [n for spec in _BRACE_SPEC.findall(text) for n in _DIGITS.findall(spec)]
    if any(int(width) > MAX_REPEAT for width in widths):
        raise TooCostly(f"too costly: a format wider than {MAX_REPEAT}")


def _joined_size(items: Any, separator: Any) -> None:
    """What `join` would make, counted before it is made."""
    if isinstance(items, list | tuple | str):
        size = sum(len(str(item)) for item in items) + len(str(separator)) * len(items)
        if size > MAX_OUTPUT:
            raise TooCostly(f"too costly: a value of over {MAX_OUTPUT} characters")


def _replaced_size(value: Any, old: Any, new: Any) -> None:
    """What `replace` would make, counted before it is made."""
    if isinstance(value, str):
        old, new = str(old), str(new)
        places = value.count(old) if old else len(value) + 1
        if len(value) + places * max(len(new) - len(old), 0) > MAX_OUTPUT:
            raise TooCostly(f"too costly: a value of over {MAX_OUTPUT} characters")


def _repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        repeated = isinstance(sequence, str | list | tuple) and isinstance(times, int)
        if repeated and len(sequence) * times > MAX_REPEAT:
            raise TooCostly(f"too costly: a repetition of over {MAX_REPEAT} characters or items")
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
        raise TooCostly(f"too costly: a number of over {MAX_BITS} bits")


def _power(left: Any, right: Any) -> None:
    numbers = isinstance(left, int) and isinstance(right, int) and right > 0
    if numbers and max(left.bit_length(), 1) * right > MAX_BITS:
        raise TooCostly(f"too costly: a number of over {MAX_BITS} bits")


def bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooCostly(f"too costly: a range of over {MAX_RANGE} numbers")
    return numbers


#: The filters that can grow a string, and what is checked before each runs.
_FILTER_CHECKS: dict[str, Callable[..., None]] = {
    "center": lambda value, *args, **kwargs: _check_numbers(*args, *kwargs.values()),
    "indent": lambda value, *args, **kwargs: _check_numbers(*args, *kwargs.values()),
    "format": lambda value, *args, **kwargs: _check_format(value, "%"),
    "join": lambda value, separator="", *args, **kwargs: _joined_size(value, separator),
    "replace": lambda value, old="", new="", *args, **kwargs: _replaced_size(value, old, new),
}


def _bounded_filter(original: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
    """`original`, checked before it runs and its result after."""

    # Jinja passes the eval context first to a filter marked so (`join`, `replace`): so is this one.
    passed = getattr(original, "jinja_pass_arg", None)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(*(args[1:] if passed else args), **kwargs)
        return _check_size(original(*args, **kwargs))

    if passed is not None:
        bounded.jinja_pass_arg = passed  # type: ignore[attr-defined]
    return bounded


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with the limits above; see the module's docstring."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = bounded_range
        for name, check in _FILTER_CHECKS.items():
            self.filters[name] = _bounded_filter(self.filters[name], check)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _repeat(left, right)
        elif operator == "**":
            _power(left, right)
        elif operator == "%":
            _check_format(left, "%")
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") in ("format", "format_map"):
            _check_format(owner, "{")
        elif isinstance(owner, str):
            _check_numbers(*args, *kwargs.values())
            if getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                _replaced_size(owner, args[0], args[1])
            if getattr(__obj, "__name__", "") == "join" and args:
                _joined_size(args[0], owner)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, each turn counted against the rendering's `MAX_ITERATIONS`."""
        turns = _turns.get(None)
        for item in iterable:
            if turns is not None:
                turns[0] += 1
                if turns[0] > MAX_ITERATIONS:
                    raise TooCostly(f"too costly: over {MAX_ITERATIONS} loop turns")
            yield item

    def concat(self, *values: Any) -> str:
        """`~`: the strings joined, no longer than `MAX_OUTPUT`."""
        return str(_check_size("".join(str(value) for value in values)))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every loop counted and every `~` bounded, by rewriting the parsed template."""
        template = super()._parse(source, name, filename)
        for loop in template.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [loop.iter], [], None, None)
        for parent in template.find_all(nodes.Node):
            for field in parent.fields:
                child = getattr(parent, field, None)
                if isinstance(child, nodes.Concat):
                    setattr(parent, field, _concat(child))
                elif isinstance(child, list):
                    setattr(parent, field, [_concat(c) if isinstance(c, nodes.Concat) else c for c in child])
        return template


def _concat(node: nodes.Concat) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute("concat"), list(node.nodes), [], None, None)


def render(template: Any, params: dict[str, Any]) -> str:
    """The template rendered with `params`, stopped as soon as the output passes `MAX_OUTPUT` bytes."""
    token = _turns.set([0])
    try:
        size, chunks = 0, []
        for chunk in template.generate(**params):
            size += len(chunk.encode("utf-8"))
            if size > MAX_OUTPUT:
                raise TooCostly(f"too costly: an output of over {MAX_OUTPUT // 1024} KB")
            chunks.append(chunk)
        return "".join(chunks)
    finally:
        _turns.reset(token)
