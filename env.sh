export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ict_perf-portfolio
export CELERY_BROKER_URL=redis://127.0.0.1:6379/2
export DJANGO_SETTINGS_MODULE=ictstrategy.settings.test
