"""WTForms for every form the web app accepts."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DecimalField,
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

from annotator.models.registry import check_spec
from annotator.schemes import OVERALL_LABELS
from annotator.store.anchoring import MAX_SHARE
from annotator.store.assignments import MAX_OVERLAP
from annotator.store.flags import MAX_COMMENT, REASONS
from annotator.store.learning import MAX_LEARN_EVERY, MAX_MARGIN
from annotator.store.search import STATUSES
from annotator.store.users import ANNOTATOR, MIN_PASSWORD, ROLES, USERNAME


class PlainNumber:
    """A number in [low, high], written in plain digits with at most `places` decimals.

    One message that names the field replaces WTForms' own ("Not a valid integer value."
    followed by the range), and what Python would also read as a number is refused: "NaN",
    "1e-9", "1_000", "+5", digits of other scripts, more decimals than the page shows (a
    margin of 0.0004 would read 0.000). `required`: absent from the post is an error too;
    otherwise an absent field is left alone, while an emptied box is refused."""

    def __init__(self, low, high, message: str, places: int = 0, required: bool = False):
        self.low, self.high, self.message, self.required = low, high, message, required
        decimals = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
        self.pattern = re.compile(rf"[0-9]{{1,12}}{decimals}")

    def __call__(self, form, field):
        field.errors[:] = []
        if not field.raw_data and not self.required:  # not in the post at all
            raise StopValidation()
        text = (field.raw_data or [""])[0].strip()
        if not self.pattern.fullmatch(text) or not self.low <= Decimal(text) <= self.high:
            raise StopValidation(self.message)


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
    focus = IntegerField("Focus", validators=[Optional(), NumberRange(min=0, max=10_000)])

    def __init__(self, labels: list[str], **kwargs):
        super().__init__(**kwargs)
        self.label.choices = [SelectChoice(name) for name in labels]


class OverallForm(FlaskForm):
    """The answer to the optional overall question about a sentence."""

    label = SelectField(choices=list(OVERALL_LABELS), validators=[DataRequired()])


class ProjectSettingsForm(FlaskForm):
    """Settings that shape everyone's review of this project."""

    overall_question = BooleanField("Ask each sentence's overall sentiment")
    overlap = IntegerField(
        "Annotators per sentence (k)",
        validators=[
            PlainNumber(
                1,
                MAX_OVERLAP,
                f"Annotators per sentence: a whole number, 1 to {MAX_OVERLAP}.",
                required=True,
            )
        ],
    )
    blind = BooleanField("Blind: annotators do not see each other's labels")
    hidden_share = DecimalField(
        "Share of sentences shown without pre-labels",
        places=2,
        validators=[
            PlainNumber(
                0, MAX_SHARE, f"Share without pre-labels: 0 to {MAX_SHARE}, two decimals.", 2
            )
        ],
    )
    # The learning loop; a post without them leaves them as they are.
    learn_every = IntegerField(
        "Learn by itself every N new gold labels (0: off)",
        validators=[
            PlainNumber(
                0,
                MAX_LEARN_EVERY,
                f"Learn every: a whole number of gold labels, 0 (off) to {MAX_LEARN_EVERY:,}.",
            )
        ],
    )
    promotion_margin = DecimalField(
        "Promote a new model when its macro-F1 is higher by at least",
        places=3,
        validators=[
            PlainNumber(
                0,
                MAX_MARGIN,
                f"Promotion margin: a macro-F1 difference, 0 to {MAX_MARGIN}, three decimals.",
                3,
            )
        ],
    )
    # Absent from a post that does not mean to change it (validated against `models` below).
    active_model = SelectField(
        "Pre-labels shown to annotators come from", choices=[], validate_choice=False
    )

    def __init__(self, models: list[str], *args, **kwargs):
        """`models`: the specs with predictions in the project, any of which can be active."""
        super().__init__(*args, **kwargs)
        self.models = models
        if models:
            self.active_model.choices = [(spec, spec) for spec in models]
        else:  # nothing has pre-labelled the project yet: nothing to choose
            del self.active_model

    def validate_active_model(self, field):
        if field.data and field.data not in self.models:
            raise ValidationError("Pick a model that has pre-labelled this project.")


class ImportForm(FlaskForm):
    """Pasted text or an uploaded file, one of the two."""

    title = StringField("Title", validators=[Optional(), Length(max=200)])
    text = TextAreaField("Text", validators=[Optional(), Length(max=2_000_000)])
    file = FileField(
        "File",
        validators=[
            FileAllowed(["txt", "jsonl", "json", "ndjson"], "Upload .txt or .jsonl files.")
        ],
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
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=MAX_COMMENT)])


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

    actor = StringField("Actor", validators=[DataRequired(), Length(max=100)])


class MentionForm(FlaskForm):
    """A missed mention: the words (and, when selected in the page, their exact offsets)."""

    text = StringField("Words", validators=[DataRequired(), Length(max=200)])
    start = IntegerField(validators=[Optional(), NumberRange(min=0)])
    end = IntegerField(validators=[Optional(), NumberRange(min=1)])
    actor = StringField("Actor", validators=[Optional(), Length(max=100)])

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

    source = StringField("Merge", validators=[DataRequired(), Length(max=100)])
    target = StringField("into", validators=[DataRequired(), Length(max=100)])


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
