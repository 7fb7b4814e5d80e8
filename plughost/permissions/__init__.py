"""Permissions: privilege levels, rules, lists, the permission chain and its store.

Only the modules that import nothing heavy are re-exported here: ``hookspecs``
imports ``decision`` through this package, so importing the chain (which imports
the hook caller, which imports ``hookspecs``) from here would be circular. Import
:class:`~plughost.permissions.chain.PermissionChain`,
:class:`~plughost.permissions.store.PermissionStore` and
:mod:`plughost.permissions.requests` from their modules.
"""

from plughost.permissions.decision import ALLOW, Decision, InvocationKind, PermissionRequest
from plughost.permissions.levels import GuildRoles, PrivilegeLevel
from plughost.permissions.lists import AccessList, ListBook
from plughost.permissions.requirement import Requirement, requirement_of
from plughost.permissions.rules import Rule, RuleBook
from plughost.permissions.state import PermissionState

__all__ = [
    "ALLOW",
    "AccessList",
    "Decision",
    "GuildRoles",
    "InvocationKind",
    "ListBook",
    "PermissionRequest",
    "PermissionState",
    "PrivilegeLevel",
    "Requirement",
    "Rule",
    "RuleBook",
    "requirement_of",
]
