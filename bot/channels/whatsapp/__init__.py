"""WhatsApp, on Meta's Cloud API: the webhook in (`webhook.py`, `inbound.py`), the Graph API
out (`client.py`, `sender.py`), replies within WhatsApp's limits (`render.py`), and the
24-hour window with its approved templates (`templates.py`), wired in `channel.py`.

The engine knows none of this: a WhatsApp message becomes an `Inbound` like a Telegram
update does, and replies are rendered here from the same `Reply` values.

channel.py    `WhatsAppChannel`: turns, replies, the outbox's transport (the window and its
              templates), status notifications handed to `bot.delivery.receipts`
webhook.py    the webhook on the bot's HTTP server: Meta's handshake, signed notifications
inbound.py    notifications -> what people did (`Said`, `Paged`, `Opened`) and `Status`es
client.py     the Graph API calls: send a message, upload a file, the templates Meta
              approved per language (`message_templates`); errors by code
sender.py     Cloud API calls paced and retried by error code (`Unreachable`, `WindowClosed`)
pairs.py      WhatsApp's pair rate: `ChatPace` with one message every 6 seconds a person
render.py     rendered replies -> text, reply buttons and lists within WhatsApp's limits
templates.py  approved templates (`content/whatsapp-templates.yaml`) by push and language
"""
