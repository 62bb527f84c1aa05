"""Commands run through a command-line framework are process types' entry points: ``flask
<cmd>`` (an app factory, commands registered from other modules, blueprints), a console
script whose function is a click group or a typer app, ``python -m pkg <cmd>``. Real projects
in a folder, the real command line."""

from __future__ import annotations

import json

from conftest import write

REQUIREMENTS = "flask\ngunicorn\nclick\ntyper\n"
# An app factory in app/__init__.py; its commands live in app/commands.py and are registered
# by a helper the factory calls; a blueprint brings a command of its own.
APP_INIT = """\
from flask import Flask

from app import commands
from app.reports import reports


def create_app():
    app = Flask(__name__)
    app.config.from_prefixed_env()
    commands.init_app(app)
    app.register_blueprint(reports)
    return app
"""
APP_COMMANDS = """\
import time

import click
from flask.cli import with_appcontext

from app.queue import next_order, process


@click.command("poll-queue")
@click.option("--queue", default="orders")
@with_appcontext
def poll_queue(queue):
    \"\"\"Process orders as they arrive.\"\"\"
    while True:
        order = next_order(queue)
        if order is None:
            time.sleep(2)
            continue
        process(order)


@click.command()
@with_appcontext
def seed_demo_data():
    print("seeded")


def init_app(app):
    app.cli.add_command(poll_queue)
    app.cli.add_command(seed_demo_data)
"""
APP_QUEUE = "def next_order(queue):\n    return None\n\n\ndef process(order):\n    print(order)\n"
APP_REPORTS = """\
import time

from flask import Blueprint

reports = Blueprint("reports", __name__)


@reports.cli.command("mail-weekly")
def mail_weekly_digest():
    while True:
        time.sleep(3600)
"""
GRACEFUL = """\
import signal
import sys


def install():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
"""


def flask_project(project, procfile: str, overrides: dict[str, str] | None = None) -> None:
    files = {"requirements.txt": REQUIREMENTS, "Procfile": procfile, "app/__init__.py": APP_INIT,
             "app/commands.py": APP_COMMANDS, "app/queue.py": APP_QUEUE, "app/reports.py": APP_REPORTS,
             "app/graceful.py": GRACEFUL, **(overrides or {})}
    for name, text in files.items():
        write(project, name, text)


def signal_findings(run, *args: str) -> list[dict]:
    proc = run("--format", "json", "--select", "TWC302,TWC303", *args)
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    return report["findings"]


def located(findings: list[dict]) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["code"]) for f in findings]


def formation(run) -> dict[str, dict]:
    report = json.loads(run("formation", "--format", "json").stdout)
    return {ptype["name"]: ptype for app in report["apps"] for ptype in app["process_types"]}


# -- flask <command> ----------------------------------------------------------------------

def test_a_flask_command_registered_by_the_app_factory_is_the_entry_point(project, run):
    flask_project(project, "web: gunicorn 'app:create_app()'\nworker: flask --app app poll-queue --queue orders\n")
    findings = signal_findings(run)
    assert located(findings) == [("app/commands.py", 12, "TWC302")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs a long-lived process "
                                             "(while True loop at line 14)")
    types = formation(run)
    assert types["worker"]["runs"] == ["app/commands.py:poll_queue (flask poll-queue)"]
    assert "app/queue.py" in types["worker"]["files"]


def test_flask_app_named_by_flask_app_python_dash_m_flask_and_dotenv(project, run):
    flask_project(project, "a: FLASK_APP=app flask poll-queue\nb: python -m flask -A app:create_app poll-queue\n"
                           "c: cd . && flask poll-queue\n", {".flaskenv": "FLASK_APP=app\n"})
    findings = signal_findings(run)
    assert located(findings) == [("app/commands.py", 12, "TWC302")]
    assert findings[0]["message"].startswith("the code of process types 'a' and 'b' and 'c' (Procfile) runs")


def test_a_flask_command_that_handles_sigterm(project, run):
    handled = APP_COMMANDS.replace("    while True:\n        order", "    install()\n    while True:\n        order", 1)
    handled = handled.replace("import click\n", "import click\n\nfrom app.graceful import install\n", 1)
    flask_project(project, "worker: flask --app app poll-queue\n", {"app/commands.py": handled})
    assert signal_findings(run) == []


def test_a_handler_the_app_factory_installs_covers_the_command(project, run):
    factory = APP_INIT.replace("    app = Flask(__name__)\n", "    install()\n    app = Flask(__name__)\n")
    factory = factory.replace("from app import commands\n", "from app import commands\nfrom app.graceful import install\n")
    flask_project(project, "worker: flask --app app poll-queue\n", {"app/__init__.py": factory})
    assert signal_findings(run) == []


