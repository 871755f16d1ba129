"""Token secrets, their hashes and their hints."""

from __future__ import annotations

import hashlib

from agilegov.access.tokens import hash_token, looks_like_token, new_token, token_hint


def test_tokens_are_prefixed_random_and_well_formed() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(t.startswith("agt_") and len(t) == 47 and looks_like_token(t) for t in tokens)


def test_the_stored_form_is_the_sha256_hex_digest() -> None:
    token = new_token()
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(hash_token(token)) == 64


def test_shape_check_refuses_other_strings() -> None:
    assert not looks_like_token("agt_short")
    assert not looks_like_token("xyz_" + "a" * 43)
    assert not looks_like_token("agt_" + "a" * 42 + "!")
    assert not looks_like_token("agt_" + "a" * 44)


def test_the_hint_shows_the_prefix_and_four_characters() -> None:
    assert token_hint("agt_ABCDEFGH" + "x" * 35) == "agt_ABCD…"
