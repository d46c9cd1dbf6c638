"""The terms and the privacy policy: versioned, shown as a page, printed, and sent as PDF.

Each document is a list of sections written once here; the page and the PDF both render it.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

FONT_DIR = Path(settings.BASE_DIR) / "static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf"


@dataclass(frozen=True)
class Section:
    heading: Promise
    paragraphs: tuple[Promise, ...]


@dataclass(frozen=True)
class Document:
    slug: str
    version: str
    title: Promise
    summary: tuple[Promise, ...]
    sections: tuple[Section, ...]


TERMS = Document(
    slug="terms",
    version="2026-11",
    title=_("Terms and conditions for MitID"),
    summary=(
        _("Approving with MitID is the same as signing with your own hand."),
        _("Never share your MitID with anyone else."),
        _("Block your MitID at once if you suspect that someone has misused it."),
    ),
    sections=(
        Section(
            _("What MitID is"),
            (
                _(
                    "MitID is your personal digital ID. You use it to log in and to approve "
                    "and sign things online, with public authorities, banks and companies."
                ),
            ),
        ),
        Section(
            _("Your duties"),
            (
                _(
                    "Keep your user-ID, password, PIN and codes to yourself, and do not hand "
                    "over your MitID app, code display, code reader or chip to anyone."
                ),
                _(
                    "Read what you approve. Only approve what you have started yourself and "
                    "want to do."
                ),
                _(
                    "Block your MitID at once, by calling MitID support or on this site, if you "
                    "lose your phone or device or suspect misuse."
                ),
            ),
        ),
        Section(
            _("Your approval is binding"),
            (
                _(
                    "An approval with MitID binds you in the same way as your signature on "
                    "paper. You are responsible for what is approved with your MitID until you "
                    "have blocked it."
                ),
            ),
        ),
        Section(
            _("Messages about your MitID"),
            (
                _(
                    "We send you messages about your MitID, for example when it is blocked or "
                    "when the app is activated on a new device, by app, SMS or e-mail."
                ),
            ),
        ),
        Section(
            _("Changes and ending"),
            (
                _(
                    "The terms can change. You will be told about important changes before "
                    "they take effect. You can stop using MitID at any time."
                ),
            ),
        ),
    ),
)

PRIVACY = Document(
    slug="privacy",
    version="2026-11",
    title=_("Privacy policy for MitID"),
    summary=(),
    sections=(
        Section(
            _("What we keep about you"),
            (
                _(
                    "Your CPR number, name and address from the CPR register, your user-ID, "
                    "your mobile number and e-mail, your authenticators, and a history of when "
                    "and where you used MitID."
                ),
            ),
        ),
        Section(
            _("Why"),
            (
                _(
                    "To prove who you are when you use MitID, to tell you about your MitID, "
                    "and to find and stop misuse."
                ),
            ),
        ),
        Section(
            _("Your rights"),
            (
                _(
                    "You can see the information about you, have mistakes corrected, and "
                    "complain to the Danish Data Protection Agency (Datatilsynet)."
                ),
            ),
        ),
    ),
)

DOCUMENTS = {document.slug: document for document in (TERMS, PRIVACY)}


def as_pdf(document: Document) -> bytes:
    """The document in the active language, as a PDF in IBM Plex Sans."""
    pdf = FPDF(format="A4")
    pdf.set_title(str(document.title))
    pdf.set_author("MitID")
    pdf.add_font("Plex", "", str(FONT_DIR / "IBMPlexSans-Regular.ttf"))
    pdf.add_font("Plex", "B", str(FONT_DIR / "IBMPlexSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Plex", "B", 18)
    pdf.multi_cell(0, 9, str(document.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Plex", "", 9)
    pdf.multi_cell(
        0,
        6,
        _g("Version %(version)s") % {"version": document.version},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("Plex", "", 11)
    for point in document.summary:
        pdf.multi_cell(0, 6, f"•  {point}", new_x="LMARGIN", new_y="NEXT")
    for section in document.sections:
        pdf.ln(3)
        pdf.set_font("Plex", "B", 13)
        pdf.multi_cell(0, 7, str(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Plex", "", 11)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 6, str(paragraph), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
