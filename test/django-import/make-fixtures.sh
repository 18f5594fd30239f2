#!/usr/bin/env bash
# Makes the Django fixtures of the `tessera import-django` tests with REAL Django: the reference
# server (../../../shared/reference: Debian's Django 3.2, DRF 3.14, simplejwt 5.2.2) through its
# own manage.py, with REF_DB pointing at a fresh database, plus Debian's python3-bcrypt and
# python3-argon2 for those hashers. The generated files are committed in fixtures/, so the tests
# (and CI) need no Django; this script is how they were made, and re-running it replaces them.
#
#   test/django-import/make-fixtures.sh
#
# It writes:
#   fixtures/django.sqlite3          a reference database (auth.User): one user per password
#                                    format Django 3.2 has (pbkdf2_sha256, pbkdf2_sha1, argon2 =
#                                    argon2id, legacy argon2i, bcrypt_sha256, bcrypt, sha1, md5,
#                                    unsalted_sha1, unsalted_md5, crypt), scrypt in Django 4.0+'s
#                                    format (computed with Python's hashlib.scrypt, since Django
#                                    3.2 has no scrypt hasher), an unusable password, an inactive
#                                    user; two groups with permissions; tokens issued by the
#                                    reference's /api/token/ view, one of them blacklisted through
#                                    /api/token/blacklist/
#   fixtures/django.json             the manifest: passwords in clear, formats, ids, tokens
#   fixtures/django-dump.json        `manage.py dumpdata auth contenttypes token_blacklist` of it
#   fixtures/django-email.sqlite3    the same for the tutorials' custom user model (users.CustomUser,
#   fixtures/django-email.json       log in by email; no username column; display name in `name`)
#   fixtures/django-email-dump.json  (dumpdata auth contenttypes users token_blacklist)
#   fixtures/django-postgres.sql     the standard set made by Django on PostgreSQL (a schema named
#   fixtures/django-postgres.json    django_fixture), as `pg_dump --inserts`
#
# Tokens are issued with lifetimes of 100 years (REF_ACCESS_S / REF_REFRESH_S), so the committed
# ones stay valid; the signing key is FIXTURE_SECRET_KEY below (the tests use the same).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
reference=$(cd "$here/../../../shared/reference" 2>/dev/null && pwd || cd /work/shared/reference && pwd)
out="$here/fixtures"
python=/usr/bin/python3
export REF_SECRET_KEY="django-import-fixture-secret-key-0123456789abcdef"
export REF_ACCESS_S=3155760000 REF_REFRESH_S=3155760000
export PYTHONPATH="$here/django:$reference" PYTHONDONTWRITEBYTECODE=1

if ! $python -c 'import rest_framework_simplejwt, bcrypt, argon2, psycopg2' 2>/dev/null; then
  apt-get install -y -qq python3-djangorestframework-simplejwt python3-djangorestframework python3-django \
    python3-bcrypt python3-argon2 python3-psycopg2 >/dev/null
fi

manage() { "$python" "$reference/manage.py" "$@"; }
populate() { manage shell -c "exec(open('$here/django/populate.py').read())"; }
work=$(mktemp -d /tmp/django-fixtures-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# The custom user app's migration, as makemigrations writes it (made once, in the scratch copy).
cp -r "$here/django/users" "$work/users"
export PYTHONPATH="$work:$here/django:$reference"
rm -rf "$work/users/migrations"
DJANGO_SETTINGS_MODULE=fixturesite.settings_email REF_DB="$work/scratch.sqlite3" manage makemigrations users -v0

# 1. The reference's own user model, on SQLite.
rm -f "$out/django.sqlite3"
export DJANGO_SETTINGS_MODULE=fixturesite.settings REF_DB="$out/django.sqlite3"
manage migrate -v0
FIXTURE_KIND=standard FIXTURE_MANIFEST="$out/django.json" populate
manage dumpdata auth contenttypes token_blacklist --indent 1 -o "$out/django-dump.json"

# 2. The custom user model (log in by email), on SQLite.
rm -f "$out/django-email.sqlite3"
export DJANGO_SETTINGS_MODULE=fixturesite.settings_email REF_DB="$out/django-email.sqlite3"
manage migrate -v0
FIXTURE_KIND=email FIXTURE_MANIFEST="$out/django-email.json" populate
manage dumpdata auth contenttypes users token_blacklist --indent 1 -o "$out/django-email-dump.json"

# 3. The reference's user model on PostgreSQL (127.0.0.1:5432, database test), dumped as SQL.
schema=django_fixture
export PGOPTIONS="-c client_min_messages=warning"
psql -h 127.0.0.1 -U postgres -d test -q -c "drop schema if exists $schema cascade; create schema $schema"
export DJANGO_SETTINGS_MODULE=fixturesite.settings FIXTURE_POSTGRES_SCHEMA=$schema
manage migrate -v0
FIXTURE_KIND=standard FIXTURE_MANIFEST="$out/django-postgres.json" populate
pg_dump -h 127.0.0.1 -U postgres -d test --schema=$schema --inserts --no-owner --no-privileges \
  | grep -v '^\\' > "$out/django-postgres.sql"
psql -h 127.0.0.1 -U postgres -d test -q -c "drop schema $schema cascade"
unset FIXTURE_POSTGRES_SCHEMA

# SQLite leaves its WAL/SHM files only while open; make sure the committed files are whole.
for db in "$out/django.sqlite3" "$out/django-email.sqlite3"; do
  "$python" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('vacuum'); c.close()" "$db"
done
ls -l "$out"
