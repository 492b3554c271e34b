"""The artifact formats this ledgerstore reads, and the one it writes (see `artifacts.codec`)."""

from __future__ import annotations

from ledgerstore.artifacts.codec import CodecRegistry
from ledgerstore.artifacts.format_v1 import V1

#: Every version ever written, readable forever; new artifacts are written in `writer`.
DEFAULT_CODECS = CodecRegistry(codecs={V1.version: V1}, writer=V1.version)
