#!/usr/bin/env bash
# Installs (or upgrades) the ICT Strategy Portal on a Debian 12 server from the source
# tree this script is in. The Dockerfile runs it too, so a container and a server get
# the same install. Running it again is safe: each run installs a new release beside
# the last and switches to it at the end, so a failed run leaves the running release
# alone.
#
#   $PREFIX/releases/<time>/  the code, its built GOV.UK Frontend stylesheet and the
#                             collected static files (read-only to the service)
#   $PREFIX/app               -> the current release (what the units run)
#   $PREFIX/venv              the Python packages of requirements.txt
#   $DATA_DIR/media           uploads and produced reports (DJANGO_MEDIA_ROOT), the
#                             service user's alone
#   $ENV_FILE                 the settings, written from a template only if missing
#
# It does not migrate the database unless given --migrate: in a rolling upgrade of
# several nodes the migrations run once, from one of them (deploy/bin/migrate).
set -euo pipefail

usage() {
  cat <<EOF
Usage: deploy/install.sh [options]

  --prefix DIR            where to install (ICTSTRATEGY_PREFIX; /opt/ictstrategy)
  --env-file FILE         the settings file (ICTSTRATEGY_ENV_FILE; /etc/ictstrategy/portal.env);
                          a template is written if it is missing, never over one
  --no-env-file           write no settings file (a container is given its settings)
  --data-dir DIR          uploads and reports go in DIR/media (ICTSTRATEGY_DATA_DIR;
                          /var/lib/ictstrategy)
  --user NAME             the service account (ICTSTRATEGY_USER; ictstrategy)
  --python PATH           the Python to make the virtualenv with (PYTHON; python3.11)
  --systemd-dir DIR       where the units go (ICTSTRATEGY_SYSTEMD_DIR; /etc/systemd/system)
  --no-system-packages    install no Debian packages (they are there already)
  --no-user               create no account; the files belong to whoever runs this
  --no-systemd            install no systemd units
  --migrate               apply the database migrations (with the settings file)
                          before switching to the new release
EOF
}

prefix="${ICTSTRATEGY_PREFIX:-/opt/ictstrategy}"
env_file="${ICTSTRATEGY_ENV_FILE:-/etc/ictstrategy/portal.env}"
data_dir="${ICTSTRATEGY_DATA_DIR:-/var/lib/ictstrategy}"
user="${ICTSTRATEGY_USER:-ictstrategy}"
python="${PYTHON:-python3.11}"
systemd_dir="${ICTSTRATEGY_SYSTEMD_DIR:-/etc/systemd/system}"
system_packages=yes
make_user=yes
systemd=yes
write_env_file=yes
migrate=no

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift ;;
    --env-file) env_file="$2"; shift ;;
    --no-env-file) write_env_file=no ;;
    --data-dir) data_dir="$2"; shift ;;
    --user) user="$2"; shift ;;
    --python) python="$2"; shift ;;
    --systemd-dir) systemd_dir="$2"; shift ;;
    --no-system-packages) system_packages=no ;;
    --no-user) make_user=no ;;
    --no-systemd) systemd=no ;;
    --migrate) migrate=yes ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

source_dir="$(cd "$(dirname "$0")/.." && pwd)"
# The units and the app symlink need absolute paths.
prefix="$(realpath -m "$prefix")"
env_file="$(realpath -m "$env_file")"
data_dir="$(realpath -m "$data_dir")"
venv="$prefix/venv"
say() { echo "==> $*"; }

# Code and static files are world-readable and nobody's to change but root's;
# the settings and the media folder are set apart below.
umask 022

# sass, which builds the stylesheet, needs Node.js 20.19 or newer; Debian 12 has 18.
node_is_new_enough() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
             process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)'
}

if [ "$system_packages" = yes ]; then
  say "Installing Debian packages"
  # Python 3.11 and venv; Pango and a font for WeasyPrint's PDF; pg_dump for
  # `manage.py backup` (it must be at least as new as the PostgreSQL server: Debian
  # 12's is 15).
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    ca-certificates python3.11 python3.11-venv \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client >/dev/null
  if ! node_is_new_enough; then
    say "Adding NodeSource's Node.js 20 repository (Debian 12's Node.js is too old)"
    apt-get install -y -qq --no-install-recommends curl gpg >/dev/null
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key |
      gpg --batch --yes --dearmor -o /usr/share/keyrings/nodesource.gpg
    cat >/etc/apt/sources.list.d/nodesource.sources <<'SOURCES'
Types: deb
URIs: https://deb.nodesource.com/node_20.x
Suites: nodistro
Components: main
Signed-By: /usr/share/keyrings/nodesource.gpg
SOURCES
    apt-get update -qq
    # NodeSource's nodejs package brings npm with it.
    apt-get install -y -qq --no-install-recommends nodejs >/dev/null
  fi
fi
if ! node_is_new_enough; then
  echo "install.sh: the stylesheet's build needs Node.js 20.19 or newer, with npm" \
    "(found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ "$make_user" = yes ]; then
  if ! getent passwd "$user" >/dev/null; then
    say "Creating the system account $user"
    useradd --system --user-group --home-dir "$data_dir" --no-create-home \
      --shell /usr/sbin/nologin "$user"
  fi
  owner="$user"
  group="$(id -gn "$user")"
else
  owner="$(id -un)"
  group="$(id -gn)"
fi

