"""The Textual app: every database or analysis call runs in a thread worker."""
