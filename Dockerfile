# The Mutual application image: the web app (gunicorn) and the crawl/index worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MUTUAL_DATA_DIR=/data
RUN useradd --system --create-home --home-dir /app mutual && mkdir /data && chown mutual /data
WORKDIR /app
COPY --chown=mutual pyproject.toml README.md ./
COPY --chown=mutual mutual ./mutual
COPY --chown=mutual catalog ./catalog
COPY --chown=mutual crawlers ./crawlers
COPY --chown=mutual indexer ./indexer
COPY --chown=mutual webapp ./webapp
COPY --chown=mutual demo ./demo
RUN pip install --no-cache-dir '.[serve,postgres]'
USER mutual
EXPOSE 8000
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "webapp:create_app()"]
