"""Telegram, on aiogram 3: updates in, Bot API calls out.

Importing aiogram costs seconds of CPU, so nothing outside this package imports it, and
the CLI imports this package only when a Telegram token is configured.

channel.py  `TelegramChannel`: the aiogram `Bot` and `Dispatcher` wired to the runtime;
            long polling, replies, and the outbox's transport
webhook.py  the webhook on the bot's HTTP server (secret checked, answered once handled)
routers.py  aiogram routers: private chats talk to the bot, groups get a pointer
updates.py  Telegram updates -> `Inbound`s and the person's `Identity`
render.py   rendered replies -> HTML messages within 4,096 UTF-16 units, inline keyboards
sender.py   Bot API calls with errors handled by kind (429 pauses, 403 unreachable, retries)
"""
