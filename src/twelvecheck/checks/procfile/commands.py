"""TWC511-TWC519: what a Procfile command does to the process model (see _commands.py
and the tool table in deploy/tools.py)."""

from __future__ import annotations

from twelvecheck.engine.deploy_rule import Fires, ProcessFileRule, Quiet

START_SH = ("bin/start.sh", "#!/bin/sh\nset -e\npython manage.py collectstatic --noinput\n"
                            "exec gunicorn --daemon app.wsgi\n")


class DaemonizingCommand(ProcessFileRule):
    code = "TWC511"
    VALID = [
        Quiet("web: gunicorn app:app\nworker: celery -A app worker\nbeat: celery -A app beat\n"),
        Quiet("web: hypercorn -D app:app\n"),  # hypercorn has no daemon mode
        Quiet("web: nginx -g 'daemon off;' -c nginx.conf\n"),
        Quiet("web: supervisord -n -c supervisord.conf\n"),
        Quiet("cache: redis-server --daemonize no\n"),
        Quiet("web: gunicorn app:app 2>&1\n"),
        Quiet("web: uwsgi --http :$PORT --die-on-term --module app\n"),
        Quiet("web: sh bin/start.sh\n", files=(("bin/start.sh", "#!/bin/sh\nexec gunicorn app.wsgi\n"),)),
    ]
    INVALID = [
        Fires("web: gunicorn -D app:app\n", lines=(1,)),
        Fires("web: gunicorn --daemon app:app\n", lines=(1,)),
        Fires("web: uwsgi --http :$PORT --die-on-term --daemonize /tmp/uwsgi.log --module app\n", lines=(1,)),
        Fires("worker: celery -A app worker --detach\n", lines=(1,)),
        Fires("worker: celery -A app worker -D\n", lines=(1,)),
        Fires("beat: celery -A app beat --detach\n", lines=(1,)),
        Fires("worker: celery multi start w1 -A app\n", lines=(1,)),
        Fires("web: supervisord -c supervisord.conf\n", lines=(1,)),
        Fires("cache: redis-server --daemonize yes\n", lines=(1,)),
        Fires("web: nginx -c nginx.conf\n", lines=(1,)),
        Fires("worker: nohup python worker.py\n", lines=(1,)),
        Fires("web: python worker.py & gunicorn app:app\n", lines=(1,)),
        Fires("worker: start-stop-daemon --start --exec /usr/bin/worker\n", lines=(1,)),
        Fires("web: service nginx start && gunicorn app:app\n", lines=(1,)),
        Fires("web: sh -c 'gunicorn --daemon app:app'\n", lines=(1,)),
        Fires("web: sh bin/start.sh\n", files=(START_SH,), lines=(1,)),
        Fires("web: ./bin/start.sh\n", files=(START_SH,), lines=(1,)),
        Fires("web: cd bin && sh start.sh\n", files=(START_SH,), lines=(1,)),
    ]


class PidFileCommand(ProcessFileRule):
    code = "TWC512"
    VALID = [
        Quiet("web: gunicorn -w 3 --preload app:app\n"),
        Quiet("worker: celery -A app worker -P solo\n"),  # -P is the pool
        Quiet("web: uwsgi --http :$PORT --die-on-term --processes 4 --module app\n"),  # uwsgi -p: processes
    ]
    INVALID = [
        Fires("web: gunicorn -p /tmp/gunicorn.pid app:app\n", lines=(1,)),
        Fires("web: gunicorn --pid=/tmp/gunicorn.pid app:app\n", lines=(1,)),
        Fires("web: uwsgi --http :$PORT --die-on-term --safe-pidfile /tmp/u.pid --module app\n", lines=(1,)),
        Fires("worker: celery -A app worker --pidfile=/tmp/celery.pid\n", lines=(1,)),
        Fires("worker: dramatiq app.tasks --pid-file /tmp/d.pid\n", lines=(1,)),
        Fires("worker: rq worker --pid /tmp/rq.pid\n", lines=(1,)),
        Fires("web: hypercorn -p /tmp/h.pid -b 0.0.0.0:$PORT app:app\n", lines=(1,)),
        Fires("server: bin/rails server --pid=/tmp/rails.pid\n", lines=(1,)),
    ]


