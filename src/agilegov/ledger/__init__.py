"""The transparency ledger: an append-only, tamper-evident log of every governance act.

Entries are canonical JSON (RFC 8785), the tree is the Merkle Tree Hash of RFC 9162 with
SHA-256, checkpoints are C2SP `tlog-checkpoint` notes signed as C2SP `signed-note`s with
Ed25519, and the tree is served as C2SP `tlog-tiles`. Anyone can verify it with tools that
know nothing of this project.
"""
