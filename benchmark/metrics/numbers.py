"""Quantities a summary states (numbers, money, times, dates, ordinals, ranges), normalised.

Every quantity becomes a :class:`Quantity` with a *kind* and a canonical value, so the
article's and the summary's surface forms compare as values:

- ``number``: ``1,000`` = ``1000``; ``5%`` = ``5 per cent`` = ``5 percent`` (the per-cent
  marker is dropped, the value kept); ``1.5 million`` = ``1,500,000``, ``2.5m`` = ``2.5
  million``; spelled-out numbers below 100 (``twenty-one``) and the ``hundred`` ...
  ``trillion`` multipliers are read as values.
- ``money``: a number with a currency (``$5m``, ``£2.5 million``, ``5 million dollars``):
  the value and the currency; it is supported by the same value in the same currency or
  with no currency, not by the same value in another currency.
- ``time``: ``2:21:48``, ``14:30``, ``2.30pm``, ``2pm`` as hours, minutes and seconds (a
  12-hour time matches the 24-hour one; a clock time without am/pm matches either).
- ``date``: a day with a month name (``March 3``, ``3rd of March``, ``3 March``) as month
  and day; a year beside it is a number of its own. Weekday names and capitalised month
  names alone (``on Tuesday``, ``in March``) are dates too.
- ``ordinal``: ``83rd`` = ``eighty-third`` (``1st`` and ``2nd`` count, the words ``first``
  and ``second`` do not: they are too often not a rank).
- ``range``: ``10-12``, ``10 to 12``, ``between 10 and 12``, a score ``2-1``: both ends in
  order; the article's ranges also lend their ends as numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_UNITS = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen",
)
_TENS = re.findall(r"\w+", "twenty thirty forty fifty sixty seventy eighty ninety")
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
WORD_VALUES |= {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_ORDINAL_UNITS = re.findall(
    r"\w+",
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth",
)
ORDINAL_WORDS: dict[str, int] = {w: i for i, w in enumerate(_ORDINAL_UNITS) if i >= 3}
ORDINAL_WORDS |= {w[:-1] + "ieth": 20 + 10 * i for i, w in enumerate(_TENS)}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
    "k": 1_000,
    "trillion": 1_000_000_000_000,
}
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        re.findall(
            r"\w+", "january february march april may june july august september october november december"
        )
    )
}
MONTHS |= {m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9}
WEEKDAYS = tuple(re.findall(r"\w+", "monday tuesday wednesday thursday friday saturday sunday"))
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "dollar": "USD",
    "dollars": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
    "usd": "USD",
    "gbp": "GBP",
    "eur": "EUR",
}

_WORD = "|".join(sorted(WORD_VALUES, key=len, reverse=True))
_ORD_WORD = "|".join(
    sorted(
        [*ORDINAL_WORDS, *(f"{t}[-\\s]{u}" for t in _TENS for u in _ORDINAL_UNITS[1:10])],
        key=len,
        reverse=True,
    )
)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?:hundred|thousand|million|billion|trillion|bn)\b|(?:m|bn|k)\b)"
_PATTERN = re.compile(
    "|".join(
        [
            r"(?P<time>(?<![\w.:])\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[ap]\.?m\b\.?)?"
            r"|(?<![\w.:])\d{1,2}(?:\.\d{2})?\s*[ap]\.?m\b\.?)",
            rf"(?P<date1>\b(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:,\d|\.\d|:)))",
            rf"(?P<date2>(?<![\w.])(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m2>{_MONTH})\b\.?)",
            r"(?P<range>(?:\bbetween\s+)?(?<![\w.,])(?P<r1>\d+(?:\.\d+)?)"
            r"(?:\s*(?:-|–|—)\s*|\s+(?:to|and)\s+)(?P<r2>\d+(?:\.\d+)?)(?![\w.,]?\d))",
            rf"(?P<ordinal>(?<![\w.])\d+(?:st|nd|rd|th)\b|\b(?:{_ORD_WORD})\b)",
            r"(?P<money>(?P<cur1>us\$|[$£€¥])\s*(?P<mnum>" + _NUM + r")(?P<mscale>" + _SCALE + r")?)",
            r"(?P<number>(?<![\w.])(?P<num>" + _NUM + rf"|(?:{_WORD})(?:[-\s](?:{_WORD}))?\b)"
            r"(?P<scale>" + _SCALE + r")?"
            r"(?P<cur2>\s+(?:dollars?|pounds?|euros?|yen)\b)?"
            r"(?P<pct>\s*(?:%|per\s?cent\b|percent\b))?)",
            r"(?P<weekday>\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b)",
            r"(?P<month>\b(?:January|February|March|April|June|July|August|September|October|November"
            r"|December)\b)",
        ]
    ),
    re.IGNORECASE,
)
_WEEKDAY_MONTH_CASED = re.compile(r"[A-Z]")


@dataclass(frozen=True, slots=True)
class Quantity:
    """One stated quantity: its text, its kind and its canonical value (see the module doc)."""

    surface: str
    kind: str
    value: str
    unit: str = ""


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None


def word_value(text: str) -> int | None:
    """The value of a spelled-out number below 100 (``twenty-one``), or None."""
    parts = re.split(r"[-\s]+", text.lower())
    if len(parts) == 2 and parts[0] in _TENS and WORD_VALUES.get(parts[1], 10) < 10:
        return WORD_VALUES[parts[0]] + WORD_VALUES[parts[1]]
    if len(parts) == 1 and parts[0] in WORD_VALUES:
        return WORD_VALUES[parts[0]]
    return None


def _ordinal_value(text: str) -> int | None:
    low = text.lower()
    digits = re.match(r"\d+", low)
    if digits:
        return int(digits.group())
    parts = re.split(r"[-\s]+", low)
    if len(parts) == 2 and parts[0] in _TENS:
        unit = _ORDINAL_UNITS.index(parts[1]) if parts[1] in _ORDINAL_UNITS else -1
        return WORD_VALUES[parts[0]] + unit if 0 < unit < 10 else None
    return ORDINAL_WORDS.get(low)


def _scaled(raw: str, scale: str | None) -> Decimal | None:
    if raw[0].isdigit():
        value = _decimal(raw)
    else:
        word = word_value(raw)
        if word is None:  # "twenty two" read as one span that is not a number: take its head
            word = word_value(re.split(r"[-\s]+", raw)[0])
        value = None if word is None else Decimal(word)
    if value is None:
        return None
    scale = (scale or "").strip().lower()
    return value * SCALES[scale] if scale else value


def _time(text: str) -> str | None:
    low = text.lower().replace(".", ":") if re.search(r"[ap]\.?m", text.lower()) else text.lower()
    meridiem = "p" if re.search(r"p:?m", low) else "a" if re.search(r"a:?m", low) else ""
    parts = re.findall(r"\d+", re.sub(r"[ap]:?m:?", "", low))
    hours, rest = int(parts[0]), [int(p) for p in parts[1:3]]
    if meridiem and not 1 <= hours <= 12:
        return None
    if meridiem == "p" and hours != 12:
        hours += 12
    elif meridiem == "a" and hours == 12:
        hours = 0
    rest += [0] * (2 - len(rest))
    if rest[0] > 59 or rest[1] > 59:
        return None
    return f"{hours}:{rest[0]:02d}:{rest[1]:02d}" + ("" if meridiem else "?")


def quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order (see the module docstring for the kinds)."""
    out: list[Quantity] = []
    for match in _PATTERN.finditer(text):
        surface = match.group(0).strip()
        kind = (
            match.lastgroup
            if match.lastgroup in _KINDS
            else next(k for k in _KINDS if match.group(k) is not None)
        )
        if kind == "time":
            surface = re.sub(r"(?<=\d|\s)([ap])m\.$", r"\1m", surface)  # "7:30pm." ends a sentence
            value = _time(surface)
            if value is not None:
                out.append(Quantity(surface, "time", value))
        elif kind in ("date1", "date2"):
            side = "1" if kind == "date1" else "2"
            month, day = MONTHS[match.group("m" + side).lower()], int(match.group("d" + side))
            month_word = match.group("m" + side)
            if month_word.lower() == "may" and not _WEEKDAY_MONTH_CASED.match(month_word):
                out += quantities(match.group("d" + side))
            elif 1 <= day <= 31:
                out.append(Quantity(surface, "date", f"{month}-{day}"))
        elif kind == "range":
            low, high = _decimal(match.group("r1")), _decimal(match.group("r2"))
            if low is not None and high is not None:
                out.append(Quantity(surface, "range", f"{_canonical(low)}-{_canonical(high)}"))
        elif kind == "ordinal":
            rank = _ordinal_value(surface)
            if rank is not None:
                out.append(Quantity(surface, "ordinal", str(rank)))
        elif kind == "money":
            amount = _scaled(match.group("mnum"), match.group("mscale"))
            if amount is not None:
                unit = CURRENCIES[match.group("cur1").lower()]
                out.append(Quantity(surface, "money", _canonical(amount), unit))
        elif kind == "number":
            amount = _scaled(match.group("num"), match.group("scale"))
            if amount is None:
                continue
            unit = CURRENCIES.get((match.group("cur2") or "").strip().lower(), "")
            out.append(Quantity(surface, "money" if unit else "number", _canonical(amount), unit))
        elif kind in ("weekday", "month") and _WEEKDAY_MONTH_CASED.match(surface):
            out.append(Quantity(surface, "date", surface.lower().rstrip("s")))
    return out


