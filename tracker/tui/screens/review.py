"""Review mode: the cards due now, one at a time, rated 1-4 on the keyboard.

The same session as ``tracker review`` (``tracker.review.session``): space or
Enter shows the back, 1 Again, 2 Hard, 3 Good, 4 Easy, u takes back the last
rating. Writes go through the app's ordered store writer, off the UI thread.
Card text is untrusted: it is shown as plain ``Text``, never as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...review.card_text import load_card_text
from ...review.session import Session, counts_line
from ...text import clean
from ..bindings import REVIEW_BINDINGS
from ..mastery_view import forget_recall


class ReviewScreen(Screen):
    BINDINGS = REVIEW_BINDINGS
    TITLE = "Review"

    def __init__(self) -> None:
        super().__init__()
        self.revealed = False
        self.reviewed = 0
        self.session: Session | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-counts", classes="screen-heading")
        yield Static(id="review-front")
        yield Static(id="review-back")
        yield Static(id="review-said", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        app = self.app
        self.session = Session(app.session.store, known=lambda i: i in app.session.graph.nodes, clock=app.clock)
        self.show_card()

    # what is shown -----------------------------------------------------------
    def show_card(self) -> None:
        self.revealed = False
        store, graph = self.app.session.store, self.app.session.graph
        self.query_one("#review-counts", Static).update(
            Text(counts_line(store, self.app.clock()), style="bold")
            + Text(f"   {self.session.left} left in this session", style="dim"))
        back = self.query_one("#review-back", Static)
        back.update("")
        node_id = self.session.current
        front = self.query_one("#review-front", Static)
        if node_id is None:
            done = f"Nothing left to review: {self.reviewed} reviewed. Escape closes."
            front.update(Text(done if self.reviewed else "Nothing is due. Escape closes.", style="dim"))
            self.refresh_bindings()
            return
        self.card = load_card_text(graph, store, node_id)
        text = Text(clean(self.card.title), style="bold") + Text(f"  {self.card.kind}\n\n", style="cyan")
        for prompt in self.card.prompts:
            text.append("Q: ")
            text.append(clean(prompt) + "\n")
        text.append("\nspace shows the answer", style="dim")
        front.update(text)
        self.refresh_bindings()

    def show_back(self) -> None:
        card, text = self.card, Text()
        for body in card.notes:
            text.append(clean(body) + "\n")
        if not card.notes:
            text.append("(no notes yet: e on the node writes one; Q: lines become this card's questions)\n",
                        style="dim")
        if card.claim:
            text.append("\nclaim: ", style="bold")
            text.append(clean(card.claim))
            text.append(f"  [{card.verdict or 'not run yet'}]\n", style="cyan")
        for title, reason in card.reasons:
            text.append("needs ", style="dim")
            text.append(clean(title), style="bold")
            text.append(": " + clean(reason) + "\n")
        text.append("\n1 Again   2 Hard   3 Good   4 Easy   u undo", style="dim")
        self.query_one("#review-back", Static).update(text)

    def say(self, message: str) -> None:
        self.query_one("#review-said", Static).update(Text(message))

    # keys ----------------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reveal":
            return self.session is not None and self.session.current is not None and not self.revealed
        if action == "rate":
            return self.session is not None and self.session.current is not None and self.revealed
        if action == "undo_rating":
            return self.session is not None and bool(self.session.rated)
        return True

    def action_reveal(self) -> None:
        self.revealed = True
        self.show_back()
        self.refresh_bindings()

    def action_rate(self, rating: int) -> None:
        self.revealed = False  # a second key press before the write lands must not rate the next card
        self.refresh_bindings()

        def rated(message: str) -> None:
            forget_recall(self.app.session)
            self.app.progress_signal.publish(self.session.rated[-1:])  # its tree rows' recall, the dashboard
            self.reviewed += 1
            self.say(message)
            self.show_card()

        self.app.write(lambda: self.session.rate(rating), rated)

    def action_undo_rating(self) -> None:
        def undone(message: str) -> None:
            forget_recall(self.app.session)
            self.app.progress_signal.publish([self.session.current] if self.session.current else [])
            if message.startswith("undid"):
                self.reviewed -= 1
            self.say(message)
            self.show_card()

        self.app.write(self.session.undo, undone)
