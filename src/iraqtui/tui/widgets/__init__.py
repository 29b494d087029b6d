"""Widgets of the app: they draw what they are given and post messages up."""
