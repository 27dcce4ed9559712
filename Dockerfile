# syntax=docker/dockerfile:1
# The HTTP server as an image: streamable HTTP at /mcp, SSE at /sse, the REST API and the web page at /,
# /health. Settings are KAGGLE_MCP_* variables (README, "Settings"): KAGGLE_API_TOKEN for kaggle.com, or
# KAGGLE_MCP_SANDBOX=1 to try it on the embedded sandbox.
#   docker build -t kaggle-agent-mcp .
#   docker run -p 127.0.0.1:8000:8000 -e KAGGLE_API_TOKEN -e KAGGLE_MCP_HTTP_TOKEN kaggle-agent-mcp
# For a team (many users, two replicas, PostgreSQL, a proxy in front): compose.yaml.

# Stage 1: the wheel, built from the source the way `python -m build` builds it anywhere.
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY kaggle_mcp ./kaggle_mcp
RUN pip install --no-cache-dir build==1.6.1 && python -m build --wheel --outdir /dist

# Stage 2: the wheel installed, run by a user without privileges.
FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin kaggle
COPY --from=wheel /dist/ /tmp/dist/
# with the PostgreSQL store (the `postgres` extra), which replicas of a hosted deployment share; hadolint
# reads "<wheel>[postgres]" as an unpinned package name, but it is the wheel built above
# hadolint ignore=DL3013
RUN set -- /tmp/dist/*.whl && pip install --no-cache-dir "$1[postgres]" && rm -r /tmp/dist
USER 10001
WORKDIR /home/kaggle
# A server in a container must listen on every interface to be reached through a published port, so the
# CLI's loopback-only default is overridden here, explicitly; the server then refuses to start without
# KAGGLE_MCP_HTTP_TOKEN. Publish the port on 127.0.0.1 as well.
ENV KAGGLE_MCP_HOST=0.0.0.0 \
    KAGGLE_MCP_PORT=8000 \
    KAGGLE_MCP_WORKSPACE=/home/kaggle/workspace \
    KAGGLE_MCP_CACHE_DIR=/home/kaggle/cache \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['KAGGLE_MCP_PORT'], timeout=4)"]
# The server reads KAGGLE_MCP_HOST and KAGGLE_MCP_PORT itself, and is PID 1, so it receives docker's SIGTERM.
CMD ["kaggle-agent-mcp", "serve", "--transport", "http"]