class FileLoggingCommand(ProcessFileRule):
    code = "TWC513"
    VALID = [
        Quiet("web: gunicorn --log-file - --access-logfile - app:app\n"),
        Quiet("web: gunicorn --error-logfile=- app:app\n"),
        Quiet("web: hypercorn --access-logfile - -b 0.0.0.0:$PORT app:app\n"),
        Quiet("web: daphne --access-log - -b 0.0.0.0 -p $PORT app.asgi:application\n"),
        Quiet("web: gunicorn app:app 2>&1\nrelease: python manage.py migrate > /dev/null\n"),
        Quiet("web: gunicorn app:app --log-file /dev/stdout\n"),
    ]
    INVALID = [
        Fires("web: gunicorn --log-file app.log app:app\n", lines=(1,)),
        Fires("web: gunicorn --access-logfile /var/log/access.log app:app\n", lines=(1,)),
        Fires("web: uwsgi --http :$PORT --die-on-term --logto /var/log/uwsgi.log --module app\n", lines=(1,)),
        Fires("worker: celery -A app worker -f -\n", lines=(1,)),  # celery writes a file named "-"
        Fires("worker: celery -A app worker --logfile=celery.log\n", lines=(1,)),
        Fires("worker: dramatiq app.tasks --log-file dramatiq.log\n", lines=(1,)),
        Fires("worker: huey_consumer app.huey -l huey.log\n", lines=(1,)),
        Fires("web: daphne --access-log access.log -p $PORT app.asgi:application\n", lines=(1,)),
        Fires("web: hypercorn --error-logfile errors.log -b :$PORT app:app\n", lines=(1,)),
        Fires("worker: python worker.py >> worker.log 2>&1\n", lines=(1,)),
    ]


class EmbeddedScheduler(ProcessFileRule):
    code = "TWC514"
    VALID = [
        Quiet("worker: celery -A app worker\nbeat: celery -A app beat\n"),
        Quiet("worker: rq worker default\n"),
        Quiet("worker: celery -A app worker -P solo -Q default\n"),
    ]
    INVALID = [
        Fires("worker: celery -A app worker -B\n", lines=(1,)),
        Fires("worker: celery worker --app=app --beat -c 2\n", lines=(1,)),
        Fires("worker: python manage.py celeryd --beat\n", lines=(1,)),
        Fires("worker: rq worker --with-scheduler default\n", lines=(1,)),
    ]


class WebPort(ProcessFileRule):
    code = "TWC515"
    VALID = [
        Quiet("web: gunicorn app:app\n"),  # gunicorn binds $PORT by itself
        Quiet("web: gunicorn -b 0.0.0.0:$PORT app:app\n"),
        Quiet("web: uvicorn app:app --host 0.0.0.0 --port $PORT\n"),
        Quiet("web: uvicorn app:app --host 0.0.0.0 --port=${PORT:-8000}\n"),
        Quiet("web: waitress-serve --port=$PORT app:app\n"),
        Quiet("web: daphne -b 0.0.0.0 -p $PORT app.asgi:application\n"),
        Quiet("worker: uvicorn app:app --port 8000\n"),  # only web receives traffic on $PORT
        Quiet("web: bin/rails server -b 0.0.0.0\n"),
        Quiet("web: gunicorn -c gunicorn.conf.py app:app\n"),
        Quiet("web: python manage.py runserver 0.0.0.0:$PORT\n"),
    ]
    INVALID = [
        Fires("web: gunicorn -b 0.0.0.0:8000 app:app\n", lines=(1,)),
        Fires("web: gunicorn --bind=:5000 app:app\n", lines=(1,)),
        Fires("web: uvicorn app:app --host 0.0.0.0\n", lines=(1,)),
        Fires("web: uvicorn app:app --port 8000\n", lines=(1,)),
        Fires("web: waitress-serve app:app\n", lines=(1,)),
        Fires("web: daphne app.asgi:application\n", lines=(1,)),
        Fires("web: PORT=8000 python app.py\n", lines=(1,)),
        Fires("web: python manage.py runserver\n", lines=(1,)),
        Fires("web: python manage.py runserver 0.0.0.0:5000\n", lines=(1,)),
        Fires("web: python -m http.server 8080\n", lines=(1,)),
        Fires("web: unset PORT && bin/rails server\n", lines=(1,)),
        Fires("web: streamlit run app.py --server.port=8000\n", lines=(1,)),
        Fires("web: java -Dserver.port=8080 -jar app.jar\n", lines=(1,)),
    ]


