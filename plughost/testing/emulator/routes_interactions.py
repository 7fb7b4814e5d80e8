"""REST routes for interaction callbacks, followups and the original response."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from plughost.testing.emulator.mentions import USERS_ONLY
from plughost.testing.emulator.messages import EPHEMERAL, LOADING, Message
from plughost.testing.emulator.records import InteractionRecord
from plughost.testing.emulator.rest import (
    ApiError,
    ApiRequest,
    RestContext,
    Router,
    no_content,
    reply,
)
from plughost.testing.emulator.routes_messages import apply_edit, compose_message

__all__ = ["FIRST_RESPONSE_SECONDS", "TOKEN_SECONDS", "InteractionRoutes"]

#: Discord's deadline for an interaction's first response (its callback); after it the
#: interaction is gone: 404, 10062 Unknown interaction.
FIRST_RESPONSE_SECONDS = 3.0
#: How long an answered interaction's token works for followups and @original; after
#: it Discord answers 401, 50027 Invalid Webhook Token (discord-api-docs issue 6851).
TOKEN_SECONDS = 15 * 60.0


class CallbackType:
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9
    PREMIUM_REQUIRED = 10


class InteractionRoutes:
    """How a bot answers interactions: one callback, then edits and followups by token."""

    def __init__(self, ctx: RestContext) -> None:
        self.ctx = ctx
        self.state = ctx.state

    def register(self, router: Router) -> None:
        add = router.add
        add("POST", "/interactions/{interaction_id}/{token}/callback", self.callback)
        add("POST", "/webhooks/{app_id}/{token}", self.followup)
        for target in ("@original", "{message_id}"):
            add("GET", f"/webhooks/{{app_id}}/{{token}}/messages/{target}", self.get_message)
            add("PATCH", f"/webhooks/{{app_id}}/{{token}}/messages/{target}", self.edit_message)
            add("DELETE", f"/webhooks/{{app_id}}/{{token}}/messages/{target}", self.delete_message)

    def _json(self, message: Message) -> dict[str, Any]:
        return self.ctx.events.rest_message_json(message)

    def _age(self, record: InteractionRecord) -> float:
        return 0.0 if record.sent_at is None else self.ctx.clock.now() - record.sent_at

    def _record(self, req: ApiRequest) -> InteractionRecord:
        """The interaction whose token a webhook route names, while the token works."""
        if "app_id" in req.params and req.snowflake("app_id") != self.state.application.id:
            raise ApiError(404, "Unknown Webhook", 10015)
        record = self.state.interaction(req.params["token"])
        if self._age(record) > TOKEN_SECONDS:
            raise ApiError(401, "Invalid Webhook Token", 50027)
        if record.callback_type is None:
            # Never acknowledged: the token was invalidated with the interaction (or
            # will be); Discord knows no webhook by it.
            raise ApiError(404, "Unknown Webhook", 10015)
        return record

    def _target(self, req: ApiRequest, record: InteractionRecord) -> Message:
        message_id = record.original_message_id if "message_id" not in req.params else None
        if message_id is None and "message_id" in req.params:
            message_id = req.snowflake("message_id")
            if message_id not in record.followup_ids and message_id != record.original_message_id:
                raise ApiError(404, "Unknown Message", 10008)
        if message_id is None:
            raise ApiError(404, "Unknown Message", 10008)
        return self.state.message(record.channel_id, message_id)

    def _create(self, record: InteractionRecord, req: ApiRequest, body: dict[str, Any]) -> Message:
        channel = self.state.channel(record.channel_id)
        message = compose_message(
            self.state,
            channel,
            body,
            req.files,
            author_id=self.state.bot.id,
            interaction_id=record.id,
        )
        message.webhook_id = self.state.application.id
        self.state.add_message(message)
        self.ctx.events.message_create(message)
        return message

    async def callback(self, req: ApiRequest) -> web.Response:
        record = self.state.interaction(req.params["token"])
        if str(record.id) != req.params["interaction_id"]:
            raise ApiError(404, "Unknown interaction", 10062)
        if record.callback_type is not None:
            raise ApiError(400, "Interaction has already been acknowledged.", 40060)
        if self._age(record) > FIRST_RESPONSE_SECONDS:
            raise ApiError(404, "Unknown interaction", 10062)
        body = req.body
        kind = int(body.get("type", 0))
        data = dict(body.get("data") or {})
        message: Message | None = None
        match kind:
            case CallbackType.CHANNEL_MESSAGE:
                message = self._create(record, req, data)
                record.original_message_id = message.id
            case CallbackType.DEFERRED_CHANNEL_MESSAGE:
                message = Message(
                    id=self.state.snowflakes.next(),
                    channel_id=record.channel_id,
                    guild_id=record.guild_id,
                    author_id=self.state.bot.id,
                    flags=LOADING | (int(data.get("flags") or 0) & EPHEMERAL),
                    interaction_id=record.id,
                    webhook_id=self.state.application.id,
                    allowed_mentions=USERS_ONLY,
                )
                self.state.add_message(message)
                self.ctx.events.message_create(message)
                record.original_message_id = message.id
            case CallbackType.UPDATE_MESSAGE:
                message = self._target(req, record)
                apply_edit(self.state, message, data, req.files)
                self.ctx.events.message_update(message)
                record.original_edited = True
            case (
                CallbackType.PONG
                | CallbackType.DEFERRED_UPDATE_MESSAGE
                | CallbackType.AUTOCOMPLETE_RESULT
                | CallbackType.MODAL
                | CallbackType.PREMIUM_REQUIRED
            ):
                pass
            case _:
                raise ApiError(400, f"Invalid Form Body: unknown callback type {kind}", 50035)
        record.callback_type = kind
        record.callback_data = data
        if req.query.get("with_response") in ("true", "True", "1"):
            resource: dict[str, Any] = {"type": kind}
            if message is not None:
                resource["message"] = self._json(message)
            interaction = {"id": str(record.id), "type": record.type}
            return reply({"interaction": interaction, "resource": resource})
        return no_content()

    async def followup(self, req: ApiRequest) -> web.Response:
        record = self._record(req)
        original = (
            self.state.messages.get(record.original_message_id)
            if record.original_message_id
            else None
        )
        if original is not None and original.flags & LOADING and not record.original_edited:
            # Discord turns the first followup after a deferral into the "thinking" message.
            apply_edit(self.state, original, req.body, req.files)
            original.flags &= ~LOADING
            record.original_edited = True
            self.ctx.events.message_update(original)
            return reply(self._json(original))
        message = self._create(record, req, req.body)
        record.followup_ids.append(message.id)
        return reply(self._json(message))

    async def get_message(self, req: ApiRequest) -> web.Response:
        record = self._record(req)
        return reply(self._json(self._target(req, record)))

    async def edit_message(self, req: ApiRequest) -> web.Response:
        record = self._record(req)
        message = self._target(req, record)
        apply_edit(self.state, message, req.body, req.files)
        if message.id == record.original_message_id:
            message.flags &= ~LOADING
            record.original_edited = True
        self.ctx.events.message_update(message)
        return reply(self._json(message))

    async def delete_message(self, req: ApiRequest) -> web.Response:
        record = self._record(req)
        message = self._target(req, record)
        message.deleted = True
        self.ctx.events.message_delete(message)
        return no_content()
