"""Every push the bot makes (reminders, "you got a seat", notices) goes through here.

outbox.py     queue a message in the transaction that causes it; take back what is no
              longer true; claim what is due (several senders share the work)
sender.py     the drain loop: send what is due, in batches, and record what each platform
              answered (retry, give up, or mark the person unreachable)
transport.py  the interface channels implement for the outbox (`Transport`) and what they
              answer (`Transmitted`, `Sent` with its receipt, `Result`)
election.py   which process sends each platform's outbox: one at a time, elected by a lock
              that dies with the process (PostgreSQL advisory lock, or a locked file)
shared.py     `SharedLimits`: what other processes' replies spent, charged to the limits of
              the process that sends the platform (PostgreSQL)
bucket.py     `TokenBucket`: a platform's messages a second, shared by replies and pushes
pace.py       `ChatPace`: the pace of messages to one chat (Telegram's chats, WhatsApp's
              pair rate)
daily.py      `DailyLimit`: different people a platform lets the bot write to first in 24
              hours (WhatsApp's messaging limit); beyond it pushes wait for room
receipts.py   what a platform says later about a push (delivered, read, failed) settled on
              its outbox row by receipt; a tap on a held message's template reopens it

Channels import transport.py, bucket.py, pace.py and receipts.py, never sender.py.
"""