def test_another_command_with_a_handler_does_not_cover_the_one_run(project, run):
    sibling = APP_COMMANDS.replace('    print("seeded")\n', '    install()\n    print("seeded")\n')
    sibling = sibling.replace("import click\n", "import click\n\nfrom app.graceful import install\n", 1)
    flask_project(project, "worker: flask --app app poll-queue\n", {"app/commands.py": sibling})
    assert located(signal_findings(run)) == [("app/commands.py", 14, "TWC302")]


def test_a_blueprint_command_is_grouped_under_the_blueprint(project, run):
    flask_project(project, "digest: flask --app app reports mail-weekly\n")
    findings = signal_findings(run)
    assert located(findings) == [("app/reports.py", 9, "TWC302")]
    assert formation(run)["digest"]["runs"] == ["app/reports.py:mail_weekly_digest (flask reports mail-weekly)"]


def test_a_blueprint_with_cli_group_none_adds_its_commands_to_the_app(project, run):
    ungrouped = APP_REPORTS.replace('Blueprint("reports", __name__)', 'Blueprint("reports", __name__, cli_group=None)')
    flask_project(project, "digest: flask --app app mail-weekly\nwrong: flask --app app reports mail-weekly\n",
                  {"app/reports.py": ungrouped})
    assert located(signal_findings(run)) == [("app/reports.py", 9, "TWC302")]
    types = formation(run)
    assert types["wrong"]["runs"] == []
    assert types["wrong"]["not_analysed"].startswith("flask reports mail-weekly: 'reports' is no command")


def test_a_module_level_app_and_its_decorated_command_named_after_the_function(project, run):
    write(project, "requirements.txt", REQUIREMENTS)
    write(project, "Procfile", "web: gunicorn app:app\nsync: flask sync-inventory\n")
    write(project, "app.py", """\
import time

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "ok"


@app.cli.command()
def sync_inventory():
    while True:
        time.sleep(60)
""")
    assert located(signal_findings(run)) == [("app.py", 14, "TWC302")]
    assert formation(run)["sync"]["runs"] == ["app.py:sync_inventory (flask sync-inventory)"]


def test_a_flask_command_that_is_not_registered_is_not_analysed(project, run):
    flask_project(project, "worker: flask --app app poll-orders\nmigrate: flask --app missing_mod poll-queue\n")
    assert signal_findings(run) == []
    types = formation(run)
    assert types["worker"]["runs"] == []
    assert types["worker"]["not_analysed"] == ("flask poll-orders: 'poll-orders' is no command of the Flask app's "
                                               "CLI (its commands: poll-queue, reports, seed-demo-data)")
    assert types["migrate"]["not_analysed"] == "missing_mod is not a file of the checked folders"


def test_flask_run_is_the_development_server_not_a_command(project, run):
    flask_project(project, "web: flask --app app run --port $PORT\n")
    assert signal_findings(run) == []
    assert formation(run)["web"]["runs"] == []


# -- click groups and typer apps behind a console script ---------------------------------
PYPROJECT = """\
[project]
name = "relay"
version = "1.0"
dependencies = ["click", "typer"]

[project.scripts]
relay = "relay.cli:cli"
relayctl = "relay.ctl:app"
tail-events = "relay.single:app"
"""
RELAY_CLI = """\
import logging

import click

from relay.commands import consume, tick


@click.group()
@click.option("--verbose", is_flag=True)
def cli(verbose):
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO)


cli.add_command(consume.consume)
cli.add_command(tick.tick_cmd)


@cli.group()
def db():
    pass


@db.command("vacuum")
def vacuum_forever():
    while True:
        time.sleep(60)
"""
RELAY_CONSUME = """\
import time

import click


@click.command()
@click.option("--queue", default="events")
def consume(queue):
    while True:
        time.sleep(1)
"""
RELAY_TICK = """\
import signal
import sys
import time

import click


@click.command()
def tick_cmd():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(60)
"""
RELAY_CTL = """\
import time

import typer

app = typer.Typer()


@app.callback()
def main(debug: bool = False):
    pass


@app.command()
def drain_all():
    while True:
        time.sleep(1)


@app.command()
def status():
    print("ok")
"""
RELAY_SINGLE = """\
import time

import typer

app = typer.Typer()


@app.command()
def follow(interval: int = 5):
    while True:
        time.sleep(interval)
"""


