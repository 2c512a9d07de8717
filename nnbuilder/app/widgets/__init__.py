"""Side panels of the main window; each reads the Document and edits it only through its intents."""
