"""QR codes drawn on the server (SVG): pages without JavaScript, and codes shown once."""

import qrcode
import qrcode.image.svg
from django.http import HttpResponse


def svg_response(text: str) -> HttpResponse:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")
