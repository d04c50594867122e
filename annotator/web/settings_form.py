"""The project settings form, and the validator its numbers share."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import Optional, StopValidation, ValidationError

from annotator.store.anchoring import MAX_SHARE
from annotator.store.assignments import MAX_OVERLAP
from annotator.store.cluster_settings import MAX_WORKERS, valid_address
from annotator.store.learning import MAX_LEARN_EVERY, MAX_MARGIN
from annotator.store.queue import MAX_FAIR_SHARE


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
        text = (field.raw_data or [""])[0]
        if not isinstance(text, str):  # a JSON body's number, list or null
            raise StopValidation(self.message)
        text = text.strip()
        if not self.pattern.fullmatch(text) or not self.low <= Decimal(text) <= self.high:
            raise StopValidation(self.message)


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
    fair_share = DecimalField(
        'Share of "most uncertain first" taken in document order',
        places=2,
        validators=[
            PlainNumber(
                0,
                MAX_FAIR_SHARE,
                f"Share in document order: 0 to {MAX_FAIR_SHARE}, two decimals.",
                2,
            )
        ],
    )
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
    # Background model runs on a Ray cluster; a post without them leaves them as they are.
    ray_address = StringField(
        "Ray cluster for model re-runs (empty: the worker runs them)",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional()],
    )
    ray_workers = IntegerField(
        "Model-holding workers to ask of the cluster",
        validators=[
            PlainNumber(1, MAX_WORKERS, f"Ray workers: a whole number, 1 to {MAX_WORKERS}.")
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

    def validate_ray_address(self, field):
        if field.data and not valid_address(field.data):
            raise ValidationError(
                "Ray cluster: auto, HOST:PORT or ray://HOST:PORT (port 1 to 65535), or empty "
                "for none."
            )

    def validate_active_model(self, field):
        if field.data and field.data not in self.models:
            raise ValidationError("Pick a model that has pre-labelled this project.")
