"""Welcome Buddies: volunteers register and are approved by staff, newcomers ask for a buddy,
the bot proposes matches and introduces the two once both agreed.

vocabulary.py  what people choose from: help offered and needed, times, levels, languages
matching.py    pure: how well a volunteer fits a newcomer; the best assignment of many
store.py       the tables: register, approve, request, propose, answer, end (never commits)
notify.py      the pushes: rows in the outbox for the person, the other side and staff
rounds.py      the matching round: timeouts, proposals, staff told (injected clock)
texts.py       summaries for the reader's language (needs, languages, district, times)
forms.py       the questions that take several answers (tap to tick) and a stored form's lines
views.py       what staff and the people themselves see: numbers, waiting times, their matches
actions.py     what the newcomer's and the volunteer's flows call (flows/buddies*.yaml)
board.py       the staff's board (the console): waiting volunteers, open requests, proposals,
               matches, problems; approving or declining and a round now, audited (one way
               for the chat, the command line and the console)
staff.py       what the staff chat calls (flows/buddies_staff.yaml): numbers, approvals
privacy.py     the Welcome Buddies' privacy slice: what /mydata shows, what erasing does first
cli.py         `welcomebot buddies status|volunteers|approve|decline|match`
"""
