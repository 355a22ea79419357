"""What other pages show from briefings: the engagement page's briefing panel and the person
page's letters. The host page's view passes these to the template, so templates never query."""

from engage.briefings import services
from engage.briefings.forms import BriefingForm, LetterForm


def engagement_panel(engagement, form: BriefingForm | None = None) -> dict:
    """Template variables for briefings/_engagement_panel.html."""
    return {
        "panel": services.engagement_panel(engagement),
        "briefing_form": form or BriefingForm(formdata=None, tz=engagement.timezone),
    }


def person_letters(person, form: LetterForm | None = None) -> dict:
    """Template variables for briefings/_person_letters.html."""
    return {
        "letters": services.documents_for("letter", person_id=person.id),
        "letter_form": form or LetterForm(formdata=None),
    }
