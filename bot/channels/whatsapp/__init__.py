"""WhatsApp, on Meta's Cloud API: the webhook in (`webhook.py`, `inbound.py`), the Graph API
out (`client.py`, `sender.py`), replies within WhatsApp's limits (`render.py`), and the
24-hour window with its approved templates (`templates.py`), wired in `channel.py`.

The engine knows none of this: a WhatsApp message becomes an `Inbound` like a Telegram
update does, and replies are rendered here from the same `Reply` values.
"""
