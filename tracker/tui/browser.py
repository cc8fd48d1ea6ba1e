"""Opening a link in a web browser, and knowing when there is none.

``webbrowser`` picks a browser from ``$BROWSER``, the desktop and the PATH.
On a server over SSH it finds none (or only a console browser such as lynx,
which would take over the terminal the app is drawn in): then the caller
says so and copies the link instead. Runs off the UI thread: a browser
named in ``$BROWSER`` may take a while to return.
"""

from __future__ import annotations

import os
import webbrowser

CONSOLE_BROWSERS = {"www-browser", "links", "elinks", "lynx", "w3m"}


def open_in_browser(url: str) -> bool:
    """True when a browser accepted the URL; False when there is none to ask, or it refused."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    name = os.path.basename(getattr(browser, "name", "") or "")
    if not os.environ.get("BROWSER") and name in CONSOLE_BROWSERS:
        return False
    try:
        return bool(browser.open(url, new=2))
    except (OSError, webbrowser.Error):
        return False
