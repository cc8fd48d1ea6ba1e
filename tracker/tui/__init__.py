"""The Textual front end: browse the topic graph, mark progress, take notes, run the linked code.

Nothing here is imported by the CLI commands; ``tracker`` with no command
starts it through ``tracker.tui.app.run_app``.
"""
