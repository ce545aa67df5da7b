"""The console's pages, one module each, each with `routes: list[BaseRoute]` serving its own
paths (the contract: `bot/console/web.py`), and its templates in `templates/<page>/`.

    signin.py       /signin, /signout, /language: the code sent to one's chat, the link
    overview.py     /: people, notices on their way, next events, Welcome Buddies, questions
    events.py       /events...: Refugee Dialogues and language cafés
    notices.py      /notices...: notices written, translated, previewed, sent and followed
    volunteers.py   /volunteers...: Welcome Buddies, volunteers and requests
    cases.py        /cases...: conversations with newcomers (talk to a person), interpreters
    people.py       /people...: find a person, their data as /mydata shows it, role, erase
    faq_quality.py  /faq/helpful, /faq/check: "Did this help?" per topic and language over
                    time; the held-out check run in the background, its runs compared
    audit.py        /audit: the audit log, by person, action and date
    faq.py          /faq...: FAQ topics edited, unanswered questions added as ways of asking
    review.py       /review...: texts waiting for a translator, the source beside the draft
"""