mkdir -p "$prefix/releases" "$data_dir/media"
# Uploads hold personal and commercial data: the service account's alone (as
# FILE_UPLOAD_DIRECTORY_PERMISSIONS makes the folders under it).
chown "$owner:$group" "$data_dir" "$data_dir/media"
chmod 0700 "$data_dir" "$data_dir/media"

release="$prefix/releases/$(date -u +%Y%m%d%H%M%S)"
while [ -e "$release" ]; do sleep 1; release="$prefix/releases/$(date -u +%Y%m%d%H%M%S)"; done
say "Copying the code into $release"
mkdir "$release.partial"
trap 'rm -rf "$release.partial"' EXIT
# What the repository's .gitignore keeps out, and the repository itself.
tar -C "$source_dir" -c \
  --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./static/dist \
  --exclude=./staticfiles --exclude=./var --exclude=./media --exclude=./env.sh \
  --exclude=__pycache__ --exclude='*.pyc' --exclude=.pytest_cache --exclude=.ruff_cache \
  --exclude=./test-results --exclude=./control . |
  tar -C "$release.partial" -x --no-same-owner

if [ ! -x "$venv/bin/python" ]; then
  say "Creating the virtualenv $venv"
  "$python" -m venv "$venv"
fi
say "Installing the Python packages"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$release.partial/requirements.txt"

say "Building the GOV.UK Frontend stylesheet"
# As the Makefile's `frontend` target: the pinned packages, then the build. Node.js is
# needed only here; the release keeps the built files, not node_modules.
(
  cd "$release.partial"
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent build
  rm -rf node_modules
)

say "Collecting the static files"
# Production settings (WhiteNoise's compressed, fingerprinted storage) with placeholder
# services: collecting reads only the code, so no secret or server is needed, and a
# container image is built with none.
(
  cd "$release.partial"
  env DJANGO_SETTINGS_MODULE=ictstrategy.settings.production \
    DJANGO_SECRET_KEY=collectstatic-needs-no-secret DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://collectstatic.invalid/none \
    DJANGO_CACHE_URL=redis://collectstatic.invalid/0 \
    CELERY_BROKER_URL=redis://collectstatic.invalid/0 \
    "$venv/bin/python" manage.py collectstatic --noinput -v0
)
# collectstatic gives its files the modes of uploads (FILE_UPLOAD_PERMISSIONS, 0600 and
# 0700), which would leave them to root: they are public, and the service reads them.
chmod -R u=rwX,go=rX "$release.partial/staticfiles"

if [ "$write_env_file" = yes ]; then
  if [ -e "$env_file" ]; then
    say "Keeping the settings in $env_file"
  else
    say "Writing a settings template to $env_file: fill it in before starting"
    mkdir -p "$(dirname "$env_file")"
    secret="$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    (
      umask 077
      sed -e "s|@SECRET_KEY@|$secret|" -e "s|@MEDIA_ROOT@|$data_dir/media|" \
        "$release.partial/deploy/portal.env.template" >"$env_file.new"
    )
    # Readable by root and the service account only: it holds the secret key and the
    # database password.
    chown "root:$group" "$env_file.new" 2>/dev/null || true
    chmod 0640 "$env_file.new"
    [ "$make_user" = yes ] || chmod 0600 "$env_file.new"
    mv "$env_file.new" "$env_file"
  fi
fi

if [ "$migrate" = yes ]; then
  say "Applying the database migrations"
  (
    set -a
    # shellcheck source=/dev/null
    . "$env_file"
    set +a
    ICTSTRATEGY_VENV="$venv" "$release.partial/deploy/bin/migrate"
  )
fi

mv "$release.partial" "$release"
# The release is read-only to the service, so Python could not write its bytecode: write
# it now, under the release's final name (-f: over what the steps above left, which
# names the .partial folder in its tracebacks).
"$venv/bin/python" -m compileall -q -f "$release" >/dev/null
say "Switching $prefix/app to $release"
ln -sfn "$release" "$prefix/app.new"
mv -T "$prefix/app.new" "$prefix/app"
# Keep the last three releases, for going back with one `ln -sfn`.
find "$prefix/releases" -mindepth 1 -maxdepth 1 -name '*.partial' -prune -o -type d -print |
  sort -r | tail -n +4 | xargs -r rm -rf

if [ "$systemd" = yes ]; then
  say "Installing the systemd units into $systemd_dir"
  mkdir -p "$systemd_dir"
  for unit in "$prefix"/app/deploy/systemd/*.service; do
    sed -e "s|/opt/ictstrategy|$prefix|g" \
      -e "s|/etc/ictstrategy/portal.env|$env_file|g" \
      -e "s|/var/lib/ictstrategy|$data_dir|g" \
      -e "s|^User=ictstrategy$|User=$owner|" -e "s|^Group=ictstrategy$|Group=$group|" \
      "$unit" >"$systemd_dir/$(basename "$unit")"
  done
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    # What already runs moves to the new release: gunicorn gracefully, the workers and
    # beat after finishing their tasks. Nothing is enabled or started here: choose
    # which node runs what (beat on one, or two for failover).
    # --no-block: a worker's warm shutdown may take as long as its longest task.
    systemctl try-reload-or-restart ictstrategy-web.service
    systemctl --no-block try-restart ictstrategy-worker.service ictstrategy-beat.service
  else
    say "systemd is not running here: units installed, not loaded"
  fi
fi

say "Installed $release"
