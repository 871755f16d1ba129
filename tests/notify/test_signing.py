from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

from agilegov.notify.signing import sign, verify


def test_the_signature_is_hmac_sha256_hex_of_the_raw_body() -> None:
    body = b'{"a":1}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign("s3cret", body) == f"sha256={expected}"
    assert sign(b"s3cret", body) == sign("s3cret", body)


def test_verify_accepts_only_the_exact_body_and_secret() -> None:
    body = b'{"event":"action.new"}'
    header = sign("k", body)
    assert verify("k", body, header)
    assert not verify("other", body, header)
    assert not verify("k", body + b" ", header)
    assert not verify("k", body, None)
    assert not verify("k", body, header.removeprefix("sha256="))
    assert not verify("k", body, "sha256=" + "0" * 64)


def test_the_documented_verification_recipe_accepts_our_signatures() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "notify.md"
    (recipe,) = re.findall(r"```python\n(.*?)```", guide.read_text("utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(compile(recipe, str(guide), "exec"), namespace)
    check = namespace["is_from_agilegov"]
    body = b'{"event":"action.new","id":"x"}'
    assert check("hook-secret", body, sign("hook-secret", body)) is True
    assert check("hook-secret", body + b"\n", sign("hook-secret", body)) is False
    assert check("hook-secret", body, None) is False
    assert verify("hook-secret", body, sign("hook-secret", body))
