"""The typed errors of the core.

Every error carries a message a user can act on, already translated into the current
language. The window turns them into dialogs in one place; the command line prints the
message on one line of stderr and exits with code 1.
"""

from __future__ import annotations

from dataclasses import dataclass


class SalesDeskError(Exception):
    """Base of every error a user can cause and understand."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldProblem:
    """One refused value: the field (or ``FILE:LINE: column``) and the rule it broke."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(SalesDeskError):
    """Bad input. ``problems`` names every field and the rule it broke."""

    def __init__(self, field: str | list[FieldProblem], message: str | None = None) -> None:
        if isinstance(field, list):
            self.problems = list(field)
        else:
            self.problems = [FieldProblem(field, message or "")]
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def field(self) -> str:
        """The first field refused (the one a form should focus)."""
        return self.problems[0].field


class NotFoundError(SalesDeskError):
    """The record does not exist, was deleted, or is not visible to the user."""


class PermissionDenied(SalesDeskError):
    """The acting user may not do this. ``action`` is the policy's name for it."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(message)
        self.action = action


class ConflictError(SalesDeskError):
    """Somebody else changed the record since it was read; nothing was overwritten."""


class AuthenticationError(SalesDeskError):
    """Wrong login or password, a deactivated user, or a login locked for a while."""


class DatabaseError(SalesDeskError):
    """The database cannot be used: not SalesDesk's, corrupt, or from a newer version."""
