"""Content negotiation: pick a representation from the Accept header, a `format`
parameter (for browsers, which cannot set Accept on a link) or a file extension."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from beleidsgraaf import formats

from .errors import NotAcceptable

HTML = formats.HTML
@dataclass(frozen=True)
class Preference:
    media_type: str
    q: float
    order: int
    raw: str = ""


def parse_accept(header: str | None) -> list[Preference]:
    prefs = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        prefs.append(Preference(formats.ACCEPT_ALIASES.get(media, media), q, order, media))
    return prefs


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The best offer for an Accept header: highest q, then the most specific match, then
    the client's order, then ours. No Accept header means the first offer."""
    prefs = parse_accept(accept)
    if not prefs:
        return offers[0]
    best, best_key = None, None
    for index, offer in enumerate(offers):
        for pref in prefs:
            # An exact offer of what the client named beats the alias (application/json).
            specificity = _match(pref.raw, offer)
            if specificity is None:
                specificity = _match(pref.media_type, offer)
            if specificity is None or pref.q <= 0:
                continue
            key = (pref.q, specificity, -pref.order, -index)
            if best_key is None or key > best_key:
                best, best_key = offer, key
    return best


def _match(pattern: str, offer: str) -> int | None:
    if pattern == offer:
        return 2
    if pattern.endswith("/*") and offer.startswith(pattern[:-1]):
        return 1
    if pattern == "*/*":
        return 0
    return None


def negotiate(request: Request, offers: list[str], *, format_param: str | None = None) -> str:
    """The media type to answer with, or NotAcceptable (406) naming what we can give."""
    name = format_param if format_param is not None else request.query_params.get("format")
    if name:
        media = formats.media_type_named(name)
        if media in offers:
            return media
        raise NotAcceptable(f"format '{name}' is not available here; use one of "
                            + ", ".join(short_names(offers)))
    chosen = choose(request.headers.get("accept"), offers)
    if chosen is None:
        raise NotAcceptable("none of the media types in the Accept header is available here; offered: "
                            + ", ".join(offers))
    return chosen


def short_names(offers: list[str]) -> list[str]:
    return [formats.short_name(offer) for offer in offers]


def wants_html(request: Request) -> bool:
    """Whether a browser (rather than a program) is asking: used for error pages."""
    if request.query_params.get("format", "").lower() == "html":
        return True
    prefs = parse_accept(request.headers.get("accept"))
    html_q = max((p.q for p in prefs if p.media_type == HTML), default=0.0)
    other_q = max((p.q for p in prefs if p.media_type not in (HTML, "*/*")), default=0.0)
    return html_q > 0 and html_q >= other_q