def relay_project(project, procfile: str, **overrides: str) -> None:
    files = {"pyproject.toml": PYPROJECT, "Procfile": procfile, "relay/__init__.py": "",
             "relay/cli.py": RELAY_CLI.replace("import logging\n", "import logging\nimport time\n"),
             "relay/commands/__init__.py": "", "relay/commands/consume.py": RELAY_CONSUME,
             "relay/commands/tick.py": RELAY_TICK, "relay/ctl.py": RELAY_CTL, "relay/single.py": RELAY_SINGLE,
             "relay/__main__.py": "from relay.cli import cli\n\ncli()\n"}
    files.update(overrides)
    for name, text in files.items():
        write(project, name, text)


def test_a_click_subcommand_named_in_the_procfile_is_the_entry_point(project, run):
    relay_project(project, "worker: relay --verbose consume --queue events\n")
    findings = signal_findings(run)
    assert located(findings) == [("relay/commands/consume.py", 8, "TWC302")]
    assert findings[0]["message"].startswith("process type 'worker' (Procfile) runs")
    assert formation(run)["worker"]["runs"] == ["relay/commands/consume.py:consume (relay consume)"]


def test_a_click_subcommand_that_handles_sigterm_named_without_its_suffix(project, run):
    relay_project(project, "beat: relay tick\nbeat2: relay tick-cmd\n")
    assert signal_findings(run) == []
    assert formation(run)["beat"]["runs"] == ["relay/commands/tick.py:tick_cmd (relay tick)"]


def test_a_group_callback_that_installs_a_handler_covers_its_subcommands(project, run):
    graceful = RELAY_CLI.replace("def cli(verbose):\n", "def cli(verbose):\n    signal.signal(signal.SIGTERM, stop)\n")
    graceful = "import signal\nimport sys\n\n\ndef stop(*_):\n    sys.exit(0)\n\n\n" + graceful
    relay_project(project, "worker: relay consume\n", **{"relay/cli.py": graceful.replace(
        "import logging\n", "import logging\nimport time\n")})
    assert signal_findings(run) == []


def test_a_nested_group_and_python_dash_m_reach_the_subcommand(project, run):
    relay_project(project, "vacuum: relay db vacuum\nmod: python -m relay consume\n")
    findings = signal_findings(run)
    assert located(findings) == [("relay/cli.py", 25, "TWC302"), ("relay/commands/consume.py", 8, "TWC302")]
    assert findings[0]["message"].startswith("process type 'vacuum' (Procfile) runs")
    assert findings[1]["message"].startswith("process type 'mod' (Procfile) runs")


def test_typer_commands_and_a_lone_typer_command(project, run):
    relay_project(project, "drain: relayctl --debug drain-all\nstatus: relayctl status\ntail: tail-events --interval 5\n")
    assert located(signal_findings(run)) == [("relay/ctl.py", 14, "TWC302"), ("relay/single.py", 9, "TWC302")]
    types = formation(run)
    assert types["drain"]["runs"] == ["relay/ctl.py:drain_all (relayctl drain-all)"]
    assert types["tail"]["runs"] == ["relay/single.py:follow (tail-events)"]


def test_an_unknown_subcommand_keeps_the_console_script_itself(project, run):
    relay_project(project, "worker: relay frobnicate\n")
    assert signal_findings(run) == []
    assert formation(run)["worker"]["runs"] == ["relay/cli.py:cli (relay)"]


def test_a_subcommand_running_a_scheduler_scaled_above_one_is_a_scale_hazard(project, run):
    scheduler = """\
import click
from apscheduler.schedulers.blocking import BlockingScheduler


@click.command()
def consume():
    scheduler = BlockingScheduler()
    scheduler.add_job(print, "interval", minutes=5)
    scheduler.start()
"""
    relay_project(project, "jobs: relay consume\n", **{"relay/commands/consume.py": scheduler})
    # (the scheduler is found in the facts, which a run gathers for the whole-program rules)
    proc = run("--format", "json", "--select", "TWC302,TWC603", "--formation", "jobs=2")
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "TWC603"]
    assert [(f["path"], f["code"]) for f in findings] == [("Procfile", "TWC603")]
    assert "relay/commands/consume.py" in findings[0]["message"]


def test_an_option_value_before_the_subcommand_and_a_script_calling_the_group(project, run):
    relay_project(project, "worker: relay --config prod.yml consume\nscript: python relay/cli.py consume\n"
                           "typo: relay consumer\n",
                  **{"relay/cli.py": RELAY_CLI.replace("import logging\n", "import logging\nimport time\n")
                     + '\n\nif __name__ == "__main__":\n    cli()\n'})
    findings = signal_findings(run)
    assert located(findings) == [("relay/commands/consume.py", 8, "TWC302")]
    assert findings[0]["message"].startswith("the code of process types 'worker' and 'script' (Procfile) runs")
    assert formation(run)["typo"]["runs"] == ["relay/cli.py:cli (relay)"]


