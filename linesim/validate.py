"""Pure validation of Messaging API request bodies, with LINE's error wording.

Each check returns a list of details `{"message": ..., "property": ...}`; an empty list means
LINE would accept the body. Lengths are counted in UTF-16 code units, as LINE (a JVM service)
counts them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

Detail = dict[str, str]

MESSAGE_TYPES = ("text", "image", "video", "audio", "location", "sticker", "imagemap",
                 "template", "flex")
QUICK_REPLY_ACTIONS = ("message", "postback", "uri", "datetimepicker", "camera", "cameraRoll",
                       "location", "clipboard")
TEMPLATE_ACTIONS = ("message", "postback", "uri", "datetimepicker", "clipboard")
TEMPLATE_TYPES = ("buttons", "confirm", "carousel", "image_carousel")
URI_ACTION_SCHEMES = ("http", "https", "line", "tel")
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_MEDIA_URL = 2000


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def error_body(details: list[Detail]) -> dict[str, Any]:
    """LINE's 400 body for validation failures."""
    return {"message": f"The request body has {len(details)} error(s)", "details": details}


class _Checker:
    """Collects details while walking one request body."""

    def __init__(self, allow_http_media: bool) -> None:
        self.allow_http_media = allow_http_media
        self.details: list[Detail] = []

    def add(self, prop: str, message: str) -> None:
        self.details.append({"message": message, "property": prop})

    # -- primitives -------------------------------------------------------------------------

    def string(self, obj: dict[str, Any], key: str, prop: str, max_len: int,
               required: bool = True) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "May not be empty")
            return None
        if not isinstance(value, str):
            self.add(f"{prop}.{key}", "Must be a string")
            return None
        if required and value == "":
            self.add(f"{prop}.{key}", "May not be empty")
            return None
        if utf16_len(value) > max_len:
            self.add(f"{prop}.{key}", f"Length must be between 0 and {max_len}")
            return None
        return value

    def number(self, obj: dict[str, Any], key: str, prop: str, required: bool = True) -> None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}", "May not be empty")
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(f"{prop}.{key}", "Must be a number")

    def media_url(self, obj: dict[str, Any], key: str, prop: str, required: bool = True) -> None:
        value = self.string(obj, key, prop, MAX_MEDIA_URL, required)
        if value is None:
            return
        if not self.media_url_ok(value):
            self.add(f"{prop}.{key}", "Must be a valid HTTPS URL")

    def media_url_ok(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            return True
        # Local runs serve media over plain HTTP on loopback; LINE itself never accepts it.
        host = parts.hostname or ""
        return (self.allow_http_media and parts.scheme == "http"
                and (host == "localhost" or host.startswith("127.")))

    def array(self, obj: dict[str, Any], key: str, prop: str, lo: int, hi: int,
              required: bool = True) -> list[Any] | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{prop}.{key}" if prop else key, "May not be empty")
            return None
        where = f"{prop}.{key}" if prop else key
        if not isinstance(value, list):
            self.add(where, "Must be an array")
            return None
        if not lo <= len(value) <= hi:
            self.add(where, f"Size must be between {lo} and {hi}")
            return None
        return value

    def enum(self, value: Any, prop: str, allowed: tuple[str, ...]) -> bool:
        if value not in allowed:
            self.add(prop, f"Must be one of the following values: [{', '.join(allowed)}]")
            return False
        return True

    def obj(self, value: Any, prop: str) -> dict[str, Any] | None:
        if value is None:
            self.add(prop, "May not be empty")
            return None
        if not isinstance(value, dict):
            self.add(prop, "Must be an object")
            return None
        return value

    # -- actions ----------------------------------------------------------------------------

    def action(self, action: Any, prop: str, allowed: tuple[str, ...], label_max: int,
               label_required: bool) -> None:
        act = self.obj(action, prop)
        if act is None:
            return
        kind = act.get("type")
        if not self.enum(kind, f"{prop}.type", allowed):
            return
        self.string(act, "label", prop, label_max, required=label_required)
        if kind == "message":
            self.string(act, "text", prop, 300)
        elif kind == "postback":
            self.string(act, "data", prop, 300)
            self.string(act, "displayText", prop, 300, required=False)
            self.string(act, "text", prop, 300, required=False)
            self.string(act, "fillInText", prop, 300, required=False)
        elif kind == "uri":
            uri = self.string(act, "uri", prop, 1000)
            if uri is not None and urlsplit(uri).scheme not in URI_ACTION_SCHEMES:
                self.add(f"{prop}.uri", "invalid uri scheme")
        elif kind == "datetimepicker":
            self.string(act, "data", prop, 300)
            self.enum(act.get("mode"), f"{prop}.mode", ("date", "time", "datetime"))
        elif kind == "clipboard":
            self.string(act, "clipboardText", prop, 1000)

    def quick_reply(self, message: dict[str, Any], prop: str) -> None:
        if "quickReply" not in message:
            return
        qr = self.obj(message["quickReply"], f"{prop}.quickReply")
        if qr is None:
            return
        items = self.array(qr, "items", f"{prop}.quickReply", 1, 13)
        for i, item in enumerate(items or []):
            iprop = f"{prop}.quickReply.items[{i}]"
            it = self.obj(item, iprop)
            if it is None:
                continue
            self.enum(it.get("type"), f"{iprop}.type", ("action",))
            self.media_url(it, "imageUrl", iprop, required=False)
            self.action(it.get("action"), f"{iprop}.action", QUICK_REPLY_ACTIONS, 20, True)

    # -- messages ---------------------------------------------------------------------------

    def message(self, message: Any, prop: str) -> None:
        msg = self.obj(message, prop)
        if msg is None:
            return
        kind = msg.get("type")
        if not self.enum(kind, f"{prop}.type", MESSAGE_TYPES):
            return
        getattr(self, f"msg_{kind}")(msg, prop)
        self.quick_reply(msg, prop)
        if "sender" in msg:
            sender = self.obj(msg["sender"], f"{prop}.sender")
            if sender is not None:
                self.string(sender, "name", f"{prop}.sender", 20, required=False)
                self.media_url(sender, "iconUrl", f"{prop}.sender", required=False)
        if "quoteToken" in msg and not isinstance(msg["quoteToken"], str):
            self.add(f"{prop}.quoteToken", "Must be a string")

    def msg_text(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "text", prop, 5000)

    def msg_image(self, msg: dict[str, Any], prop: str) -> None:
        self.media_url(msg, "originalContentUrl", prop)
        self.media_url(msg, "previewImageUrl", prop)

    def msg_video(self, msg: dict[str, Any], prop: str) -> None:
        self.media_url(msg, "originalContentUrl", prop)
        self.media_url(msg, "previewImageUrl", prop)
        self.string(msg, "trackingId", prop, 100, required=False)

    def msg_audio(self, msg: dict[str, Any], prop: str) -> None:
        self.media_url(msg, "originalContentUrl", prop)
        self.number(msg, "duration", prop)

    def msg_location(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "title", prop, 100)
        self.string(msg, "address", prop, 100)
        self.number(msg, "latitude", prop)
        self.number(msg, "longitude", prop)

    def msg_sticker(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "packageId", prop, 100)
        self.string(msg, "stickerId", prop, 100)

    def msg_imagemap(self, msg: dict[str, Any], prop: str) -> None:
        self.media_url(msg, "baseUrl", prop)
        self.string(msg, "altText", prop, 400)
        size = self.obj(msg.get("baseSize"), f"{prop}.baseSize")
        if size is not None:
            self.number(size, "width", f"{prop}.baseSize")
            self.number(size, "height", f"{prop}.baseSize")
        self.array(msg, "actions", prop, 0, 50)

    def msg_template(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "altText", prop, 400)
        tprop = f"{prop}.template"
        tmpl = self.obj(msg.get("template"), tprop)
        if tmpl is None:
            return
        kind = tmpl.get("type")
        if not self.enum(kind, f"{tprop}.type", TEMPLATE_TYPES):
            return
        if kind == "buttons":
            self.template_column(tmpl, tprop, max_actions=4, text_max=160, text_max_decorated=60)
        elif kind == "confirm":
            self.string(tmpl, "text", tprop, 240)
            actions = self.array(tmpl, "actions", tprop, 2, 2)
            for i, act in enumerate(actions or []):
                self.action(act, f"{tprop}.actions[{i}]", TEMPLATE_ACTIONS, 20, True)
        elif kind == "carousel":
            columns = self.array(tmpl, "columns", tprop, 1, 10)
            counts = set()
            for i, col in enumerate(columns or []):
                column = self.obj(col, f"{tprop}.columns[{i}]")
                if column is None:
                    continue
                counts.add(len(column.get("actions") or []))
                self.template_column(column, f"{tprop}.columns[{i}]", max_actions=3,
                                     text_max=120, text_max_decorated=60)
            if len(counts) > 1:
                # LINE requires the same number of actions in every column.
                self.add(f"{tprop}.columns", "Number of actions must be the same in all columns")
        else:
            columns = self.array(tmpl, "columns", tprop, 1, 10)
            for i, col in enumerate(columns or []):
                cprop = f"{tprop}.columns[{i}]"
                column = self.obj(col, cprop)
                if column is None:
                    continue
                self.media_url(column, "imageUrl", cprop)
                self.action(column.get("action"), f"{cprop}.action", TEMPLATE_ACTIONS, 12,
                            False)

    def template_column(self, col: dict[str, Any], prop: str, max_actions: int, text_max: int,
                        text_max_decorated: int) -> None:
        decorated = "title" in col or "thumbnailImageUrl" in col
        self.string(col, "title", prop, 40, required=False)
        self.string(col, "text", prop, text_max_decorated if decorated else text_max)
        self.media_url(col, "thumbnailImageUrl", prop, required=False)
        actions = self.array(col, "actions", prop, 1, max_actions)
        for i, act in enumerate(actions or []):
            self.action(act, f"{prop}.actions[{i}]", TEMPLATE_ACTIONS, 20, True)
        if "defaultAction" in col:
            self.action(col["defaultAction"], f"{prop}.defaultAction", TEMPLATE_ACTIONS, 20,
                        False)

    def msg_flex(self, msg: dict[str, Any], prop: str) -> None:
        self.string(msg, "altText", prop, 1500)
        cprop = f"{prop}.contents"
        contents = self.obj(msg.get("contents"), cprop)
        if contents is None:
            return
        kind = contents.get("type")
        if not self.enum(kind, f"{cprop}.type", ("bubble", "carousel")):
            return
        size = len(json.dumps(contents, ensure_ascii=False, separators=(",", ":")).encode())
        if kind == "bubble":
            if size > 30 * 1024:
                self.add(cprop, "Size of a bubble must be at most 30KB")
            return
        bubbles = self.array(contents, "contents", cprop, 1, 12)
        if size > 50 * 1024:
            self.add(cprop, "Size of a carousel must be at most 50KB")
        for i, bubble in enumerate(bubbles or []):
            b = self.obj(bubble, f"{cprop}.contents[{i}]")
            if b is not None:
                self.enum(b.get("type"), f"{cprop}.contents[{i}].type", ("bubble",))

    def messages(self, body: dict[str, Any]) -> None:
        msgs = self.array(body, "messages", "", 1, 5)
        for i, message in enumerate(msgs or []):
            self.message(message, f"messages[{i}]")
        if "notificationDisabled" in body and not isinstance(body["notificationDisabled"], bool):
            self.add("notificationDisabled", "Must be a boolean")


def validate_messages(messages: Any, *, allow_http_media: bool = False) -> list[Detail]:
    """Details for a `messages` array (1..5 message objects)."""
    checker = _Checker(allow_http_media)
    checker.messages({"messages": messages})
    return checker.details


def validate_reply(body: Any, *, allow_http_media: bool = False) -> list[Detail]:
    """Details for a reply request body {replyToken, messages, notificationDisabled?}."""
    checker = _Checker(allow_http_media)
    if not isinstance(body, dict):
        checker.add("", "Must be an object")
        return checker.details
    token = body.get("replyToken")
    if not isinstance(token, str) or not token:
        checker.add("replyToken", "May not be empty")
    checker.messages(body)
    return checker.details


def validate_push(body: Any, *, allow_http_media: bool = False) -> list[Detail]:
    """Details for a push request body {to, messages, notificationDisabled?}.

    The shape of `to` is checked by the caller: LINE answers that case with its own message.
    """
    checker = _Checker(allow_http_media)
    if not isinstance(body, dict):
        checker.add("", "Must be an object")
        return checker.details
    checker.messages(body)
    return checker.details


def loading_seconds_ok(value: Any) -> bool:
    """loadingSeconds: 5 to 60 in steps of 5."""
    return (isinstance(value, int) and not isinstance(value, bool) and 5 <= value <= 60
            and value % 5 == 0)
