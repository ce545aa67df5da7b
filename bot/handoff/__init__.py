"""Talk to a person: a newcomer writes to the Welcome Center's staff through the bot in their
own language, staff answer in German or English, and each side reads the other in its own
language (argostranslate, offline, labelled as machine translation; without a model it works
untranslated and says so on both sides).

rules.py      pure: who may read a case, where a case stands, how long an answer usually takes
hours.py      the office hours (content/office-hours.yaml): open now, when someone reads next
translate.py  a message into German for staff, an answer into the person's language
store.py      the tables: cases, their messages, interpreter requests (never commits)
notify.py     the pushes: answers to the person, new cases to the staff's group, news to staff
views.py      what staff read: the open cases, one case with originals and translations
casework.py   what staff do with a case, audited (one way for the chat, the command line and
              the console): read, take, answer, attach a FAQ answer, note, interpreter, close
actions.py    what the newcomer's flow calls (flows/handoff.yaml)
staff.py      what the staff chat calls (flows/handoff_staff.yaml, /cases) and the group's
              announcement (flows/handoff_team.yaml)
privacy.py    the privacy slice: what /mydata shows, what erasing does; the daily expiry
cli.py        `welcomebot handoff list|show|reply|interpreters`
"""
