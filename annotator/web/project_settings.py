"""The project settings page: how the review is run for everyone on this database."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from annotator.store.anchoring import hidden_share, set_hidden_share
from annotator.store.assignments import overlap, set_overlap
from annotator.store.cluster_settings import ray_address, ray_workers, set_ray_cluster
from annotator.store.jobs import QUEUED
from annotator.store.learning import (
    learn_every,
    promotion_margin,
    set_learn_every,
    set_promotion_margin,
)
from annotator.store.overall import question_enabled, set_question
from annotator.store.prelabels import active_model, model_specs, set_active_model
from annotator.store.queue import blind, fair_share, set_blind, set_fair_share
from annotator.tasks import MARGINS

from .db import get_db
from .job_queue import submit_once
from .settings_form import ProjectSettingsForm

bp = Blueprint("project_settings", __name__)


@bp.route("/settings", methods=["GET", "POST"])
def edit():
    db = get_db()
    models = [row["spec"] for row in model_specs(db)]
    if request.method == "GET":
        form = ProjectSettingsForm(
            models,
            overall_question=question_enabled(db),
            overlap=overlap(db),
            blind=blind(db),
            hidden_share=hidden_share(db),
            active_model=active_model(db),
            learn_every=learn_every(db),
            fair_share=fair_share(db),
            promotion_margin=promotion_margin(db),
            ray_address=ray_address(db) or "",
            ray_workers=ray_workers(db),
        )
    else:  # an unticked box is simply absent from the post
        form = ProjectSettingsForm(models)
    if form.validate_on_submit():
        with db.atomic():
            set_question(db, form.overall_question.data)
            set_overlap(db, form.overlap.data)
            set_blind(db, form.blind.data)
            if form.hidden_share.data is not None:
                set_hidden_share(db, float(form.hidden_share.data))
            if form.fair_share.data is not None:
                set_fair_share(db, float(form.fair_share.data))
            if form.learn_every.data is not None:
                set_learn_every(db, form.learn_every.data)
            if form.promotion_margin.data is not None:
                set_promotion_margin(db, float(form.promotion_margin.data))
            if form.ray_address.raw_data or form.ray_workers.data:  # either posted
                # (an empty address turns the cluster off)
                address = form.ray_address.data if form.ray_address.raw_data else ray_address(db)
                workers = form.ray_workers.data or ray_workers(db)
                set_ray_cluster(db, address or None, workers)
            switched = "active_model" in form and form.active_model.data
            switched = switched and set_active_model(db, form.active_model.data)
        if switched:  # the worker re-orders the queue, in short transactions; a running
            # refresh may have passed sentences before this switch: queue one more
            submit_once(MARGINS, {}, "waiting for the worker", unless=(QUEUED,))
        flash("Settings saved.", "info")
        return redirect(url_for("project_settings.edit"), 303)
    return render_template("settings.html", form=form), 400 if form.errors else 200
