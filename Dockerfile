# p2p-chat in a container: `docker compose run --rm chat-node` (see README.md, "Docker").
#
# Stage 1 builds with the same make steps as a Debian machine (`make static`: the Debian build packages,
# then a release build with the Swift runtime linked in, stripped). Stage 2 is a small Debian runtime with
# only the C libraries the binary links (libsodium, ncursesw, SQLite), the terminfo entries, and a non-root user.
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
# make's `deps` step first, on its own layer: the package list changes rarely.
COPY Makefile ./
RUN make deps
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY bench ./bench
COPY themes ./themes
RUN make static

FROM ${RUNTIME_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libsodium23 libncursesw6 libsqlite3-0 libstdc++6 ncurses-base ncurses-term tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home chat \
 && mkdir -p /data /usr/share/p2p-chat \
 && chown chat:chat /data && chmod 0700 /data
COPY --from=build /src/.build/p2p-chat /usr/local/bin/p2p-chat
COPY --from=build /src/themes /usr/share/p2p-chat/themes
ENV LANG=C.UTF-8 \
    DATA_DIR=/data \
    CHAT_TOPIC=p2p-chat-default
# One data directory serves one process (p2p-chat locks it): each container gets its own volume.
VOLUME ["/data"]
USER chat
WORKDIR /data
# A fixed port inside the container, so `-p 4001:4001` can publish it; mDNS uses UDP 5353 on the network.
EXPOSE 4001/tcp
ENTRYPOINT ["/usr/local/bin/p2p-chat"]
CMD ["--listen", "/ip4/0.0.0.0/tcp/4001"]
