"""Not stanza: an empty stand-in, so that `import stanza` in argostranslate works.

argostranslate 1.11 imports stanza in `argostranslate/sbd.py` whatever the package, but uses
it only to split sentences for packages that ship a `stanza/` folder; the real stanza brings
torch (about 6 GB). Welcome Bot sets ARGOS_CHUNK_TYPE=MINISBD (bot/notices/translation.py),
so sentences are split by MiniSBD and this stub is never called. If it is, it says so.
"""

__version__ = "0+welcomebot.stub"


class Pipeline:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError(
            "stanza is not installed (Welcome Bot installs an empty stand-in to keep torch "
            "out): split sentences with MiniSBD (ARGOS_CHUNK_TYPE=MINISBD, the bot's default) "
            "or install stanza itself")
