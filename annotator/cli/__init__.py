"""The `annotator` command: thin Click commands over the storage, import and model layers."""

from __future__ import annotations

import click

from .agreement import agreement
from .backup import backup, restore
from .corpus import export, import_command, init
from .jobs import jobs
from .learning import learn
from .modelling import evaluate, train
from .models import models
from .predicting import predict
from .server import demo, serve, worker
from .users import user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
def main():
    """Label the stance of news sentences toward the actors they mention."""


for command in (
    init,
    import_command,
    predict,
    export,
    evaluate,
    train,
    learn,
    models,
    serve,
    worker,
    demo,
    jobs,
    user,
    agreement,
    backup,
    restore,
):
    main.add_command(command)