def test_flask_app_exported_before_the_command_or_set_from_a_variable(project, run):
    flask_project(project, "a: export FLASK_APP=app && flask poll-queue\nb: FLASK_APP=$APP_MODULE flask poll-queue\n")
    assert located(signal_findings(run)) == [("app/commands.py", 12, "TWC302")]
    types = formation(run)
    assert types["a"]["runs"] == ["app/commands.py:poll_queue (flask poll-queue)"]
    assert types["b"]["runs"] == [] and types["b"]["not_analysed"] == "$APP_MODULE is not a file of the checked folders"


def test_the_facts_record_registrations_where_they_run():
    import ast

    from twelvecheck.engine.factscope import FileScope
    from twelvecheck.program.facts import ProgramFacts

    text = """\
import click
import typer
from flask import Blueprint

from shop.tasks import reindex

bp = Blueprint("stock", __name__, cli_group=None)
ops = typer.Typer(name="ops")


@click.group()
def cli():
    pass


cli.add_command(reindex, "re-index")


def init_app(app):
    app.cli.add_command(reindex)
    app.register_blueprint(bp, cli_group="inventory")

    @app.cli.command()
    def seed():
        pass


@bp.cli.command("count")
def count_stock():
    pass


@ops.command(name=NAME)
def drain():
    pass
"""
    scope = FileScope(ast.parse(text), text, "shop.cli", False, frozenset())
    facts = ProgramFacts.collect(scope)
    cli = facts["cli"]
    assert cli["holders"] == {"shop.cli.bp": {"kind": "blueprint", "name": "stock", "ungrouped": True},
                              "shop.cli.ops": {"kind": "typer", "name": "ops"}}
    assert cli["registrations"]["shop.cli.<module>"] == [
        {"op": "group", "target": "shop.cli.cli"},
        {"op": "add", "on": ["group", "shop.cli.cli"], "target": "shop.tasks.reindex", "name": "re-index"},
        {"op": "command", "on": ["cli", "shop.cli.bp"], "target": "shop.cli.count_stock", "name": "count"},
        {"op": "command", "on": ["group", "shop.cli.ops"], "target": "shop.cli.drain", "unnamed": True},
    ]
    assert cli["registrations"]["shop.cli.init_app"] == [
        {"op": "add", "on": ["cli", None], "target": "shop.tasks.reindex"},
        {"op": "blueprint", "on": ["app", None], "target": "shop.cli.bp", "cli_group": "inventory"},
        {"op": "command", "on": ["cli", None], "target": "shop.cli.<locals>.seed"},
    ]
    # a command given to a group runs only when named: no call from the module body
    assert "shop.tasks.reindex" not in facts["units"]["shop.cli.<module>"]["calls"]
    assert facts["units"]["shop.cli.count_stock"]["at"] == [29, 5, 29, 16]


def test_a_typer_app_added_with_add_typer_and_a_flask_appgroup(project, run):
    write(project, "pyproject.toml", '[project]\nname = "svc"\nversion = "1"\n\n[project.scripts]\nsvc = "svc.main:app"\n')
    write(project, "requirements.txt", REQUIREMENTS)
    write(project, "Procfile", "drain: svc queues drain\nsync: flask --app svc.web users sync\n")
    write(project, "svc/__init__.py", "")
    write(project, "svc/main.py", """\
import typer

from svc.queues import queues_app

app = typer.Typer()
app.add_typer(queues_app, name="queues")


@app.command()
def version():
    print("1.0")
""")
    write(project, "svc/queues.py", """\
import time

import typer

queues_app = typer.Typer()


@queues_app.command("drain")
def drain_queue():
    while True:
        time.sleep(1)
""")
    write(project, "svc/web.py", """\
import time

from flask import Flask
from flask.cli import AppGroup

app = Flask(__name__)
users = AppGroup("users")


@users.command("sync")
def sync_users():
    while True:
        time.sleep(1)


app.cli.add_command(users)
""")
    assert located(signal_findings(run)) == [("svc/queues.py", 9, "TWC302"), ("svc/web.py", 11, "TWC302")]
    types = formation(run)
    assert types["drain"]["runs"] == ["svc/queues.py:drain_queue (svc queues drain)"]
    assert types["sync"]["runs"] == ["svc/web.py:sync_users (flask users sync)"]
