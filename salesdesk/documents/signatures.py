"""The signature lines of an invoice, with the stamp and signatures when asked for.

Drawn rather than laid out as a table: each label and name is exactly as wide as its
text (so "Chief accountant" stays on its line), and the images may lie across the lines
and the names the way a stamp and a signature do on paper.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from salesdesk.documents.pdfkit import FONT, draw_prepared, prepared_image

SIZE = 8.5
LINE_MIN = 24 * mm
GAP = 2.5 * mm
STAMP = 38 * mm          # a company stamp is 38–42 mm across
SIGNATURE_HEIGHT = 14 * mm


@dataclass(frozen=True)
class Signer:
    """One person who signs: the printed title, the name and the signature image."""

    title: str
    name: str
    signature: bytes | None = None


class SignatureBlock(Flowable):
    """"Title ______ Name" for the head and the accountant, side by side when they fit,
    one under the other when not; the stamp over the head's line when given."""

    def __init__(self, signers: list[Signer], width: float, stamp: bytes | None = None
                 ) -> None:
        super().__init__()
        self.signers = signers
        self.stamp = stamp
        self.full_width = width
        fixed = sum(self._text(s.title) + self._text(s.name) + 3 * GAP for s in signers)
        self.side_by_side = fixed + LINE_MIN * len(signers) <= width
        self.row = 11 * mm if any(s.signature for s in signers) else 9 * mm
        rows = 1 if self.side_by_side else len(signers)
        # The stamp hangs below the head's line; room is kept for it so that it never
        # runs into the page footer.
        self.below = STAMP / 2 - 3 * mm if stamp else 0
        self.height = rows * self.row + self.below
        self.width = width

    @staticmethod
    def _text(text: str) -> float:
        return float(stringWidth(text, FONT, SIZE))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.full_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(FONT, SIZE)
        canvas.setFillColor(colors.black)
        if self.side_by_side:
            share = self.full_width / len(self.signers)
            places = [(i * share, self.below, share) for i in range(len(self.signers))]
        else:
            places = [(0.0, self.below + (len(self.signers) - 1 - i) * self.row,
                       self.full_width) for i in range(len(self.signers))]
        for index, (signer, (x, y, width)) in enumerate(zip(self.signers, places,
                                                            strict=True)):
            baseline = y + 1.5 * mm
            canvas.drawString(x, baseline, signer.title)
            line_start = x + self._text(signer.title) + GAP
            line_end = x + width - self._text(signer.name) - 2 * GAP
            canvas.setLineWidth(0.6)
            canvas.line(line_start, baseline - 1, line_end, baseline - 1)
            canvas.drawString(line_end + GAP, baseline, signer.name)
            if signer.signature:
                _image(canvas, signer.signature, line_start + 2 * mm, baseline - 4 * mm,
                       line_end - line_start - 4 * mm, SIGNATURE_HEIGHT)
            if index == 0 and self.stamp:
                # Over the end of the head's line and the start of the name, as customary.
                _image(canvas, self.stamp, line_end - STAMP / 2 + GAP,
                       baseline - STAMP / 2, STAMP, STAMP)
        canvas.restoreState()


def _image(canvas: object, data: bytes, x: float, y: float, width: float,
           height: float) -> None:
    """An image fitted into a box, bottom-centred, its transparency kept."""
    image = prepared_image(data)
    if image is None:  # a damaged image must not stop an invoice
        return
    scale = min(width / image.width, height / image.height)
    w, h = image.width * scale, image.height * scale
    draw_prepared(canvas, image, x + (width - w) / 2, y, w, h)  # type: ignore[arg-type]
