"""How guessable a password is, by zxcvbn: common passwords, keyboard walks, dates, l33t
spellings and the person's own address and name all count as guessable, whatever their length.

`catalog.accounts.check_password_rules` asks this, so every way of setting a password (sign-up,
reset, change, `mutual user add` and `mutual user password`) follows the one rule.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's score: 3 is "safely unguessable" (about 10^8 guesses or more, beyond an online
# attack and a slow offline one against a good hash); 0 to 2 are not.
MIN_SCORE = 3
# zxcvbn refuses longer input; the first 72 characters decide (more characters only add).
ZXCVBN_MAX_LENGTH = 72
WORD = re.compile(r"[^\W_]+")
# zxcvbn keeps the user inputs in a dictionary of its module while it scores, so two threads
# scoring at once could each see the other's words: one at a time.
_ZXCVBN_LOCK = threading.Lock()


def user_words(texts: Iterable[str]) -> list[str]:
    """What a guesser who knows the person tries: each text whole (an address, a name) and each
    of its words ("ann.lee@example.org" -> ann, lee, example, org)."""
    words: list[str] = []
    for text in texts:
        if text.strip():
            words.append(text.strip().lower())
            words.extend(word.lower() for word in WORD.findall(text))
    return words


def weakness(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why `password` is too easy to guess, with zxcvbn's advice; None when it is not."""
    words = user_words(user_inputs)
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=words)
    if int(result["score"]) >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    advice = [str(feedback["warning"]), *map(str, feedback["suggestions"])]
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        advice.insert(0, "Do not build it from your name or e-mail address.")
    return " ".join(["The password is easy to guess.", *filter(None, advice)])