class DevelopmentServer(ProcessFileRule):
    code = "TWC516"
    VALID = [
        Quiet("web: gunicorn app:app\n"),
        Quiet("web: python manage.py collectstatic --noinput && gunicorn app.wsgi\n"),
    ]
    INVALID = [
        Fires("web: python manage.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
        Fires("web: ./manage.py runserver_plus 0.0.0.0:$PORT\n", lines=(1,)),
        Fires("web: flask run --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Fires("web: gunicorn --reload app:app\n", lines=(1,)),
        Fires("web: uvicorn app:app --reload --host 0.0.0.0 --port $PORT\n", lines=(1,)),
        Fires("web: python app.py runserver 0.0.0.0:$PORT\n", lines=(1,)),
    ]


class NestedProcessManager(ProcessFileRule):
    code = "TWC517"
    VALID = [Quiet("web: gunicorn app:app\nworker: celery -A app worker\n")]
    INVALID = [
        Fires("web: honcho -f Procfile.prod start --port $PORT\n", lines=(1,)),
        Fires("web: foreman start -f Procfile.web\n", lines=(1,)),
        Fires("all: supervisord -n -c supervisord.conf\n", lines=(1,)),
    ]


class MigrationInProcessType(ProcessFileRule):
    code = "TWC518"
    VALID = [
        Quiet("release: python manage.py migrate --noinput\nweb: gunicorn app.wsgi\n"),
        Quiet("release: cd app && python manage.py migrate && python manage.py collectstatic\n"),
        Quiet("migrate: python manage.py migrate\n"),
    ]
    INVALID = [
        Fires("web: python manage.py migrate && gunicorn app.wsgi\n", lines=(1,)),
        Fires("web: flask db upgrade; gunicorn app:app\n", lines=(1,)),
        Fires("web: bundle exec rake db:migrate && bundle exec puma -C config/puma.rb\n", lines=(1,)),
        Fires("web: sh -c 'alembic upgrade head && uvicorn app:app --host 0.0.0.0 --port $PORT'\n", lines=(1,)),
        Fires("migrate: python manage.py migrate\nall: honcho start migrate web\nweb: gunicorn app.wsgi\n",
              lines=(2,)),
    ]


class SigtermReload(ProcessFileRule):
    code = "TWC519"
    VALID = [
        Quiet("web: uwsgi --http :$PORT --die-on-term --module app\n"),
        Quiet("web: uwsgi uwsgi.ini\n", files=(("uwsgi.ini", "[uwsgi]\nhttp = :$(PORT)\ndie-on-term = true\n"),)),
    ]
    INVALID = [
        Fires("web: uwsgi --http :$PORT --module app\n", lines=(1,)),
        Fires("web: uwsgi --ini uwsgi.ini\n", files=(("uwsgi.ini", "[uwsgi]\nhttp = :$(PORT)\nmaster = true\n"),),
              lines=(1,)),
    ]
