# One image for every service's web, worker and migration containers (the command picks the role).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TOP100_DATA_DIR=/var/lib/top100

WORKDIR /app
# Dependencies first (pinned), so a code change does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN mkdir -p shared services \
    && touch shared/__init__.py services/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y top100
COPY shared ./shared
COPY services ./services
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py
RUN pip install --no-deps -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /var/lib/top100 --create-home top100

USER top100
EXPOSE 8000
# docker compose and Kubernetes set the command; this default serves intake.
ENV TOP100_SERVICE=intake TOP100_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "/app/deploy/gunicorn.conf.py", "services.intake.app:create_app()"]
