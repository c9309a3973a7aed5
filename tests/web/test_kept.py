"""What a process keeps: texts within a bound of size, the least recently used dropped first."""

from __future__ import annotations

import threading

from app.kept import LastUsed


def test_the_least_recently_used_texts_go_first_once_the_bound_is_passed():
    kept = LastUsed(max_chars=80)
    for key in "abcd":
        kept.put(key, key * 10)
    assert kept.get("a") == "a" * 10                 # used again: now the most recent
    kept.put("e", "e" * 10)
    kept.put("f", "f" * 10)
    kept.put("g", "g" * 10)
    kept.put("h", "h" * 10)
    kept.put("i", "i" * 10)                           # 90 characters: the oldest unused one, "b", goes
    assert kept.get("b") is None and [kept.get(key) for key in "acdefghi"] == [key * 10 for key in "acdefghi"]
    kept.put("c", "C" * 10)                           # a new text for a key replaces the old one's size
    assert kept.get("c") == "C" * 10 and kept.get("d") == "d" * 10


def test_a_text_larger_than_an_eighth_of_the_room_is_not_kept_and_clear_forgets_all():
    kept = LastUsed(max_chars=80)
    kept.put("big", "x" * 11)
    kept.put("small", "y" * 10)
    assert kept.get("big") is None and kept.get("small") == "y" * 10
    kept.clear()
    assert kept.get("small") is None


def test_threads_keep_the_size_within_the_bound():
    kept = LastUsed(max_chars=1000)

    def fill(offset: int) -> None:
        for index in range(2000):
            kept.put((offset, index % 300), "z" * (1 + index % 100))
            kept.get((offset, (index * 7) % 300))

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert kept._size == sum(len(text) for text in kept._texts.values()) <= 1000
