"""One adapter per platform; nothing outside this package knows a platform. A channel
translates platform calls and nothing else: it never touches the database (what a platform
says about a message goes to `bot.delivery.receipts`, turns to `bot.runtime`).

render.py     replies -> text and buttons in the reader's language; a turn's replies joined
split.py      long texts cut to a platform's limit at a paragraph, line, sentence or space
sequencer.py  one person's updates one at a time, in order; different people side by side
console.py    the terminal chat (`welcomebot chat`), and its transport for the outbox
telegram/     Telegram, on aiogram 3 (imported only when a Telegram token is configured)
whatsapp/     WhatsApp, on Meta's Cloud API
"""
