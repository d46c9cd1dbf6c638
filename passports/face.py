"""The face matcher's simulator: how alike two face pictures are, as a score from 0 to 1.

A real matcher compares faces; this one compares the pictures themselves (grey levels on a
small grid, Pearson correlation), which is enough to tell the demo people's faces apart and
to accept a new picture of the same face.
"""

import io
import math

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from .checks import FaceMatch, PassportRefused

GRID = 24


def _grid(picture: bytes) -> list[float]:
    try:
        with Image.open(io.BytesIO(picture)) as image:
            small = image.convert("L").resize((GRID, GRID))
            return [float(value) for value in small.tobytes()]
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PassportRefused("face_unreadable") from error


def similarity(first: bytes, second: bytes) -> float:
    a, b = _grid(first), _grid(second)
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    da = [x - mean_a for x in a]
    db = [y - mean_b for y in b]
    spread = math.sqrt(sum(x * x for x in da) * sum(y * y for y in db))
    if spread == 0:
        return 0.0
    return max(0.0, sum(x * y for x, y in zip(da, db, strict=True)) / spread)


# Alike past this, two pictures are one: a camera's picture of a face is never the chip's
# portrait again (the demo's score 0.996 to 0.999), which re-encoded or enlarged scores above.
SAME_PICTURE = 0.9995


class SimulatedFaceMatcher:
    """Its liveness check knows only the chip's own portrait sent back (as it is, re-encoded
    or enlarged); turned a few degrees or cropped, the portrait passes it. A real matcher's
    presentation-attack detection is what stops that."""

    def match(self, *, portrait: bytes, picture: bytes) -> FaceMatch:
        score = similarity(portrait, picture)
        return FaceMatch(
            score=round(score, 3),
            threshold=settings.FACE_MATCH_THRESHOLD,
            live=score < SAME_PICTURE,
        )
