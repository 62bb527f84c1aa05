"""TWC516 procfile-development-server: a development server or file watcher, or a reload-on-change option,
in a process type's command or in the code it runs (``python app.py`` calling Flask's ``app.run()``)."""

from __future__ import annotations

from typing import Iterator

from twelvecheck.checks.procfile._entry import tool_invocations
from twelvecheck.deploy.documents import ProcfileDocument
from twelvecheck.deploy.options import find_options
from twelvecheck.engine.rule import DeployRule, FormationRule, Invalid, Problem, Valid
from twelvecheck.program.facts import ProgramFacts

FLASK_APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"
"""
REQUIREMENTS = ("requirements.txt", "flask\n")


class DevelopmentServer(DeployRule, FormationRule):
    """Judged twice: the Procfile's commands as read (``check``), and once the process model
    is built, the code a process type's ``python app.py`` runs (``check_app``)."""

    code = "TWC516"
    kinds = ("procfile",)
    collectors = (ProgramFacts,)

    @classmethod
    def check(cls, document: ProcfileDocument) -> Iterator[Problem]:
        for check, inv in tool_invocations(document):
            tool = inv.tool
            if tool.role == "devserver":
                yield check.problem(inv, inv.words[0], f"`{tool.key}` is a development server or file watcher")
            for option in find_options(inv.args, tool.reload):
                yield check.problem(inv, option.token, f"`{tool.key} {option.token.text}` reloads on code changes, "
                                                       "a development feature")

    @classmethod
    def check_app(cls, app) -> Iterator[tuple[str, Problem, tuple[str, ...]]]:
        for ptype in app.types:
            if ptype.development_server and app.procfile:
                yield app.procfile, Problem.at(ptype.line, 1, len(ptype.name) + 1, {
                    "what": f"process type {ptype.name} runs `{ptype.command}`, which starts "
                            f"{ptype.development_server}"}), (ptype.name,)

    VALID = [
        # Heroku's starter apps: `heroku local web -f Procfile.windows` (local-only)
        Valid("web: python manage.py runserver 0.0.0.0:5000\n", filename="Procfile.windows"),
        Valid("web: gunicorn app:app\n"),
        Valid("web: python manage.py collectstatic --noinput && gunicorn app.wsgi\n"),
        # gunicorn imports the module: the __main__ block with app.run() is for local runs
        Valid("web: gunicorn app:app\n", files=(("app.py", FLASK_APP + "\nif __name__ == '__main__':\n"
                                                            "    app.run(debug=True)\n"), REQUIREMENTS)),
        # a production server where the configuration says so
        Valid("web: python serve.py\n", files=(("app.py", FLASK_APP), REQUIREMENTS, ("serve.py", """\
import os

import waitress

from app import app

if os.environ.get("DEBUG"):
    app.run(debug=True)
else:
    waitress.serve(app, port=int(os.environ["PORT"]))
"""))),
        # a development Procfile
        Valid("web: python app.py\n", filename="Procfile.dev",
              files=(("app.py", FLASK_APP + "\napp.run(debug=True)\n"), REQUIREMENTS)),
    ]
    INVALID = [
        Invalid("web: python manage.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
        Invalid("web: ./manage.py runserver_plus 0.0.0.0:$PORT\n", lines=(1,)),
        Invalid("web: flask run --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Invalid("web: gunicorn --reload app:app\n", lines=(1,)),
        Invalid("web: uvicorn app:app --reload --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Invalid("web: python app.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
        Invalid("web: python app.py\n", files=(("app.py", FLASK_APP + "\nif __name__ == '__main__':\n"
                                                           "    app.run(host='0.0.0.0', port=5000)\n"),
                                                REQUIREMENTS), lines=(1,)),
        Invalid("web: python -m shop\n", files=(
            ("shop/__init__.py", ""), ("shop/web.py", FLASK_APP),
            ("shop/__main__.py", "import os\n\nfrom shop.web import app\n\n\ndef main():\n"
                                 "    app.run(port=int(os.environ['PORT']))\n\n\nmain()\n"), REQUIREMENTS), lines=(1,)),
        Invalid("web: python board.py\n", files=(("board.py", """\
import dash
from dash import html

app = dash.Dash(__name__)
app.layout = html.Div("hi")
app.run_server(debug=True)
"""), ("requirements.txt", "dash\n")), lines=(1,)),
    ]
