"""What twelvecheck knows about the programs a Procfile runs: one table, one row per tool.

A row names the program (``gunicorn``) or a program and its subcommand (``celery worker``,
``manage.py runserver``) and lists, as option specs, what its options do:

- ``"-p FILE"``: the option takes a value (``-p x``, ``-px``, ``--pid=x``);
- ``"--daemonize yes"``: it counts only with that value;
- ``"-D"``: a flag; ``"ARG"``: the first positional argument.

Adding a tool is adding a row; the Procfile rules (``checks/procfile/``) apply the table and never names a
tool itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    key: str
    alias: str = ""  # another row this one is spelled as (celeryd -> celery worker)
    role: str = ""  # "server", "manager", "devserver", "migration", "scheduler", "detacher", "wrapper"
    daemon: tuple[str, ...] = ()  # options that make it detach
    foreground: tuple[str, ...] = ()  # it detaches unless given one of these (in a config file too)
    pid: tuple[str, ...] = ()  # options naming a PID file
    pid_default: str = ""  # the PID file it writes when no pid option names one (`--pidfile=` turns it off)
    log: tuple[str, ...] = ()  # options naming a log file
    stdout: str | None = None  # the log value that means standard output ("-")
    scheduler: tuple[str, ...] = ()  # options that run a periodic-task scheduler in the process
    no_scheduler: tuple[str, ...] = ()  # a "scheduler" role tool that does not schedule with these
    port: tuple[str, ...] = ()  # options that set where it listens
    listens: str = ""  # where it listens when not told: "$PORT" (reads it) or an address
    config: tuple[str, ...] = ()  # options naming a config file that may set the above
    reload: tuple[str, ...] = ()  # development auto-reload options
    sigterm: str = ""  # an option it needs to exit on SIGTERM ("die-on-term")
    values: tuple[str, ...] = ()  # other options that take a value (to find positional arguments)
    skip: int = 0  # wrappers: positional arguments before the wrapped command
    through: bool = False  # wrappers: the wrapped command starts after a `--` (chamber exec SERVICE... --)
    app: bool = False  # its positional argument is the Python application ("module:attr")
    note: str = ""  # added to messages about it
    runs_command: bool = False  # its daemon options detach only a command it is given to run


_CELERY_VALUES = ("-A APP", "--app APP", "-b URL", "--broker URL", "--result-backend URL", "--loader L",
                  "--config MOD", "--workdir DIR")
_GUNICORN_VALUES = ("-w N", "--workers N", "-k CLASS", "--worker-class CLASS", "-t N", "--timeout N",
                    "--threads N", "-e VAR", "--env VAR", "-n NAME", "--name NAME", "--log-level L",
                    "--graceful-timeout N", "--keep-alive N", "--max-requests N", "--max-requests-jitter N",
                    "--worker-connections N", "--chdir DIR", "--pythonpath DIR", "-u USER", "-g GROUP",
                    "--backlog N", "--log-config FILE", "--paste FILE", "--access-logformat F")

TOOLS: dict[str, Tool] = {tool.key: tool for tool in (
    # -- web servers ----------------------------------------------------------------
    Tool("gunicorn", role="server", daemon=("-D", "--daemon"), pid=("-p FILE", "--pid FILE"),
         log=("--log-file FILE", "--error-logfile FILE", "--access-logfile FILE"), stdout="-",
         port=("-b ADDR", "--bind ADDR"), listens="$PORT", config=("-c FILE", "--config FILE"),
         reload=("--reload",), values=_GUNICORN_VALUES, app=True),
    Tool("uvicorn", role="server", port=("--port N", "--host ADDR", "--uds PATH", "--fd N"), listens="127.0.0.1:8000",
         reload=("--reload",), values=("--workers N", "--log-level L", "--root-path P", "--app-dir DIR",
                                       "--env-file FILE", "--loop L", "--http H", "--ws W", "--lifespan L",
                                       "--log-config FILE", "--timeout-keep-alive N", "--limit-concurrency N",
                                       "--forwarded-allow-ips IPS", "--ssl-keyfile F", "--ssl-certfile F",
                                       "--interface I", "--backlog N"), app=True),
    Tool("hypercorn", role="server", pid=("-p FILE", "--pid FILE"),
         log=("--access-logfile FILE", "--error-logfile FILE", "--log-file FILE"), stdout="-",
         port=("-b ADDR", "--bind ADDR"), listens="127.0.0.1:8000", config=("-c FILE", "--config FILE"),
         reload=("--reload",), values=("-w N", "--workers N", "-k CLASS", "--worker-class CLASS", "--log-level L",
                                       "--root-path P", "--keep-alive N", "--graceful-timeout N",
                                       "--certfile F", "--keyfile F", "--access-logformat F"), app=True),
    Tool("daphne", role="server", log=("--access-log FILE",), stdout="-",
         port=("-p N", "--port N", "-b ADDR", "--bind ADDR", "-e ENDPOINT", "--endpoint ENDPOINT",
               "-u PATH", "--unix-socket PATH", "--fd N"), listens="127.0.0.1:8000",
         values=("-v N", "--verbosity N", "-t N", "--http-timeout N", "--root-path P"), app=True),
    Tool("waitress-serve", role="server", port=("--port N", "--listen ADDR", "--host ADDR", "--unix-socket PATH"),
         listens="0.0.0.0:8080", values=("--threads N", "--url-scheme S", "--ident I", "--url-prefix P"), app=True),
    Tool("granian", role="server", port=("--port N", "--host ADDR"), listens="127.0.0.1:8000", reload=("--reload",),
         values=("--interface I", "--workers N", "--threads N", "--loop L"), app=True),
    Tool("uwsgi", role="server", daemon=("-d FILE", "--daemonize FILE", "--daemonize2 FILE"),
         pid=("--pidfile FILE", "--pidfile2 FILE", "--safe-pidfile FILE", "--safe-pidfile2 FILE"),
         log=("--logto FILE", "--logto2 FILE"), port=("--http ADDR", "--http-socket ADDR", "--https ADDR",
                                                      "--socket ADDR", "-s ADDR", "--uwsgi-socket ADDR"),
         config=("--ini FILE", "--yaml FILE", "-y FILE", "--json FILE", "-j FILE", "--xml FILE", "ARG"),
         sigterm="die-on-term", values=("-p N", "--processes N", "--workers N", "-w MODULE", "--module MODULE",
                                        "--wsgi-file FILE", "--callable C", "--chdir DIR", "--threads N",
                                        "--harakiri N", "--buffer-size N", "--virtualenv DIR", "-H DIR",
                                        "--home DIR", "--static-map MAP", "--env VAR", "--max-requests N")),
    Tool("python -m http.server", role="devserver", port=("ARG", "-b ADDR", "--bind ADDR"), listens="0.0.0.0:8000",
         values=("-d DIR", "--directory DIR")),
    Tool("streamlit run", port=("--server.port N", "--server.address ADDR"), listens="0.0.0.0:8501"),
    Tool("rails server", role="server", daemon=("-d", "--daemon"), pid=("-P FILE", "--pid FILE"),
         port=("-p N", "--port N", "-b ADDR", "--binding ADDR"), listens="$PORT",
         values=("-e ENV", "--environment ENV", "-u SERVER", "--using SERVER", "-c FILE", "--config FILE")),
    Tool("rails s", alias="rails server"),
    Tool("puma", role="server", daemon=("-d", "--daemon"), pid=("--pidfile FILE",),
         log=("--redirect-stdout FILE", "--redirect-stderr FILE"), port=("-p N", "--port N", "-b URI", "--bind URI"),
         listens="$PORT", config=("-C FILE", "--config FILE"),
         values=("-t N", "--threads N", "-w N", "--workers N", "-e ENV", "--environment ENV")),
    Tool("unicorn", role="server", daemon=("-D", "--daemonize"), port=("-p N", "--port N", "-l ADDR", "--listen ADDR"),
         config=("-c FILE", "--config-file FILE"), values=("-E ENV", "--env ENV")),
    Tool("thin", role="server", daemon=("-d", "--daemonize"), pid=("-P FILE", "--pid FILE"), log=("-l FILE", "--log FILE"),
         port=("-p N", "--port N", "-a ADDR", "--address ADDR")),
    Tool("nginx", role="detacher", foreground=("-g daemon off",), config=("-c FILE",), values=("-p DIR", "-e FILE"),
         note="nginx forks into the background unless its configuration says `daemon off;`"),
    # -- development servers --------------------------------------------------------------
    Tool("manage.py runserver", role="devserver", port=("ARG",), listens="127.0.0.1:8000",
         values=("--settings MOD", "--pythonpath DIR", "-v N", "--verbosity N")),
    Tool("manage.py runserver_plus", role="devserver", port=("ARG",), listens="127.0.0.1:8000",
         values=("--settings MOD", "--cert-file F", "--key-file F")),
    # `flask [--app APP] [--env-file FILE] COMMAND`: the command is the app's (deploy/cli_targets.py;
    # flask 3.1's flask/cli.py FlaskGroup options).
    Tool("flask", values=("-A APP", "--app APP", "-e FILE", "--env-file FILE")),
    Tool("flask run", role="devserver", port=("-p N", "--port N", "-h ADDR", "--host ADDR"), listens="127.0.0.1:5000",
         values=("--cert F", "--key F", "--extra-files F", "--exclude-patterns P")),
    Tool("nodemon", role="devserver", values=("-w DIR", "--watch DIR", "-e EXT", "--ext EXT", "-x CMD", "--exec CMD")),
    # -- queues and schedulers --------------------------------------------------------------
    Tool("celery", values=_CELERY_VALUES),
    Tool("celery worker", role="worker", daemon=("-D", "--detach"), pid=("--pidfile FILE",),
         log=("-f FILE", "--logfile FILE"), scheduler=("-B", "--beat"),
         values=(*_CELERY_VALUES, "-l L", "--loglevel L", "-c N", "--concurrency N", "-Q Q", "--queues Q",
                 "-n NAME", "--hostname NAME", "-P POOL", "--pool POOL", "-O OPT", "-s FILE", "--schedule FILE",
                 "-S SCHED", "--scheduler SCHED", "--max-tasks-per-child N", "--maxtasksperchild N",
                 "--time-limit N", "--soft-time-limit N", "-X Q", "--exclude-queues Q", "--autoscale X",
                 "--prefetch-multiplier N", "--statedb FILE", "--uid U", "--gid G", "--umask U"),
         note="celery writes to a file named `-` (it has no stdout spelling)"),
    Tool("celery beat", role="scheduler", daemon=("--detach",), pid=("--pidfile FILE",),
         log=("-f FILE", "--logfile FILE"),
         values=(*_CELERY_VALUES, "-S SCHED", "--scheduler SCHED", "-s FILE", "--schedule FILE", "-l L",
                 "--loglevel L", "--max-interval N")),
    Tool("celery multi", role="detacher", scheduler=("-B", "--beat"), values=_CELERY_VALUES,
         note="celery multi starts detached workers that write %n.pid and %n.log files"),
    Tool("celeryd", alias="celery worker"),
    Tool("celerybeat", alias="celery beat"),
    Tool("manage.py celery", alias="celery"),
    Tool("manage.py celeryd", alias="celery worker"),
    Tool("manage.py celerybeat", alias="celery beat"),
    Tool("rq worker", role="worker", pid=("--pid FILE",), scheduler=("--with-scheduler",),
         values=("-u URL", "--url URL", "-c MOD", "--config MOD", "-w CLASS", "--worker-class CLASS", "-j CLASS",
                 "--job-class CLASS", "--name NAME", "-n NAME", "--results-ttl N", "--worker-ttl N",
                 "--logging_level L", "--log-format F", "--date-format F", "--serializer S", "-P PATH",
                 "--path PATH", "--max-jobs N")),
    Tool("rqworker", alias="rq worker"),
    Tool("manage.py rqworker", alias="rq worker"),
    Tool("flask rq worker", alias="rq worker"),
    Tool("rq cron", role="scheduler"),
    Tool("rqscheduler", role="scheduler"),
    Tool("dramatiq", role="worker", pid=("--pid-file FILE",), log=("--log-file FILE",), reload=("--watch DIR",),
         values=("-p N", "--processes N", "-t N", "--threads N", "-Q Q", "--queues Q", "-P PATH", "--path PATH",
                 "--worker-shutdown-timeout N")),
    Tool("huey_consumer", role="scheduler", no_scheduler=("-n", "--no-periodic"), log=("-l FILE", "--logfile FILE"),
         values=("-w N", "--workers N", "-k TYPE", "--worker-type TYPE", "-d N", "--delay N")),
    Tool("huey_consumer.py", alias="huey_consumer"),
    Tool("manage.py run_huey", alias="huey_consumer"),
    Tool("clockwork", role="scheduler"),
    Tool("rake resque:scheduler", role="scheduler"),
    Tool("crond", role="scheduler", foreground=("-f",), note="crond forks into the background unless given -f"),
    Tool("sidekiq", role="worker", daemon=("-d", "--daemon"), pid=("-P FILE", "--pidfile FILE"),
         log=("-L FILE", "--logfile FILE"), values=("-C FILE", "--config FILE", "-c N", "--concurrency N", "-q Q",
                                                    "--queue Q", "-e ENV", "-r PATH", "--require PATH", "-g TAG",
                                                    "-t N", "--timeout N")),
    # -- migrations --------------------------------------------------------------------------
    *(Tool(key, role="migration") for key in (
        "manage.py migrate", "manage.py makemigrations", "manage.py syncdb", "flask db upgrade", "flask db migrate",
        "alembic upgrade", "rake db:migrate", "rails db:migrate", "rake db:schema:load", "sequelize db:migrate",
        "knex migrate:latest", "prisma migrate")),
    # -- process managers and detachers -----------------------------------------------------
    *(Tool(key, role="manager") for key in (
        "honcho start", "foreman start", "forego start", "overmind start", "hivemind", "nf start", "pm2-runtime")),
    Tool("overmind s", alias="overmind start"),
    Tool("supervisord", role="manager", foreground=("-n", "--nodaemon"), config=("-c FILE", "--configuration FILE"),
         pid=("-j FILE", "--pidfile FILE"), pid_default="supervisord.pid", log=("-l FILE", "--logfile FILE"),
         note="supervisord forks into the background unless given -n (or nodaemon=true)"),
    Tool("circusd", role="manager", daemon=("--daemon",), pid=("--pidfile FILE",), log=("--log-output FILE",)),
    Tool("pm2 start", role="detacher", note="pm2 start hands the program to a background pm2 daemon"),
    Tool("redis-server", daemon=("--daemonize yes",), pid=("--pidfile FILE",), log=("--logfile FILE",), stdout="",
         config=("ARG",)),
    Tool("memcached", daemon=("-d",)),
    Tool("mongod", daemon=("--fork",), pid=("--pidfilepath FILE",), log=("--logpath FILE",)),
    Tool("twistd", role="detacher", foreground=("-n", "--nodaemon"), pid=("--pidfile FILE",), pid_default="twistd.pid",
         log=("-l FILE", "--logfile FILE"), stdout="-", values=("-y FILE", "--python FILE", "-f FILE", "--file FILE",
                                                                  "-d DIR", "--rundir DIR", "-u UID", "-g GID",
                                                                  "--umask MASK", "-r NAME", "--reactor NAME",
                                                                  "--logger NAME", "-p FILE", "--profile FILE",
                                                                  "--profiler NAME", "--prefix P"),
         note="twistd forks into the background unless given -n"),
    Tool("pg_ctl start", role="detacher"),
    Tool("service", role="detacher", note="init scripts start the service in the background"),
    Tool("systemctl start", role="detacher"),
    Tool("start-stop-daemon", role="detacher"),
    Tool("daemonize", role="detacher"),
    # `screen -S name -dm` with no command starts an empty shell session: only a command detaches.
    Tool("screen", daemon=("-d", "-dm", "-dmS NAME"), values=("-S NAME",), runs_command=True),
    # -- wrappers: the command after them is what runs --------------------------------------
    *(Tool(key, role="wrapper") for key in (
        "exec", "time", "bundle exec", "poetry run", "pipenv run", "pdm run", "hatch run", "rye run", "npx",
        "newrelic-admin run-program", "ddtrace-run", "dumb-init", "tini", "xvfb-run", "catchsegv",
        "foreman run", "honcho run", "with-contenv", "nohup", "setsid")),
    # `doppler run -p PROJECT -c CONFIG -- cmd` (docs.doppler.com, "Secrets Setup Guide").
    Tool("doppler run", role="wrapper", values=("-p PROJECT", "--project PROJECT", "-c CONFIG", "--config CONFIG",
                                                "-t TOKEN", "--token TOKEN", "--fallback FILE", "--mount PATH",
                                                "--mount-format F", "--scope DIR", "--configuration FILE")),
    # `chamber exec SERVICE... -- cmd`: the services are arguments up to the `--`.
    Tool("chamber exec", role="wrapper", through=True),
    # python-dotenv: `dotenv [-f FILE] run [--override|--no-override] cmd`.
    Tool("dotenv run", role="wrapper", values=("-f FILE", "--file FILE", "-q MODE", "--quote MODE",
                                               "-e BOOL", "--export BOOL")),
    Tool("uv run", role="wrapper", values=("--with REQ", "--project DIR", "--directory DIR", "--python PY",
                                           "--extra E", "--group G", "--env-file FILE", "--package P")),
    Tool("nice", role="wrapper", values=("-n N",)),
    Tool("ionice", role="wrapper", values=("-c N", "--class N", "-n N", "--classdata N", "-p PID", "--pid PID")),
    Tool("sudo", role="wrapper", values=("-u USER", "--user USER", "-g GROUP", "--group GROUP", "-C N",
                                         "-D DIR", "--chdir DIR", "-h HOST", "--host HOST", "-p PROMPT")),
    Tool("chrt", role="wrapper", skip=1, values=("-p PID",)),
    Tool("stdbuf", role="wrapper", values=("-o MODE", "-e MODE", "-i MODE")),
    Tool("timeout", role="wrapper", skip=1, values=("-s SIG", "--signal SIG", "-k N", "--kill-after N")),
    Tool("gosu", role="wrapper", skip=1),
    Tool("su-exec", role="wrapper", skip=1),
    Tool("envdir", role="wrapper", skip=1),
    Tool("chpst", role="wrapper", values=("-u USER", "-U USER", "-e DIR")),
    Tool("opentelemetry-instrument", role="wrapper"),  # its options all take a value (--name value)
)}

# Python functions that run a tool of the table inside the calling process, on the command
# line the caller put together before the call (in ``sys.argv``, or for ``runApp`` in the
# options it parsed).
ENTRY_POINTS = {
    "twisted.scripts.twistd.run": "twistd", "twisted.scripts.twistd.runApp": "twistd",
    "twisted.application.app.run": "twistd", "twisted.scripts.twistd.app.run": "twistd",
    "twisted.scripts._twistd_unix.runApp": "twistd",
    "gunicorn.app.wsgiapp.run": "gunicorn", "celery.__main__.main": "celery", "celery.bin.celery.main": "celery",
}
# Methods of a tool's application object that run the tool in this process on the argv they
# are given (``app.worker_main(argv=["worker", "--detach"])``), or on ``sys.argv``.
ENTRY_METHODS = {"worker_main": "celery"}

# Programs that do their work and exit: put in the background (`echo x &`) they detach
# nothing that runs on. POSIX utilities and shell builtins (pubs.opengroup.org, "Utilities").
SHORT_LIVED_PROGRAMS = frozenset({
    "echo", "printf", "mkdir", "touch", "cp", "mv", "rm", "ln", "chmod", "chown", "cat", "true", "false",
    "test", "[", "export", "wait", "set", "cd", "sed", "grep", "find", "tar", "curl", "wget", "pip", "pip3",
})
# Management commands that exit when done (Django's "django-admin and manage.py" reference).
SHORT_LIVED_MANAGEMENT = frozenset({
    "migrate", "makemigrations", "collectstatic", "check", "compilemessages", "createcachetable",
    "loaddata", "dumpdata", "createsuperuser", "clearsessions", "showmigrations", "test",
})
# Init scripts started by path (`/etc/init.d/nginx start`): they start the service in the background.
INIT_SCRIPT_DIRS = ("/etc/init.d/", "/etc/rc.d/init.d/")
INIT_SCRIPT_ACTIONS = frozenset({"start", "restart"})
# `nohup x` and `setsid x` wrap a command and detach it.
DETACHING_WRAPPERS = frozenset({"nohup", "setsid"})
# Shell words that lead into a command (reserved words and builtins); the closing ones (done,
# fi, esac, }) leave nothing to run.
SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "command", "builtin",
                            "done", "fi", "esac", "}"})
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash", "ksh"})
# `python -m X` for these runs the tool X.
PYTHON_MODULE_TOOLS = {
    "gunicorn": "gunicorn", "gunicorn.app.wsgiapp": "gunicorn", "uvicorn": "uvicorn", "hypercorn": "hypercorn",
    "daphne": "daphne", "waitress": "waitress-serve", "granian": "granian", "celery": "celery", "flask": "flask",
    "dramatiq": "dramatiq", "rq": "rq", "http.server": "python -m http.server", "SimpleHTTPServer": "python -m http.server",
    "streamlit": "streamlit", "huey.bin.huey_consumer": "huey_consumer", "django": "manage.py", "alembic": "alembic",
    "uwsgi": "uwsgi",
}
# Scripts whose first argument is a Django-style management command.
MANAGEMENT_SCRIPTS = frozenset({"manage.py", "django-admin", "django-admin.py"})
