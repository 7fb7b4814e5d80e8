"""REST routes for messages, attachments, reactions, typing and DM channels."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from plughost.testing.emulator.mentions import EVERYTHING, USERS_ONLY, read_allowed_mentions
from plughost.testing.emulator.message_limits import check_message
from plughost.testing.emulator.message_objects import stored_components, stored_embeds
from plughost.testing.emulator.messages import Attachment, Message, Reaction
from plughost.testing.emulator.models import Channel
from plughost.testing.emulator.payloads import channel_json, user_json
from plughost.testing.emulator.rest import (
    ApiError,
    ApiRequest,
    RestContext,
    Router,
    UploadedFile,
    no_content,
    reply,
)
from plughost.testing.emulator.snowflake import iso_timestamp
from plughost.testing.emulator.state import DiscordState

__all__ = ["MessageRoutes", "apply_edit", "compose_message"]

_REPLY = 19


def _attachments(
    state: DiscordState, body: dict[str, Any], files: list[UploadedFile]
) -> list[Attachment]:
    """New attachments from ``files[n]`` parts, described by ``attachments[{id: n}]``."""
    described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    found: list[Attachment] = []
    for index, upload in enumerate(files):
        key = upload.field.removeprefix("files[").removesuffix("]") if upload.field else str(index)
        meta = described.get(key, {})
        found.append(
            Attachment(
                id=state.snowflakes.next(),
                name=str(meta.get("filename") or upload.filename),
                data=upload.data,
                content_type=upload.content_type,
                description=meta.get("description"),
            )
        )
    return found


def compose_message(
    state: DiscordState,
    channel: Channel,
    body: dict[str, Any],
    files: list[UploadedFile],
    *,
    author_id: int,
    interaction_id: int | None = None,
    flags: int = 0,
) -> Message:
    """A new message from a create-message body, checked as Discord checks it."""
    content = str(body.get("content") or "")
    embeds = list(body.get("embeds") or [])
    components = list(body.get("components") or [])
    message_flags = int(body.get("flags") or 0) | flags
    check_message(content, embeds, components, message_flags)
    # An interaction's answers parse only user mentions unless they say otherwise.
    mentions = read_allowed_mentions(
        body, default=EVERYTHING if interaction_id is None else USERS_ONLY
    )
    attachments = _attachments(state, body, files)
    if not (
        content
        or embeds
        or attachments
        or components
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise ApiError(400, "Cannot send an empty message", 50006)
    reference = body.get("message_reference") or {}
    reference_id = int(reference["message_id"]) if reference.get("message_id") else None
    return Message(
        id=state.snowflakes.next(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author_id=author_id,
        content=content,
        embeds=stored_embeds(embeds),
        components=stored_components(components),
        attachments=attachments,
        reference_id=reference_id,
        flags=message_flags,
        type=_REPLY if reference_id else 0,
        tts=bool(body.get("tts")),
        interaction_id=interaction_id,
        allowed_mentions=mentions,
    )


def apply_edit(
    state: DiscordState, message: Message, body: dict[str, Any], files: list[UploadedFile]
) -> None:
    """Apply an edit-message body: only the fields present change; a refused edit
    changes nothing."""
    content = str(body["content"] or "") if "content" in body else message.content
    embeds = list(body["embeds"] or []) if "embeds" in body else message.embeds
    components = list(body["components"] or []) if "components" in body else message.components
    flags = int(body["flags"]) if body.get("flags") is not None else message.flags
    check_message(content, embeds, components, flags)
    # An edit without allowed_mentions keeps those the message was sent with.
    mentions = read_allowed_mentions(body, default=message.allowed_mentions)
    message.allowed_mentions = mentions
    if "content" in body:
        message.content = content
    if "embeds" in body:
        message.embeds = stored_embeds(embeds)
    if "components" in body:
        message.components = stored_components(components)
    if "attachments" in body:
        keep = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
        message.attachments = [a for a in message.attachments if str(a.id) in keep]
    message.attachments.extend(_attachments(state, body, files))
    message.flags = flags
    message.edited_timestamp = iso_timestamp()


class MessageRoutes:
    """What a bot does with messages: send, edit, delete, read, react."""

    def __init__(self, ctx: RestContext) -> None:
        self.ctx = ctx
        self.state = ctx.state

    def register(self, router: Router) -> None:
        add = router.add
        base = "/channels/{channel_id}/messages"
        add("GET", base, self.history)
        add("POST", base, self.create)
        add("POST", f"{base}/bulk-delete", self.bulk_delete)
        add("GET", f"{base}/{{message_id}}", self.get)
        add("PATCH", f"{base}/{{message_id}}", self.edit)
        add("DELETE", f"{base}/{{message_id}}", self.delete)
        reactions = f"{base}/{{message_id}}/reactions"
        add("PUT", f"{reactions}/{{emoji}}/@me", self.react)
        add("DELETE", f"{reactions}/{{emoji}}/@me", self.unreact)
        add("DELETE", f"{reactions}/{{emoji}}/{{user_id}}", self.unreact)
        add("GET", f"{reactions}/{{emoji}}", self.reactors)
        add("DELETE", f"{reactions}/{{emoji}}", self.clear_reactions)
        add("DELETE", reactions, self.clear_reactions)
        add("POST", "/channels/{channel_id}/typing", self.typing)
        add("GET", "/channels/{channel_id}/pins", self.pins)
        add("POST", "/users/@me/channels", self.open_dm)

    def _message(self, req: ApiRequest) -> Message:
        return self.state.message(req.snowflake("channel_id"), req.snowflake("message_id"))

    def _json(self, message: Message) -> dict[str, Any]:
        return self.ctx.events.rest_message_json(message)

    async def history(self, req: ApiRequest) -> web.Response:
        messages = self.state.history(self.state.channel(req.snowflake("channel_id")).id)
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        if before := req.query.get("before"):
            messages = [m for m in messages if m.id < int(before)][-limit:]
        elif after := req.query.get("after"):
            messages = [m for m in messages if m.id > int(after)][:limit]
        elif around := req.query.get("around"):
            older = (
                [m for m in messages if m.id < int(around)][-(limit // 2) :] if limit > 1 else []
            )
            newer = [m for m in messages if m.id >= int(around)][: limit - len(older)]
            messages = older + newer
        else:
            messages = messages[-limit:]
        return reply([self._json(m) for m in reversed(messages)])

    async def create(self, req: ApiRequest) -> web.Response:
        channel = self.state.channel(req.snowflake("channel_id"))
        message = compose_message(
            self.state, channel, req.body, req.files, author_id=self.state.bot.id
        )
        self.state.add_message(message)
        self.ctx.events.message_create(message)
        return reply(self._json(message))

    async def get(self, req: ApiRequest) -> web.Response:
        return reply(self._json(self._message(req)))

    async def edit(self, req: ApiRequest) -> web.Response:
        message = self._message(req)
        if message.author_id != self.state.bot.id:
            raise ApiError(403, "Cannot edit a message authored by another user", 50005)
        apply_edit(self.state, message, req.body, req.files)
        self.ctx.events.message_update(message)
        return reply(self._json(message))

    async def delete(self, req: ApiRequest) -> web.Response:
        message = self._message(req)
        message.deleted = True
        self.ctx.events.message_delete(message)
        return no_content()

    async def bulk_delete(self, req: ApiRequest) -> web.Response:
        channel = self.state.channel(req.snowflake("channel_id"))
        for message_id in req.body.get("messages", []):
            message = self.state.message(channel.id, int(message_id))
            message.deleted = True
            self.ctx.events.message_delete(message)
        return no_content()

    async def react(self, req: ApiRequest) -> web.Response:
        message = self._message(req)
        emoji = req.params["emoji"]
        reaction = message.reaction(emoji)
        if reaction is None:
            reaction = Reaction(emoji)
            message.reactions.append(reaction)
        if self.state.bot.id not in reaction.user_ids:
            reaction.user_ids.append(self.state.bot.id)
            self.ctx.events.reaction(message, emoji, self.state.bot.id, added=True)
        return no_content()

    async def unreact(self, req: ApiRequest) -> web.Response:
        message = self._message(req)
        emoji = req.params["emoji"]
        user_id = req.snowflake("user_id") if "user_id" in req.params else self.state.bot.id
        reaction = message.reaction(emoji)
        if reaction is not None and user_id in reaction.user_ids:
            reaction.user_ids.remove(user_id)
            self.ctx.events.reaction(message, emoji, user_id, added=False)
        return no_content()

    async def reactors(self, req: ApiRequest) -> web.Response:
        reaction = self._message(req).reaction(req.params["emoji"])
        users = [self.state.user(u) for u in reaction.user_ids] if reaction else []
        return reply([user_json(u) for u in users])

    async def clear_reactions(self, req: ApiRequest) -> web.Response:
        message = self._message(req)
        emoji = req.params.get("emoji")
        message.reactions = [r for r in message.reactions if emoji is not None and r.emoji != emoji]
        return no_content()

    async def typing(self, req: ApiRequest) -> web.Response:
        self.state.channel(req.snowflake("channel_id"))
        return no_content()

    async def pins(self, req: ApiRequest) -> web.Response:
        self.state.channel(req.snowflake("channel_id"))
        return reply([])

    async def open_dm(self, req: ApiRequest) -> web.Response:
        recipient = req.body.get("recipient_id")
        if recipient is None:
            raise ApiError(400, "Invalid Form Body", 50035)
        channel = self.state.dm_channel(self.state.user(int(recipient)))
        return reply(channel_json(self.state, channel))
