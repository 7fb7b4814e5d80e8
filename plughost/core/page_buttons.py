"""The click handler of page buttons (:func:`plughost.commands.paging.send_pages`).

On the core cog, so every plughost bot turns pages for every cog; the permission
chain decides these clicks like any other component.
"""

import interactions
from interactions import ComponentContext

from plughost.commands.paging import PAGE_BUTTON, on_page_button

__all__ = ["PageButtons"]


class PageButtons:
    """Mixed into the core cog."""

    @interactions.component_callback(PAGE_BUTTON)
    async def on_page_button(self, ctx: ComponentContext) -> None:
        await on_page_button(ctx)
