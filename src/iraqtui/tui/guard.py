"""Keep the app alive when a handler has a bug: the error becomes a notification.

Textual ends a node's message loop at the first exception a handler raises (and, for the
app's loop, every key binding with it), then calls `App._handle_exception`, which exits.
`Guarded` catches the exception where the message is dispatched, so the loop goes on; the
app's `_handle_exception` override is the last resort for errors raised elsewhere (workers,
timers, compose). Both hooks are private Textual API: tests/tui/test_errors.py checks that
they still exist and still work, so a Textual upgrade that changes them fails loudly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.message import Message
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from iraqtui.tui.app import IraqApp


class Guarded(MessagePump):
    """Mixed into every app, screen and widget class of ours (first in the bases)."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            report_bug(self, error)


def report_bug(node: MessagePump, error: BaseException) -> None:
    app = cast("IraqApp", node.app)
    app.log.error(error)
    app.report_error("unexpected error (please report it)", error)
