"""The staff web console (`welcomebot console`): the Welcome Center's staff see what is
going on and manage people, events and Welcome Buddies in a browser. Not to be confused
with the terminal chat channel (`bot/channels/console.py`, `welcomebot chat`).

An entry point like `bot/service.py`, a process of its own on the same database: it may use
the features' stores, the database, `bot.delivery.outbox`, `bot.audit`, `bot.privacy` and
`bot.i18n`; never `bot.runtime` or `bot.channels` (what it sends, it queues in the outbox for
the running bot's sender).

    app.py        build(settings, engine, clock) -> the Starlette application
    web.py        what every page shares (the contract for page authors): page, form with
                  its CSRF check, transaction, staff, audit; the guard before every request
    signin.py     one-time codes sent through the outbox, one-time links, the rate limit
    sessions.py   sessions in the database: the cookie's token hashed, CSRF token, idle end
    lang.py       the staff interface's language: gettext domain `console`, German and English
    charts.py     charts drawn on the server as SVG
    texts.py      the bot's own texts (/mydata lines) rendered for a page
    pages/        one module per page, each with its routes
    templates/    Jinja2: base.html, error.html, a folder per page
    static/       console.css (the one stylesheet), htmx.min.js (vendored, its license beside)
"""