_KINDS = ("time", "date1", "date2", "range", "ordinal", "money", "number", "weekday", "month")


@dataclass(frozen=True)
class ArticleQuantities:
    """What an article states, indexed for :func:`supported`."""

    values: frozenset[tuple[str, str, str]]  # (kind, value, unit)

    @classmethod
    def of(cls, text: str) -> ArticleQuantities:
        found: set[tuple[str, str, str]] = set()
        for q in quantities(text):
            found.add((q.kind, q.value, q.unit))
            if q.kind == "range":
                for end in q.value.split("-"):
                    found.add(("number", end, ""))
            if q.kind == "money":
                found.add(("number", q.value, ""))
            if q.kind == "date" and "-" in q.value:  # the day of "March 3" is also a number 3
                found.add(("number", q.value.split("-")[1], ""))
        return cls(frozenset(found))

    def supports(self, q: Quantity) -> bool:
        """True when the article states ``q``'s value (see the module docstring)."""
        if q.kind == "money":
            same = {u for k, v, u in self.values if k == "money" and v == q.value}
            return q.unit in same or (not same and ("number", q.value, "") in self.values)
        if q.kind == "number":
            return any(k in ("number", "money") and v == q.value for k, v, _ in self.values)
        if q.kind == "time":
            return any(k == "time" and _same_time(v, q.value) for k, v, _ in self.values)
        return (q.kind, q.value, q.unit) in self.values


def _same_time(a: str, b: str) -> bool:
    ha, ma = a.rstrip("?").split(":", 1)
    hb, mb = b.rstrip("?").split(":", 1)
    if ma != mb:
        return False
    if ha == hb:
        return True
    loose = a.endswith("?") or b.endswith("?")
    return loose and int(ha) % 12 == int(hb) % 12
