export DJANGO_SETTINGS_MODULE=ictstrategy.settings.bench
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ictstrategy_bench
export DJANGO_CACHE_URL=redis://127.0.0.1:6379/2
export CELERY_BROKER_URL=redis://127.0.0.1:6379/2
export DJANGO_SECRET_KEY=prof-secret-key-not-real-0123456789abcdefghijklmnop
export DJANGO_ALLOWED_HOSTS=testserver
export PAGE_CACHE=off
