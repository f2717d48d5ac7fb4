"""Dialogs: login, first run, record forms, document editor."""
