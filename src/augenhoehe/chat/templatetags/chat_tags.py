"""Template helpers of the web chat: safe links in message text, Trialog labels, and the
strings the chat script shows (handed over as JSON, since the CSP forbids inline script)."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()

# Only http(s) links become clickable; the chat script (chat.js) uses the same rule.
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}'\""


@register.filter(is_safe=True)
def linkify(text: str) -> SafeString:
    """Escape message text, then turn http(s) addresses into links that share nothing."""
    text = str(text or "")
    parts: list[str] = []
    pos = 0
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        if len(url) <= len("https://"):
            continue
        parts.append(escape(text[pos : match.start()]))
        parts.append(
            format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', url, url)
        )
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def perspective_labels() -> dict[str, str]:
    return {
        "affected": pgettext("trialog", "Lived experience"),
        "relative": pgettext("trialog", "Relative"),
        "professional": pgettext("trialog", "Professional"),
        "unspecified": pgettext("trialog", "Not stated"),
    }


@register.filter
def perspective_label(perspective: str) -> str:
    return perspective_labels().get(perspective or "", "")


@register.simple_tag
def chat_strings() -> dict[str, object]:
    return {
        "perspectives": perspective_labels(),
        "edited": _("(edited)"),
        "deleted": _("This message was deleted."),
        "hidden": _("This message was hidden by a facilitator."),
        "pending": _("Sending…"),
        "failed": _("Not sent."),
        "retry": _("Send again"),
        "discard": _("Discard"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "hide": _("Hide"),
        "confirm_delete": _("Delete this message?"),
        "confirm_hide": _("Hide this message for everybody in the group?"),
        "edit_label": _("Edit your message"),
        "connecting": _("Connecting…"),
        "connected": _("Connected."),
        "reconnecting": _("Reconnecting…"),
        "offline": _("You are offline. Your messages will be sent when the connection is back."),
        "new_message_from": _("New message from %(name)s"),
        "new_messages": _("%(count)s new messages"),
        "you": _("You"),
        "deleted_account": _("Deleted account"),
        "removed": _("You are no longer a member of this group. Reload the page."),
        "close": _("Close"),
        "support_title": _("Support for you"),
        "error": _("Something went wrong. Please try again."),
        "rate_limited": _("You are writing very fast. Please wait %(seconds)s seconds."),
    }
