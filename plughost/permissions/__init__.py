"""Permissions: privilege levels, rules and the permission chain."""

from plughost.permissions.decision import ALLOW, Decision, InvocationKind, PermissionRequest

__all__ = ["ALLOW", "Decision", "InvocationKind", "PermissionRequest"]
