"""The email policies mail is built and written with: the standard library's EmailPolicy, with the parsing and the
folding of header values remembered.

Parsing and folding a header with Cyrillic text (a From name, a Subject) costs the email package about a millisecond
each; a notice's mails to its followers share them, so a delivery batch parses and folds them once. Header objects
are immutable, so one parsed value may sit in many messages. A mail's own headers (its recipient, its
unsubscribe link) are not remembered.
"""

from __future__ import annotations

import functools
from email.headerregistry import BaseHeader
from email.policy import EmailPolicy

# One mail's own headers: never kept (an address, an unsubscribe token), and no other mail would use them.
PER_RECIPIENT = frozenset({"to", "cc", "bcc", "list-unsubscribe", "message-id"})


class _Remembering(EmailPolicy):
    """EmailPolicy whose header_store_parse and fold_binary answer from a cache for values seen before: the same
    header objects and bytes the standard policy gives for the value as it was set."""

    def header_store_parse(self, name, value):
        if isinstance(value, str) and not isinstance(value, BaseHeader) and name.lower() not in PER_RECIPIENT \
                and "\n" not in value and "\r" not in value:
            return name, _parsed(self, name, value)
        return super().header_store_parse(name, value)

    def fold_binary(self, name, value):
        source = getattr(value, "_set_as", None)
        if source is None or name.lower() in PER_RECIPIENT:
            return super().fold_binary(name, value)
        return _folded(self, name, source)


@functools.lru_cache(maxsize=1024)
def _parsed(policy: _Remembering, name: str, value: str) -> BaseHeader:
    header = EmailPolicy.header_store_parse(policy, name, value)[1]
    header._set_as = value          # what it was set from: a header's str() is its decoded, re-rendered form
    return header


@functools.lru_cache(maxsize=1024)
def _folded(policy: _Remembering, name: str, value: str) -> bytes:
    return EmailPolicy.fold_binary(policy, name, policy.header_factory(name, value))


# Messages are built with BUILD (bodies keep "\n"); written for SMTP with WIRE[(smtputf8, eight_bit)].
BUILD = _Remembering()
WIRE = {(utf8, eight_bit): _Remembering(linesep="\r\n", utf8=utf8, cte_type="8bit" if eight_bit else "7bit")
        for utf8 in (False, True) for eight_bit in (False, True)}
