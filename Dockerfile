# syntax=docker/dockerfile:1
#
# One image for every process of the project:
#   web (default)  python -m bot web --host 0.0.0.0 --port 8000
#   worker         python -m bot worker
#   studio         python -m studio serve --host 0.0.0.0 --port 8092 --data-dir /data/studio \
#                      --public-url https://<where LINE can fetch studio's /files/>
#
# No secret is baked in: every setting comes from the environment at run time
# (deploy/env.example lists them). Runs as uid/gid 10001 and works with a read-only root
# filesystem as long as /tmp is writable (caches go to /tmp/cache).
#
#   docker build -t line-promo-video-bot .
#   docker run --env-file deploy/.env -p 8000:8000 line-promo-video-bot

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: a virtualenv with the project and its dependencies ----------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, read from pyproject.toml, so a code change does not reinstall them.
# Every dependency ships manylinux wheels for CPython 3.11: no compiler is needed.
# constraints.txt pins them (and theirs) to the versions the tests passed with.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt

# The project itself (no dev extras).
COPY README.md NOTICE ./
COPY bot ./bot
COPY handlers ./handlers
COPY studio ./studio
COPY linesim ./linesim
RUN pip install --no-deps .

# --- runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="line-promo-video-bot" \
      org.opencontainers.image.description="LINE bot that turns Japanese text into promo videos: web, worker and studio in one image" \
      org.opencontainers.image.licenses="MIT"

# ffmpeg: studio renders, the bot grabs preview frames. fonts-noto-cjk + fontconfig
# (fc-match): Japanese typography. Versions come from the pinned Debian release of the
# base image; pinning each package's exact version would break on every security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it and volumes can be
# prepared for it (fsGroup 10001).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /data/studio \
    && chown -R app:app /data

COPY --from=build /opt/venv /opt/venv
COPY --from=build /src/NOTICE /usr/share/doc/line-promo-video-bot/NOTICE
COPY --chmod=0755 deploy/healthcheck.py /usr/local/bin/healthcheck

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/tmp/cache

USER 10001:10001
WORKDIR /home/app

# web: 8000; studio: 8092 (worker metrics, when WORKER_METRICS_PORT is set: 9100 by convention).
EXPOSE 8000 8092

# Checks whichever of web / studio runs in the container (see deploy/healthcheck.py);
# a worker is healthy while its process runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["healthcheck"]

# Both the web (uvicorn) and the worker (SAQ) stop cleanly on SIGTERM; the worker needs
# up to ~25 s to finish running jobs: give it `docker stop -t 45` / stop_grace_period.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "web", "--host", "0.0.0.0", "--port", "8000"]
