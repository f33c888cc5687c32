"""The API's words for people in English and German: messages, chosen per request from ``Accept-Language``.

A catalogue is a table of :class:`Message` (one per area: ``resolvers/texts.py`` for refusals and input
errors; ``analysis/texts.py`` holds the reasons of suggestions and missing links as plain templates,
since analysis/ imports nothing of ours). Calling a message gives a :class:`Text`: a ``str`` whose value
is the English sentence, so code and logs that treat it as a string keep working, and which knows its
template and parameters, so the schema can say it in the request's language (:func:`localized`) when it
leaves. The language of a request is chosen once (:func:`negotiate`) and held in :data:`CURRENT` for the
task that runs the operation. English stays the default: clients that send no ``Accept-Language`` get
the answers they always got.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from string import Formatter
from typing import Final, Literal, cast

Language = Literal["en", "de"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "de")
DEFAULT: Final[Language] = "en"

# The language of the operation being run; set per operation (each runs as its own task).
CURRENT: ContextVar[Language] = ContextVar("kiezgraph_language", default=DEFAULT)


@dataclass(frozen=True)
class Message:
    """One thing said to people, in each language; ``{name}`` placeholders as in ``str.format``."""

    en: str
    de: str

    def __call__(self, **params: object) -> Text:
        return Text(self, params)

    def template(self, language: Language) -> str:
        return self.de if language == "de" else self.en


class Text(str):
    """A message with its parameters: English as a ``str``; :meth:`in_` says it in another language."""

    message: Message
    params: Mapping[str, object]

    def __new__(cls, message: Message, params: Mapping[str, object]) -> Text:
        text = super().__new__(cls, _render(message, params, "en"))
        text.message = message
        text.params = params
        return text

    def in_(self, language: Language) -> str:
        return _render(self.message, self.params, language)

    def __reduce__(self) -> tuple[type[Text], tuple[Message, dict[str, object]]]:
        # str's own pickling would call __new__ with the English string alone.
        return (Text, (self.message, dict(self.params)))


def _render(message: Message, params: Mapping[str, object], language: Language) -> str:
    # A parameter may itself be a Text or a Message ("actor" → "Akteur"): said in the same language.
    said = {k: _said(v, language) for k, v in params.items()}
    return message.template(language).format(**said)


def _said(value: object, language: Language) -> object:
    if isinstance(value, Text):
        return value.in_(language)
    if isinstance(value, Message):
        return value.template(language)
    return value


def verbatim(en: str, de: str) -> Text:
    """A text already said in both languages (another catalogue's, a user's words inside it): kept as
    it is, braces included, since it has no placeholders of its own."""
    return Message(_escaped(en), _escaped(de))()


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def localized(value: str, language: Language | None = None) -> str:
    """``value`` in ``language`` (default: the current operation's) if it is a :class:`Text`, else as is."""
    return value.in_(language or CURRENT.get()) if isinstance(value, Text) else value


def negotiate(accept_language: str | None, default: Language = DEFAULT) -> Language:
    """The language to answer in, from an ``Accept-Language`` header (RFC 9110, 12.5.4): the supported
    language with the highest weight; ``default`` (English for the API) without a header or a match."""
    best: tuple[float, Language] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, options = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        weight = 1.0
        for option in options.split(";"):
            key, _, value = option.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight <= 0:
            continue
        # Equal weights: the earlier tag wins (a lower position sorts first via the negated index).
        if best is None or weight > best[0]:
            best = (weight - position * 1e-9, cast(Language, primary))
    return best[1] if best else default


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses (for the test that every language uses the same ones)."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}
