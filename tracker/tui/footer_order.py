"""The footer's order: the node keys first, then the screen's own, then the app's, whatever the keymap.

Textual lists a screen's active bindings in the order their keys were bound,
so a key moved by keymap.toml went to the end of the footer and out of its
group ("R Read" after "K Kinds"). Screens sort them back by binding id.
"""

from __future__ import annotations

from .bindings import (APP_BINDINGS, BROWSE_BINDINGS, CONFLICT_BINDINGS, NODE_BINDINGS, NOTES_BINDINGS,
                       PATH_BINDINGS)

SCREEN_FIRST = NODE_BINDINGS + BROWSE_BINDINGS + CONFLICT_BINDINGS + NOTES_BINDINGS + PATH_BINDINGS + APP_BINDINGS
ORDER = {binding.id: index for index, binding in enumerate(SCREEN_FIRST) if binding.id}


class FooterOrder:
    """Mixed into a Screen, ahead of it."""

    @property
    def active_bindings(self):
        bindings = super().active_bindings
        last = len(ORDER)
        return dict(sorted(bindings.items(), key=lambda item: ORDER.get(item[1].binding.id, last)))
