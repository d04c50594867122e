"""The flask-htmx extension object: `bool(htmx)` tells an htmx request from a plain one."""

from flask_htmx import HTMX

htmx = HTMX()
