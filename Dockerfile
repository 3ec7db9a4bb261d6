# The Mutual application image: the web app (gunicorn), `mutual init` and `mutual worker`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MUTUAL_DATA_DIR=/data
RUN useradd --system --create-home --home-dir /app mutual && mkdir /data && chown mutual /data
WORKDIR /app
COPY --chown=mutual pyproject.toml README.md ./
# The floors, bottom to top (docs/architecture.md); tests/test_packaging.py checks the list.
COPY --chown=mutual ground ./ground
COPY --chown=mutual catalog ./catalog
COPY --chown=mutual crawlers ./crawlers
COPY --chown=mutual indexer ./indexer
COPY --chown=mutual alerts ./alerts
COPY --chown=mutual webapp ./webapp
COPY --chown=mutual mutual ./mutual
COPY --chown=mutual demo ./demo
RUN pip install --no-cache-dir '.[serve,postgres]'
USER mutual
EXPOSE 8000
# The app logs each request as a JSON line with its request id: no gunicorn access log.
CMD ["gunicorn", "--workers", "2", "--threads", "4", "--bind", "0.0.0.0:8000", "webapp:create_app()"]
