"""WTForms for every form the web app accepts."""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from annotator.ingest.formats import FORMAT_NAMES
from annotator.models.registry import check_spec
from annotator.schemes import OVERALL_LABELS
from annotator.store.flags import MAX_COMMENT, REASONS
from annotator.store.search import STATUSES
from annotator.store.users import ANNOTATOR, MIN_PASSWORD, ROLES, USERNAME


def small_number(form, field) -> None:
    """Refuse a whole number too large to be an offset or a position, before NumberRange
    (which turns a 400-digit number into a float and fails)."""
    if field.data is not None and abs(field.data) > 1_000_000_000:
        raise StopValidation("too large a number")


# They reorder the text around them: "\u202eniTuP" shows as "Putin" and is something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(form, field) -> None:
    """Refuse names nobody can read or type as they are stored: control characters (NUL,
    escape, ...), the controls that show text reordered, and names with nothing visible in
    them (zero-width spaces alone)."""
    if not field.data:
        return
    if any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in field.data):
        raise ValidationError("no control characters")
    if not any(unicodedata.category(c)[0] in "LNPS" for c in field.data):
        raise ValidationError("nothing visible in it")


def printable_text(form, field) -> None:
    """`printable` for free text of several lines: line breaks and tabs are fine."""
    if field.data and any(
        (unicodedata.category(c) == "Cc" and c not in "\n\r\t") or c in BIDI_CONTROLS
        for c in field.data
    ):
        raise ValidationError("no control characters")


class LoginForm(FlaskForm):
    """A username and password."""

    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class UserForm(FlaskForm):
    """A new account, made by an admin."""

    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Regexp(USERNAME.pattern, message="1 to 40 letters, digits or . _ @ -"),
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)]
    )
    role = SelectField("Role", choices=list(ROLES), default=ANNOTATOR)


class UserChangeForm(FlaskForm):
    """An admin's change to an account: its role, a new password, or switching it off."""

    role = SelectField("Role", choices=list(ROLES))
    password = PasswordField(
        "New password", validators=[Optional(), Length(min=MIN_PASSWORD, max=200)]
    )
    active = BooleanField("Active")


class ActionForm(FlaskForm):
    """A button-only form (accept, skip, undo): only the CSRF token is checked."""


class LabelForm(FlaskForm):
    """One label for one mention; `focus` says which actor to focus next."""

    label = SelectField("Label", validators=[DataRequired()], validate_choice=True)
    focus = IntegerField(
        "Focus", validators=[Optional(), small_number, NumberRange(min=0, max=10_000)]
    )

    def __init__(self, labels: list[str], **kwargs):
        super().__init__(**kwargs)
        self.label.choices = [SelectChoice(name) for name in labels]


class OverallForm(FlaskForm):
    """The answer to the optional overall question about a sentence."""

    label = SelectField(choices=list(OVERALL_LABELS), validators=[DataRequired()])


class ImportForm(FlaskForm):
    """Pasted text or an uploaded file, one of the two."""

    title = StringField("Title", validators=[Optional(), Length(max=200)])
    text = TextAreaField("Text", validators=[Optional(), Length(max=2_000_000)])
    file = FileField(
        "File",
        validators=[
            FileAllowed(
                ["txt", "jsonl", "json", "ndjson", "csv"],
                "Upload .txt, .jsonl, .json (Label Studio) or .csv (SemEval, P-Stance) files.",
            )
        ],
    )
    format = SelectField(
        "Format",
        choices=[SelectChoice(key, name) for key, name in FORMAT_NAMES.items()],
        default="auto",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        has_text = bool(self.text.data and self.text.data.strip())
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        if has_text == has_file:
            self.text.errors.append("Paste some text or choose a file (one of the two).")
            return False
        return True


class OrderForm(FlaskForm):
    """How the review queue is ordered for this annotator."""

    order = SelectField(
        "Queue order",
        choices=[
            SelectChoice("document", "document order"),
            SelectChoice("uncertainty", "most uncertain first"),
        ],
        validate_choice=True,
    )


class FlagForm(FlaskForm):
    """Why a sentence is uncertain."""

    reason = RadioField(
        "Reason",
        choices=[SelectChoice(reason) for reason in REASONS],
        validators=[DataRequired(message="Pick a reason.")],
    )
    comment = TextAreaField(
        "Comment", validators=[Optional(), Length(max=MAX_COMMENT), printable_text]
    )


class SearchForm(FlaskForm):
    """Sentence search; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    text = StringField("Text", validators=[Optional(), Length(max=200)])
    actor = StringField("Actor", validators=[Optional(), Length(max=200)])
    # A filter left out of the query string means "any" (""), as its empty option does.
    label = SelectField("Gold label", default="", validate_choice=True)
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "any")] + [SelectChoice(s) for s in STATUSES],
        default="",
        validate_choice=True,
    )
    annotator = StringField("Annotator", validators=[Optional(), Length(max=40)])
    flagged = BooleanField("Flagged only")
    model = SelectField("Predicted by", default="", validate_choice=True)

    def __init__(self, labels: list[str], models: list[str], **kwargs):
        super().__init__(**kwargs)
        self.label.choices = [SelectChoice("", "any")] + [SelectChoice(n) for n in labels]
        self.model.choices = [SelectChoice("", "any")] + [SelectChoice(m) for m in models]


class DiffForm(FlaskForm):
    """Two model versions to compare; values are "TEMPLATE_VERSION:MODEL_SPEC"."""

    old = SelectField("Before", validate_choice=True)
    new = SelectField("After", validate_choice=True)
    wrong = BooleanField("Only where the new pre-label contradicts a gold label")

    def __init__(self, versions: list[dict], **kwargs):
        super().__init__(**kwargs)
        choices = [
            SelectChoice(
                f"{v['template_version']}:{v['model']}",
                f"{v['model']} ({v['template_version']}, {v['predictions']})",
            )
            for v in versions
        ]
        self.old.choices = self.new.choices = choices

    @staticmethod
    def split(value: str) -> tuple[str, str]:
        """(model spec, template version) of a choice value."""
        version, _, model = value.partition(":")
        return model, version


class ActorForm(FlaskForm):
    """The actor a mention belongs to: an existing name or a new one."""

    actor = StringField("Actor", validators=[DataRequired(), Length(max=100), printable])


class MentionForm(FlaskForm):
    """A missed mention: the words (and, when selected in the page, their exact offsets)."""

    text = StringField("Words", validators=[DataRequired(), Length(max=200), printable])
    start = IntegerField(validators=[Optional(), small_number, NumberRange(min=0)])
    end = IntegerField(validators=[Optional(), small_number, NumberRange(min=1)])
    actor = StringField("Actor", validators=[Optional(), Length(max=100), printable])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.start.data, self.end.data
        if (start is None) != (end is None):
            self.end.errors.append("give both offsets or neither")
        elif end is not None and end <= start:
            self.end.errors.append("the end must come after the start")
        return not self.end.errors


class MergeForm(FlaskForm):
    """Merge one actor name into another, across the project."""

    source = StringField("Merge", validators=[DataRequired(), Length(max=100), printable])
    target = StringField("into", validators=[DataRequired(), Length(max=100), printable])


class RerunForm(FlaskForm):
    """A model to run over every mention it has not labelled yet."""

    model = StringField("Model", validators=[DataRequired(), Length(max=300)])

    def __init__(self, models_dir, **kwargs):
        super().__init__(**kwargs)
        self.models_dir = models_dir

    def validate_model(self, field) -> None:
        try:
            field.data = check_spec(field.data, self.models_dir)
        except ValueError as error:
            raise ValidationError(str(error)) from None
