"""The ``tracker`` command line. Importing it never imports textual or torch."""
