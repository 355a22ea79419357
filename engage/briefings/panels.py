"""What other pages show from briefings: the engagement page's briefing panel and the person
page's letters. The host page's view passes these to the template, so templates never query."""

from flask_login import current_user

from engage import zones
from engage.briefings import services
from engage.briefings.forms import BriefingForm, LetterForm


def engagement_panel(engagement, form: BriefingForm | None = None, reader=None) -> dict:
    """Template variables for briefings/_engagement_panel.html: the packs listed are the reader's
    own (all of them for admins), nothing about anyone else's."""
    return {
        "panel": services.engagement_panel(engagement, reader or current_user),
        "briefing_form": form or BriefingForm(formdata=None, tz=zones.reader_zone(reader or current_user)),
    }


def person_letters(person, form: LetterForm | None = None) -> dict:
    """Template variables for briefings/_person_letters.html."""
    return {
        "letters": services.documents_for("letter", person_id=person.id),
        "letter_form": form or LetterForm(formdata=None),
    }
