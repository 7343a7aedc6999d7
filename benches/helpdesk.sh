#!/usr/bin/env bash
# The django-helpdesk peer (issue 15): the same create/list phases as `benches/requests.sh limit`, against
# django-helpdesk's REST API (`POST /api/tickets/`, DRF token auth), run in the same sitting so the ratio
# Xinghuo : peer is measured, not remembered.
#
#   benches/helpdesk.sh            (then summarise.py over $OUT_DIR/*.jsonl as for requests.sh)
#
# Nothing of the peer is committed: pip installs django-helpdesk, Django REST framework and gunicorn from
# PyPI into a virtualenv beside the build ($CARGO_TARGET_DIR/helpdesk), and this script writes the small
# Django project that mounts helpdesk's URLs there. Production-like settings: DEBUG off, SQLite in WAL
# mode, gunicorn with one sync worker per core (WORKERS, default 2), DRF page size 25. A superuser, its
# token and one queue are made before the run; the load is ../shared/bench/load/load.sh PROFILE=helpdesk
# (wrk, CONC connections), which posts tickets with a unique title and lists 25-ticket pages.
source "$(dirname "$0")/lib.sh"
OUT_DIR=${OUT_DIR:-$ROOT/target/bench-results}
HD=${HD_DIR:-$CARGO_TARGET_DIR/helpdesk}
PORT=${PORT:-18095}
WORKERS=${WORKERS:-$(nproc)}
export SEED=${SEED:-0} N_CREATE=${N_CREATE:-1000} N_LIST=${N_LIST:-0} N_EXTRA=${N_EXTRA:-0} RUNS=${RUNS:-3} CONC=${CONC:-16}
mkdir -p "$OUT_DIR" "$HD"

if [ ! -x "$HD/venv/bin/gunicorn" ]; then
  python3 -m venv "$HD/venv"
  "$HD/venv/bin/pip" install -q 'django-helpdesk>=2.6,<3' 'djangorestframework>=3.15' 'gunicorn>=23'
fi

mkdir -p "$HD/site/peer"
: > "$HD/site/peer/__init__.py"
cat > "$HD/site/peer/settings.py" <<'PY'
import os
BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE, "db.sqlite3"),
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 30,
                "transaction_mode": "IMMEDIATE"},
}}
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR", "handlers": []}}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
}
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_ACTIVATE_API_ENDPOINT = True
PY
cat > "$HD/site/peer/urls.py" <<'PY'
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
PY
cat > "$HD/site/peer/wsgi.py" <<'PY'
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer.settings")
application = get_wsgi_application()
PY

cd "$HD/site"
export DJANGO_SETTINGS_MODULE=peer.settings PYTHONPATH="$HD/site"
rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
"$HD/venv/bin/python" -m django migrate -v 0
"$HD/venv/bin/python" - <<'PY' > vars
import django; django.setup()
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
u = User.objects.create_superuser("bench", "bench@example.org", "bench-pass")
q = Queue.objects.create(title="Repairs", slug="repairs", allow_public_submission=False)
print(Token.objects.create(user=u).key, q.id)
PY
read -r TOKEN QUEUE < vars
"$HD/venv/bin/gunicorn" peer.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" --log-level warning >"$HD/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 150); do curl -sf -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT/api/" >/dev/null && break; sleep 0.2; done
# One ticket by hand first: the script stops here, not in the middle of wrk, if the API refuses it.
curl -sf -H "Authorization: Token $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"queue\":$QUEUE,\"title\":\"probe\",\"description\":\"probe\",\"submitter_email\":\"p@example.org\",\"priority\":3}" \
  "http://127.0.0.1:$PORT/api/tickets/" >/dev/null
PROFILE=helpdesk AUTH="Token $TOKEN" HD_QUEUE=$QUEUE NAME=helpdesk OUT="$OUT_DIR/helpdesk.jsonl" \
  "$SHARED/bench/load/load.sh" "http://127.0.0.1:$PORT"
