"""Saved views: a list's filter kept under a name, for oneself or for the team (issue 14)."""
